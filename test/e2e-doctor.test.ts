/**
 * `qrsfix doctor` end to end: every check of the list, one line each, the fix on each failure; the
 * certificate checks run when the network fails; exit 0 / 1; --json; read-only.
 */
import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { issueCert, startSimulator } from '../src/sim/index.js';
import { qrsfix, type Run } from './helpers/cli.js';
import { sharedSitePerFile } from './helpers/site.js';

const site = sharedSitePerFile('e2e-doctor');
const CHECKS = [
  'certificate folder',
  'client.pem parses',
  'client_key.pem parses',
  'key matches the client certificate',
  'root.pem parses',
  'client certificate dates',
  'root certificate dates',
  'client certificate has clientAuth',
  'proxy',
  'DNS',
  'TCP',
  'TLS handshake',
  '/qrs/about',
  'X-Qlik-User rights',
  'monitor connections',
];

const line = (r: Run, check: string) => r.stdout.split('\n').find((l) => l.slice(2).startsWith(`${check}: `));
const doctor = (args: string[], env: Record<string, string> = {}) => qrsfix(['doctor', ...args], { cwd: site.dir, env });
const conn = () => ['--host', 'localhost', '--port', String(site.sim.port), '--certs', site.sim.certsDir];

/** A copy of the simulator's folder with one file replaced. */
function folderWith(name: string, files: Record<string, string>): string {
  const dir = path.join(site.dir, name);
  mkdirSync(dir, { recursive: true });
  cpSync(site.sim.certsDir, dir, { recursive: true });
  for (const [f, content] of Object.entries(files)) writeFileSync(path.join(dir, f), content, { mode: 0o600 });
  return dir;
}

describe('qrsfix doctor', () => {
  it('all hold: one ✓ line a check in order, the QRS build, the monitor connections, exit 0, nothing written', async () => {
    const before = readdirSync(site.dir);
    const r = await doctor(conn());
    expect(r.stderr).not.toMatch(/^error:/m);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => /^[✓!✗-] /.test(l));
    expect(lines.map((l) => l.slice(2).split(': ')[0])).toEqual(CHECKS);
    expect(lines.every((l) => l.startsWith('✓ '))).toBe(true);
    expect(line(r, '/qrs/about')).toContain(`QRS build ${site.sim.state.about.buildVersion}`);
    expect(line(r, 'monitor connections')).toContain('11 monitor_apps_REST_* connections found');
    expect(line(r, 'client certificate dates')).toMatch(/valid \d{4}-\d\d-\d\dT[\d:.]+Z to \d{4}-\d\d-\d\dT[\d:.]+Z/);
    expect(r.stdout).toContain('all checks hold');
    expect(site.sim.requests.every((q) => q.method === 'GET')).toBe(true);
    expect(readdirSync(site.dir)).toEqual(before);
  });

  it('--json: one document with every check', async () => {
    const r = await doctor([...conn(), '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ command: 'doctor', ok: true });
    expect(doc.checks.map((c: { check: string }) => c.check)).toEqual(CHECKS);
  });

  it('the proxy decision: NO_PROXY matching the host means direct, and the proxy password is not shown', async () => {
    const r = await doctor(conn(), { HTTPS_PROXY: 'http://bob:Proxy-Secret-9@proxy.invalid:3128', NO_PROXY: 'localhost' });
    expect(r.code).toBe(0);
    expect(line(r, 'proxy')).toBe('✓ proxy: direct: NO_PROXY localhost matches localhost, so HTTPS_PROXY http://bob:***@proxy.invalid:3128 is not used');
    expect(r.stdout + r.stderr).not.toContain('Proxy-Secret-9');
  });

  it('nothing listening: TCP fails with its fix, TLS and QRS are skipped, the certificate checks still run; exit 1', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      });
    });
    const r = await doctor(['--host', '127.0.0.1', '--port', String(closed), '--certs', site.sim.certsDir]);
    expect(r.code).toBe(1);
    expect(line(r, 'TCP')).toMatch(/^✗ TCP: cannot connect to 127\.0\.0\.1:\d+ \(ECONNREFUSED\) — fix: /);
    expect(line(r, 'TLS handshake')).toMatch(/^- /);
    expect(line(r, 'monitor connections')).toMatch(/^- /);
    for (const c of CHECKS.slice(0, 8)) expect(line(r, c)).toMatch(/^✓ /);
  });

  it('a name the server certificate does not carry: the names it carries and --servername', async () => {
    const named = await startSimulator({ site: 'kb', serverNames: ['qlikserver1.domain.local'] });
    try {
      const r = await doctor(['--host', '127.0.0.1', '--port', String(named.port), '--certs', named.certsDir]);
      expect(r.code).toBe(1);
      expect(line(r, 'TLS handshake')).toContain('does not carry the name 127.0.0.1; it carries');
      expect(line(r, 'TLS handshake')).toContain('qlikserver1.domain.local');
      expect(line(r, 'TLS handshake')).toContain('fix: add --servername');
    } finally {
      await named.stop();
    }
  });

  it('a client certificate expiring within 30 days warns (exit 0); one without clientAuth fails', async () => {
    const soon = issueCert(site.sim.ca, { commonName: 'QlikClient', client: true, notBefore: new Date(Date.now() - 86_400_000), notAfter: new Date(Date.now() + 10 * 86_400_000) });
    const expiring = folderWith('expiring', { 'client.pem': soon.certPem, 'client_key.pem': soon.keyPem });
    const r = await doctor(['--host', 'localhost', '--port', String(site.sim.port), '--certs', expiring]);
    expect(line(r, 'client certificate dates')).toMatch(/^! client certificate dates: expires in 9 days: .* — fix: plan a fresh export/);
    expect(r.code).toBe(0);
    const server = issueCert(site.sim.ca, { commonName: 'QlikServer', client: false });
    const noAuth = folderWith('no-client-auth', { 'client.pem': server.certPem, 'client_key.pem': server.keyPem });
    const bad = await doctor(['--host', 'localhost', '--port', String(site.sim.port), '--certs', noAuth]);
    expect(bad.code).toBe(1);
    expect(line(bad, 'client certificate has clientAuth')).toMatch(/^✗ .*without clientAuth .* — fix: /);
  });

  it('an identity without rights (empty lists): the rights check fails and says why', async () => {
    site.sim.faults.add({ method: 'GET', path: '/qrs/user/full', times: Infinity, action: { kind: 'status', status: 200, body: '[]', headers: { 'content-type': 'application/json' } } });
    const r = await doctor([...conn(), '--qrs-user', 'DOMAIN\\nobody']);
    expect(r.code).toBe(1);
    expect(line(r, 'X-Qlik-User rights')).toMatch(/^✗ X-Qlik-User rights: DOMAIN\\nobody sees neither itself nor the INTERNAL accounts.* — fix: /);
  });

  it('no host and no certificates: both named, each with its fix, no stack trace', async () => {
    const r = await doctor(['--certs', path.join(site.dir, 'missing')]);
    expect(r.code).toBe(1);
    expect(line(r, 'certificate folder')).toMatch(/^✗ .*does not exist — fix: use --certs/);
    expect(line(r, 'QRS host')).toMatch(/^✗ QRS host: no QRS host given — fix: use --host/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
