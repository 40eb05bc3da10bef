/**
 * A server that misbehaves on purpose: an answer over 64 MiB is cut off as "too large", an answer that
 * never ends stops at the overall deadline (not 3 × the timeout), 429 is retried after its Retry-After
 * (seconds or a date), a redirect says where it pointed, deep JSON is refused and traced in a bounded
 * summary, ids that are not GUIDs never reach a request path, and a password echoed back JSON-escaped
 * or URL-encoded is scrubbed like the raw one.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KB_IDS, type RequestRecord } from '../src/sim/index.js';
import { filesUnder, leakedSecrets } from './helpers/cli.js';
import { sharedSitePerFile } from './helpers/site.js';
import { secretForms } from '../src/secrets.js';

const site = sharedSitePerFile('e2e-hostile-server');
const STACK = /\n\s+at .*(\.js|\.ts):\d+/;
const to = (p: string): RequestRecord[] => site.sim.requests.filter((q) => q.path === p);
const audit = (extra: string[] = []) => site.run(['audit', ...extra]);

describe('answers no QRS gives', () => {
  it('an answer of more than 64 MiB: "answer too large", exit 1, not retried, not "cannot reach"', async () => {
    site.sim.faults.add({ method: 'GET', path: '/qrs/dataconnection/full', times: Infinity, action: { kind: 'oversized', bytes: 70 * 1024 * 1024 } });
    const r = await audit();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: QRS answered GET \/qrs\/dataconnection\/full with more than 64 MiB: answer too large/m);
    expect(r.stderr).not.toContain('cannot reach');
    expect(to('/qrs/dataconnection/full')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  it('an answer that never ends: stopped by the overall deadline (twice --timeout), with one retry at most', async () => {
    site.sim.faults.add({ method: 'GET', path: '/qrs/about', times: Infinity, action: { kind: 'endless' } });
    const r = await audit(['--timeout', '1000']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('within the overall deadline of 2 s (--deadline)');
    expect(to('/qrs/about').length).toBeLessThanOrEqual(2);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('--deadline sets the overall time', async () => {
    site.sim.faults.add({ method: 'GET', path: '/qrs/about', times: Infinity, action: { kind: 'hang' } });
    const r = await audit(['--timeout', '5000', '--deadline', '1500']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no complete answer to GET /qrs/about within the overall deadline of 2 s (--deadline)');
    expect(to('/qrs/about')).toHaveLength(1);
  });

  it('JSON nested 20,000 levels deep: refused as not QRS; --verbose traces a bounded summary, no stack overflow', async () => {
    const deep = `{"buildVersion":"1","x":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    site.sim.faults.add({ method: 'GET', path: '/qrs/about', times: Infinity, action: { kind: 'status', status: 200, body: deep, headers: { 'Content-Type': 'application/json' } } });
    const r = await audit(['--verbose']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nested more than 64 levels deep');
    expect(r.stderr).not.toContain('unexpected failure');
    const trace = r.stderr.split('\n').find((l) => l.startsWith('debug: ← 200 GET /qrs/about'))!;
    expect(trace).toContain('[...]');
    expect(trace.length).toBeLessThan(600);
  });
});

describe('429 and redirects', () => {
  it('429 with Retry-After in seconds: retried after it, as 503 is', async () => {
    site.sim.faults.add({ method: 'GET', path: '/qrs/about', action: { kind: 'status', status: 429, body: 'slow down', headers: { 'Retry-After': '1' } } });
    const r = await audit();
    expect(r.code).toBe(2);
    const about = to('/qrs/about');
    expect(about.map((q) => q.status)).toEqual([429, 200]);
    expect(about[1]!.at - about[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('429 with Retry-After as an HTTP date: retried at that time; three 429s: gives up with the status', async () => {
    site.sim.faults.add({ method: 'GET', path: '/qrs/about', action: { kind: 'status', status: 429, headers: { 'Retry-After': new Date(Date.now() + 4000).toUTCString() } } });
    const r = await audit();
    expect(r.code).toBe(2);
    const about = to('/qrs/about');
    expect(about.map((q) => q.status)).toEqual([429, 200]);
    expect(about[1]!.at - about[0]!.at).toBeGreaterThanOrEqual(1000);

    site.sim.resetRequests();
    site.sim.faults.add({ method: 'GET', path: '/qrs/about', times: Infinity, action: { kind: 'status', status: 429 } });
    const gaveUp = await audit();
    expect(gaveUp.code).toBe(1);
    expect(to('/qrs/about')).toHaveLength(3);
    expect(gaveUp.stderr).toMatch(/^error: .*answered 429 to GET \/qrs\/about/m);
  });

  it('a 302 says where it pointed and is not followed', async () => {
    site.sim.faults.add({ method: 'GET', path: '/qrs/about', action: { kind: 'status', status: 302, body: '', headers: { Location: 'https://login.example/form?target=qrs' } } });
    const r = await audit();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: QRS answered 302 to GET /qrs/about, pointing to https://login.example/form?target=qrs: qrsfix does not follow redirects');
    expect(r.stderr).toContain('port 4242');
    expect(to('/qrs/about')).toHaveLength(1);
  });
});

describe('ids and secrets from the server', () => {
  it('an id that is not a GUID (a path in disguise): refused, and no request goes to that path', async () => {
    const c = site.sim.state.connections.get(KB_IDS.connections.monitor_apps_REST_app)!;
    const real = c.id;
    c.id = `../user/${KB_IDS.users.jdoe}`;
    try {
      const r = await site.run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--yes'], { env: { QRSFIX_PASSWORD: 'n3w-Monitor-pw' } });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/0\.id: not a GUID|id: not a GUID/);
      expect(site.sim.requests.filter((q) => q.path.includes('..') || q.method !== 'GET')).toEqual([]);
    } finally {
      c.id = real;
    }
  });

  it('a password echoed back JSON-escaped and URL-encoded in an error: scrubbed from stdout, stderr and the journal', async () => {
    const password = 'n3w"Pa$s\\wo rd/é';
    const forms = secretForms(password);
    const json = JSON.stringify(password).slice(1, -1);
    const body = `{"message":"bad credential ${json}","echo":"/qrs/x?pw=${encodeURIComponent(password)}"}`;
    site.sim.faults.add({ method: 'PUT', path: /^\/qrs\/dataconnection\//, action: { kind: 'status', status: 400, body, headers: { 'Content-Type': 'application/json' } } });
    const r = await site.run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--yes', '--journal', 'echo.json', '--json'], { env: { QRSFIX_PASSWORD: password } });
    expect(r.code).toBe(2);
    expect(r.stderr + r.stdout).toContain('bad credential');
    expect(leakedSecrets(forms, [r.stdout, r.stderr], filesUnder(site.dir))).toEqual([]);
    const journal = readFileSync(path.join(site.dir, 'echo.json'), 'utf8');
    expect(journal).toContain('bad credential ***');
  });

  it('--proxy with a password: a warning to use HTTPS_PROXY, and the password printed nowhere', async () => {
    const r = await audit(['--proxy', 'http://user:Pr0xy-S3cret@127.0.0.1:9', '--timeout', '2000']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('warning: the proxy password given with --proxy can be read by other users in the process list; set HTTPS_PROXY');
    expect(r.stderr).not.toContain('Pr0xy-S3cret');
  });
});
