/**
 * Hardening, hostile input: account names are validated as DIRECTORY\userid before anything is sent;
 * user ids with quotes, backslashes, spaces, & # % and non-ASCII reach QRS intact in filters; bad
 * flags, ports and certificate folders end in one error line (no stack trace) and exit 1.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCa, issueCert } from '../src/sim/index.js';
import { qrsfix, type Run } from './helpers/cli.js';
import { sharedSitePerFile } from './helpers/site.js';

const STACK = /\n\s+at .*(\.js|\.ts):\d+/;
/** Everything that can break a filter or a query string at once. */
const HOSTILE_ID = "R&D #1 it's a \\ 100% + more";

const site = sharedSitePerFile('e2e-input');
beforeAll(() => {
  const hostile = site.sim.state.addUser({ userDirectory: 'LAB', userId: HOSTILE_ID, name: 'hostile' });
  site.sim.state.addAllocation('user', hostile);
});

/** One `error:` line, at most a hint (or commander's usage pointer) besides, exit 1, no stack trace. */
function expectOneLineError(r: Run, message: RegExp | string): void {
  expect(r.code).toBe(1);
  expect(r.stderr).not.toMatch(STACK);
  const lines = r.stderr.trim().split('\n');
  const errors = lines.filter((l) => l.startsWith('error: '));
  expect(errors).toHaveLength(1);
  if (typeof message === 'string') expect(errors[0]).toContain(message);
  else expect(errors[0]).toMatch(message);
  expect(lines.length).toBeLessThanOrEqual(3);
  expect(r.stdout).toBe('');
}

describe('account names', () => {
  it('anything but DIRECTORY\\userid is refused with a message showing the form, before any request', async () => {
    const cases: Array<[string[], string]> = [
      [['audit', '--service-account', 'qvservice'], '--service-account "qvservice"'],
      [['audit', '--service-account', '\\qvservice'], '--service-account "\\qvservice"'],
      [['audit', '--qrs-user', 'DOM AIN\\sa'], '--qrs-user "DOM AIN\\sa"'],
      [['remove-pass', '--user', 'DOMAIN/qvservice', '--dry-run'], '"DOMAIN/qvservice"'],
    ];
    for (const [args, shown] of cases) {
      const r = await qrsfix([...args, ...site.sim.flags]);
      expectOneLineError(r, `${shown} is not of the form DIRECTORY\\userid`);
      expect(r.stderr).toMatch(/^hint: write the account as DIRECTORY\\userid, e\.g\. DOMAIN\\qvservice/m);
    }
    expect(site.sim.requests).toHaveLength(0);
  });
});

describe('user ids that need escaping', () => {
  it("DOMAIN\\o'brien: the quote is backslash-escaped in the filter, and the audit shows the analyzer allocation", async () => {
    const r = await qrsfix(['audit', '--service-account', "DOMAIN\\o'brien", ...site.sim.flags]);
    expect(r.code).toBe(2);
    const row = r.stdout.split('\n').find((l) => l.includes("DOMAIN\\o'brien"));
    expect(row).toMatch(/│ yes +│.*analyzer access \(active/);
    const users = site.sim.requests.find((q) => q.path === '/qrs/user/full');
    expect(users?.query.filter).toContain("(userDirectory eq 'DOMAIN') and (userId eq 'o\\'brien')");
    expect(site.sim.requests.every((q) => q.status === 200 || q.status === 201)).toBe(true);
  });

  it('DOMAIN\\Jürgen Müller: space and umlauts arrive intact; the audit shows the professional allocation', async () => {
    const r = await qrsfix(['audit', '--service-account', 'DOMAIN\\Jürgen Müller', ...site.sim.flags]);
    expect(r.code).toBe(2);
    const row = r.stdout.split('\n').find((l) => l.includes('DOMAIN\\Jürgen Müller'));
    expect(row).toMatch(/│ yes +│.*professional access \(active/);
    const professional = site.sim.requests.find((q) => q.path === '/qrs/license/professionalaccesstype/full');
    expect(professional?.query.filter).toContain("(user.userId eq 'Jürgen Müller')");
  });

  it('& # % + \\ and a quote in one user id: the filter reaches QRS whole (xrfkey not cut off), and the user is found', async () => {
    const r = await qrsfix(['audit', '--json', '--service-account', `LAB\\${HOSTILE_ID}`, ...site.sim.flags]);
    expect(r.code).toBe(2);
    expect(site.sim.requests.every((q) => q.status === 200 || q.status === 201)).toBe(true);
    const users = site.sim.requests.find((q) => q.path === '/qrs/user/full');
    expect(users?.query.xrfkey).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(users?.query.filter).toContain("(userId eq 'R&D #1 it\\'s a \\\\ 100% + more')");
    const doc = JSON.parse(r.stdout);
    const hostile = doc.identities.find((i: { account: string }) => i.account === `LAB\\${HOSTILE_ID}`);
    expect(hostile).toMatchObject({ exists: true });
    expect(hostile.allocations.map((a: { kind: string }) => a.kind)).toEqual(['user']);
  });
});

describe('flags', () => {
  it('an unknown option, an unknown command, a missing value: commander\'s one line, exit 1', async () => {
    expectOneLineError(await qrsfix(['audit', '--bogus', ...site.sim.flags]), "error: unknown option '--bogus'");
    expectOneLineError(await qrsfix(['audti']), "error: unknown command 'audti'");
    expectOneLineError(await qrsfix(['audit', '--host']), "error: option '--host <name>' argument missing");
  });

  it('bad ports and timeouts: one line naming the flag and the range', async () => {
    for (const port of ['abc', '65536', '-1', '']) {
      const r = await qrsfix(['audit', '--host', 'localhost', '--certs', site.sim.certsDir, '--port', port]);
      expectOneLineError(r, `--port must be a whole number from 1 to 65535, not "${port}"`);
    }
    const t = await qrsfix(['audit', ...site.sim.flags, '--timeout', '0']);
    expectOneLineError(t, '--timeout must be a whole number from 1 to 3600000, not "0"');
    const e = await qrsfix(['audit', '--host', 'localhost', '--certs', site.sim.certsDir], { env: { QRS_PORT: 'http' } });
    expectOneLineError(e, '--port must be a whole number');
  });
});

describe('certificate folders', () => {
  /** A copy of the sim's folder with some files left out or replaced. */
  async function folder(name: string, replace: Record<string, string | null> = {}): Promise<string> {
    const d = path.join(site.dir, name);
    await mkdir(d, { recursive: true });
    for (const f of ['client.pem', 'client_key.pem', 'root.pem']) {
      if (f in replace) {
        const content = replace[f];
        if (content !== null && content !== undefined) await writeFile(path.join(d, f), content, { mode: 0o600 });
      } else {
        await copyFile(path.join(site.sim.certsDir, f), path.join(d, f));
      }
    }
    return d;
  }
  const audit = (certs: string) => qrsfix(['audit', '--host', 'localhost', '--port', String(site.sim.port), '--certs', certs]);

  it('a folder that does not exist: says so, with the path', async () => {
    const missing = path.join(site.dir, 'no-such-folder');
    const r = await audit(missing);
    expectOneLineError(r, `the certificate folder ${missing} does not exist`);
    expect(r.stderr).toMatch(/^hint: use --certs <dir> or QRS_CERTS/m);
  });

  it('each missing file is named with its path, and the files found with it', async () => {
    for (const f of ['client.pem', 'client_key.pem', 'root.pem']) {
      const d = await folder(`missing-${f}`, { [f]: null });
      const others = ['client.pem', 'client_key.pem', 'root.pem'].filter((o) => o !== f).join(', ');
      expectOneLineError(await audit(d), `cannot read ${f} at ${path.join(d, f)}: file not found (found ${others}`);
    }
  });

  it('files that are not what they should be: named, not reported as a network failure', async () => {
    const garbageCert = await folder('garbage-cert', { 'client.pem': 'not a certificate\n' });
    expectOneLineError(await audit(garbageCert), `the client certificate at ${path.join(garbageCert, 'client.pem')} is not a certificate (neither PEM nor DER)`);
    const garbageRoot = await folder('garbage-root', { 'root.pem': '-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n' });
    expectOneLineError(await audit(garbageRoot), `root.pem at ${path.join(garbageRoot, 'root.pem')} is not a certificate (neither PEM nor DER)`);
    const garbageKey = await folder('garbage-key', { 'client_key.pem': 'not a key\n' });
    expectOneLineError(await audit(garbageKey), `client_key.pem at ${path.join(garbageKey, 'client_key.pem')} is not a PEM private key`);
    const otherKey = await folder('other-key', { 'client_key.pem': issueCert(createCa('x'), { commonName: 'QlikClient', client: true }).keyPem });
    expectOneLineError(await audit(otherKey), `client_key.pem at ${path.join(otherKey, 'client_key.pem')} is not the private key of ${path.join(otherKey, 'client.pem')}`);
    expect(site.sim.requests).toHaveLength(0);
  });
});
