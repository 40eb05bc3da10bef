/**
 * One change at a time per site: a lock file beside the journals, created exclusively, holding the PID,
 * machine, command and start of the run that holds it. A lock whose process is gone (killed, power cut)
 * is stale: it is said so and taken over. A lock held by a live run, or from another machine whose
 * processes cannot be checked, refuses the change with who holds it and how to clear it.
 */
import { unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QrsfixError } from '../errors.js';
import { createExclusive } from '../util/safe-write.js';
import { readBoundedFile } from '../util/read-bounded.js';

export interface SiteLock {
  file: string;
  release(): void;
}

interface Holder {
  pid: number;
  machine: string;
  command: string;
  startedAt: string;
}

export function lockFileName(folder: string, host: string, port: number): string {
  return path.resolve(folder, `qrsfix-${host.toLowerCase().replace(/[^a-z0-9.-]/g, '_')}-${port}.lock`);
}

function readHolder(file: string): Holder | undefined {
  try {
    // Bounded, regular files only: a FIFO or device planted at the lock's name must not hang the run.
    const h = JSON.parse(readBoundedFile(file, 64 * 1024).toString('utf8')) as Partial<Holder>;
    if (typeof h.pid === 'number' && typeof h.machine === 'string') return { pid: h.pid, machine: h.machine, command: String(h.command ?? '?'), startedAt: String(h.startedAt ?? '?') };
  } catch {
    /* unreadable or not ours: treated as held */
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, as another user's process.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function heldError(file: string, site: string, holder: Holder | undefined, why: string): QrsfixError {
  const who = holder ? `qrsfix ${holder.command} (PID ${holder.pid} on ${holder.machine}, since ${holder.startedAt})` : 'another qrsfix run';
  return new QrsfixError(
    'refused',
    `${who} is changing ${site}: one change at a time per site (${why})`,
    `wait for it to finish; if no qrsfix runs any more, delete ${file} and run again`,
  );
}

/** Takes the site's lock or refuses; `onStale` hears about a stale lock taken over. */
export function lockSite(folder: string, host: string, port: number, command: string, onStale: (text: string) => void): SiteLock {
  const file = lockFileName(folder, host, port);
  const site = `${host}:${port}`;
  const me: Holder = { pid: process.pid, machine: os.hostname(), command, startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      createExclusive(file, JSON.stringify(me) + '\n');
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        throw new QrsfixError('input', `cannot create the lock ${file}: ${code ?? String(err)}`, 'run in a folder you may write, or give --journal in one');
      }
    }
    const holder = readHolder(file);
    if (!holder) throw heldError(file, site, holder, `${file} exists and is not a lock qrsfix can read`);
    if (holder.machine !== me.machine) throw heldError(file, site, holder, 'held from another machine');
    if (isAlive(holder.pid) || attempt > 0) throw heldError(file, site, holder, `lock ${file}`);
    onStale(`the lock ${file} of qrsfix ${holder.command} (PID ${holder.pid}, since ${holder.startedAt}) is stale: that process is gone; taking it over`);
    try {
      unlinkSync(file);
    } catch {
      /* someone else took it over first: the next create fails and says so */
    }
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    // Only our own lock: a stale-lock takeover by another run must not be undone by us.
    if (readHolder(file)?.pid === me.pid) {
      try {
        unlinkSync(file);
      } catch {
        /* gone already */
      }
    }
  };
  process.on('exit', release);
  return { file, release };
}
