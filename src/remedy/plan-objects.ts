/**
 * What a saved plan depends on. Two lists: the objects its steps touch (each with the modifiedDate the
 * plan saw, or a lookup that must still find nothing, e.g. the user a step creates), and the reads the
 * plan was computed from (every GET of the survey and what it returned). A plan is applied only while
 * both are as they were: that is how a stale plan is told (Terraform's model).
 *
 * A new kind of step needs one case in touchedObjects and nothing else here.
 */
import { parseAccount } from '../account.js';
import { QrsfixError } from '../errors.js';
import type { ReadRecord } from '../qrs/client.js';
import { filter } from '../qrs/filter.js';
import { ALLOCATION_KINDS } from '../qrs/schemas.js';
import type { Step } from './steps.js';

export type TouchedObject =
  | { type: string; id: string; label: string; path: string }
  | { type: string; label: string; absent: { path: string; filter: string } };

export interface SeenEntity {
  id: string;
  modifiedDate: string;
  label: string;
}

export interface SavedRead {
  path: string;
  filter?: string;
  query?: Record<string, string>;
  entities: SeenEntity[];
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function guid(value: unknown, field: string): string {
  if (typeof value !== 'string' || !GUID.test(value)) throw new QrsfixError('refused', `a step's ${field} is not a GUID: ${String(value).slice(0, 60)}`, 'the plan is damaged; make a new one');
  return value;
}

function allocation(step: { allocationKind: string; allocationId: string; account: string }): TouchedObject {
  const kind = ALLOCATION_KINDS[step.allocationKind as keyof typeof ALLOCATION_KINDS];
  if (!kind) throw new QrsfixError('refused', `unknown allocation kind "${String(step.allocationKind).slice(0, 40)}"`, 'the plan is damaged; make a new one');
  const id = guid(step.allocationId, 'allocationId');
  return { type: kind.path.replace('/qrs/', ''), id, label: `${kind.label} of ${step.account}`, path: `${kind.path}/${id}` };
}

function user(userGuid: string, account: string): TouchedObject {
  const id = guid(userGuid, 'userGuid');
  return { type: 'user', id, label: `user ${account}`, path: `/qrs/user/${id}` };
}

/** The objects one step changes, and what it needs absent; throws for a step qrsfix does not know. */
export function touchedObjects(step: Step): TouchedObject[] {
  switch (step.kind) {
    case 'create-user': {
      const a = parseAccount(step.account, 'the account of a create-user step');
      return [{ type: 'user', label: `user ${step.account}`, absent: { path: '/qrs/user', filter: filter.and(filter.eq('userDirectory', a.directory), filter.eq('userId', a.userId)).text } }];
    }
    case 'add-root-admin':
    case 'remove-root-admin':
    case 'delete-user':
      return [user(step.userGuid, step.account)];
    case 'repoint-connection':
    case 'restore-connection': {
      const id = guid(step.connectionId, 'connectionId');
      return [{ type: 'dataconnection', id, label: `data connection ${step.connectionName}`, path: `/qrs/dataconnection/${id}` }];
    }
    case 'remove-allocation':
    case 'reinstate-allocation':
      return [allocation(step)];
    case 'allocate': {
      const kind = ALLOCATION_KINDS[step.allocationKind];
      return [user(step.userGuid, step.account), { type: kind.path.replace('/qrs/', ''), label: `${kind.label} of ${step.account}`, absent: { path: kind.path, filter: filter.id('user.id', step.userGuid).text } }];
    }
    case 'exclude-from-license-rule':
    case 'restore-license-rule': {
      const id = guid(step.ruleId, 'ruleId');
      return [{ type: 'systemrule', id, label: `license rule "${step.ruleName}"`, path: `/qrs/systemrule/${id}` }];
    }
    default: {
      // A new kind of step fails to compile here until it says what it touches.
      const unknown: never = step;
      throw new QrsfixError('refused', `the plan holds a step this qrsfix does not know: "${String((unknown as { kind?: unknown }).kind).slice(0, 40)}"`, 'apply it with the qrsfix version that wrote it, or make a new plan');
    }
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Qlik's words for the entity types of the paths a survey reads. */
const QLIK_WORDS: Record<string, string> = {
  '/qrs/user': 'user',
  '/qrs/dataconnection': 'data connection',
  ...Object.fromEntries(Object.values(ALLOCATION_KINDS).map((k) => [k.path, k.label])),
};

/** A readable name for any QRS entity: user DIR\\id, `<type> of DIR\\id` for an allocation, or `<type> <name>`. */
export function entityLabel(e: Record<string, unknown>, path: string): string {
  const base = path.replace(/\/(full|[0-9a-fA-F-]{36})$/, '');
  const type = QLIK_WORDS[base] ?? base.replace(/^\/qrs\//, '');
  const account = (o: unknown) => {
    const r = o && typeof o === 'object' ? (o as Record<string, unknown>) : {};
    return str(r.userDirectory) && str(r.userId) ? `${str(r.userDirectory)}\\${str(r.userId)}` : undefined;
  };
  if (account(e)) return `${type} ${account(e)}`;
  if (account(e.user)) return `${type} of ${account(e.user)}`;
  return `${type} ${str(e.name) ?? str(e.id) ?? '?'}`;
}

/** The entities (anything with an id and a modifiedDate) in what a GET returned. */
export function entitiesIn(data: unknown, path: string): SeenEntity[] {
  const items = Array.isArray(data) ? data : [data];
  const found: SeenEntity[] = [];
  for (const item of items) {
    if (!item || typeof item !== 'object') continue;
    const e = item as Record<string, unknown>;
    const id = str(e.id);
    const modifiedDate = str(e.modifiedDate);
    if (id && modifiedDate) found.push({ id, modifiedDate, label: entityLabel(e, path) });
  }
  return found;
}

/** The reads a plan was computed from, the last of each (path, filter, query) kept. */
export function savedReads(reads: readonly ReadRecord[]): SavedRead[] {
  const byKey = new Map<string, SavedRead>();
  for (const r of reads) {
    const key = JSON.stringify([r.path, r.filter ?? null, r.query ?? null]);
    byKey.delete(key);
    byKey.set(key, { path: r.path, ...(r.filter !== undefined ? { filter: r.filter } : {}), ...(r.query ? { query: r.query } : {}), entities: entitiesIn(r.data, r.path) });
  }
  return [...byKey.values()];
}
