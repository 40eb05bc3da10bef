/**
 * What every simulated entity type shares: the HTTP error, the body normaliser (QRS binds JSON keys
 * case-insensitively), references to users, server-owned dates and ids, and the EntityType contract.
 */
import { USER_CONDENSED_SHAPE, canonicalKey, type FieldKind, type Shape } from './schema.js';
import type { BaseEntity, SimState, UserCondensed, UserEntity } from './state.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`${status} ${body}`);
    this.name = 'HttpError';
  }
}

export type Row = Record<string, unknown>;

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** QRS reports business-rule failures as 400 with a `<BrokenRules>` message (qrs-api.md §6). */
export function brokenRule(message: string): HttpError {
  const xml = message.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return new HttpError(400, `<BrokenRules><BrokenRule>${xml}</BrokenRule></BrokenRules>`);
}

function typeMatches(kind: FieldKind, v: unknown): boolean {
  if (typeof kind === 'object') return 'array' in kind ? Array.isArray(v) : typeof v === 'object' && !Array.isArray(v);
  if (kind === 'bool') return typeof v === 'boolean';
  if (kind === 'int') return Number.isInteger(v);
  return typeof v === 'string';
}

/**
 * Re-keys a JSON body with the schema's casing (QRS's JSON binding ignores case), drops nulls of known
 * fields (null = omitted = default) and rejects known fields of the wrong JSON type. Unknown keys stay as sent.
 */
export function normalizeBody(shape: Shape, body: unknown): Row {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'The request body must be a JSON object.');
  const out: Row = {};
  for (const [rawKey, value] of Object.entries(body as Row)) {
    const key = canonicalKey(shape, rawKey);
    const kind = shape[key];
    if (kind === undefined) {
      out[rawKey] = value;
      continue;
    }
    if (value === null || value === undefined) continue;
    if (!typeMatches(kind, value)) throw new HttpError(400, `Bad request: property '${key}' has the wrong type.`);
    out[key] = value;
  }
  return out;
}

export function nonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.trim() !== '';
}

/** A reference such as `{"user":{"id":"…"}}` resolved to the stored user, or undefined when absent. */
export function referencedUser(state: SimState, ref: unknown, field: string): UserEntity | undefined {
  if (ref === undefined) return undefined;
  if (ref === null || typeof ref !== 'object' || Array.isArray(ref)) throw brokenRule(`${field} must be an object with the id of an existing user.`);
  const r = normalizeBody(USER_CONDENSED_SHAPE, ref);
  const id = r.id;
  if (typeof id !== 'string' || !GUID.test(id)) throw brokenRule(`${field}.id must be the id of an existing user.`);
  const user = getById(state.users, id);
  if (!user) throw brokenRule(`${field} ${id} does not exist.`);
  return user;
}

export function callerUser(state: SimState, caller: string): UserEntity | undefined {
  const at = caller.indexOf('\\');
  return at > 0 ? state.findUser(caller.slice(0, at), caller.slice(at + 1)) : undefined;
}

/** Server-owned dates: a write always gets a new modifiedDate; a create has createdDate equal to it. */
export function stamps(state: SimState, id: string, createdDate: string | undefined): { id: string; createdDate: string; modifiedDate: string } {
  const now = state.stamp();
  return { id, createdDate: createdDate ?? now, modifiedDate: now };
}

/** Ids are matched case-insensitively (GUIDs); the simulator stores them lower-case. */
export function getById<E extends BaseEntity>(store: Map<string, E>, id: string): E | undefined {
  const direct = store.get(id) ?? store.get(id.toLowerCase());
  if (direct) return direct;
  const lower = id.toLowerCase();
  for (const e of store.values()) if (e.id.toLowerCase() === lower) return e;
  return undefined;
}

/** The id for a new entity: a given non-empty GUID is kept unless taken; empty or absent gets a new one. */
export function newEntityId(state: SimState, store: Map<string, unknown>, given: unknown): string {
  if (given === undefined || given === '' || given === '00000000-0000-0000-0000-000000000000') return state.newId();
  if (typeof given !== 'string' || !GUID.test(given)) throw new HttpError(400, `Bad request: '${String(given)}' is not a valid id.`);
  const id = given.toLowerCase();
  return store.has(id) ? state.newId() : id;
}

export interface EntityType<E extends BaseEntity> {
  shape: Shape;
  store(state: SimState): Map<string, E>;
  /** The served full form (references refreshed). */
  full(state: SimState, e: E): Row;
  condensed(full: Row): Row;
  /** Absent on types QRS only lets a client read (apps, tasks, results): POST/PUT/DELETE answer 405. */
  create?(state: SimState, body: Row, caller: string): E;
  /** `body` has passed the id / modifiedDate / 409 checks. */
  update?(state: SimState, stored: E, body: Row, caller: string): E;
  remove?(state: SimState, stored: E, caller: string): void;
  /** Housekeeping run before any request to the type (quarantine expiry). */
  beforeRequest?(state: SimState): void;
}

export function pick(row: Row, keys: readonly string[]): Row {
  const out: Row = {};
  for (const k of keys) if (k in row) out[k] = row[k];
  return out;
}

export function refreshUser(state: SimState, ref: UserCondensed | null): UserCondensed | null {
  if (!ref) return null;
  const user = state.users.get(ref.id);
  return user ? state.condensed(user) : ref;
}

