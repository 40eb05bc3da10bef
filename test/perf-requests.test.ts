/**
 * The performance budgets as shapes, not timings (npm run bench times them): on a large site audit and
 * fix read a handful of filtered requests whatever the number of users, fix writes once per change with
 * at most 4 writes in flight, and --version / --help load no command module and no heavy dependency.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isReadOnlyPost, startSimulator, type RequestRecord, type SimHandle } from '../src/sim/index.js';
import { CLI, REPO, cleanEnv, qrsfix } from './helpers/cli.js';

/** Budgets of the issue; a regression in the request count fails here. */
const AUDIT_MAX_REQUESTS = 12;
const FIX_DRY_RUN_MAX_REQUESTS = 15;
const MAX_WRITES_IN_FLIGHT = 4;

/** A GET that lists users, allocations or connections (not one entity by id, not /count). */
const LIST = /^\/qrs\/(user|dataconnection|license\/[a-z]+)(\/full)?$/i;

function unfilteredLists(requests: RequestRecord[]): string[] {
  return requests.filter((r) => r.method === 'GET' && LIST.test(r.path) && !r.query.filter).map((r) => `${r.method} ${r.path}`);
}

function writes(requests: RequestRecord[]): RequestRecord[] {
  return requests.filter((r) => r.method !== 'GET' && !isReadOnlyPost(r.method, r.path));
}

let sim: SimHandle;
let dir: string;

beforeAll(async () => {
  // Modest so the seed is quick, large enough that listing everything would show in the counts and bytes.
  // A little latency so that requests really overlap when they are sent in parallel.
  sim = await startSimulator({ site: { kind: 'large', users: 20_000, allocations: 10_000, connections: 500 }, latencyMs: 15 });
  dir = mkdtempSync(path.join(tmpdir(), 'qrsfix-perf-'));
});

afterAll(async () => {
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => sim.resetRequests());

describe('request budgets on a large site', () => {
  it(`audit: at most ${AUDIT_MAX_REQUESTS} requests, every list filtered on the server, reads in parallel`, async () => {
    const r = await qrsfix(['audit', ...sim.flags]);
    expect(r.code, r.stderr).toBe(2); // the kb problem is inside the large site
    expect(sim.requests.length).toBeLessThanOrEqual(AUDIT_MAX_REQUESTS);
    expect(unfilteredLists(sim.requests)).toEqual([]);
    expect(writes(sim.requests)).toEqual([]);
    expect(sim.load.peakInFlight).toBeGreaterThan(1);
    // The CLI's own count agrees with the server's.
    expect(r.stderr).toContain(`${sim.requests.length} requests, `);
    // 20,000 users and 10,000 allocations listed would be megabytes.
    expect(sim.requests.reduce((n, q) => n + q.bytesOut, 0)).toBeLessThan(100_000);
  });

  it.each([
    ['option 1', []],
    ['option 2', ['--monitor-user', 'DOMAIN\\qlikmonitor']],
  ])(`fix --dry-run (%s): at most ${FIX_DRY_RUN_MAX_REQUESTS} requests, all filtered, no write`, async (_name, extra) => {
    const r = await qrsfix(['fix', '--dry-run', ...extra, ...sim.flags]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Dry run');
    expect(sim.requests.length).toBeLessThanOrEqual(FIX_DRY_RUN_MAX_REQUESTS);
    expect(unfilteredLists(sim.requests)).toEqual([]);
    expect(writes(sim.requests)).toEqual([]);
  });

  it(`fix --yes (option 2): one write per change, at most ${MAX_WRITES_IN_FLIGHT} in flight`, async () => {
    const journal = path.join(dir, 'journal.json');
    const r = await qrsfix(['fix', '--yes', '--json', '--monitor-user', 'DOMAIN\\qlikmonitor', '--journal', journal, ...sim.flags], {
      env: { QRSFIX_PASSWORD: 'x' },
    });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { outcome: string; plan: { steps: unknown[] } };
    expect(doc.outcome).toBe('done');
    const changes = doc.plan.steps.length;
    expect(changes).toBeGreaterThan(4); // a monitor user to create and the monitor connections to repoint
    const written = writes(sim.requests);
    expect(written.length).toBeGreaterThanOrEqual(changes);
    expect(written.length).toBeLessThanOrEqual(changes + 2);
    // Reads: the survey, a fresh GET before each update (for its modifiedDate), the new user's license
    // rules once it exists (its user and allocations, the rules, an audit per kind), the audit afterwards.
    const NEW_USER_RULES = 4 + 1 + 4;
    expect(sim.requests.length).toBeLessThanOrEqual(FIX_DRY_RUN_MAX_REQUESTS + 2 * changes + NEW_USER_RULES + AUDIT_MAX_REQUESTS);
    expect(unfilteredLists(sim.requests)).toEqual([]);
    expect(sim.load.peakWritesInFlight).toBeLessThanOrEqual(MAX_WRITES_IN_FLIGHT);
    expect(sim.load.peakWritesInFlight).toBeGreaterThan(1); // bounded, but concurrent
  });
});

describe('cold start', () => {
  const HEAVY = /\/node_modules\/(axios|zod|cli-table3|node-forge|@inquirer|https-proxy-agent)\//;
  /** Only the entry, the option declarations and what they import may load for --version / --help (the shell quoter and the output escaper are leaves of a few lines). */
  const COMMAND_CODE = /\/dist\/(commands\/(?!options\.js)|qrs\/|remedy\/|logs\/|sim\/|util\/(?!shell\.js|sanitize\.js))/;

  function loadedBy(args: string[]): string[] {
    const log = path.join(dir, `loads-${args.join('_')}.txt`);
    const r = spawnSync(process.execPath, ['--import', './test/helpers/record-loads.mjs', CLI, ...args], {
      cwd: REPO,
      env: cleanEnv({ QRSFIX_LOAD_LOG: log }),
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    return readFileSync(log, 'utf8').split('\n').filter(Boolean);
  }

  it.each([[['--version']], [['--help']], [['fix', '--help']]])('%j loads no command module and no heavy dependency', (args) => {
    const loaded = loadedBy(args);
    expect(loaded.some((u) => u.endsWith('/dist/cli.js'))).toBe(true);
    expect(loaded.some((u) => u.includes('/node_modules/commander/'))).toBe(true); // the hook saw the imports
    expect(loaded.filter((u) => HEAVY.test(u) || COMMAND_CODE.test(u))).toEqual([]);
  });

  it('the bin is the compiled entry with a node shebang', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin.qrsfix).toBe('dist/cli.js');
    expect(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});
