/**
 * Hardening, network: the built CLI against the simulator over mutual TLS, with scripted faults.
 * GETs are retried (at most 3 tries) on 502/503/504, dropped connections and timeouts, with
 * exponential backoff and jitter, honouring Retry-After; writes never are. A hanging server ends in a
 * timeout error; a 200 that is not QRS JSON names the endpoint.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RequestRecord } from '../src/sim/index.js';
import { QrsClient } from '../src/qrs/client.js';
import { loadCertificateFolder } from '../src/qrs/cert-folder.js';
import { aboutSchema } from '../src/qrs/schemas.js';
import { QrsError } from '../src/qrs/errors.js';
import { qrsfix } from './helpers/cli.js';
import { sharedSitePerFile } from './helpers/site.js';

const STACK = /\n\s+at .*(\.js|\.ts):\d+/;

const site = sharedSitePerFile('e2e-net');

const to = (path: string): RequestRecord[] => site.sim.requests.filter((q) => q.path === path);
const gaps = (records: RequestRecord[]): number[] => records.slice(1).map((r, i) => r.at - records[i]!.at);
const audit = (extra: string[] = []) => qrsfix(['audit', ...extra, ...site.sim.flags]);

describe('GET retries', () => {
  it('succeeds after a 502 and a 503 on /qrs/about: three tries, each later than the one before (exponential backoff)', async () => {
    site.sim.faults.add({ method: 'GET', path: '/qrs/about', action: { kind: 'status', status: 502, body: 'Bad Gateway' } });
    site.sim.faults.add({ method: 'GET', path: '/qrs/about', action: { kind: 'status', status: 503, body: 'Service Unavailable' } });
    const r = await audit();
    expect(r.code).toBe(2); // the KB site's findings: the audit itself went through
    expect(r.stdout).toContain('QRS build 36.25.2.0');
    const about = to('/qrs/about');
    expect(about.map((q) => q.status)).toEqual([502, 503, 200]);
    const [first, second] = gaps(about);
    // base 250 ms, doubled each try, plus up to as much again in jitter
    expect(first).toBeGreaterThanOrEqual(250);
    expect(second).toBeGreaterThanOrEqual(500);
    // every try is a new request with its own xrfkey
    expect(new Set(about.map((q) => q.query.xrfkey)).size).toBe(3);
  });

  it('gives up after 3 tries (504 every time): exit 1, one error line naming the status and the endpoint, no stack trace', async () => {
    site.sim.faults.add({ method: 'GET', path: '/qrs/about', times: Infinity, action: { kind: 'status', status: 504, body: 'Gateway Timeout' } });
    const r = await audit();
    expect(r.code).toBe(1);
    expect(to('/qrs/about')).toHaveLength(3);
    expect(r.stderr).toMatch(/^error: .*504 to GET \/qrs\/about/m);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stdout).toBe('');
  });

  it('honours Retry-After: waits the 1 s the server asks for, not the 250–500 ms backoff', async () => {
    site.sim.faults.add({ method: 'GET', path: '/qrs/about', action: { kind: 'status', status: 503, body: 'busy', headers: { 'Retry-After': '1' } } });
    const r = await audit();
    expect(r.code).toBe(2);
    const about = to('/qrs/about');
    expect(about.map((q) => q.status)).toEqual([503, 200]);
    expect(gaps(about)[0]).toBeGreaterThanOrEqual(1000);
  });

  it('a Retry-After longer than it is willing to wait: fails at once and says what the server asked', async () => {
    site.sim.faults.add({ method: 'GET', path: '/qrs/about', times: Infinity, action: { kind: 'status', status: 503, body: 'maintenance', headers: { 'Retry-After': '3600' } } });
    const r = await audit();
    expect(r.code).toBe(1);
    expect(to('/qrs/about')).toHaveLength(1);
    expect(r.stderr).toContain('retry after 3600 s');
    expect(r.ms).toBeLessThan(20_000);
  });

  it('a dropped connection is retried', async () => {
    site.sim.faults.add({ method: 'GET', path: '/qrs/dataconnection/full', action: { kind: 'drop' } });
    const r = await audit();
    expect(r.code).toBe(2);
    expect(to('/qrs/dataconnection/full').map((q) => q.status)).toEqual([0, 200]);
  });

  it('a request that times out is retried', async () => {
    site.sim.faults.add({ method: 'GET', path: '/qrs/about', action: { kind: 'hang' } });
    const r = await audit(['--timeout', '1000']);
    expect(r.code).toBe(2);
    const about = to('/qrs/about');
    expect(about.map((q) => q.status)).toEqual([0, 200]);
    expect(gaps(about)[0]).toBeGreaterThanOrEqual(1000);
  });

  it('a write is never retried (its outcome would be unknown): one POST on a 503', async () => {
    site.sim.faults.add({ method: 'POST', path: '/qrs/user', times: Infinity, action: { kind: 'status', status: 503, body: 'Service Unavailable' } });
    const cwd = await mkdtemp(path.join(tmpdir(), 'qrsfix-e2e-net-'));
    const r = await qrsfix(['create-user', '--user', 'DOMAIN\\qlikmonitor', '--yes', '--journal', 'j.json', ...site.sim.flags], { cwd });
    await rm(cwd, { recursive: true, force: true });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('503');
    expect(site.sim.requests.filter((q) => q.method === 'POST')).toHaveLength(1);
    expect(r.stderr).not.toMatch(STACK);
  });
});

describe('timeouts and answers that are not QRS', () => {
  it('--timeout 1500 against a server that never answers: a clear timeout error, exit 1, well under a minute', async () => {
    site.sim.faults.add({ times: Infinity, action: { kind: 'hang' } });
    const r = await audit(['--timeout', '1500']);
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(60_000);
    // Twice the timeout overall: the retry is cut short by the deadline, which the error then names.
    expect(r.stderr).toMatch(/^error: no complete answer to GET \/qrs\/\S+ within the overall deadline of 3 s \(--deadline\)$/m);
    expect(r.stderr).toMatch(/^hint: .*--timeout/m);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('a 200 that is an HTML page: names the endpoint, exit 1, no stack trace, not retried', async () => {
    site.sim.faults.add({ method: 'GET', path: '/qrs/about', times: Infinity, action: { kind: 'html' } });
    const r = await audit();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: QRS answered GET \/qrs\/about with an HTML page, not JSON/m);
    expect(r.stderr).toMatch(/^hint: .*4242/m);
    expect(r.stderr).not.toMatch(STACK);
    expect(to('/qrs/about')).toHaveLength(1);
  });

  it('a truncated 200 every time: names the endpoint, exit 1, no stack trace', async () => {
    site.sim.faults.add({ method: 'GET', path: '/qrs/dataconnection/full', times: Infinity, action: { kind: 'truncate' } });
    const r = await audit();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: QRS answered GET \/qrs\/dataconnection\/full with a body that is not JSON/m);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stdout).toBe('');
  });
});

describe('xrfkey and X-Qlik-User', () => {
  it('every request carries a fresh 16-character [A-Za-z0-9] xrfkey and the X-Qlik-User identity, URL-encoded', async () => {
    const r = await audit(['--qrs-user', 'DOMAIN\\Jürgen Müller']);
    expect(r.code).toBe(2);
    expect(site.sim.requests.length).toBeGreaterThanOrEqual(5);
    const keys = site.sim.requests.map((q) => q.query.xrfkey);
    for (const k of keys) expect(k).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(new Set(keys).size).toBe(keys.length);
    for (const q of site.sim.requests) expect(q.qlikUser).toBe('UserDirectory=DOMAIN; UserId=J%C3%BCrgen%20M%C3%BCller');
  });

  it('the default identity is INTERNAL\\sa_repository', async () => {
    const r = await audit();
    expect(r.code).toBe(2);
    for (const q of site.sim.requests) expect(q.qlikUser).toBe('UserDirectory=INTERNAL; UserId=sa_repository');
  });
});

describe('backoff jitter (the client in process)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  async function retryGaps(random: number): Promise<number[]> {
    site.sim.faults.clear();
    site.sim.resetRequests();
    site.sim.faults.add({ method: 'GET', path: '/qrs/about', times: 2, action: { kind: 'status', status: 503 } });
    vi.spyOn(Math, 'random').mockReturnValue(random);
    const client = new QrsClient(
      { host: site.sim.host, port: site.sim.port, certsDir: site.sim.certsDir, insecure: false, user: { directory: 'INTERNAL', userId: 'sa_repository' }, timeoutMs: 5000 },
      await loadCertificateFolder(site.sim.certsDir, {}),
      { backoffMs: 150 },
    );
    try {
      await client.get('/qrs/about', aboutSchema);
    } finally {
      client.close();
      vi.restoreAllMocks();
    }
    return gaps(to('/qrs/about'));
  }

  it('waits base × 2^n plus a random share of it: the waits differ with the random draw', async () => {
    const low = await retryGaps(0);
    const high = await retryGaps(0.99);
    // random 0: 150 then 300 ms; random 0.99: about 299 then 597 ms
    expect(high[0]! - low[0]!).toBeGreaterThan(75);
    expect(high[1]! - low[1]!).toBeGreaterThan(150);
    expect(low[1]!).toBeGreaterThanOrEqual(300);
  });

  it('stops after maxTries and throws the typed error', async () => {
    site.sim.faults.add({ method: 'GET', path: '/qrs/about', times: Infinity, action: { kind: 'status', status: 504 } });
    const client = new QrsClient(
      { host: site.sim.host, port: site.sim.port, certsDir: site.sim.certsDir, insecure: false, user: { directory: 'INTERNAL', userId: 'sa_repository' }, timeoutMs: 5000 },
      await loadCertificateFolder(site.sim.certsDir, {}),
      { backoffMs: 10, maxTries: 2 },
    );
    try {
      const err = await client.get('/qrs/about', aboutSchema).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QrsError);
      expect((err as QrsError).status).toBe(504);
      expect(to('/qrs/about')).toHaveLength(2);
    } finally {
      client.close();
    }
  });
});
