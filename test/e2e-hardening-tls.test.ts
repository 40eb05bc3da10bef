/**
 * Hardening, TLS: every way the mutual TLS to QRS goes wrong ends in one clear line naming the file,
 * the names or the dates involved, with exit 1; --servername, --insecure and client.pfx work.
 */
import { chmod, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, createCa, issueCert, toPfx, writeCertFolder, KB_SECRETS, type IssuedCert, type SimHandle } from '../src/sim/index.js';
import { leakedSecrets, qrsfix } from './helpers/cli.js';
import { sharedSitePerFile } from './helpers/site.js';

const STACK = /\n\s+at .*(\.js|\.ts):\d+/;
const PAST = { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') };
const FUTURE = { notBefore: new Date('2040-01-01T00:00:00Z'), notAfter: new Date('2041-01-01T00:00:00Z') };

const site = sharedSitePerFile('e2e-tls');
let n = 0;

/** A certificate folder: a client certificate (default: a good one from the site's CA) and a root.pem. */
function certFolder(opts: { client?: IssuedCert; rootPem?: string } = {}): string {
  const folder = path.join(site.dir, `certs-${++n}`);
  writeCertFolder(folder, {
    client: opts.client ?? issueCert(site.sim.ca, { commonName: 'QlikClient', client: true }),
    rootPem: opts.rootPem ?? site.sim.ca.certPem,
  });
  return folder;
}

const against = (certs: string, port = site.sim.port, host = 'localhost') => ['--host', host, '--port', String(port), '--certs', certs];

function expectOneError(r: { code: number | null; stderr: string; stdout: string }): void {
  expect(r.code).toBe(1);
  expect(r.stderr).not.toMatch(STACK);
  expect(r.stderr.split('\n').filter((l) => l.startsWith('error: '))).toHaveLength(1);
  expect(r.stdout).toBe('');
}

describe('the server certificate', () => {
  it('from another CA: exit 1, says it is not trusted by root.pem (with its path) and names what it presents', async () => {
    const certs = certFolder({ rootPem: createCa('elsewhere-CA').certPem });
    const r = await qrsfix(['audit', ...against(certs)]);
    expectOneError(r);
    expect(r.stderr).toContain(`is not trusted by ${certs}/root.pem (it presents "localhost")`);
    expect(r.stderr).toMatch(/^hint: .*root\.pem.*--insecure/m);
    // Nothing was sent to a server qrsfix does not trust.
    expect(site.sim.requests).toHaveLength(0);
  });

  it('--insecure skips the check, and warns on stderr on every run', async () => {
    const certs = certFolder({ rootPem: createCa('elsewhere-CA').certPem });
    for (let run = 0; run < 2; run++) {
      const r = await qrsfix(['audit', '--insecure', ...against(certs)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^warning: --insecure: the server certificate of localhost is NOT verified/m);
      expect(r.stdout).not.toContain('--insecure: the server certificate');
    }
  });

  it('with a good root.pem there is no --insecure warning', async () => {
    const r = await qrsfix(['audit', ...site.sim.flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('warning');
  });

  describe('issued to another name', () => {
    let named: SimHandle;
    beforeAll(async () => {
      named = await startSimulator({ site: 'kb', serverNames: ['qlikserver1'] });
    });
    afterAll(async () => {
      await named?.stop();
    });

    it('connecting as localhost: exit 1, names the name in the certificate, suggests --servername; which then works', async () => {
      const bad = await qrsfix(['audit', ...against(named.certsDir, named.port)]);
      expectOneError(bad);
      expect(bad.stderr).toContain('is issued to qlikserver1, not "localhost"');
      expect(bad.stderr).toMatch(/^hint: .*--servername qlikserver1/m);
      const good = await qrsfix(['audit', '--servername', 'qlikserver1', ...against(named.certsDir, named.port)]);
      expect(good.code).toBe(2);
      expect(good.stdout).toContain('QRS build 36.25.2.0');
    });

    it('by IP address, with the name from QRS_SERVERNAME', async () => {
      const good = await qrsfix(['audit', ...against(named.certsDir, named.port, '127.0.0.1')], { env: { QRS_SERVERNAME: 'qlikserver1' } });
      expect(good.code).toBe(2);
    });
  });

  describe('out of its validity period', () => {
    let expired: SimHandle;
    let early: SimHandle;
    beforeAll(async () => {
      [expired, early] = await Promise.all([startSimulator({ site: 'kb', serverCertValidity: PAST }), startSimulator({ site: 'kb', serverCertValidity: FUTURE })]);
    });
    afterAll(async () => {
      await Promise.all([expired?.stop(), early?.stop()]);
    });

    it('expired: exit 1, says so with its dates', async () => {
      const r = await qrsfix(['audit', ...expired.flags]);
      expectOneError(r);
      expect(r.stderr).toContain('has expired (valid from 2020-01-01T00:00:00.000Z to 2021-01-01T00:00:00.000Z)');
    });

    it('not valid yet: exit 1, says so with its dates and suggests checking the clock', async () => {
      const r = await qrsfix(['audit', ...early.flags]);
      expectOneError(r);
      expect(r.stderr).toContain('is not valid yet (valid from 2040-01-01T00:00:00.000Z to 2041-01-01T00:00:00.000Z)');
      expect(r.stderr).toMatch(/^hint: .*clock/m);
    });
  });
});

describe('the client certificate', () => {
  it('expired: refused before connecting, with its dates', async () => {
    const certs = certFolder({ client: issueCert(site.sim.ca, { commonName: 'QlikClient', client: true, ...PAST }) });
    const r = await qrsfix(['audit', ...against(certs)]);
    expectOneError(r);
    expect(r.stderr).toContain(`the client certificate at ${certs}/client.pem expired on 2021-01-01T00:00:00.000Z (valid from 2020-01-01T00:00:00.000Z)`);
    expect(site.sim.requests).toHaveLength(0);
  });

  it('not valid yet: refused before connecting, with its dates', async () => {
    const certs = certFolder({ client: issueCert(site.sim.ca, { commonName: 'QlikClient', client: true, ...FUTURE }) });
    const r = await qrsfix(['audit', ...against(certs)]);
    expectOneError(r);
    expect(r.stderr).toContain('is not valid yet: valid from 2040-01-01T00:00:00.000Z to 2041-01-01T00:00:00.000Z');
  });

  it('from another CA: the server hangs up, and the error says it does not accept our certificate (not "try again")', async () => {
    const certs = certFolder({ client: issueCert(createCa('other-site-CA'), { commonName: 'QlikClient', client: true }) });
    const r = await qrsfix(['audit', ...against(certs)]);
    expectOneError(r);
    expect(r.stderr).toMatch(/^error: localhost:\d+ closed the connection right after the TLS handshake: it does not accept our client certificate \("QlikClient", issued by "other-site-CA"/m);
    expect(r.stderr).not.toContain('try again');
  });

  it('a client_key.pem other users can read: a warning with the fix, and the run goes on', async () => {
    const certs = certFolder();
    await chmod(path.join(certs, 'client_key.pem'), 0o644);
    const r = await qrsfix(['audit', ...against(certs)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`warning: the private key ${certs}/client_key.pem can be read by other users (mode 644); run: chmod 600 '${certs}/client_key.pem'`);
  });
});

describe('client.pfx (the "Windows" export)', () => {
  const PASSPHRASE = 'Pfx-Exp0rt pass!';
  let pfxDir: string;
  beforeAll(async () => {
    pfxDir = path.join(site.dir, 'pfx');
    const client = issueCert(site.sim.ca, { commonName: 'QlikClient', client: true });
    writeCertFolder(pfxDir, { client, rootPem: site.sim.ca.certPem });
    await rm(path.join(pfxDir, 'client.pem'));
    await rm(path.join(pfxDir, 'client_key.pem'));
    await writeFile(path.join(pfxDir, 'client.pfx'), toPfx(client, site.sim.ca.certPem, PASSPHRASE));
  });

  it('works with the passphrase from QRS_PFX_PASSPHRASE, which appears nowhere, even with --verbose', async () => {
    const r = await qrsfix(['audit', '--verbose', ...against(pfxDir)], { env: { QRS_PFX_PASSPHRASE: PASSPHRASE } });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('QRS build 36.25.2.0');
    expect(leakedSecrets([PASSPHRASE, encodeURIComponent(PASSPHRASE), ...Object.values(KB_SECRETS)], [r.stdout, r.stderr])).toEqual([]);
  });

  it('without QRS_PFX_PASSPHRASE: exit 1, says the pfx needs its export password', async () => {
    const r = await qrsfix(['audit', ...against(pfxDir)]);
    expectOneError(r);
    expect(r.stderr).toContain(`${pfxDir}/client.pfx needs its export password`);
    expect(r.stderr).toMatch(/^hint: .*QRS_PFX_PASSPHRASE/m);
  });

  it('with a wrong passphrase: exit 1, a clear message that does not echo it', async () => {
    const wrong = 'not-the-Pfx-pass';
    const r = await qrsfix(['audit', ...against(pfxDir)], { env: { QRS_PFX_PASSPHRASE: wrong } });
    expectOneError(r);
    expect(r.stderr).toContain(`wrong passphrase for client.pfx at ${pfxDir}/client.pfx`);
    expect(leakedSecrets([wrong], [r.stdout, r.stderr])).toEqual([]);
  });

  it('holding an expired certificate: refused before connecting, with its dates', async () => {
    const old = path.join(site.dir, 'pfx-expired');
    const client = issueCert(site.sim.ca, { commonName: 'QlikClient', client: true, ...PAST });
    writeCertFolder(old, { client, rootPem: site.sim.ca.certPem });
    await rm(path.join(old, 'client.pem'));
    await writeFile(path.join(old, 'client.pfx'), toPfx(client, site.sim.ca.certPem, PASSPHRASE));
    const r = await qrsfix(['audit', ...against(old)], { env: { QRS_PFX_PASSPHRASE: PASSPHRASE } });
    expectOneError(r);
    expect(r.stderr).toContain('expired on 2021-01-01T00:00:00.000Z (valid from 2020-01-01T00:00:00.000Z)');
  });
});
