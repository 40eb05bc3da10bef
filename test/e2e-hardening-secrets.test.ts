/**
 * Hardening, secrets: --verbose traces every request and response with secrets redacted, and no
 * secret qrsfix handles (the data connection passwords QRS returns, the pfx passphrase, proxy
 * credentials, a new connection password) appears on stdout, stderr or in any file it writes.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCert, toPfx, writeCertFolder, KB_SECRETS } from '../src/sim/index.js';
import { filesUnder, leakedSecrets, qrsfix } from './helpers/cli.js';
import { startConnectProxy, type ConnectProxy } from './helpers/connect-proxy.js';
import { sharedSitePerFile } from './helpers/site.js';

const DATA_SECRETS = Object.values(KB_SECRETS);

const site = sharedSitePerFile('e2e-secrets');

describe('--verbose', () => {
  it('prints each request and each response on stderr, with the connection passwords redacted', async () => {
    const r = await qrsfix(['audit', '--verbose', ...site.sim.flags]);
    expect(r.code).toBe(2);
    // GETs, and the license audit's POSTs (201).
    const requests = r.stderr.split('\n').filter((l) => /^debug: → (GET|POST) \/qrs\//.test(l));
    const responses = r.stderr.split('\n').filter((l) => /^debug: ← (200 GET|201 POST) \/qrs\//.test(l));
    expect(requests).toHaveLength(site.sim.requests.length);
    expect(responses).toHaveLength(site.sim.requests.length);
    for (const q of site.sim.requests) expect(requests.some((l) => l.includes(q.path) && l.includes(`xrfkey=${q.query.xrfkey}`))).toBe(true);
    const connections = responses.find((l) => l.includes('/qrs/dataconnection/full'))!;
    expect(connections).toContain('"password":"(set)"');
    expect(r.stdout).toContain('QRS build 36.25.2.0');
    expect(leakedSecrets(DATA_SECRETS, [r.stdout, r.stderr])).toEqual([]);
  });

  it('a response cut short (not JSON) is shown as text, still without the passwords', async () => {
    site.sim.faults.add({ method: 'GET', path: '/qrs/dataconnection/full', times: Infinity, action: { kind: 'truncate' } });
    const r = await qrsfix(['audit', '--verbose', ...site.sim.flags]);
    expect(r.code).toBe(1);
    const shown = r.stderr.split('\n').filter((l) => l.startsWith('debug: ← 200 GET /qrs/dataconnection/full'));
    expect(shown).toHaveLength(3);
    // the trace shows the start of the body, which holds the first connection's password field
    expect(shown[0]).toMatch(/"password":"\(set\)"/);
    expect(leakedSecrets(DATA_SECRETS, [r.stdout, r.stderr])).toEqual([]);
  });
});

describe('nothing leaks anywhere', () => {
  let proxy: ConnectProxy;
  const PFX_PASS = 'Pfx-L3ak-check';
  const PROXY_USER = 'leakuser9';
  const PROXY_PASS = 'Pr0xy-L3ak%check';
  beforeAll(async () => {
    proxy = await startConnectProxy({ credentials: `${PROXY_USER}:${PROXY_PASS}` });
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it('audit with a pfx, an authenticating proxy, --verbose, --json and --out: no secret in output or files', async () => {
    const work = await mkdtemp(path.join(site.dir, 'all-'));
    const certs = path.join(work, 'certs');
    const client = issueCert(site.sim.ca, { commonName: 'QlikClient', client: true });
    writeCertFolder(certs, { client, rootPem: site.sim.ca.certPem });
    await rm(path.join(certs, 'client.pem'));
    await rm(path.join(certs, 'client_key.pem'));
    await writeFile(path.join(certs, 'client.pfx'), toPfx(client, site.sim.ca.certPem, PFX_PASS));
    const proxyUrl = `http://${PROXY_USER}:${encodeURIComponent(PROXY_PASS)}@127.0.0.1:${proxy.port}`;
    const report = path.join(work, 'audit.json');
    const r = await qrsfix(['audit', '--verbose', '--json', '--out', report, '--host', 'localhost', '--port', String(site.sim.port), '--certs', certs], {
      cwd: work,
      env: { QRS_PFX_PASSPHRASE: PFX_PASS, HTTPS_PROXY: proxyUrl },
    });
    expect(r.code).toBe(2);
    expect(proxy.connects.length).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(await readFile(report, 'utf8')).verdict).toBe('findings');
    const secrets = [...DATA_SECRETS, PFX_PASS, PROXY_PASS, encodeURIComponent(PROXY_PASS), PROXY_USER, Buffer.from(`${PROXY_USER}:${PROXY_PASS}`).toString('base64')];
    const files = filesUnder(work).filter((f) => !f.endsWith('.pfx'));
    expect(files).toContain(report);
    expect(leakedSecrets(secrets, [r.stdout, r.stderr], files)).toEqual([]);
  });

  it('a fix with --verbose: the new connection password is sent but appears in no output and no journal', async () => {
    const NEW_PASSWORD = 'N3w-Monitor#pw';
    const work = await mkdtemp(path.join(site.dir, 'fix-'));
    const r = await qrsfix(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--yes', '--verbose', '--journal', 'fix.json', ...site.sim.flags], {
      cwd: work,
      env: { QRSFIX_PASSWORD: NEW_PASSWORD },
    });
    expect(r.code).toBe(0);
    expect(site.sim.requests.some((q) => q.method === 'PUT')).toBe(true);
    // the writes were traced, and the password field in what came back is redacted
    expect(r.stderr).toMatch(/^debug: → PUT \/qrs\/dataconnection\/\S+ \{"id"/m);
    expect(r.stderr).toMatch(/^debug: ← 200 PUT \/qrs\/dataconnection\/.*"password":"\(set\)"/m);
    const files = filesUnder(work);
    expect(files.length).toBeGreaterThanOrEqual(1);
    expect(leakedSecrets([...DATA_SECRETS, NEW_PASSWORD], [r.stdout, r.stderr], files)).toEqual([]);
  });
});
