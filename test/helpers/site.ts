/** A KB-seeded simulator and an empty working folder: fresh for every test, or one for a whole file. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { isReadOnlyPost, startSimulator, type RequestRecord, type SimHandle } from '../../src/sim/index.js';
import { qrsfix, type Run, type RunOptions } from './cli.js';

export interface Site {
  sim: SimHandle;
  /** The working folder the CLI runs in (journals land here). */
  dir: string;
  /** The CLI with the simulator's connection flags appended, run in `dir`. */
  run(args: string[], opts?: RunOptions): Promise<Run>;
  /** The requests that may change something (not GETs, not the license audit), since the last resetRequests(). */
  writes(): RequestRecord[];
}

/**
 * The site and the hooks that start and stop it. `sim` and `dir` are set by `start`: read them inside
 * hooks and tests, not at a file's top level.
 */
function siteWithHooks(name: string, env: Record<string, string>): { site: Site; start(): Promise<void>; stop(): Promise<void> } {
  const site = {
    run(args: string[], opts: RunOptions = {}) {
      return qrsfix([...args, ...site.sim.flags], { cwd: site.dir, ...opts, env: { ...env, ...opts.env } });
    },
    writes() {
      return site.sim.requests.filter((q) => q.method !== 'GET' && !isReadOnlyPost(q.method, q.path));
    },
  } as Site;
  return {
    site,
    async start() {
      site.sim = await startSimulator({ site: 'kb', reloadMs: 60 });
      site.dir = await mkdtemp(path.join(tmpdir(), `qrsfix-${name}-`));
    },
    async stop() {
      await site.sim?.stop();
      if (site.dir) await rm(site.dir, { recursive: true, force: true });
    },
  };
}

export function freshSitePerTest(name: string, env: Record<string, string> = {}): Site {
  const { site, start, stop } = siteWithHooks(name, env);
  beforeEach(start);
  afterEach(stop);
  return site;
}

/**
 * One simulator and working folder for all the tests of a file, which is quicker when the tests only
 * read: each test still starts with no faults scripted and no requests recorded.
 */
export function sharedSitePerFile(name: string, env: Record<string, string> = {}): Site {
  const { site, start, stop } = siteWithHooks(name, env);
  beforeAll(start);
  afterAll(stop);
  beforeEach(() => {
    site.sim.faults.clear();
    site.sim.resetRequests();
  });
  return site;
}
