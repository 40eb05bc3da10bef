/**
 * Reading a file named on the command line (a plan, a journal, the sites file, a certificate) without
 * trusting what is at the name: only a regular file — a FIFO would hang the run, a device such as
 * /dev/zero would never end — and at most `maxBytes`. The checks are made on the opened file, not on
 * the name, so nothing can be swapped in between. Errors are Node's kind: an Error with a `code`, ENOTREG
 * (not a regular file) and EFBIG (too large) besides Node's own; readErrorText says them in words.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

function failure(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/** Opens `file` as a regular file (or throws ENOTREG) and hands the descriptor and its size to `read`. */
function withRegularFile<T>(file: string, read: (fd: number, size: number) => T): T {
  // O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting (not on Windows, where there are none).
  const fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw failure('ENOTREG', `${file} is not a regular file`);
    return read(fd, st.size);
  } finally {
    closeSync(fd);
  }
}

/** Up to `length` bytes from the start of the descriptor. */
function readUpTo(fd: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, null);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

export function readBoundedFile(file: string, maxBytes: number): Buffer {
  return withRegularFile(file, (fd, size) => {
    if (size > maxBytes) throw failure('EFBIG', `${file} is larger than ${maxBytes} bytes`);
    // One byte more than its size: a file that grows past the cap while read is caught too.
    const bytes = readUpTo(fd, Math.min(size, maxBytes) + 1);
    if (bytes.length > maxBytes) throw failure('EFBIG', `${file} is larger than ${maxBytes} bytes`);
    return bytes;
  });
}

/** The first `bytes` bytes of a regular file, whatever its size. */
export function readFileHead(file: string, bytes: number): Buffer {
  return withRegularFile(file, (fd) => readUpTo(fd, bytes));
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

/** What went wrong, in words, for an error of readBoundedFile (or of any read). */
export function readErrorText(err: unknown, maxBytes: number): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'file not found';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
    case 'ENOTREG':
      return 'not a regular file (a folder, a FIFO or a device)';
    case 'EFBIG':
      return `larger than ${sizeText(maxBytes)}`;
    default:
      return code ?? String(err);
  }
}
