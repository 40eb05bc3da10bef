/**
 * All files as one stream of access rows in time order. Each Qlik log is written in time order, so a
 * k-way merge by timestamp gives a global order: bursts, "after SessionCount 5" and the audit/trace
 * de-duplication then need only a few seconds of memory, not the whole history.
 *
 * Files are opened only when the merge reaches their first row: rolled archives of one log do not
 * overlap, so a folder of hundreds of archives holds two or three files open, not hundreds.
 */
import { QrsfixError } from '../errors.js';
import { addCounts, unpackRows, type ChunkCounts, type PackedChunk } from './chunk-parse.js';
import { BufferPool, ChunkReader } from './chunk-reader.js';
import type { ChunkParser } from './parse-pool.js';
import type { AccessRow, Header, LogKind } from './rows.js';

export interface LogFile {
  path: string;
  header: Header;
  firstAt: number;
}

export interface FileSummary extends ChunkCounts {
  path: string;
  kind: LogKind;
}

/** take() returns this when the runs parsed so far are used up and fill() must be awaited. */
export const MORE: unique symbol = Symbol('more');

/**
 * One file's kept access rows in order. Its runs are read and parsed `parser.depth` ahead of the
 * merge (in worker threads, when the parser has them), and taken back in file order.
 */
class FileCursor {
  readonly summary: FileSummary;
  private readonly reader: ChunkReader;
  private readonly ahead: Array<Promise<PackedChunk | undefined>> = [];
  private lastRead: Promise<unknown> = Promise.resolve();
  private rows: AccessRow[] = [];
  private at = 0;
  private ended = false;

  constructor(
    private readonly file: LogFile,
    private readonly keep: (row: AccessRow) => boolean,
    private readonly parser: ChunkParser,
    private readonly pool: BufferPool,
  ) {
    this.summary = { path: file.path, kind: file.header.kind, rows: 0, accessRows: 0, malformed: 0, signature: false };
    this.reader = new ChunkReader(file.path, pool);
  }

  /** The next kept access row; MORE when fill() must be awaited first; undefined at the end. */
  take(): AccessRow | undefined | typeof MORE {
    while (this.at < this.rows.length) {
      const row = this.rows[this.at++]!;
      if (this.keep(row)) return row;
    }
    return this.ended ? undefined : MORE;
  }

  /** Reads one more run after the ones already asked for, and has it parsed. */
  private readAhead(): void {
    const read = this.lastRead.then(() => this.reader.next());
    this.lastRead = read.catch(() => {});
    const parsed = read.then(async (run) => {
      if (!run) return undefined;
      const { chunk, bytes } = await this.parser.parse(run, this.file.header);
      this.pool.release(bytes);
      return chunk;
    });
    // Awaited in order by fill(); until then a failure must not count as unhandled.
    parsed.catch(() => {});
    this.ahead.push(parsed);
  }

  async fill(): Promise<void> {
    if (this.ended) return;
    while (this.ahead.length < this.parser.depth) this.readAhead();
    let chunk: PackedChunk | undefined;
    try {
      chunk = await this.ahead.shift()!;
    } catch (err) {
      if (err instanceof QrsfixError) throw err;
      // The sniff could read the start; a copy still being written or a share that drops can fail later.
      const code = (err as NodeJS.ErrnoException).code;
      throw new QrsfixError('input', `cannot read ${this.file.path}: ${code ?? (err as Error).message ?? String(err)}`, undefined, { cause: err });
    }
    this.summary.malformed += this.reader.takeLongLines();
    if (!chunk) {
      this.ended = true;
      this.rows = [];
      this.at = 0;
      return;
    }
    this.readAhead();
    this.absorb(chunk);
  }

  private absorb(chunk: PackedChunk): void {
    addCounts(this.summary, chunk);
    this.rows = unpackRows(chunk, this.file.header.kind);
    this.at = 0;
  }

  async next(): Promise<AccessRow | undefined> {
    for (;;) {
      const row = this.take();
      if (row !== MORE) return row;
      await this.fill();
    }
  }

  close(): void {
    this.reader.close();
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
  parser: ChunkParser,
): Promise<void> {
  const pending = [...files].sort((a, b) => a.firstAt - b.firstAt);
  const pool = new BufferPool();
  const active: Active[] = [];
  const opened: FileCursor[] = [];
  try {
    for (;;) {
      let min = earliest(active);
      while (pending.length > 0 && (min === undefined || pending[0]!.firstAt <= min.head.stamp.at)) {
        const cursor = new FileCursor(pending.shift()!, keep, parser, pool);
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
