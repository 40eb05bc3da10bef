/**
 * The simulator over the wire: real mutual TLS with the written certificate folder, plain https.request.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  KB_IDS,
  KB_MONITOR_CONNECTIONS,
  KB_SECRETS,
  NO_DATE,
  XSRF_BODY,
  createCa,
  issueCert,
  startSimulator,
  toPfx,
  type SimHandle,
} from '../src/sim/index.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the simulator's answers, read loosely
  json(): any;
}

interface CallOptions {
  query?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  xrfkey?: string | null;
  user?: string | null;
  tlsOptions?: https.RequestOptions;
  timeoutMs?: number;
}

const KEY = 'abcdefghij012345';

function call(sim: SimHandle, method: string, pathname: string, opts: CallOptions = {}): Promise<Reply> {
  const certs = {
    cert: fs.readFileSync(path.join(sim.certsDir, 'client.pem')),
    key: fs.readFileSync(path.join(sim.certsDir, 'client_key.pem')),
    ca: fs.readFileSync(path.join(sim.certsDir, 'root.pem')),
  };
  const params = new URLSearchParams(opts.query);
  if (opts.xrfkey !== null) params.set('xrfkey', opts.xrfkey ?? KEY);
  const qs = params.toString().replace(/\+/g, '%20');
  const headers: Record<string, string> = {};
  if (opts.xrfkey !== null) headers['X-Qlik-Xrfkey'] = opts.xrfkey ?? KEY;
  if (opts.user !== null) headers['X-Qlik-User'] = opts.user ?? 'UserDirectory=INTERNAL; UserId=sa_api';
  const payload = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  if (payload !== undefined) headers['Content-Type'] = 'application/json';
  Object.assign(headers, opts.headers);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: sim.host,
        port: sim.port,
        method,
        path: qs ? `${pathname}${pathname.includes('?') ? '&' : '?'}${qs}` : pathname,
        headers,
        agent: false,
        ...certs,
        ...opts.tlsOptions,
        timeout: opts.timeoutMs ?? 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

let sim: SimHandle;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim?.stop();
});
beforeEach(() => {
  sim.faults.clear();
});

describe('transport and headers', () => {
  it('answers /qrs/about as JSON over mutual TLS, with the handle describing how to connect', async () => {
    const r = await call(sim, 'GET', '/qrs/about');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.json()).toMatchObject({ buildVersion: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/), databaseProvider: 'Devart.Data.PostgreSql', nodeType: 1, schemaPath: 'About' });
    expect(sim.flags).toEqual(['--host', 'localhost', '--port', String(sim.port), '--certs', sim.certsDir]);
    if (process.platform !== 'win32') expect(fs.statSync(path.join(sim.certsDir, 'client_key.pem')).mode & 0o077).toBe(0);
    const client = new crypto.X509Certificate(fs.readFileSync(path.join(sim.certsDir, 'client.pem')));
    expect(client.subject).toBe('CN=QlikClient');
  });

  it('rejects a client without a certificate, and one whose certificate comes from another CA', async () => {
    await expect(call(sim, 'GET', '/qrs/about', { tlsOptions: { cert: undefined, key: undefined } })).rejects.toThrow();
    const otherCa = createCa('intruder-CA');
    const stranger = issueCert(otherCa, { commonName: 'QlikClient', client: true });
    await expect(call(sim, 'GET', '/qrs/about', { tlsOptions: { cert: stranger.certPem, key: stranger.keyPem } })).rejects.toThrow();
  });

  it('accepts a client.pfx built with toPfx, and the server certificate names localhost and 127.0.0.1', async () => {
    const extra = issueCert(sim.ca, { commonName: 'QlikClient', client: true });
    const pfx = toPfx(extra, sim.ca.certPem, 'export-pw');
    const r = await call(sim, 'GET', '/qrs/about', { tlsOptions: { cert: undefined, key: undefined, pfx, passphrase: 'export-pw' } });
    expect(r.status).toBe(200);
    const byIp = await call(sim, 'GET', '/qrs/about', { tlsOptions: { host: '127.0.0.1' } });
    expect(byIp.status).toBe(200);
  });

  it('403s a missing, malformed or mismatched xrfkey with the XSRF text; the parameter name is case-insensitive', async () => {
    expect(await call(sim, 'GET', '/qrs/about', { xrfkey: null })).toMatchObject({ status: 403, text: XSRF_BODY });
    expect((await call(sim, 'GET', '/qrs/about', { xrfkey: 'short' })).status).toBe(403);
    expect((await call(sim, 'GET', '/qrs/about', { headers: { 'X-Qlik-Xrfkey': 'ABCDEFGHIJ012345' } })).status).toBe(403);
    const upper = await call(sim, 'GET', '/qrs/about', { xrfkey: null, query: { XrfKey: KEY }, headers: { 'X-Qlik-Xrfkey': KEY } });
    expect(upper.status).toBe(200);
  });

  it('403s a request without X-Qlik-User, and reads URL-encoded parts', async () => {
    const r = await call(sim, 'GET', '/qrs/about', { user: null });
    expect(r.status).toBe(403);
    expect(r.text).toMatch(/X-Qlik-User/);
    const ok = await call(sim, 'GET', '/qrs/about', { user: `UserDirectory=DOMAIN; UserId=${encodeURIComponent('Jürgen Müller')}` });
    expect(ok.status).toBe(200);
  });

  it('404s unknown routes and ids, 400s bad JSON, and a raw & in a filter', async () => {
    expect((await call(sim, 'GET', '/qrs/nosuchthing')).status).toBe(404);
    expect((await call(sim, 'GET', '/qrs/user/00000000-1111-4111-8111-000000000000')).status).toBe(404);
    expect((await call(sim, 'POST', '/qrs/user', { rawBody: '{"userId":' })).status).toBe(400);
    const raw = await call(sim, 'GET', `/qrs/user?filter=name%20eq%20'a&b'`);
    expect(raw).toMatchObject({ status: 400, text: 'Missing parameter value(s)' });
  });
});

describe('reads', () => {
  it('serves condensed, full and count forms, with filters', async () => {
    const condensed = (await call(sim, 'GET', '/qrs/license/useraccesstype')).json();
    expect(Object.keys(condensed[0]).sort()).toEqual(['id', 'privileges']);
    const count = await call(sim, 'GET', '/qrs/dataconnection/count', { query: { filter: "name sw 'monitor_apps_REST_'" } });
    // The server's sw is case-insensitive, so the MONITOR_APPS_REST_legacy_export trap is counted too.
    expect(count.json()).toEqual({ value: KB_MONITOR_CONNECTIONS.length + 1 });
    const users = (await call(sim, 'GET', '/qrs/user', { query: { filter: "userDirectory eq 'INTERNAL'", orderby: 'userId desc' } })).json();
    expect(users.map((u: { userId: string }) => u.userId)).toEqual(['sa_scheduler', 'sa_repository', 'sa_proxy', 'sa_api']);
    expect(Object.keys(users[0]).sort()).toEqual(['id', 'name', 'privileges', 'userDirectory', 'userDirectoryConnectorName', 'userId']);
  });

  it("filters on nested user.userId with an escaped quote, and on non-ASCII ids", async () => {
    const r = await call(sim, 'GET', '/qrs/license/analyzeraccesstype/full', {
      query: { filter: "user.userDirectory eq 'DOMAIN' and user.userId eq 'O\\'Brien'" },
    });
    expect(r.status).toBe(200);
    expect(r.json()).toEqual([expect.objectContaining({ id: KB_IDS.allocations.obrienAnalyzer, user: expect.objectContaining({ userId: "o'brien" }), excess: false })]);
    const doubled = await call(sim, 'GET', '/qrs/license/analyzeraccesstype/full', { query: { filter: "user.userId eq 'o''brien'" } });
    expect(doubled).toMatchObject({ status: 400, text: "Cannot parse the expression: user.userId eq 'o''brien'" });
    const jurgen = await call(sim, 'GET', '/qrs/user/full', { query: { filter: "userId eq 'jürgen müller'" } });
    expect(jurgen.json().map((u: { id: string }) => u.id)).toEqual([KB_IDS.users.jurgen]);
    expect((await call(sim, 'GET', '/qrs/user', { query: { filter: '()' } })).text).toBe('Invalid expression');
  });

  it('returns data-connection passwords in clear, as QRS does', async () => {
    const c = (await call(sim, 'GET', `/qrs/dataconnection/${KB_IDS.connections['monitor_apps_REST_user']}`)).json();
    expect(c).toMatchObject({ username: 'domain\\qvservice', password: `%%password%2${KB_SECRETS.monitorPassword}%1`, type: 'QvRestConnector.exe' });
    expect(c.connectionstring).toContain('url=https://localhost/qrs/user/full;');
    expect(c.owner).toMatchObject({ userDirectory: 'INTERNAL', userId: 'sa_repository', id: KB_IDS.users.saRepository });
  });
});

describe('writes', () => {
  it('409s a PUT with a stale modifiedDate, after a concurrent QMC edit', async () => {
    const url = `/qrs/dataconnection/${KB_IDS.connections['Sales DW']}`;
    const read = (await call(sim, 'GET', url)).json();
    sim.state.touch(sim.state.connections.get(read.id)!);
    const r = await call(sim, 'PUT', url, { body: { ...read, name: 'Sales DW' } });
    expect(r).toMatchObject({ status: 409, text: 'Conflict' });
  });

  it('replaces the entity on PUT: an omitted password resets to empty (implicit update)', async () => {
    const url = `/qrs/dataconnection/${KB_IDS.connections['Finance REST API']}`;
    const { password, ...rest } = (await call(sim, 'GET', url)).json();
    expect(password).toContain(KB_SECRETS.restPassword);
    const r = await call(sim, 'PUT', url, { body: rest, user: 'UserDirectory=DOMAIN; UserId=jdoe' });
    expect(r.status).toBe(200);
    const after = r.json();
    expect(after.password).toBe('');
    expect(after.username).toBe('domain\\qvservice');
    expect(after.modifiedByUserName).toBe('DOMAIN\\jdoe');
    expect(Date.parse(after.modifiedDate)).toBeGreaterThan(Date.parse(rest.modifiedDate));
    expect(after.modifiedDate).toMatch(/\.\d{3}Z$/);
    expect(sim.state.connections.get(after.id)!.password).toBe('');
    const missing = await call(sim, 'PUT', url, { body: { id: after.id, modifiedDate: after.modifiedDate, name: 'x', owner: after.owner } });
    expect(missing.status).toBe(400);
    expect(missing.text).toMatch(/^<BrokenRules>/);
  });

  it('creates users (201), refuses a case-insensitive duplicate, and ignores an empty id', async () => {
    const r = await call(sim, 'POST', '/qrs/user', { body: { id: '', userId: 'monitor_svc', userDirectory: 'DOMAIN', name: 'Monitor', roles: ['RootAdmin'] } });
    expect(r.status).toBe(201);
    expect(r.json()).toMatchObject({ userId: 'monitor_svc', roles: ['RootAdmin'], blacklisted: false, schemaPath: 'User', id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const dup = await call(sim, 'POST', '/qrs/user', { body: { userId: 'MONITOR_SVC', userDirectory: 'domain' } });
    expect(dup.status).toBe(400);
    expect(dup.text).toMatch(/^<BrokenRules>/);
  });

  it('quarantines a recently used pass on DELETE, keeps it on a second DELETE, and reinstates it by PUT', async () => {
    const id = KB_IDS.allocations.qvserviceUserAccess;
    const url = `/qrs/license/useraccesstype/${id}`;
    const before = (await call(sim, 'GET', url)).json();
    expect(before).toMatchObject({ quarantined: false, quarantineEnd: NO_DATE, user: { userId: 'qvservice' } });
    expect((await call(sim, 'DELETE', url)).status).toBe(204);
    const q = (await call(sim, 'GET', url)).json();
    expect(q.quarantined).toBe(true);
    expect(Date.parse(q.quarantineEnd)).toBe(Date.parse(before.lastUsed) + 7 * 24 * 3600 * 1000);
    expect((await call(sim, 'DELETE', url)).status).toBe(204);
    expect(sim.state.allocations.user.get(id)!.quarantined).toBe(true);
    // A new allocation for the same user is refused while the old one is in quarantine.
    const again = await call(sim, 'POST', '/qrs/license/useraccesstype', { body: { user: { id: KB_IDS.users.qvservice } } });
    expect(again.status).toBe(400);
    const reinstated = await call(sim, 'PUT', url, { body: { ...q, quarantined: false } });
    expect(reinstated.status).toBe(200);
    expect(reinstated.json()).toMatchObject({ quarantined: false, quarantineEnd: NO_DATE, lastUsed: before.lastUsed });
  });

  it('removes a pass not used for 7 days on DELETE, and a new one can then be allocated', async () => {
    const url = `/qrs/license/useraccesstype/${KB_IDS.allocations.jdoeUserAccess}`;
    expect((await call(sim, 'DELETE', url)).status).toBe(204);
    expect((await call(sim, 'GET', url)).status).toBe(404);
    const created = await call(sim, 'POST', '/qrs/license/useraccesstype', { body: { user: { id: KB_IDS.users.jdoe } } });
    expect(created.status).toBe(201);
    expect(created.json()).toMatchObject({ user: { userId: 'jdoe' }, lastUsed: NO_DATE, quarantined: false });
    const unknown = await call(sim, 'POST', '/qrs/license/useraccesstype', { body: { user: { id: '00000000-1111-4111-8111-000000000000' } } });
    expect(unknown.status).toBe(400);
  });
});

describe('faults', () => {
  it('answers a scripted status (with headers) the given number of times, and records faulted requests', async () => {
    sim.resetRequests();
    sim.faults.add({ method: 'GET', path: '/qrs/about', times: 2, action: { kind: 'status', status: 503, headers: { 'Retry-After': '1' } } });
    const first = await call(sim, 'GET', '/qrs/about', { xrfkey: null }); // faults come before the xrfkey check
    expect(first.status).toBe(503);
    expect(first.headers['retry-after']).toBe('1');
    expect((await call(sim, 'GET', '/qrs/about')).status).toBe(503);
    expect((await call(sim, 'GET', '/qrs/about')).status).toBe(200);
    expect(sim.requests.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(sim.requests[2]).toMatchObject({ method: 'GET', path: '/qrs/about', query: { xrfkey: KEY } });
    expect(sim.requests[2]!.bytesOut).toBeGreaterThan(50);
  });

  it('drops the connection, serves HTML, and truncates JSON', async () => {
    sim.faults.add({ path: /^\/qrs\/user/, action: { kind: 'drop' } });
    await expect(call(sim, 'GET', '/qrs/user')).rejects.toThrow(/socket hang up|ECONNRESET/);
    sim.faults.add({ action: { kind: 'html' } });
    const html = await call(sim, 'GET', '/qrs/user');
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    sim.faults.add({ action: { kind: 'truncate' } });
    const cut = await call(sim, 'GET', '/qrs/user');
    expect(cut.headers['content-type']).toMatch(/^application\/json/);
    expect(() => cut.json()).toThrow();
  });

  it('applies the write then drops the socket (dropAfterApply), and runs an edit before the request', async () => {
    const id = KB_IDS.connections.ServerLogFolder;
    const url = `/qrs/dataconnection/${id}`;
    const read = (await call(sim, 'GET', url)).json();
    sim.faults.add({ method: 'PUT', path: url, action: { kind: 'dropAfterApply' } });
    await expect(call(sim, 'PUT', url, { body: { ...read, connectionstring: 'D:\\Logs\\' } })).rejects.toThrow();
    expect(sim.state.connections.get(id)!.connectionstring).toBe('D:\\Logs\\');
    const fresh = (await call(sim, 'GET', url)).json();
    sim.faults.add({ method: 'PUT', path: url, action: { kind: 'edit', apply: (s) => s.touch(s.connections.get(id)!) } });
    expect((await call(sim, 'PUT', url, { body: fresh })).status).toBe(409);
  });

  it('hangs a request until stop(), which still returns promptly', async () => {
    const own = await startSimulator();
    own.faults.add({ action: { kind: 'hang' }, times: Infinity });
    const pending = call(own, 'GET', '/qrs/about', { timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 200));
    const t0 = Date.now();
    await own.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
    await expect(pending).rejects.toThrow();
    expect(fs.existsSync(own.certsDir)).toBe(false);
  });
});

describe('options', () => {
  it('writes to a given certsDir, honours latency and the clock', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-opt-'));
    const fixed = new Date('2030-01-01T00:00:00.000Z');
    const own = await startSimulator({ certsDir: dir, latencyMs: 150, now: () => fixed });
    try {
      const t0 = Date.now();
      const r = await call(own, 'GET', `/qrs/user/${KB_IDS.users.jdoe}`);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
      const put = (await call(own, 'PUT', `/qrs/user/${KB_IDS.users.jdoe}`, { body: r.json() })).json();
      expect(put.modifiedDate.startsWith('2030-01-01T00:00:00.')).toBe(true);
      expect(put.roles).toEqual(['RootAdmin']);
    } finally {
      await own.stop();
    }
    expect(fs.existsSync(path.join(dir, 'root.pem'))).toBe(true); // a given folder is left in place
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

