/** What the remedy commands share: required account flags and the step that follows every remedy. */
import { parseAccount, type Account } from '../account.js';
import { usageError } from '../errors.js';

export function requiredAccount(value: string | undefined, flag: string): Account {
  if (!value) throw usageError(`${flag} <DIR\\id> is required`, `e.g. ${flag} 'DOMAIN\\qvservice'`);
  return parseAccount(value, flag);
}

export function optionalAccount(value: string | undefined, flag: string): Account | undefined {
  return value ? parseAccount(value, flag) : undefined;
}

export const RELOAD_STEP = 'reload the monitoring apps (QMC → Tasks: "Reload License Monitor", "Reload Operations Monitor") and check they succeed';
