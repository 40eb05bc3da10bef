/**
 * One run of a log file (complete lines only) → its counts and its access rows, packed into one
 * Float64Array and one string. The packing is for the hand-over between threads: structured clone of
 * row objects costs ~7 µs a row, more than parsing them; an array that moves and one string cost
 * almost nothing to send, and the receiving thread rebuilds the rows cheaply.
 *
 * Pure (no I/O), so it runs the same in a worker or in the main thread.
 */
import { isAscii } from 'node:buffer';
import { parseLine, type AccessRow, type Header, type LogKind } from './rows.js';
import type { Stamp } from './time.js';

export interface ChunkCounts {
  /** Rows with a timestamp (access decisions and other rows). */
  rows: number;
  accessRows: number;
  malformed: number;
  signature: boolean;
  first?: Stamp;
  last?: Stamp;
}

/** Adds the counts of a later run (or file part) to `into`. */
export function addCounts(into: ChunkCounts, from: ChunkCounts): void {
  into.rows += from.rows;
  into.accessRows += from.accessRows;
  into.malformed += from.malformed;
  into.signature ||= from.signature;
  if (from.first && (!into.first || from.first.at < into.first.at)) into.first = from.first;
  if (from.last && (!into.last || from.last.at > into.last.at)) into.last = from.last;
}

export interface PackedChunk extends ChunkCounts {
  /** Access rows: at, offsetMin, sessionCount (−1: none), which optional strings follow the user (bits). */
  nums: Float64Array;
  /**
   * Access rows' strings, joined by LF (no field holds one: lines are split at it): the user, then
   * those of sessionId, host, origin, context that the row has. Not made distinct: hashing every
   * field to find repeats costs the parse thread more than splitting them costs the main thread.
   */
  strings: string;
}

const NUMS = 4;
const LF = 0x0a;
const DENIED = 1;
const SESSION_ID = 2;
const HOST = 4;
const ORIGIN = 8;
const CONTEXT = 16;

/** An optional field: its string packed, its bit set, when the row has it. */
function pushOptional(strings: string[], bits: number, bit: number, value: string | undefined): number {
  if (value === undefined) return bits;
  strings.push(value);
  return bits | bit;
}

/**
 * The text of a run, in pieces of about PIECE_BYTES that end after an LF. Small enough for V8's young
 * generation: a bigger string goes to the large-object space, fresh memory for every run, whose page
 * faults cost more than the parsing (a sixth of the time with 256 KiB at once).
 */
const PIECE_BYTES = 64 * 1024;

function* pieces(bytes: Uint8Array): Generator<string> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let start = 0; start < buf.length; ) {
    let end = buf.length;
    if (end - start > PIECE_BYTES) {
      const lf = buf.lastIndexOf(LF, start + PIECE_BYTES - 1);
      const cut = lf >= start ? lf : buf.indexOf(LF, start + PIECE_BYTES);
      if (cut >= 0) end = cut + 1;
    }
    yield decode(buf.subarray(start, end));
    start = end;
  }
}

/** Logs are mostly ASCII, and then latin1 gives the same text by copying instead of decoding. */
function decode(buf: Buffer): string {
  return isAscii(buf) ? buf.toString('latin1') : buf.toString('utf8');
}

/**
 * Calls `each` for every line of `text` as node:readline splits them: at LF, CRLF or a lone CR, the
 * line end dropped; the last line need not end with one. `fileStart`: the text opens the file, so a BOM
 * on its first line is dropped. A multi-byte character never straddles an LF, so chunks cut after an
 * LF decode on their own.
 */
export function forEachLine(text: string, fileStart: boolean, each: (line: string) => void): void {
  let first = fileStart;
  let at = 0;
  while (at < text.length) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    let line = text.slice(at, end);
    at = end + 1;
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (first) {
      first = false;
      if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    }
    // Logs do not have lone CRs, so this is rare.
    if (line.indexOf('\r') >= 0) for (const part of line.split('\r')) each(part);
    else each(line);
  }
}

/**
 * Parses a run of complete lines. `fileStart`: the run opens the file, so it holds the header row
 * (sniffLogFile found it within the first 64 KiB, and a run is at least that long), which is skipped
 * with any blank lines before it.
 */
export function parseChunk(bytes: Uint8Array, header: Header, fileStart: boolean): PackedChunk {
  const counts: ChunkCounts = { rows: 0, accessRows: 0, malformed: 0, signature: false };
  const nums: number[] = [];
  const strings: string[] = [];
  const count = (stamp: Stamp): void => {
    counts.rows++;
    if (!counts.first || stamp.at < counts.first.at) counts.first = stamp;
    if (!counts.last || stamp.at > counts.last.at) counts.last = stamp;
  };
  let sawHeader = !fileStart;
  let first = fileStart;
  const each = (line: string): void => {
    if (!sawHeader) {
      // The sniff already read the header; here it only has to be stepped over.
      if (line.trim().length > 0) sawHeader = true;
      return;
    }
    const parsed = parseLine(header, line);
    switch (parsed.type) {
      case 'blank':
        return;
      case 'signature':
        counts.signature = true;
        return;
      case 'malformed':
        counts.malformed++;
        return;
      case 'other':
        count(parsed.stamp);
        return;
      case 'access': {
        const r = parsed.row;
        count(r.stamp);
        counts.accessRows++;
        let bits = r.outcome === 'denied' ? DENIED : 0;
        strings.push(r.user);
        bits = pushOptional(strings, bits, SESSION_ID, r.sessionId);
        bits = pushOptional(strings, bits, HOST, r.host);
        bits = pushOptional(strings, bits, ORIGIN, r.origin);
        bits = pushOptional(strings, bits, CONTEXT, r.context);
        nums.push(r.stamp.at, r.stamp.offsetMin, r.sessionCount ?? -1, bits);
      }
    }
  };
  for (const text of pieces(bytes)) {
    forEachLine(text, first, each);
    first = false;
  }
  return { ...counts, nums: Float64Array.from(nums), strings: strings.join('\n') };
}

/** The access rows of a packed chunk, as parseLine made them. */
export function unpackRows(chunk: PackedChunk, source: LogKind): AccessRow[] {
  const { nums } = chunk;
  const strings = nums.length > 0 ? chunk.strings.split('\n') : [];
  const rows: AccessRow[] = new Array(nums.length / NUMS);
  let k = 0;
  for (let i = 0, n = 0; n < nums.length; i++, n += NUMS) {
    const bits = nums[n + 3]!;
    const row: AccessRow = {
      source,
      stamp: { at: nums[n]!, offsetMin: nums[n + 1]! },
      user: strings[k++]!,
      outcome: bits & DENIED ? 'denied' : 'granted',
    };
    // The optional fields in parseLine's order, present only when it set them.
    if (bits & SESSION_ID) row.sessionId = strings[k++]!;
    if (nums[n + 2]! >= 0) row.sessionCount = nums[n + 2]!;
    if (bits & HOST) row.host = strings[k++]!;
    if (bits & ORIGIN) row.origin = strings[k++]!;
    if (bits & CONTEXT) row.context = strings[k++]!;
    rows[i] = row;
  }
  return rows;
}
