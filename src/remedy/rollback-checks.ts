/**
 * A journal is a file anyone with access to the folder can edit: before a rollback acts on it, every id
 * must be a GUID and every object must still be what the journal says it is (a user's directory and id,
 * a connection's name, an allocation's user). An object edited since the change (its modifiedDate is not
 * the one the change left) is not overwritten unless --force: someone may have rotated a password or
 * added a role for a reason.
 */
import { QrsfixError } from '../errors.js';
import { GUID_PATTERN } from '../qrs/schemas.js';
import type { Journal, JournalStep } from './journal.js';

const ID_FIELDS = ['userGuid', 'connectionId', 'allocationId', 'ruleId'] as const;

/** Refuses a journal holding an id that is not a GUID (it would go into a request path as is). */
export function checkJournalIds(journal: Journal, file: string): void {
  for (const js of journal.steps) {
    const step = js.step as Record<string, unknown>;
    const ids = [...ID_FIELDS.map((f) => [f, step[f]] as const), ['result.userGuid', js.result?.userGuid] as const, ['result.allocationId', js.result?.allocationId] as const];
    for (const [field, value] of ids) {
      if (value === undefined) continue;
      if (typeof value !== 'string' || !GUID_PATTERN.test(value)) {
        throw new QrsfixError('refused', `${file}: step ${js.n} has a ${field} that is not a GUID (${JSON.stringify(String(value)).slice(0, 80)})`, 'the journal was edited or damaged: rollback refuses it; undo the change by hand in the QMC');
      }
    }
  }
}

/** The journal names one object and QRS has another under that id: the journal is not to be trusted. */
export function mismatch(file: string, js: JournalStep, what: string, journalSays: string, qrsSays: string): QrsfixError {
  return new QrsfixError(
    'refused',
    `${file}: step ${js.n} names ${what} ${journalSays}, but QRS has ${qrsSays} under that id`,
    'the journal does not match the site (edited, or of another site): rollback refuses it and changes nothing',
  );
}

function sameInstant(a: string, b: string): boolean {
  const x = Date.parse(a);
  const y = Date.parse(b);
  return Number.isNaN(x) || Number.isNaN(y) ? a === b : x === y;
}

/**
 * The line for the plan's "changed since" list when `now` differs from what the change left, else
 * undefined. Steps from older journals, or whose write outcome was unknown, recorded nothing: no check.
 */
export function changedSince(js: JournalStep, label: string, now: string): string | undefined {
  const left = js.result?.modifiedDate;
  if (!left || sameInstant(left, now)) return undefined;
  return `${label}: modified at ${now}, after the change left it at ${left}; not rolled back (--force overwrites it)`;
}
