/**
 * Reading log files without holding them: lines are pulled one at a time through node:readline, which
 * pauses the file stream when its small buffer fills, so memory stays flat for multi-gigabyte folders.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { QrsfixError } from '../errors.js';
import { parseLine, readHeader, type Header } from './rows.js';

export interface LineSource {
  /** The next line without its line end (CRLF or LF) and without a BOM; undefined at the end. */
  next(): Promise<string | undefined>;
  close(): void;
}

export function openLines(path: string): LineSource {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  // crlfDelay: a CR at the end of one chunk and the LF at the start of the next are one line end.
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  const it = rl[Symbol.asyncIterator]();
  let first = true;
  let done = false;
  return {
    async next() {
      if (done) return undefined;
      const r = await it.next();
      if (r.done) {
        done = true;
        return undefined;
      }
      let line = r.value as string;
      if (first) {
        first = false;
        if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
      }
      return line;
    },
    close() {
      done = true;
      rl.close();
      stream.destroy();
    },
  };
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
