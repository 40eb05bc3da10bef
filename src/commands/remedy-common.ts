/** What the remedy commands share: required account flags and the step that follows every remedy. */
import { parseAccount, type Account } from '../account.js';
import { usageError } from '../errors.js';
import type { Suggest } from './suggest.js';

export function requiredAccount(value: string | undefined, flag: string): Account {
  if (!value) throw usageError(`${flag} <DIR\\id> is required`, `e.g. ${flag} 'DOMAIN\\qvservice'`);
  return parseAccount(value, flag);
}

export function optionalAccount(value: string | undefined, flag: string): Account | undefined {
  return value ? parseAccount(value, flag) : undefined;
}

/** The step that follows every remedy: prove it by reloading the monitoring apps. */
export function verifyStep(suggest: Suggest): string {
  return `prove it: ${suggest(['verify'])} reloads the monitoring apps, reads their script logs and audits again`;
}
