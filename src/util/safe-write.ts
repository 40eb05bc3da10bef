/**
 * Writing files without trusting what is already at their names: a new file is created exclusively
 * (`wx`: it fails when the name exists, a symlink included, so a planted link is never followed); a
 * replacement is written to a fresh, exclusively created temporary file beside it and renamed over it
 * (rename replaces a link itself, never its target). Errors are Node's own; callers say what failed.
 */
import { closeSync, fsyncSync, lstatSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

function writeAll(file: string, text: string, mode: number): void {
  const fd = openSync(file, 'wx', mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Creates `file` with `text`; throws EEXIST when anything is at that name. */
export function createExclusive(file: string, text: string, mode = 0o600): void {
  writeAll(file, text, mode);
}

/** Replaces `file` (or creates it) atomically: readers see the old or the new text, never a part. */
export function replaceAtomically(file: string, text: string, mode = 0o600): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  writeAll(tmp, text, mode);
  try {
    renameSync(tmp, file);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* the rename's error is the one to report */
    }
    throw err;
  }
}

/** What is at `file` now, without following a link: 'none', 'file', 'symlink' or 'other'. */
export function whatIsAt(file: string): 'none' | 'file' | 'symlink' | 'other' {
  try {
    const s = lstatSync(file);
    return s.isSymbolicLink() ? 'symlink' : s.isFile() ? 'file' : 'other';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
    throw err;
  }
}
