/**
 * Hardening, proxies: the built CLI through a real loopback CONNECT proxy to the simulator. The mutual
 * TLS to QRS runs inside the tunnel with our certificates; HTTPS_PROXY/https_proxy and NO_PROXY are
 * honoured; proxy credentials are sent and never printed; a refusing proxy gives a clear error.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { startSimulator, createCa, issueCert, writeCertFolder, KB_SECRETS, type SimHandle } from '../src/sim/index.js';
import { leakedSecrets, qrsfix } from './helpers/cli.js';
import { startConnectProxy, type ConnectProxy } from './helpers/connect-proxy.js';

const STACK = /\n\s+at .*(\.js|\.ts):\d+/;
/** A name no DNS resolves (RFC 6761); only our proxy knows it. */
const HIDDEN = 'qlikserver1.example.invalid';
const USER = 'proxyuser7';
const PASSWORD = 'Pr0xy p@ss:w/rd';
const PROXY_SECRETS = [PASSWORD, encodeURIComponent(PASSWORD), Buffer.from(`${USER}:${PASSWORD}`).toString('base64'), USER];

let sim: SimHandle;
let open: ConnectProxy;
let authed: ConnectProxy;
let refusing: ConnectProxy;
beforeAll(async () => {
  [sim, open, authed, refusing] = await Promise.all([
    startSimulator({ site: 'kb', serverNames: [HIDDEN, 'localhost'] }),
    startConnectProxy({ resolve: { [HIDDEN]: '127.0.0.1' } }),
    startConnectProxy({ credentials: `${USER}:${PASSWORD}`, resolve: { [HIDDEN]: '127.0.0.1' } }),
    startConnectProxy({ refuse: true }),
  ]);
});
afterAll(async () => {
  await Promise.all([sim?.stop(), open?.close(), authed?.close(), refusing?.close()]);
});
beforeEach(() => {
  sim.faults.clear();
  sim.resetRequests();
  for (const p of [open, authed, refusing]) p.connects.length = 0;
});

const conn = (host = 'localhost') => ['--host', host, '--port', String(sim.port), '--certs', sim.certsDir];
const withCredentials = (proxy: ConnectProxy, password = PASSWORD) => `http://${USER}:${encodeURIComponent(password)}@127.0.0.1:${proxy.port}`;

describe('through a CONNECT proxy', () => {
  it('--proxy: the audit succeeds, tunnelled; mutual TLS with our certificates runs inside the tunnel', async () => {
    const r = await qrsfix(['audit', '--proxy', open.url, ...conn()]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('QRS build 36.25.2.0');
    expect(open.connects.length).toBeGreaterThanOrEqual(1);
    for (const c of open.connects) expect(c).toMatchObject({ target: `localhost:${sim.port}`, status: 200 });
    // the sim only answers requests that came with a client certificate from its CA
    expect(sim.requests.length).toBeGreaterThanOrEqual(5);
    expect(sim.requests.every((q) => q.status === 200 || q.status === 201)).toBe(true);
  });

  it('HTTPS_PROXY and https_proxy are used when --proxy is absent', async () => {
    for (const name of ['HTTPS_PROXY', 'https_proxy']) {
      open.connects.length = 0;
      const r = await qrsfix(['audit', ...conn()], { env: { [name]: open.url } });
      expect(r.code, name).toBe(2);
      expect(open.connects.length, name).toBeGreaterThanOrEqual(1);
    }
  });

  it('a QRS host only the proxy can resolve: the name goes to the proxy, and the certificate is checked against it', async () => {
    const r = await qrsfix(['audit', ...conn(HIDDEN)], { env: { HTTPS_PROXY: open.url } });
    expect(r.code).toBe(2);
    expect(open.connects[0]?.target).toBe(`${HIDDEN}:${sim.port}`);
  });
});

describe('TLS diagnostics through the tunnel (the explaining handshake goes through the proxy too)', () => {
  let dir: string;
  let untrusting: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'qrsfix-proxy-tls-'));
    // A good client certificate, but a root.pem from elsewhere: the server is not trusted.
    untrusting = path.join(dir, 'other-root');
    writeCertFolder(untrusting, { client: issueCert(sim.ca, { commonName: 'QlikClient', client: true }), rootPem: createCa('elsewhere-CA').certPem });
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a server certificate root.pem does not trust: the error names what the server presents', async () => {
    const r = await qrsfix(['audit', '--proxy', open.url, ...conn().slice(0, 4), '--certs', untrusting]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`is not trusted by ${untrusting}/root.pem (it presents "${HIDDEN}")`);
    expect(sim.requests).toHaveLength(0);
  });

  it('a client certificate the server does not accept is said so at once, not retried as a dropped connection', async () => {
    const certs = path.join(dir, 'other-ca');
    writeCertFolder(certs, { client: issueCert(createCa('other-site-CA'), { commonName: 'QlikClient', client: true }), rootPem: sim.ca.certPem });
    const r = await qrsfix(['audit', '--proxy', open.url, ...conn().slice(0, 4), '--certs', certs]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: localhost:\d+ closed the connection right after the TLS handshake: it does not accept our client certificate \("QlikClient", issued by "other-site-CA"/m);
    expect(r.stderr).not.toContain('try again');
  });

  it('through a proxy that wants credentials, the explaining handshake sends them too, and prints none', async () => {
    const r = await qrsfix(['audit', '--proxy', withCredentials(authed), ...conn().slice(0, 4), '--certs', untrusting]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`(it presents "${HIDDEN}")`);
    expect(authed.connects.length).toBeGreaterThanOrEqual(2);
    expect(authed.connects.every((c) => c.status === 200)).toBe(true);
    expect(leakedSecrets(PROXY_SECRETS, [r.stdout, r.stderr])).toEqual([]);
  });
});

describe('NO_PROXY', () => {
  it('a host name in NO_PROXY connects directly: works for localhost, no CONNECT', async () => {
    const r = await qrsfix(['audit', ...conn()], { env: { HTTPS_PROXY: open.url, NO_PROXY: 'intranet.example, localhost' } });
    expect(r.code).toBe(2);
    expect(open.connects).toHaveLength(0);
  });

  it('suffixes (.domain, domain, *.domain), * and lower-case no_proxy bypass the proxy (a direct lookup of the hidden name then fails)', async () => {
    const cases: Array<Record<string, string>> = [
      { NO_PROXY: '.example.invalid' },
      { NO_PROXY: 'example.invalid' },
      { NO_PROXY: '*.example.invalid' },
      { NO_PROXY: '*' },
      { no_proxy: 'other.example,EXAMPLE.invalid' },
    ];
    for (const env of cases) {
      const r = await qrsfix(['audit', ...conn(HIDDEN)], { env: { HTTPS_PROXY: open.url, ...env } });
      const label = JSON.stringify(env);
      expect(r.code, label).toBe(1);
      expect(r.stderr, label).toContain(`cannot resolve host name "${HIDDEN}"`);
      expect(r.stderr, label).not.toMatch(STACK);
      expect(open.connects, label).toHaveLength(0);
    }
  });

  it('an entry that only shares the end of a label does not match: ample.invalid is not example.invalid', async () => {
    const r = await qrsfix(['audit', ...conn(HIDDEN)], { env: { HTTPS_PROXY: open.url, NO_PROXY: 'ample.invalid,server1.example.invalid' } });
    expect(r.code).toBe(2);
    expect(open.connects.length).toBeGreaterThanOrEqual(1);
  });
});

describe('proxy credentials and refusals', () => {
  it('credentials in the proxy URL are sent (Basic) and never printed, also with --verbose', async () => {
    const r = await qrsfix(['audit', '--verbose', '--proxy', withCredentials(authed), ...conn()]);
    expect(r.code).toBe(2);
    expect(authed.connects.length).toBeGreaterThanOrEqual(1);
    for (const c of authed.connects) {
      expect(c.status).toBe(200);
      expect(c.authorization).toBe(`Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`);
    }
    expect(r.stderr).toContain('debug: → GET /qrs/about');
    expect(leakedSecrets([...PROXY_SECRETS, ...Object.values(KB_SECRETS)], [r.stdout, r.stderr])).toEqual([]);
  });

  it('credentials from HTTPS_PROXY work the same', async () => {
    const r = await qrsfix(['audit', ...conn()], { env: { HTTPS_PROXY: withCredentials(authed) } });
    expect(r.code).toBe(2);
    expect(authed.connects.every((c) => c.status === 200)).toBe(true);
    expect(leakedSecrets(PROXY_SECRETS, [r.stdout, r.stderr])).toEqual([]);
  });

  it('a proxy named without credentials (--proxy, or a site\'s "proxy") takes them from HTTPS_PROXY when it is the same proxy', async () => {
    const bare = `http://127.0.0.1:${authed.port}`;
    const env = { HTTPS_PROXY: withCredentials(authed) };
    const flag = await qrsfix(['audit', '--proxy', bare, ...conn()], { env });
    expect(flag.code, flag.stderr).toBe(2);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'qrsfix-proxy-site-'));
    try {
      const config = path.join(dir, 'sites.json');
      writeFileSync(config, JSON.stringify({ sites: { prod: { host: 'localhost', port: sim.port, certs: sim.certsDir, proxy: bare } } }));
      const site = await qrsfix(['audit', '--config', config, '--site', 'prod'], { env });
      expect(site.code, site.stderr).toBe(2);
      expect(leakedSecrets(PROXY_SECRETS, [flag.stdout, flag.stderr, site.stdout, site.stderr])).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(authed.connects.length).toBeGreaterThanOrEqual(2);
    expect(authed.connects.every((c) => c.status === 200)).toBe(true);
    // Another proxy in the environment lends none: the bare one is asked without, and says 407.
    const other = await qrsfix(['audit', '--proxy', bare, ...conn()], { env: { HTTPS_PROXY: withCredentials(open) } });
    expect(other.code).toBe(1);
    expect(authed.connects.at(-1)!.authorization).toBeUndefined();
  });

  it('407 (wrong or no credentials): exit 1, says the credentials were rejected or are wanted, prints none', async () => {
    for (const [proxy, hint] of [
      [withCredentials(authed, 'Wr0ng-Proxy-pw'), /^hint: the proxy rejected the user name or password in the proxy URL/m],
      [authed.url, /^hint: the proxy wants credentials/m],
    ] as const) {
      const r = await qrsfix(['audit', '--verbose', '--proxy', proxy, ...conn()]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: the proxy refused the tunnel to localhost:\d+: 407 Proxy Authentication Required$/m);
      expect(r.stderr).toMatch(hint);
      expect(r.stderr).not.toMatch(STACK);
      expect(leakedSecrets([...PROXY_SECRETS, 'Wr0ng-Proxy-pw'], [r.stdout, r.stderr])).toEqual([]);
    }
    expect(authed.connects.every((c) => c.status === 407)).toBe(true);
    expect(sim.requests).toHaveLength(0);
  });

  it('403 from the proxy: exit 1, names the status and suggests NO_PROXY', async () => {
    const r = await qrsfix(['audit', ...conn()], { env: { HTTPS_PROXY: refusing.url } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: the proxy refused the tunnel to localhost:\d+: status 403$/m);
    expect(r.stderr).toMatch(/^hint: .*NO_PROXY=localhost/m);
    expect(refusing.connects.length).toBeGreaterThanOrEqual(1);
    // An explicit --proxy is used even for hosts in NO_PROXY: suggesting NO_PROXY would not help.
    const explicit = await qrsfix(['audit', '--proxy', refusing.url, ...conn()], { env: { NO_PROXY: 'localhost' } });
    expect(explicit.code).toBe(1);
    expect(explicit.stderr).toMatch(/^hint: .*leave out --proxy to connect directly/m);
    expect(explicit.stderr).not.toContain('NO_PROXY');
  });

  it('a proxy that is not there: the error names the proxy (host:port, no credentials), not QRS', async () => {
    const gone = await startConnectProxy();
    await gone.close();
    const url = `http://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${gone.port}`;
    const r = await qrsfix(['audit', '--proxy', url, ...conn()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: the proxy 127.0.0.1:${gone.port} refused the connection (ECONNREFUSED) while connecting to localhost:${sim.port}`);
    expect(r.stderr).not.toContain('Repository Service');
    expect(leakedSecrets(PROXY_SECRETS, [r.stdout, r.stderr])).toEqual([]);
  });

  it('a proxy URL that is not one: a usage error that does not echo it', async () => {
    const r = await qrsfix(['audit', '--proxy', `socks5://${USER}:${PASSWORD}@127.0.0.1:1080`, ...conn()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: the proxy is not a URL like http://proxy.example.com:3128');
    expect(leakedSecrets(PROXY_SECRETS, [r.stdout, r.stderr])).toEqual([]);
  });
});
