/**
 * The first look at a file: is it a Repository log we read, which kind, and when does it start. Only
 * the first 64 KiB are read.
 */
import { open } from 'node:fs/promises';
import { QrsfixError } from '../errors.js';
import { parseLine, readHeader, type Header } from './rows.js';

export type Sniffed =
  | {
      status: 'log';
      header: Header;
      /** first row's instant; -Infinity when not within the first chunk */
      firstAt: number;
      /** the file's size */
      bytes: number;
    }
  | { status: 'empty' }
  /** Not opened: no permission (the run goes on without it, and says so). */
  | { status: 'unreadable'; reason: string };

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
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return { status: 'unreadable', reason: 'permission denied' };
    throw new QrsfixError('input', `cannot read ${path}: ${code ?? String(err)}`, 'check the path and that you may read it', { cause: err });
  }
  let buf: Buffer;
  let bytes: number;
  let size: number;
  try {
    buf = Buffer.alloc(SNIFF_BYTES);
    ({ bytesRead: bytes } = await handle.read(buf, 0, SNIFF_BYTES, 0));
    size = (await handle.stat()).size;
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
    if (parsed.type === 'access') return { status: 'log', header, firstAt: parsed.row.stamp.at, bytes: size };
    if (parsed.type === 'other') return { status: 'log', header, firstAt: parsed.stamp.at, bytes: size };
  }
  return atEof ? { status: 'empty' } : { status: 'log', header, firstAt: -Infinity, bytes: size };
}
