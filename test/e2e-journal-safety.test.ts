/**
 * Journals are never lost: created exclusively (an existing name, a planted symlink included, is
 * refused before any write), updated through a fresh temporary file, named uniquely by default; and a
 * per-site lock keeps two changes from interleaving, with a stale lock (its process gone) taken over.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultJournalPath } from '../src/remedy/journal.js';
import { lockFileName } from '../src/remedy/site-lock.js';
import { replaceAtomically } from '../src/util/safe-write.js';
import { freshSitePerTest } from './helpers/site.js';
import { qrsfix } from './helpers/cli.js';

const site = freshSitePerTest('e2e-journal-safety');
const removePass = (extra: string[] = []) => site.run(['remove-pass', '--user', 'DOMAIN\\jdoe', '--yes', ...extra]);
const lockFile = () => lockFileName(site.dir, site.sim.host, site.sim.port);

describe('journal names', () => {
  it('the default name has the time to the millisecond and a random part: two runs in the same millisecond get two names', () => {
    const now = new Date('2026-12-03T07:22:10.123Z');
    const a = defaultJournalPath('/state/journals', now);
    const b = defaultJournalPath('/state/journals', now);
    expect(a).toMatch(/^\/state\/journals\/qrsfix-journal-20261203T072210\.123Z-[0-9a-f]{6}\.json$/);
    expect(a).not.toBe(b);
  });

  it('two changes in a row in one folder write two journals', async () => {
    expect((await removePass()).code).toBe(0);
    expect((await site.run(['remove-pass', '--user', 'DOMAIN\\bwilson', '--yes'])).code).toBe(0);
    expect(readdirSync(site.dir).filter((n) => n.startsWith('qrsfix-journal-'))).toHaveLength(2);
  });
});

describe('an existing journal name', () => {
  it('--journal naming an existing file: refused before any write, the file untouched', async () => {
    const file = path.join(site.dir, 'fix.json');
    writeFileSync(file, 'evidence');
    const r = await removePass(['--journal', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the journal ${file} exists already: qrsfix never overwrites a journal`);
    expect(readFileSync(file, 'utf8')).toBe('evidence');
    expect(site.writes()).toEqual([]);
  });

  it('a symlink planted at the journal name is not followed: refused, its target untouched', async () => {
    const victim = path.join(site.dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, path.join(site.dir, 'j.json'));
    const r = await removePass(['--journal', 'j.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('exists already');
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(site.writes()).toEqual([]);
  });

  it('an update replaces a link at the journal name, never the file it points to', () => {
    const victim = path.join(site.dir, 'victim.txt');
    const link = path.join(site.dir, 'journal.json');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, link);
    replaceAtomically(link, '{"new":true}\n');
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(link).isSymbolicLink()).toBe(false);
    expect(readFileSync(link, 'utf8')).toBe('{"new":true}\n');
  });
});

describe('--out never replaces the record of a change', () => {
  it('--out naming --journal or --plan-out: refused before any write', async () => {
    const r = await removePass(['--journal', 'j.json', '--out', 'j.json', '--force']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--out and --journal name the same file');
    expect(site.writes()).toEqual([]);
    expect(existsSync(path.join(site.dir, 'j.json'))).toBe(false);
    const plan = await site.run(['remove-pass', '--user', 'DOMAIN\\jdoe', '--plan-out', 'p.json', '--out', 'p.json']);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('--out and --plan-out name the same file');
    expect(existsSync(path.join(site.dir, 'p.json'))).toBe(false);
  });

  it('--out --force naming a journal (the one rolled back) or a saved plan (the one shown or applied): refused, the file untouched', async () => {
    expect((await removePass(['--journal', 'rp.json'])).code).toBe(0);
    expect((await site.run(['remove-pass', '--user', 'DOMAIN\\bwilson', '--plan-out', 'plan.json'])).code).toBe(0);
    const journal = readFileSync(path.join(site.dir, 'rp.json'), 'utf8');
    const plan = readFileSync(path.join(site.dir, 'plan.json'), 'utf8');
    site.sim.resetRequests();
    for (const [args, kind] of [
      [['rollback', 'rp.json', '--yes', '--out', 'rp.json', '--force'], 'journal'],
      [['apply', 'plan.json', '--dry-run', '--out', 'plan.json', '--force'], 'plan'],
      [['audit', '--out', 'rp.json', '--force'], 'journal'],
    ] as const) {
      const r = await site.run([...args]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(`is a qrsfix ${kind}: a report never replaces one, --force or not`);
    }
    const show = await qrsfix(['show-plan', 'plan.json', '--out', 'plan.json', '--force'], { cwd: site.dir });
    expect(show.code).toBe(1);
    expect(show.stderr).toContain('--out plan.json is a qrsfix plan');
    expect(readFileSync(path.join(site.dir, 'rp.json'), 'utf8')).toBe(journal);
    expect(readFileSync(path.join(site.dir, 'plan.json'), 'utf8')).toBe(plan);
    expect(site.writes()).toEqual([]);
  });
});

describe('one change at a time per site', () => {
  it('a lock held by a live qrsfix: refused with its PID, command and start, and how to clear it; nothing written', async () => {
    writeFileSync(lockFile(), JSON.stringify({ pid: process.pid, machine: hostname(), command: 'fix', startedAt: '2026-12-03T07:00:00.000Z' }));
    const r = await removePass();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: qrsfix fix (PID ${process.pid} on ${hostname()}, since 2026-12-03T07:00:00.000Z) is changing ${site.sim.host}:${site.sim.port}`);
    expect(r.stderr).toContain(`delete ${lockFile()}`);
    expect(site.writes()).toEqual([]);
    expect(existsSync(lockFile())).toBe(true);
  });

  it('a stale lock (its process is gone) is said so and taken over; the run releases the lock at its end', async () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const pid = Number(gone.stdout);
    writeFileSync(lockFile(), JSON.stringify({ pid, machine: hostname(), command: 'fix', startedAt: '2026-12-03T07:00:00.000Z' }));
    const r = await removePass();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: the lock ${lockFile()} of qrsfix fix (PID ${pid}, since 2026-12-03T07:00:00.000Z) is stale`);
    expect(existsSync(lockFile())).toBe(false);
  });

  it('a lock from another machine is not guessed about: refused', async () => {
    writeFileSync(lockFile(), JSON.stringify({ pid: 1, machine: 'other-host', command: 'rollback', startedAt: 'x' }));
    const r = await removePass();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('held from another machine');
  });

  it('rollback and apply take the same lock: refused while another change holds it, nothing written', async () => {
    expect((await removePass(['--journal', 'rp.json'])).code).toBe(0);
    const planned = await site.run(['remove-pass', '--user', 'DOMAIN\\bwilson', '--plan-out', 'plan.json']);
    expect(planned.code, planned.stderr).toBe(0);
    writeFileSync(lockFile(), JSON.stringify({ pid: process.pid, machine: hostname(), command: 'fix', startedAt: '2026-12-03T07:00:00.000Z' }));
    site.sim.resetRequests();
    for (const args of [['rollback', 'rp.json', '--yes'], ['apply', 'plan.json', '--yes']]) {
      const r = await site.run(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(`is changing ${site.sim.host}:${site.sim.port}: one change at a time per site`);
    }
    expect(site.writes()).toEqual([]);
  });

  it('a dry run takes no lock', async () => {
    writeFileSync(lockFile(), JSON.stringify({ pid: process.pid, machine: hostname(), command: 'fix', startedAt: 'x' }));
    expect((await site.run(['remove-pass', '--user', 'DOMAIN\\jdoe', '--dry-run'])).code).toBe(0);
  });
});
