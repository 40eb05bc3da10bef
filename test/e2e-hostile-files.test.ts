/**
 * Files named on the command line or found by name are what is there, not what they should be: a FIFO
 * (which would hang the run), a device such as /dev/zero (which never ends) or a folder is refused at
 * once with what it is, for the plan, the journal, the sites file and the certificates; a FIFO planted
 * under a journal's name in the journal folder does not stop a change.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { qrsfix } from './helpers/cli.js';
import { lockFileName } from '../src/remedy/site-lock.js';
import { planDigest } from '../src/remedy/plan-file.js';
import { sharedSitePerFile } from './helpers/site.js';

const site = sharedSitePerFile('e2e-hostile-files');
const NOT_REGULAR = 'not a regular file (a folder, a FIFO or a device)';

function fifo(name: string): string {
  const file = path.join(site.dir, name);
  rmSync(file, { force: true });
  execFileSync('mkfifo', [file]);
  return file;
}

describe.skipIf(process.platform === 'win32')('hostile files', () => {
  it('a plan, a journal or a sites file that is a FIFO, a device or a folder: refused at once, nothing read from the site', async () => {
    const pipe = fifo('pipe.json');
    for (const [args, what] of [
      [['show-plan', pipe], 'the plan'],
      [['apply', pipe, '--yes'], 'the plan'],
      [['rollback', pipe, '--yes'], 'the journal'],
      [['rollback', '/dev/zero', '--yes'], 'the journal'],
      [['show-plan', '/dev/zero'], 'the plan'],
      [['rollback', site.dir, '--yes'], 'the journal'],
    ] as const) {
      // show-plan reads no site: it takes no connection flags.
      const r = args[0] === 'show-plan' ? await qrsfix([...args], { cwd: site.dir }) : await site.run([...args]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(`cannot read ${what} `);
      expect(r.stderr).toContain(NOT_REGULAR);
    }
    const config = await qrsfix(['audit', '--config', pipe], { cwd: site.dir });
    expect(config.code).toBe(1);
    expect(config.stderr).toContain(`cannot read the sites file ${pipe}: ${NOT_REGULAR}`);
    expect(site.sim.requests).toEqual([]);
  });

  it('a plan forged to re-read outside /qrs (a ".." segment, digest recomputed): refused before any request', async () => {
    rmSync(path.join(site.dir, 'dots.json'), { force: true });
    expect((await site.run(['remove-pass', '--user', 'DOMAIN\\jdoe', '--plan-out', 'dots.json'])).code).toBe(0);
    const plan = JSON.parse(readFileSync(path.join(site.dir, 'dots.json'), 'utf8'));
    plan.reads[0].path = '/qrs/../about';
    plan.digest = planDigest(plan);
    writeFileSync(path.join(site.dir, 'dots.json'), JSON.stringify(plan));
    site.sim.resetRequests();
    const r = await site.run(['apply', 'dots.json', '--dry-run']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not a QRS path');
    expect(site.sim.requests).toEqual([]);
  });

  it('--password-stdin given far more than a password (an endless stream, say): refused after 64 KiB, nothing written', async () => {
    site.sim.resetRequests();
    const r = await site.run(['repoint-connections', '--user', 'DOMAIN\\jdoe', '--yes', '--password-stdin'], { input: 'x'.repeat(70 * 1024) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--password-stdin: more than 64 KiB on standard input, which is no password; nothing was changed');
    expect(r.stderr).not.toContain('xxxx');
    expect(site.writes()).toEqual([]);
  });

  it('a FIFO in the certificate folder: audit and doctor say which file, and do not hang', async () => {
    const certs = path.join(site.dir, 'certs-with-fifo');
    mkdirSync(certs, { recursive: true });
    cpSync(site.sim.certsDir, certs, { recursive: true });
    rmSync(path.join(certs, 'client.pem'));
    execFileSync('mkfifo', [path.join(certs, 'client.pem')]);
    const args = ['--host', 'localhost', '--port', String(site.sim.port), '--certs', certs];
    const audit = await qrsfix(['audit', ...args], { cwd: site.dir });
    expect(audit.code).toBe(1);
    expect(audit.stderr).toContain(`cannot read client.pem at ${path.join(certs, 'client.pem')}: ${NOT_REGULAR}`);
    const doctor = await qrsfix(['doctor', ...args], { cwd: site.dir });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain('client.pem parses');
    expect(doctor.stdout).toContain('is not a regular file');
  });

  it('a FIFO at the site lock\'s name: the change is refused as locked, at once, with how to clear it', async () => {
    const lock = fifo(path.basename(lockFileName(site.dir, site.sim.host, site.sim.port)));
    try {
      const r = await site.run(['remove-pass', '--user', 'DOMAIN\\jdoe', '--yes']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${lock} exists and is not a lock qrsfix can read`);
      expect(r.stderr).toContain(`delete ${lock}`);
      expect(site.writes()).toEqual([]);
    } finally {
      rmSync(lock);
    }
  });

  it('a FIFO under a journal\'s name in the journal folder does not stop a change', async () => {
    fifo('qrsfix-journal-20261203T000000.000Z-abcdef.json');
    const r = await site.run(['remove-pass', '--user', 'DOMAIN\\jdoe', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Summary: 1 changed');
  });
});
