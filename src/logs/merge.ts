/**
 * All files as one stream of access rows in time order. Each Qlik log is written in time order, so a
 * k-way merge by timestamp gives a global order: bursts, "after SessionCount 5" and the audit/trace
 * de-duplication then need only a few seconds of memory, not the whole history.
 *
 * Files are opened only when the merge reaches their first row: rolled archives of one log do not
 * overlap, so a folder of hundreds of archives holds two or three files open, not hundreds.
 */
import { QrsfixError } from '../errors.js';
import { MORE, openLines, type LineSource } from './line-reader.js';
import { parseLine, type AccessRow, type Header, type LogKind } from './rows.js';
import type { Stamp } from './time.js';

export interface LogFile {
  path: string;
  header: Header;
  firstAt: number;
}

export interface FileSummary {
  path: string;
  kind: LogKind;
  rows: number;
  accessRows: number;
  malformed: number;
  signature: boolean;
  first?: Stamp;
  last?: Stamp;
}

class FileCursor {
  readonly summary: FileSummary;
  private readonly lines: LineSource;
  private sawHeader = false;

  constructor(
    private readonly file: LogFile,
    private readonly keep: (row: AccessRow) => boolean,
  ) {
    this.summary = { path: file.path, kind: file.header.kind, rows: 0, accessRows: 0, malformed: 0, signature: false };
    this.lines = openLines(file.path);
  }

  /** The next kept access row; MORE when fill() must be awaited first; undefined at the end. */
  take(): AccessRow | undefined | typeof MORE {
    for (;;) {
      const line = this.lines.take();
      if (line === undefined || line === MORE) return line;
      if (!this.sawHeader) {
        // The sniff already read the header; here it only has to be stepped over.
        if (line.trim().length > 0) this.sawHeader = true;
        continue;
      }
      const parsed = parseLine(this.file.header, line);
      switch (parsed.type) {
        case 'blank':
          continue;
        case 'signature':
          this.summary.signature = true;
          continue;
        case 'malformed':
          this.summary.malformed++;
          continue;
        case 'other':
          this.count(parsed.stamp);
          continue;
        case 'access':
          this.count(parsed.row.stamp);
          this.summary.accessRows++;
          if (this.keep(parsed.row)) return parsed.row;
      }
    }
  }

  async fill(): Promise<void> {
    try {
      await this.lines.fill();
    } catch (err) {
      // The sniff could read the start; a copy still being written or a share that drops can fail later.
      throw new QrsfixError('input', `cannot read ${this.file.path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, undefined, { cause: err });
    }
  }

  async next(): Promise<AccessRow | undefined> {
    for (;;) {
      const row = this.take();
      if (row !== MORE) return row;
      await this.fill();
    }
  }

  private count(stamp: Stamp): void {
    this.summary.rows++;
    if (!this.summary.first || stamp.at < this.summary.first.at) this.summary.first = stamp;
    if (!this.summary.last || stamp.at > this.summary.last.at) this.summary.last = stamp;
  }

  close(): void {
    this.lines.close();
  }
}

interface Active {
  cursor: FileCursor;
  head: AccessRow;
}

/**
 * Hands the kept access rows of all files to `emit` in time order; `done` receives each file's summary
 * when the file is finished (for the per-file notes and the report). Rows are passed synchronously
 * from the chunk in memory; the only waits are for the next chunk of a file.
 */
export async function mergeByTime(
  files: LogFile[],
  keep: (row: AccessRow) => boolean,
  done: (summary: FileSummary) => void,
  emit: (row: AccessRow) => void,
): Promise<void> {
  const pending = [...files].sort((a, b) => a.firstAt - b.firstAt);
  const active: Active[] = [];
  const opened: FileCursor[] = [];
  try {
    for (;;) {
      let min = earliest(active);
      while (pending.length > 0 && (min === undefined || pending[0]!.firstAt <= min.head.stamp.at)) {
        const cursor = new FileCursor(pending.shift()!, keep);
        opened.push(cursor);
        const head = await cursor.next();
        if (head) active.push({ cursor, head });
        else finish(cursor, done);
        min = earliest(active);
      }
      if (min === undefined) return;
      // Emit from the earliest file while it stays the earliest: one file at a time in the usual
      // folder of rolled archives, whose time ranges do not overlap.
      const { cursor } = min;
      const others = active.length > 1 ? earliestExcept(active, min) : undefined;
      const limit = Math.min(others?.head.stamp.at ?? Infinity, pending[0]?.firstAt ?? Infinity);
      let next: AccessRow | undefined | typeof MORE = min.head;
      for (;;) {
        emit(next);
        next = cursor.take();
        while (next === MORE) {
          await cursor.fill();
          next = cursor.take();
        }
        // At a tie the outer loop decides, exactly as it would row by row.
        if (next === undefined || next.stamp.at >= limit) break;
      }
      if (next) min.head = next;
      else {
        active.splice(active.indexOf(min), 1);
        finish(cursor, done);
      }
    }
  } finally {
    // Also on an early return or an error: no file handle is left open.
    for (const c of opened) c.close();
  }
}

function finish(cursor: FileCursor, done: (summary: FileSummary) => void): void {
  cursor.close();
  done(cursor.summary);
}

function earliestExcept(active: Active[], skip: Active): Active | undefined {
  let min: Active | undefined;
  for (const a of active) if (a !== skip && (!min || a.head.stamp.at < min.head.stamp.at)) min = a;
  return min;
}

function earliest(active: Active[]): Active | undefined {
  // Linear: only files whose time ranges overlap are open together, a handful at most.
  let min: Active | undefined;
  for (const a of active) if (!min || a.head.stamp.at < min.head.stamp.at) min = a;
  return min;
}
