/**
 * Qlik identities are written DIRECTORY\userid (the QMC's form). Directory and user id are compared
 * case-insensitively, as QRS does: a connection's `domain\qvservice` is the user `DOMAIN\qvservice`.
 */
import { usageError } from './errors.js';

export interface Account {
  directory: string;
  userId: string;
}

const FORM_HINT = 'write the account as DIRECTORY\\userid, e.g. DOMAIN\\qvservice (quote it in the shell: \'DOMAIN\\qvservice\')';

export function parseAccount(text: string, flag = 'account'): Account {
  let trimmed = text.trim();
  // cmd.exe passes single quotes through: 'DOMAIN\user' copied from a suggested command line.
  if (trimmed.length > 2 && trimmed.startsWith("'") && trimmed.endsWith("'")) trimmed = trimmed.slice(1, -1);
  const at = trimmed.indexOf('\\');
  if (at <= 0 || at === trimmed.length - 1) {
    throw usageError(`${flag} "${text}" is not of the form DIRECTORY\\userid`, FORM_HINT);
  }
  const directory = trimmed.slice(0, at);
  const userId = trimmed.slice(at + 1);
  if (/[\\\s]/.test(directory) || directory.length > 255 || userId.length > 255 || /[\u0000-\u001f]/.test(userId)) {
    throw usageError(`${flag} "${text}" is not of the form DIRECTORY\\userid`, FORM_HINT);
  }
  return { directory, userId };
}

export function formatAccount(a: Account): string {
  return `${a.directory}\\${a.userId}`;
}

export function sameAccount(a: Account, b: Account): boolean {
  return a.directory.toLowerCase() === b.directory.toLowerCase() && a.userId.toLowerCase() === b.userId.toLowerCase();
}

/** Data connections keep their identity as one string, `DOMAIN\user`; an empty one means none. */
export function accountFromUsername(username: string | undefined | null): Account | undefined {
  if (!username) return undefined;
  const at = username.indexOf('\\');
  if (at <= 0 || at === username.length - 1) return undefined;
  return { directory: username.slice(0, at), userId: username.slice(at + 1) };
}

export function accountKey(a: Account): string {
  return formatAccount(a).toLowerCase();
}
