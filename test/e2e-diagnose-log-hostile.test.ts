/**
 * diagnose-log on files an attacker or an accident prepared: a FIFO or device is refused (reading it
 * would wait forever), unreadable files and folders are skipped with a warning and listed in the
 * report, a line over 16 MiB is counted as malformed and the rest read, and --out never lands on an
 * input, never replaces a file without --force, never follows a symlink.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, qrsfixCommand } from './helpers/cli.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** As root, permissions do not stop reads: the CLI then runs as nobody, for whom they do. */
const AS = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

function diagnose(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const [command, prefix] = qrsfixCommand();
    execFile(command, [...prefix, 'diagnose-log', ...args], { cwd: REPO, env: { PATH: process.env.PATH, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024, timeout: 30_000, ...AS }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

const HEADER = 'Sequence#\tTimestamp\tLevel\tHostname\tLogger\tThread\tId\tServiceUser\tMessage\tProxySessionId\tAccessTypeId\tAccessType\tOperation\tUserName\tUserId\tChecksum';
const row = (n: number, user: string) =>
  [String(n), '20240301T085900.000+0100', 'INFO', 'N', 'License.Repository.Repository.Core.Resource.RequestAccessTypeResource', '1', 'i', 'DOMAIN\\qvservice', "UsageID: u, SessionID: s, SessionCount: 1, Hostname: '::1'", 's', '', 'ProfessionalAccess', 'UsageGranted', user, 'g', 'c'].join('\t');

let dir: string;
const at = (...p: string[]) => path.join(dir, ...p);

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'qrsfix-e2e-hostile-logs-'));
  chmodSync(dir, 0o777);
  mkdirSync(at('logs'), { mode: 0o755 });
  writeFileSync(at('logs', 'NODE1_License_Repository.txt'), `${HEADER}\r\n${row(1, 'DOMAIN\\alice')}\r\n`, { mode: 0o644 });
  writeFileSync(at('logs', 'NODE2_License_Repository.txt'), `${HEADER}\r\n${row(1, 'DOMAIN\\bob')}\r\n`, { mode: 0o000 });
  mkdirSync(at('logs', 'locked'), { mode: 0o700 });
  writeFileSync(at('logs', 'locked', 'NODE3_License_Repository.txt'), `${HEADER}\r\n${row(1, 'DOMAIN\\carol')}\r\n`);
  if (AS.uid === undefined) chmodSync(at('logs', 'locked'), 0o000);
  // 17 MiB of one line between two good rows.
  writeFileSync(at('NODE4_License_Repository.txt'), `${HEADER}\r\n${row(1, 'DOMAIN\\dave')}\r\n${'x'.repeat(17 * 1024 * 1024)}\r\n${row(3, 'DOMAIN\\erin')}\r\n`, { mode: 0o644 });
});

afterAll(() => {
  if (dir) {
    chmodSync(at('logs', 'locked'), 0o700);
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('diagnose-log on hostile files', () => {
  it.skipIf(process.platform === 'win32')('a FIFO named on the command line: refused at once, not waited on', async () => {
    const fifo = at('NODE9_License_Repository.txt');
    spawnSync('mkfifo', ['-m', '0666', fifo]);
    const r = await diagnose(fifo);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: ${fifo} is not a regular file or a folder (a pipe, socket or device): not read`);
    rmSync(fifo);
  });

  it.skipIf(process.platform === 'win32')('a device: refused the same way', async () => {
    const r = await diagnose('/dev/zero');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not a regular file or a folder');
  });

  it('an unreadable file and an unreadable folder: warned about, skipped, and listed in the report; the rest is read', async () => {
    const r = await diagnose(at('logs'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: ${at('logs', 'NODE2_License_Repository.txt')}: permission denied, skipped`);
    expect(r.stderr).toContain(`warning: ${at('logs', 'locked')}: permission denied, skipped`);
    expect(r.stdout).toContain('Not read, so not counted (2):');
    const json = JSON.parse((await diagnose(at('logs'), '--json')).stdout) as { skipped: Array<{ path: string }>; files: unknown[] };
    expect(json.skipped.map((s) => s.path).sort()).toEqual([at('logs', 'NODE2_License_Repository.txt'), at('logs', 'locked')].sort());
    expect(json.files).toHaveLength(1);
  });

  it('nothing readable at all: an error, not a clean report', async () => {
    const r = await diagnose(at('logs', 'NODE2_License_Repository.txt'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('none of the logs could be read');
  });

  it('a line of 17 MiB is one malformed row; the rows around it are read', async () => {
    const r = await diagnose(at('NODE4_License_Repository.txt'), '--json');
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { files: Array<{ malformed: number; rows: number }>; users: Array<{ user: string }> };
    expect(json.files[0]!.malformed).toBe(1);
    expect(json.users.map((u) => u.user).sort()).toEqual(['DOMAIN\\dave', 'DOMAIN\\erin']);
  });
});

describe('diagnose-log --out', () => {
  it('naming an input, or a log inside an input folder: refused, the evidence untouched', async () => {
    const log = at('logs', 'NODE1_License_Repository.txt');
    const before = readFileSync(log, 'utf8');
    for (const args of [[log, '--out', log, '--force'], [at('logs'), '--out', log, '--force']]) {
      const r = await diagnose(...args);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`--out ${log} is one of the logs being read`);
    }
    expect(readFileSync(log, 'utf8')).toBe(before);
  });

  it('an existing file is replaced only with --force; a symlink never, --force or not', async () => {
    const out = at('report.txt');
    writeFileSync(out, 'old', { mode: 0o666 });
    chmodSync(out, 0o666);
    const refused = await diagnose(at('logs', 'NODE1_License_Repository.txt'), '--out', out);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`--out ${out} exists already`);
    expect(readFileSync(out, 'utf8')).toBe('old');
    const forced = await diagnose(at('logs', 'NODE1_License_Repository.txt'), '--out', out, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('qrsfix diagnose-log');

    const victim = at('victim.txt');
    writeFileSync(victim, 'precious', { mode: 0o666 });
    symlinkSync(victim, at('link.txt'));
    const linked = await diagnose(at('logs', 'NODE1_License_Repository.txt'), '--out', at('link.txt'), '--force');
    expect(linked.code).toBe(1);
    expect(linked.stderr).toContain('is a symbolic link');
    expect(readFileSync(victim, 'utf8')).toBe('precious');
  });
});

describe('ChunkReader line cap', () => {
  it('a line over the cap is skipped unread and counted; no run holds more than the cap', async () => {
    const { BufferPool, ChunkReader } = await import('../src/logs/chunk-reader.js');
    const file = at('capped.txt');
    writeFileSync(file, `short 1\n${'y'.repeat(10_000)}\nshort 2\n${'z'.repeat(9_000)}`);
    const reader = new ChunkReader(file, new BufferPool(1024), 4096);
    const runs: string[] = [];
    for (let run = await reader.next(); run; run = await reader.next()) runs.push(run.bytes.toString('latin1'));
    reader.close();
    expect(runs.join('')).toBe('short 1\nshort 2\n');
    expect(Math.max(...runs.map((r) => r.length))).toBeLessThanOrEqual(4096);
    expect(reader.takeLongLines()).toBe(2);
  });
});
