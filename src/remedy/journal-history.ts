/**
 * An earlier run on the same site that did not finish (interrupted, partly done, killed) left its
 * journal: after a re-run there are two, and a rollback must undo the newer one first.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { readJournal, type Journal } from './journal.js';

export interface EarlierJournal {
  file: string;
  journal: Journal;
}

/** The newest unfinished journal of the same site in the folder, other than `except`. */
export function earlierUnfinished(folder: string, site: { host: string; port: number }, except: string): EarlierJournal | undefined {
  let names: string[];
  try {
    names = readdirSync(folder).filter((n) => /^qrsfix-journal-.*\.json$/.test(n));
  } catch {
    return undefined;
  }
  let best: EarlierJournal | undefined;
  for (const name of names) {
    const file = path.join(folder, name);
    if (path.resolve(file) === path.resolve(except)) continue;
    let journal: Journal;
    try {
      journal = readJournal(file);
    } catch {
      continue; // not ours to judge here; rollback says what is wrong with it
    }
    const sameSite = journal.site.host.toLowerCase() === site.host.toLowerCase() && journal.site.port === site.port;
    const unfinished = journal.outcome === 'in-progress' || journal.outcome === 'partial' || journal.outcome === 'interrupted';
    if (!sameSite || !unfinished || journal.command === 'rollback') continue;
    if (!journal.steps.some((s) => s.status === 'done' || s.status === 'unknown')) continue;
    if (!best || journal.createdAt > best.journal.createdAt) best = { file, journal };
  }
  return best;
}
