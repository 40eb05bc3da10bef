/**
 * Where journals (and the per-site locks) go by default: a per-user state folder, not the working
 * folder (an elevated PowerShell starts in C:\Windows\System32). %LOCALAPPDATA%\qrsfix\journals on
 * Windows, $XDG_STATE_HOME/qrsfix/journals (~/.local/state/…) on Linux, ~/Library/Logs/qrsfix/journals
 * on macOS; QRSFIX_JOURNAL_DIR overrides it, --journal names one journal's file.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import envPaths from 'env-paths';
import { QrsfixError } from '../errors.js';

export function journalDir(fromEnv: string | undefined): string {
  if (fromEnv) return path.resolve(fromEnv);
  const paths = envPaths('qrsfix', { suffix: '' });
  return process.platform === 'win32' ? path.join(path.dirname(paths.data), 'journals') : path.join(paths.log, 'journals');
}

/** The folder, made (private to this user) when missing. */
export function ensureJournalDir(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new QrsfixError('input', `cannot make the journal folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, 'set QRSFIX_JOURNAL_DIR to a folder you may write, or give --journal <file>');
  }
  return dir;
}
