/** A fresh KB-seeded simulator and an empty working folder for every test of a file. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { startSimulator, type RequestRecord, type SimHandle } from '../../src/sim/index.js';
import { qrsfix, type Run, type RunOptions } from './cli.js';

export interface Site {
  sim: SimHandle;
  /** The working folder the CLI runs in (journals land here). */
  dir: string;
  /** The CLI with the simulator's connection flags appended, run in `dir`. */
  run(args: string[], opts?: RunOptions): Promise<Run>;
  /** The requests that were not GETs, since the last resetRequests(). */
  writes(): RequestRecord[];
}

export function freshSitePerTest(name: string, env: Record<string, string> = {}): Site {
  const site = {
    run(args: string[], opts: RunOptions = {}) {
      return qrsfix([...args, ...site.sim.flags], { cwd: site.dir, ...opts, env: { ...env, ...opts.env } });
    },
    writes() {
      return site.sim.requests.filter((q) => q.method !== 'GET');
    },
  } as Site;
  beforeEach(async () => {
    site.sim = await startSimulator({ site: 'kb' });
    site.dir = await mkdtemp(path.join(tmpdir(), `qrsfix-${name}-`));
  });
  afterEach(async () => {
    await site.sim.stop();
    await rm(site.dir, { recursive: true, force: true });
  });
  return site;
}
