/**
 * diagnose-log's pipeline: find files → check each one's start → merge all rows in time order →
 * count each decision once → aggregate per user. Everything streams; notes go to the caller's logger.
 */
import { accountFromUsername, formatAccount, sameAccount, type Account } from '../account.js';
import { LogAnalysis, type UserReport } from './analyse.js';
import { findLogFiles, type Skipped } from './find-files.js';
import { QrsfixError } from '../errors.js';
import { sniffLogFile } from './sniff.js';
import { mergeByTime, type FileSummary, type LogFile } from './merge.js';
import { chunkParser, defaultThreads } from './parse-pool.js';
import { Reconciler } from './reconcile.js';
import { KIND_LABEL, type AccessRow } from './rows.js';
import { formatServerTime, isAtOrAfter, type Since, type Stamp } from './time.js';
import { detach } from './analyse.js';
import { didYouMean, nearest } from '../util/nearest.js';

export interface DiagnoseFilters {
  user?: Account;
  since?: Since;
}

export interface DiagnoseOptions {
  /** Parse threads; 0: the main thread parses. Default: one per core, for inputs worth it. */
  threads?: number;
}

export interface Notes {
  info(text: string): void;
  warn(text: string): void;
  /** Details for --verbose. */
  debug?(text: string): void;
}

export interface Diagnosis {
  files: FileSummary[];
  /** Files and folders that could not be read, left out of every count. */
  skipped: Skipped[];
  filters: { user?: string; since?: string };
  /** First and last access decision kept after the filters. */
  span?: { first: Stamp; last: Stamp };
  users: UserReport[];
  totals: { grants: number; denials: number; users: number; usersMatching: number };
}

/** Distinct other users remembered for "did you mean": enough for a hub, bounded for a huge one. */
const MAX_SEEN_USERS = 10_000;

/** A filter that keeps no row is an error that says what the logs hold, not an empty report. */
function checkFiltersMatched(filters: DiagnoseFilters, seenUsers: Set<string>, lastSeen: Stamp | undefined): void {
  if (!lastSeen) return;
  if (filters.user && seenUsers.size > 0) {
    const who = formatAccount(filters.user);
    throw new QrsfixError('input', `--user ${who}: no access rows for this user in the logs; ${didYouMean(nearest(who, seenUsers), 'no user like it either')}`, 'give the user as the logs write it (DIRECTORY\\userid), or leave --user out to see every user');
  }
  if (filters.since) {
    throw new QrsfixError('input', `--since ${filters.since.text}: the last access row in the logs is at ${formatServerTime(lastSeen)}, before it`, 'give an earlier date, or leave --since out');
  }
}

export async function diagnoseLogs(paths: string[], filters: DiagnoseFilters, notes: Notes, options: DiagnoseOptions = {}): Promise<Diagnosis> {
  const { files: found, emptyFolders, skipped } = await findLogFiles(paths);
  for (const folder of emptyFolders) notes.warn(`no Repository audit or license logs in ${folder}`);

  // Check every file before reading any: a wrong file named on the command line fails fast.
  const logs: LogFile[] = [];
  const summaries: FileSummary[] = [];
  let bytes = 0;
  for (const f of found) {
    const sniffed = await sniffLogFile(f.path);
    if (sniffed.status === 'empty') {
      notes.warn(`${f.path}: no rows, skipped`);
      continue;
    }
    if (sniffed.status === 'unreadable') {
      skipped.push({ path: f.path, reason: sniffed.reason });
      continue;
    }
    logs.push({ path: f.path, header: sniffed.header, firstAt: sniffed.firstAt });
    notes.debug?.(`${f.path}: ${KIND_LABEL[sniffed.header.kind]}, ${sniffed.bytes} bytes`);
    bytes += sniffed.bytes;
  }
  for (const s of skipped) notes.warn(`${s.path}: ${s.reason}, skipped (the report lists it)`);
  if (logs.length === 0 && skipped.length > 0) {
    throw new QrsfixError('input', `none of the logs could be read (${skipped.length} skipped: ${skipped.map((s) => `${s.path}: ${s.reason}`).join('; ')})`, 'run as a user who may read the log folder, or copy the logs first');
  }
  const kinds = (['audit', 'license'] as const)
    .map((k) => [k, logs.filter((l) => l.header.kind === k).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${KIND_LABEL[k]}${n === 1 ? '' : 's'}`);
  notes.info(`reading ${logs.length} file${logs.length === 1 ? '' : 's'}${kinds.length ? ` (${kinds.join(', ')})` : ''}…`);

  // What the filters left out, to say what there is when they keep nothing (a typo, a date too late).
  const seenUsers = new Set<string>();
  let lastSeen: Stamp | undefined;
  const keep = (row: AccessRow): boolean => {
    if (!lastSeen || row.stamp.at > lastSeen.at) lastSeen = row.stamp;
    if (filters.since && !isAtOrAfter(row.stamp, filters.since)) return false;
    if (filters.user) {
      const account = accountFromUsername(row.user);
      if (!account || !sameAccount(account, filters.user)) {
        if (seenUsers.size < MAX_SEEN_USERS && !seenUsers.has(row.user)) seenUsers.add(detach(row.user));
        return false;
      }
    }
    return true;
  };
  const onFileDone = (s: FileSummary): void => {
    summaries.push(s);
    // A `Signature:` trailer ends every rolled archive: normal, so not worth a line per file.
    notes.debug?.(`${s.path}: ${s.rows} rows, ${s.accessRows} access decisions`);
    if (s.malformed > 0) notes.warn(`${s.path}: ${s.malformed} malformed row${s.malformed === 1 ? '' : 's'} skipped`);
  };

  const analysis = new LogAnalysis();
  const bothKinds = new Set(logs.map((l) => l.header.kind)).size > 1;
  const reconciler = new Reconciler((e) => analysis.add(e), bothKinds);
  const started = Date.now();
  let first: Stamp | undefined;
  let last: Stamp | undefined;
  const threads = options.threads ?? defaultThreads(bytes);
  notes.debug?.(`${bytes} bytes to read, ${threads === 0 ? 'parsed in the main thread' : `${threads} parse thread${threads === 1 ? '' : 's'}`}`);
  const parser = chunkParser(threads);
  try {
    await mergeByTime(
      logs,
      keep,
      onFileDone,
      (row) => {
        first ??= row.stamp;
        if (!last || row.stamp.at >= last.at) last = row.stamp;
        reconciler.push(row);
      },
      parser,
    );
  } finally {
    await parser.close();
  }
  reconciler.end();
  const rows = summaries.reduce((n, f) => n + f.rows, 0);
  notes.info(`read ${rows} rows in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const users = analysis.result();
  if (users.length === 0) checkFiltersMatched(filters, seenUsers, lastSeen);
  const order = new Map(found.map((f, i) => [f.path, i]));
  summaries.sort((a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0));
  const diagnosis: Diagnosis = {
    files: summaries,
    skipped,
    filters: {},
    users,
    totals: {
      grants: users.reduce((n, u) => n + u.grants, 0),
      denials: users.reduce((n, u) => n + u.denials, 0),
      users: users.length,
      usersMatching: users.filter((u) => u.verdict.code === 'matches-QLIK-88038').length,
    },
  };
  if (filters.user) diagnosis.filters.user = formatAccount(filters.user);
  if (filters.since) diagnosis.filters.since = filters.since.text;
  if (first && last) diagnosis.span = { first, last };
  return diagnosis;
}
