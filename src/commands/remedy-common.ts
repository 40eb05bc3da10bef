/** What the remedy commands share: required account flags and the command line to suggest for a re-run. */
import { parseAccount, type Account } from '../account.js';
import { usageError } from '../errors.js';
import type { QrsClient } from '../qrs/client.js';
import { shellQuote } from '../remedy/findings.js';
import { connectionArgs } from './session.js';

export function requiredAccount(value: string | undefined, flag: string): Account {
  if (!value) throw usageError(`${flag} <DIR\\id> is required`, `e.g. ${flag} 'DOMAIN\\qvservice'`);
  return parseAccount(value, flag);
}

export function optionalAccount(value: string | undefined, flag: string): Account | undefined {
  return value ? parseAccount(value, flag) : undefined;
}

/** `qrsfix <words> <connection flags>`, quoted so it can be pasted as is. */
export function commandLine(client: QrsClient, words: Array<string | false | undefined>): string {
  return ['qrsfix', ...words.filter((w): w is string => typeof w === 'string'), ...connectionArgs(client.config)].map(shellQuote).join(' ');
}

export const RELOAD_STEP = 'reload the monitoring apps (QMC → Tasks: "Reload License Monitor", "Reload Operations Monitor") and check they succeed';
