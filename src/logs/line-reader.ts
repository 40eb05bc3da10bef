/**
 * Reading log files without holding them: the file is read in 64 KiB chunks, the next one already on
 * its way while this one is split, so the disk and the parser work at the same time. Lines are handed
 * out synchronously from the current chunk; only a refill waits, so a row costs no promise.
 *
 * The chunk size is chosen for memory, not speed (both are within noise from 64 KiB to 1 MiB): a
 * chunk's text is small enough for V8's young generation, where it dies cheaply, whereas bigger ones
 * go to the large-object space and pile up until a full collection, so peak memory would grow with
 * the folder. Above ~1 MB Node would even make them external strings, outside the heap.
 */
import { isAscii } from 'node:buffer';
import { open, type FileHandle } from 'node:fs/promises';
import { QrsfixError } from '../errors.js';
import { parseLine, readHeader, type Header } from './rows.js';

const CHUNK_BYTES = 64 * 1024;
const LF = 0x0a;

/** take() returns this when the chunk is used up and fill() must be awaited. */
export const MORE: unique symbol = Symbol('more');

export interface LineSource {
  /**
   * The next line without its line end (CRLF, LF or a lone CR, as node:readline splits) and without a
   * BOM; MORE when fill() must be awaited first; undefined at the end of the file.
   */
  take(): string | undefined | typeof MORE;
  /** Reads the next chunk; rejects with the read error. */
  fill(): Promise<void>;
  /** The next line, waiting for a refill when needed. */
  next(): Promise<string | undefined>;
  close(): void;
}

type ReadResult = { bytes: number; buffer: Buffer } | { error: unknown };

class ChunkedLines implements LineSource {
  private handle: FileHandle | undefined;
  private opening: Promise<FileHandle> | undefined;
  /** Two, allocated on the first read and dropped on close (a folder of hundreds of archives is read one file after another). */
  private buffers: Buffer[] = [];
  private turn = 0;
  private position = 0;
  private ahead: Promise<ReadResult> | undefined;
  /** Bytes after the last LF of the previous chunk: the start of a line. */
  private carry: Buffer | undefined;
  /** Complete lines of the current chunk, each ending with LF; read from `at`. */
  private text = '';
  private at = 0;
  /** Lines to hand out before `text`: one that straddled two chunks, or the rest of a line with lone CRs. */
  private queue: string[] = [];
  private first = true;
  private eof = false;
  private closed = false;

  constructor(private readonly path: string) {}

  take(): string | undefined | typeof MORE {
    if (this.queue.length > 0) return this.queue.shift();
    const end = this.text.indexOf('\n', this.at);
    if (end < 0) return this.eof ? undefined : MORE;
    const line = this.text.slice(this.at, end);
    this.at = end + 1;
    return this.finish(line);
  }

  /** Drops the line end's CR and the file's BOM; splits at lone CRs as node:readline does. */
  private finish(text: string): string {
    let line = text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text;
    if (this.first) {
      this.first = false;
      if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    }
    // Logs do not have lone CRs, so this is rare.
    if (line.indexOf('\r') >= 0) {
      const parts = line.split('\r');
      line = parts.shift()!;
      this.queue.push(...parts);
    }
    return line;
  }

  async next(): Promise<string | undefined> {
    for (;;) {
      const line = this.take();
      if (line !== MORE) return line;
      await this.fill();
    }
  }

  private read(): Promise<ReadResult> {
    const buffer = this.buffers[this.turn]!;
    this.turn ^= 1;
    const handle = this.handle!;
    const at = this.position;
    this.position += buffer.length;
    return handle.read(buffer, 0, buffer.length, at).then(
      (r) => ({ bytes: r.bytesRead, buffer }),
      (error: unknown) => ({ error }),
    );
  }

  /** A line that started in an earlier chunk: decoded on its own, so `text` stays one flat string. */
  private queueCarried(rest: Buffer): void {
    const bytes = this.carry ? Buffer.concat([this.carry, rest]) : rest;
    this.carry = undefined;
    const line = this.finish(decode(bytes));
    // finish may have queued the parts after lone CRs; this line goes before them.
    this.queue.unshift(line);
  }

  async fill(): Promise<void> {
    if (this.closed || this.eof) return;
    if (!this.handle) {
      this.opening ??= open(this.path, 'r');
      this.handle = await this.opening;
      if (this.closed) return;
      this.buffers = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
      this.ahead = this.read();
    }
    const r = await this.ahead!;
    if ('error' in r) throw r.error;
    if (this.closed) return;
    this.text = '';
    this.at = 0;
    if (r.bytes === 0) {
      this.eof = true;
      this.ahead = undefined;
      // A last line without a line end.
      if (this.carry && this.carry.length > 0) this.queueCarried(Buffer.alloc(0));
      this.carry = undefined;
      return;
    }
    // Both buffers alternate: this one is decoded below, before the read after next reuses it.
    this.ahead = this.read();
    const chunk = r.buffer.subarray(0, r.bytes);
    const last = chunk.lastIndexOf(LF);
    if (last < 0) {
      // A line longer than a chunk: keep collecting.
      this.carry = this.carry ? Buffer.concat([this.carry, chunk]) : Buffer.from(chunk);
      return;
    }
    let start = 0;
    if (this.carry) {
      const end = chunk.indexOf(LF);
      this.queueCarried(chunk.subarray(0, end));
      start = end + 1;
    }
    // Complete lines only: a multi-byte character never straddles an LF, so no decoder state is needed.
    this.text = decode(chunk.subarray(start, last + 1));
    this.carry = last + 1 < chunk.length ? Buffer.from(chunk.subarray(last + 1)) : undefined;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.text = '';
    this.carry = undefined;
    this.buffers = [];
    const handle = this.handle ?? this.opening;
    // FileHandle.close waits for a read still in flight.
    if (handle) void Promise.resolve(handle).then((h) => h.close()).catch(() => {});
  }
}

/** Logs are mostly ASCII, and then latin1 gives the same text by copying instead of decoding. */
function decode(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

export function openLines(path: string): LineSource {
  return new ChunkedLines(path);
}

export type Sniffed =
  | { status: 'log'; header: Header; /** first row's instant; -Infinity when not within the first chunk */ firstAt: number }
  | { status: 'empty' };

const SNIFF_BYTES = 64 * 1024;

function notALog(path: string, why: string): QrsfixError {
  return new QrsfixError(
    'input',
    `${path} is not a Qlik Sense Repository log (${why})`,
    'give <MACHINE>_AuditSecurity_Repository*.txt/.log or <MACHINE>_License_Repository*.txt files, or the folder holding them',
  );
}

/**
 * Looks at the first chunk only: binary content (NUL bytes), the header row that tells the file kind,
 * and the first row's time, which lets the merge open files only when their time comes.
 */
export async function sniffLogFile(path: string): Promise<Sniffed> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new QrsfixError('input', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, 'check the path and that you may read it', { cause: err });
  }
  let buf: Buffer;
  let bytes: number;
  try {
    buf = Buffer.alloc(SNIFF_BYTES);
    ({ bytesRead: bytes } = await handle.read(buf, 0, SNIFF_BYTES, 0));
  } finally {
    await handle.close();
  }
  const chunk = buf.subarray(0, bytes);
  if (chunk.includes(0)) throw notALog(path, 'binary content');
  const atEof = bytes < SNIFF_BYTES;
  const lines = chunk.toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
  if (!atEof) lines.pop(); // possibly cut in the middle
  const start = lines.findIndex((l) => l.trim().length > 0);
  if (start < 0) {
    if (atEof) return { status: 'empty' };
    throw notALog(path, 'no header row');
  }
  const header = readHeader(lines[start]!);
  if (!header) throw notALog(path, 'no known header row');
  for (const line of lines.slice(start + 1)) {
    const parsed = parseLine(header, line);
    if (parsed.type === 'access') return { status: 'log', header, firstAt: parsed.row.stamp.at };
    if (parsed.type === 'other') return { status: 'log', header, firstAt: parsed.stamp.at };
  }
  return atEof ? { status: 'empty' } : { status: 'log', header, firstAt: -Infinity };
}
