/**
 * When qrsfix last changed this site, from its journals: the newest finished step marked done in a
 * journal of the same host and port. A last run older than that proves nothing about the change.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { readJournal, type Journal } from '../remedy/journal.js';

export interface NewestChange {
  at: string;
  journal: string;
}

function newestDone(journal: Journal): string | undefined {
  const times = journal.steps.filter((s) => s.status === 'done' && s.finishedAt).map((s) => s.finishedAt!);
  return times.sort().at(-1);
}

/** The newest change in these journal files that is about host:port; unreadable files are skipped. */
export function newestChangeIn(files: string[], host: string, port: number): NewestChange | undefined {
  let best: NewestChange | undefined;
  for (const file of files) {
    let journal: Journal;
    try {
      journal = readJournal(file);
    } catch {
      continue;
    }
    if (journal.site.host.toLowerCase() !== host.toLowerCase() || journal.site.port !== port) continue;
    const at = newestDone(journal);
    if (at && (!best || Date.parse(at) > Date.parse(best.at))) best = { at, journal: file };
  }
  return best;
}

/** The qrsfix journals in a folder (qrsfix-journal-*.json), newest name first. */
export function journalsIn(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => /^qrsfix-journal-.*\.json$/.test(f))
      .sort()
      .reverse()
      .map((f) => path.join(dir, f));
  } catch {
    return [];
  }
}
