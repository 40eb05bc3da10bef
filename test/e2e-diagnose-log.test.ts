/**
 * The built CLI as a process (dist/ is built by `npm test` before vitest starts) on the real samples
 * and on logs written here.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qrsfixCommand, tool } from './helpers/cli.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(here, '..');
const [COMMAND, PREFIX] = qrsfixCommand();
const SAMPLES = path.resolve(here, 'fixtures/samples');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function qrsfix(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(COMMAND, [...PREFIX, 'diagnose-log', ...args], { cwd: REPO, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const LICENSE_HEADER = 'Sequence#\tTimestamp\tLevel\tHostname\tLogger\tThread\tId\tServiceUser\tMessage\tProxySessionId\tAccessTypeId\tAccessType\tOperation\tUserName\tUserId\tChecksum';

let dir: string;
let cleanLog: string;
beforeAll(async () => {
  const runs = PREFIX[0] ?? COMMAND;
  if (!existsSync(runs)) throw new Error(`${runs} is missing: run \`npm run build\` (npm test does it) first`);
  dir = await mkdtemp(path.join(tmpdir(), 'qrsfix-e2e-logs-'));
  cleanLog = path.join(dir, 'NODE1_License_Repository.txt');
  const grant = ['1', '20240301T085900.000+0100', 'INFO', 'N', 'License.Repository.Repository.Core.Resource.RequestAccessTypeResource', '1', 'i', 'DOMAIN\\qvservice', 'UsageID: u, SessionID: s, SessionCount: 1, Hostname: \'::1\'', 's', '', 'ProfessionalAccess', 'UsageGranted', 'DOMAIN\\alice', 'g', 'c'];
  await writeFile(cleanLog, `\uFEFF${LICENSE_HEADER}\r\n${grant.join('\t')}\r\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('qrsfix diagnose-log (built CLI)', () => {
  it('exits 2 on the samples with a table naming the verdict and the fix', async () => {
    const r = await qrsfix(SAMPLES);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('DOMAIN\\qvservice: matches QLIK-88038');
    expect(r.stdout).toContain('DOMAIN\\administrator: access denied');
    expect(r.stdout).toContain(`${tool()} audit --service-account 'DOMAIN\\qvservice'`);
    expect(r.stdout).toMatch(/04:00 +10 +#+/);
    // Progress and notes on stderr, not in the report.
    expect(r.stderr).toContain('reading 2 files');
    expect(r.stderr).not.toMatch(/signature|malformed/i);
    expect(r.stdout).not.toContain('reading 2 files');
  });

  it('prints exactly one JSON document with --json', async () => {
    const r = await qrsfix(SAMPLES, '--json');
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ command: 'diagnose-log', exitCode: 2, filters: { user: null, since: null }, totals: { denials: 229, usersMatching: 1 } });
    expect(doc.files).toHaveLength(2);
    const q = doc.users.find((u: { user: string }) => u.user === 'DOMAIN\\qvservice');
    expect(q.verdict).toMatchObject({ code: 'matches-QLIK-88038', text: 'matches QLIK-88038' });
    expect(q.verdict.fix).toHaveLength(3);
    expect(q).toMatchObject({ denials: 220, grants: 0, highestSessionCount: null, firstDenial: '2019-01-31T16:59:03.949+01:00', lastDenial: '2019-02-01T13:59:30.561+01:00' });
    expect(q.denialsByHour).toHaveLength(24);
    expect(q.denialSources[0]).toEqual({ origin: 'ManagementAccess', context: '/qrs/requestaccesstype', count: 120, restConnectors: true });
    const admin = doc.users.find((u: { user: string }) => u.user === 'DOMAIN\\administrator');
    expect(admin.verdict.code).toBe('access-denied');
  });

  it('filters with --user in another case and --since', async () => {
    const r = await qrsfix(SAMPLES, '--user', 'domain\\QVSERVICE', '--since', '2019-02-01T12:00', '--format', 'json');
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.users.map((u: { user: string }) => u.user)).toEqual(['DOMAIN\\qvservice']);
    expect(doc.users[0].denials).toBe(20);
  });

  it('writes the markdown report to --out as well', async () => {
    const out = path.join(dir, 'ticket.md');
    const r = await qrsfix(SAMPLES, '--format', 'markdown', '--out', out);
    expect(r.code).toBe(2);
    expect(await readFile(out, 'utf8')).toBe(r.stdout);
    expect(r.stdout).toContain('## `DOMAIN\\qvservice`: matches QLIK-88038');
  });

  it('exits 0 on a clean log', async () => {
    const r = await qrsfix(cleanLog, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ exitCode: 0, totals: { denials: 0, grants: 1 } });
  });

  it('reports the same with parse threads as without them: samples, 12 MB across 4 files plus the license trace, and an odd file', async () => {
    const big = path.join(dir, 'generated');
    const { generateAuditLogs } = (await import(path.join(REPO, 'scripts/gen-audit-logs.mjs'))) as {
      generateAuditLogs(dir: string, o: { mb: number; files: number }): Promise<unknown>;
    };
    await generateAuditLogs(big, { mb: 12, files: 4 });
    // Non-ASCII names, a line longer than a run, a lone CR, a short row, no line end at the end.
    const odd = path.join(dir, 'NODE2_License_Repository.txt');
    const t0 = Date.UTC(2024, 2, 1, 8, 0, 0);
    const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace('Z', '+0000');
    const rows = Array.from({ length: 30_000 }, (_, i) => {
      const user = `DOMAIN\\jürgen${i % 50}`;
      const op = i % 7 === 0 ? 'UsageDenied' : 'UsageGranted';
      const message = i === 10_000 ? 'x'.repeat(3 * 1024 * 1024) : i === 15_000 ? 'UsageID: u, Session\rID: s, SessionCount: 5' : `UsageID: u${i}, SessionID: s${i % 300}, SessionCount: ${1 + (i % 5)}, Hostname: '::1'`;
      const fields = [String(i), stamp(t0 + i * 1000), 'INFO', 'N', 'License.Repository.Repository.Core.Resource.RequestAccessTypeResource', '1', 'id', 'DOMAIN\\qvservice', message, 's', '', 'ProfessionalAccess', op, user, 'g', 'c'];
      return (i === 20_000 ? fields.slice(0, 5) : fields).join('\t');
    });
    await writeFile(odd, `\uFEFF${LICENSE_HEADER}\r\n${rows.join('\r\n')}`);
    for (const input of [[SAMPLES], [big, path.join(SAMPLES, 'QLIKSERVER1_License_Repository.txt')], [odd]]) {
      const main = await qrsfix(...input, '--json', '--threads', '0');
      expect(main.code).toBe(2);
      const report = JSON.parse(main.stdout) as { files: Array<{ rows: number }>; totals: { denials: number } };
      expect(report.totals.denials).toBeGreaterThan(0);
      for (const threads of ['1', '3']) {
        const r = await qrsfix(...input, '--json', '--threads', threads);
        expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: main.stdout });
      }
    }
  });

  it('exits 1 on a bad --threads', async () => {
    const r = await qrsfix(SAMPLES, '--threads', 'many');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--threads "many" is not a number of threads');
  });

  it('exits 1 naming a missing path', async () => {
    const missing = path.join(dir, 'no-such-folder');
    const r = await qrsfix(SAMPLES, missing);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no such file or folder: ${missing}`);
    expect(r.stdout).toBe('');
  });

  it('exits 1 naming a file that is not a Qlik log', async () => {
    const r = await qrsfix(path.join(REPO, 'package.json'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/package\.json is not a Qlik Sense Repository log/);
  });

  it('exits 1 on a bad --user or --since', async () => {
    expect((await qrsfix(SAMPLES, '--user', 'qvservice')).code).toBe(1);
    const r = await qrsfix(SAMPLES, '--since', '2019-02-30');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--since');
  });
});
