/**
 * Every certificate export the QMC makes, end to end against the simulator over mutual TLS: the PEM
 * export with a password (encrypted client_key.pem), the Windows export (client.pfx + root.cer, DER or
 * PEM), a pfx with Windows' legacy algorithms (3DES key, RC2-40 certificates), and a root.pem that is DER.
 * The fixtures are made here from the simulator's certificates (test/helpers/cert-exports.ts).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { toPfx } from '../src/sim/index.js';
import { cleanEnv, leakedSecrets, qrsfix, qrsfixCommand, REPO, type Run } from './helpers/cli.js';
import { derOf, encryptedKeyPem, legacyPfx, writeExport } from './helpers/cert-exports.js';
import { sharedSitePerFile } from './helpers/site.js';

const site = sharedSitePerFile('e2e-cert-exports');
const PASS = 'Export-Pass-7781';
let client: { certPem: string; keyPem: string };
let rootPem: string;

beforeAll(() => {
  const read = (f: string) => readFileSync(path.join(site.sim.certsDir, f), 'utf8');
  client = { certPem: read('client.pem'), keyPem: read('client_key.pem') };
  rootPem = read('root.pem');
});

const audit = (certs: string, env: Record<string, string> = {}) => qrsfix(['audit', '--host', 'localhost', '--port', String(site.sim.port), '--certs', certs], { env });

function expectAudited(r: Run): void {
  expect(r.stderr).not.toMatch(/^error:/m);
  expect(r.code).toBe(2); // the KB site has findings
  expect(r.stdout).toContain('monitor_apps_REST_');
}

function expectError(r: Run, message: string): void {
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toContain(message);
}

describe('PEM export with a password (encrypted client_key.pem)', () => {
  let pkcs8: string;
  let traditional: string;
  beforeAll(() => {
    pkcs8 = writeExport(path.join(site.dir, 'pem-encrypted'), { 'client.pem': client.certPem, 'client_key.pem': encryptedKeyPem(client.keyPem, PASS), 'root.pem': rootPem });
    traditional = writeExport(path.join(site.dir, 'pem-encrypted-pkcs1'), { 'client.pem': client.certPem, 'client_key.pem': encryptedKeyPem(client.keyPem, PASS, 'pkcs1'), 'root.pem': rootPem });
  });

  it('opens with QRS_KEY_PASSPHRASE, in both encrypted forms, and never shows the passphrase', async () => {
    expect(readFileSync(path.join(pkcs8, 'client_key.pem'), 'utf8')).toContain('ENCRYPTED PRIVATE KEY');
    expect(readFileSync(path.join(traditional, 'client_key.pem'), 'utf8')).toContain('Proc-Type: 4,ENCRYPTED');
    for (const dir of [pkcs8, traditional]) {
      const r = await audit(dir, { QRS_KEY_PASSPHRASE: PASS });
      expectAudited(r);
      expect(leakedSecrets([PASS], [r.stdout, r.stderr])).toEqual([]);
    }
  });

  it('without a passphrase and no terminal: exit 1, says which variable to set', async () => {
    const r = await audit(pkcs8);
    expectError(r, 'client_key.pem is encrypted: set QRS_KEY_PASSPHRASE or run at a terminal to be asked');
    expect(site.sim.requests).toHaveLength(0);
  });

  it('a wrong passphrase says so, without echoing it', async () => {
    const wrong = 'Not-The-Pass-1234';
    const r = await audit(pkcs8, { QRS_KEY_PASSPHRASE: wrong });
    expectError(r, `wrong passphrase for client_key.pem at ${path.join(pkcs8, 'client_key.pem')}`);
    expect(leakedSecrets([wrong], [r.stdout, r.stderr])).toEqual([]);
  });

  it('at a terminal: asks for it (hidden) and goes on', async () => {
    // script(1) gives the CLI a terminal; the passphrase is typed once the prompt shows.
    const [command, prefix] = qrsfixCommand();
    const line = [command, ...prefix, 'audit', '--host', 'localhost', '--port', String(site.sim.port), '--certs', pkcs8].map((a) => `'${a}'`).join(' ');
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn('script', ['-qec', line, '/dev/null'], { cwd: REPO, env: cleanEnv({ TERM: 'dumb' }), stdio: ['pipe', 'pipe', 'pipe'] });
      let text = '';
      let typed = false;
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        text += d;
        if (!typed && text.includes('Passphrase of client_key.pem')) {
          typed = true;
          child.stdin.write(`${PASS}\r`);
        }
      });
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('error', reject);
      child.on('close', () => {
        clearTimeout(killer);
        resolve(text);
      });
    });
    expect(out).toContain('Passphrase of client_key.pem');
    expect(out).toContain('monitor_apps_REST_');
    expect(out).not.toContain(PASS);
  });
});

describe('Windows export (client.pfx + root.cer)', () => {
  it('with root.cer in DER and in PEM', async () => {
    const pfx = toPfx(client, rootPem, PASS);
    const der = writeExport(path.join(site.dir, 'pfx-der'), { 'client.pfx': pfx, 'root.cer': derOf(rootPem) });
    const pem = writeExport(path.join(site.dir, 'pfx-pem'), { 'client.pfx': pfx, 'root.cer': rootPem });
    expectAudited(await audit(der, { QRS_PFX_PASSPHRASE: PASS }));
    expectAudited(await audit(pem, { QRS_PFX_PASSPHRASE: PASS }));
  });

  it("Windows' legacy algorithms (3DES key, RC2-40 certificates), which Node's own PKCS#12 reader refuses", async () => {
    const pfx = legacyPfx(client, rootPem, PASS);
    // The fixture is what it claims: OpenSSL 3 will not open it.
    expect(() => tls.createSecureContext({ pfx, passphrase: PASS })).toThrow();
    const dir = writeExport(path.join(site.dir, 'pfx-legacy'), { 'client.pfx': pfx, 'root.cer': derOf(rootPem) });
    expectAudited(await audit(dir, { QRS_PFX_PASSPHRASE: PASS }));
    const wrong = await audit(dir, { QRS_PFX_PASSPHRASE: 'wrong-one' });
    expectError(wrong, `wrong passphrase for client.pfx at ${path.join(dir, 'client.pfx')}`);
  });

  it('without root.cer: names the files found', async () => {
    const dir = writeExport(path.join(site.dir, 'pfx-no-root'), { 'client.pfx': toPfx(client, rootPem, PASS) });
    expectError(await audit(dir, { QRS_PFX_PASSPHRASE: PASS }), `cannot read root.cer at ${path.join(dir, 'root.cer')}: file not found (found client.pfx; root.pem or root.cer)`);
  });
});

describe('DER where PEM is expected', () => {
  it('a root.pem that is DER works', async () => {
    const dir = writeExport(path.join(site.dir, 'pem-der-root'), { 'client.pem': client.certPem, 'client_key.pem': client.keyPem, 'root.pem': derOf(rootPem) });
    expectAudited(await audit(dir));
  });

  it('a folder without any client certificate: names what it found', async () => {
    const dir = writeExport(path.join(site.dir, 'only-root'), { 'root.cer': derOf(rootPem) });
    expectError(await audit(dir), `no client certificate in ${dir} (found root.cer)`);
  });
});
