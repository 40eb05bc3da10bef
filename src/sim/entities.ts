/**
 * What each QRS entity type does on create / update / delete, including the two behaviours clients most
 * often get wrong: the implicit update (a PUT replaces the entity; what the body omits is reset) and the
 * 7-day quarantine of a recently used allocation on DELETE (qrs-api.md §2, §4.2).
 */
import {
  DATA_CONNECTION_SHAPE,
  SEAT_ACCESS_SHAPE,
  USER_ACCESS_SHAPE,
  USER_CONDENSED_SHAPE,
  USER_SHAPE,
  canonicalKey,
  type FieldKind,
  type Shape,
} from './schema.js';
import {
  NO_DATE,
  QUARANTINE_MS,
  SCHEMA_PATHS,
  type AllocationEntity,
  type AllocationKind,
  type BaseEntity,
  type DataConnectionEntity,
  type SimState,
  type UserCondensed,
  type UserEntity,
} from './state.js';

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

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

function nonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.trim() !== '';
}

/** A reference such as `{"user":{"id":"…"}}` resolved to the stored user, or undefined when absent. */
function referencedUser(state: SimState, ref: unknown, field: string): UserEntity | undefined {
  if (ref === undefined) return undefined;
  if (ref === null || typeof ref !== 'object' || Array.isArray(ref)) throw brokenRule(`${field} must be an object with the id of an existing user.`);
  const r = normalizeBody(USER_CONDENSED_SHAPE, ref);
  const id = r.id;
  if (typeof id !== 'string' || !GUID.test(id)) throw brokenRule(`${field}.id must be the id of an existing user.`);
  const user = getById(state.users, id);
  if (!user) throw brokenRule(`${field} ${id} does not exist.`);
  return user;
}

function callerUser(state: SimState, caller: string): UserEntity | undefined {
  const at = caller.indexOf('\\');
  return at > 0 ? state.findUser(caller.slice(0, at), caller.slice(at + 1)) : undefined;
}

/** Server-owned dates: a write always gets a new modifiedDate; a create has createdDate equal to it. */
function stamps(state: SimState, id: string, createdDate: string | undefined): { id: string; createdDate: string; modifiedDate: string } {
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
function newEntityId(state: SimState, store: Map<string, unknown>, given: unknown): string {
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
  create(state: SimState, body: Row, caller: string): E;
  /** `body` has passed the id / modifiedDate / 409 checks. */
  update(state: SimState, stored: E, body: Row, caller: string): E;
  remove(state: SimState, stored: E, caller: string): void;
  /** Housekeeping run before any request to the type (quarantine expiry). */
  beforeRequest?(state: SimState): void;
}

function pick(row: Row, keys: readonly string[]): Row {
  const out: Row = {};
  for (const k of keys) if (k in row) out[k] = row[k];
  return out;
}

function refreshUser(state: SimState, ref: UserCondensed | null): UserCondensed | null {
  if (!ref) return null;
  const user = state.users.get(ref.id);
  return user ? state.condensed(user) : ref;
}

// ---------------------------------------------------------------- users

const USER_CONDENSED_KEYS = ['id', 'privileges', 'userId', 'userDirectory', 'userDirectoryConnectorName', 'name'] as const;

function buildUser(state: SimState, body: Row, base: { id: string; createdDate?: string }, caller: string): UserEntity {
  if (!nonEmptyString(body.userId) || !nonEmptyString(body.userDirectory)) throw brokenRule('userId and userDirectory are required.');
  if (body.userId.length > 255 || body.userDirectory.length > 255) throw brokenRule('userId and userDirectory may be at most 255 characters.');
  const clash = state.findUser(body.userDirectory, body.userId);
  if (clash && clash.id !== base.id) throw brokenRule(`A user with userDirectory '${body.userDirectory}' and userId '${body.userId}' already exists.`);
  return {
    customProperties: [],
    userDirectoryConnectorName: body.userDirectory,
    name: '',
    roles: [],
    attributes: [],
    inactive: false,
    removedExternally: false,
    blacklisted: false,
    deleteProhibited: false,
    tags: [],
    favorites: [],
    ...body,
    userId: body.userId,
    userDirectory: body.userDirectory,
    ...stamps(state, base.id, base.createdDate),
    modifiedByUserName: caller,
    schemaPath: SCHEMA_PATHS.user,
    privileges: null,
  };
}

export const userType: EntityType<UserEntity> = {
  shape: USER_SHAPE,
  store: (s) => s.users,
  full: (_s, u) => ({ ...u }),
  condensed: (full) => pick(full, USER_CONDENSED_KEYS),
  create(state, body, caller) {
    const id = newEntityId(state, state.users, body.id);
    const user = buildUser(state, body, { id }, caller);
    state.users.set(id, user);
    return user;
  },
  update(state, stored, body, caller) {
    const user = buildUser(state, body, stored, caller);
    state.users.set(stored.id, user);
    return user;
  },
  remove(state, stored) {
    if (stored.deleteProhibited) throw brokenRule(`User '${stored.userDirectory}\\${stored.userId}' may not be deleted (deleteProhibited).`);
    // Allocations outlive their user, as in the QMC's "Deleted user" rows: identity moves to deleted*.
    for (const map of Object.values(state.allocations)) {
      for (const a of map.values()) {
        if (a.user?.id === stored.id) {
          a.user = null;
          a.deletedUserId = stored.userId;
          a.deletedUserDirectory = stored.userDirectory;
        }
      }
    }
    state.users.delete(stored.id);
  },
};

// ---------------------------------------------------------------- allocations

function allocationType(kind: AllocationKind): EntityType<AllocationEntity> {
  const label = kind === 'user' ? 'user access' : `${kind} access`;
  return {
    shape: kind === 'user' ? USER_ACCESS_SHAPE : SEAT_ACCESS_SHAPE,
    store: (s) => s.allocations[kind],
    full: (s, a) => ({ ...a, user: refreshUser(s, a.user) }),
    // The condensed access-type list has only id and privileges (qrs-api.md §4.2).
    condensed: (full) => pick(full, ['id', 'privileges']),
    beforeRequest: (s) => void s.expireQuarantine(),
    create(state, body, caller) {
      const user = referencedUser(state, body.user, 'user');
      if (!user) throw brokenRule(`A ${label} allocation needs user.id.`);
      const existing = state.allocationOf(kind, user.id);
      if (existing) {
        throw brokenRule(
          `User '${user.userDirectory}\\${user.userId}' already has a ${label} allocation${existing.quarantined ? ' (in quarantine)' : ''}.`,
        );
      }
      const id = newEntityId(state, state.allocations[kind], body.id);
      const stamp = state.stamp();
      const a: AllocationEntity = {
        ...body,
        id,
        createdDate: stamp,
        modifiedDate: stamp,
        modifiedByUserName: caller,
        schemaPath: SCHEMA_PATHS.allocation[kind],
        privileges: null,
        user: state.condensed(user),
        lastUsed: NO_DATE,
        quarantined: false,
        quarantineEnd: NO_DATE,
        deletedUserId: null,
        deletedUserDirectory: null,
        ...(kind === 'user' ? {} : { excess: false }),
      };
      state.allocations[kind].set(id, a);
      return a;
    },
    update(state, stored, body, caller) {
      let holder: UserCondensed | null = stored.user;
      if (body.user !== undefined) {
        const user = referencedUser(state, body.user, 'user')!;
        const other = state.allocationOf(kind, user.id);
        if (other && other.id !== stored.id) throw brokenRule(`User '${user.userDirectory}\\${user.userId}' already has a ${label} allocation.`);
        holder = state.condensed(user);
      } else if (stored.user) {
        throw brokenRule('user is required.');
      }
      // The QMC's "Reinstate" has no endpoint of its own; a PUT that leaves quarantined false (or omits
      // it: implicit update to the default) ends the quarantine. Entering quarantine is DELETE's job.
      let { quarantined, quarantineEnd } = stored;
      if (body.quarantined === true && !stored.quarantined) throw brokenRule('An allocation is put in quarantine by deleting it.');
      if (stored.quarantined && body.quarantined !== true) {
        if (!holder) throw brokenRule('The allocation of a deleted user cannot be reinstated.');
        quarantined = false;
        quarantineEnd = NO_DATE;
      }
      const a: AllocationEntity = {
        ...body,
        id: stored.id,
        createdDate: stored.createdDate,
        modifiedDate: state.stamp(),
        modifiedByUserName: caller,
        schemaPath: stored.schemaPath,
        privileges: null,
        user: holder,
        // Usage and excess are the licence service's to set, not an API caller's.
        lastUsed: stored.lastUsed,
        quarantined,
        quarantineEnd,
        deletedUserId: stored.deletedUserId,
        deletedUserDirectory: stored.deletedUserDirectory,
        ...(kind === 'user' ? {} : { excess: stored.excess ?? false }),
      };
      state.allocations[kind].set(stored.id, a);
      return a;
    },
    remove(state, stored, caller) {
      if (stored.quarantined) return; // already on its way out; DELETE again changes nothing
      const lastUsed = Date.parse(stored.lastUsed);
      const now = state.now().getTime();
      const usedRecently = stored.lastUsed !== NO_DATE && !Number.isNaN(lastUsed) && now - lastUsed < QUARANTINE_MS;
      if (!usedRecently) {
        state.allocations[kind].delete(stored.id);
        return;
      }
      stored.quarantined = true;
      stored.quarantineEnd = new Date(lastUsed + QUARANTINE_MS).toISOString();
      stored.modifiedDate = state.stamp();
      stored.modifiedByUserName = caller;
    },
  };
}

export const userAccessType = allocationType('user');
export const professionalAccessType = allocationType('professional');
export const analyzerAccessType = allocationType('analyzer');

// ---------------------------------------------------------------- data connections

const CONNECTION_CONDENSED_KEYS = [
  'id',
  'privileges',
  'name',
  'connectionstring',
  'type',
  'engineObjectId',
  'username',
  'password',
  'logOn',
  'architecture',
] as const;

function buildConnection(
  state: SimState,
  body: Row,
  base: { id: string; createdDate?: string },
  owner: UserEntity,
  caller: string,
  engineObjectIdDefault: string,
): DataConnectionEntity {
  if (!nonEmptyString(body.name) || typeof body.connectionstring !== 'string') throw brokenRule('name and connectionstring are required.');
  if (body.name.length > 256) throw brokenRule('name may be at most 256 characters.');
  const lower = body.name.toLowerCase();
  for (const c of state.connections.values()) {
    if (c.id !== base.id && c.name.toLowerCase() === lower) throw brokenRule(`A data connection named '${c.name}' already exists.`);
  }
  return {
    customProperties: [],
    type: '',
    engineObjectId: engineObjectIdDefault,
    username: '',
    password: '',
    logOn: 0,
    architecture: 0,
    tags: [],
    ...body,
    name: body.name,
    connectionstring: body.connectionstring,
    owner: state.condensed(owner),
    ...stamps(state, base.id, base.createdDate),
    modifiedByUserName: caller,
    schemaPath: SCHEMA_PATHS.dataconnection,
    privileges: null,
  };
}

export const dataConnectionType: EntityType<DataConnectionEntity> = {
  shape: DATA_CONNECTION_SHAPE,
  store: (s) => s.connections,
  full: (s, c) => ({ ...c, owner: refreshUser(s, c.owner) }),
  condensed: (full) => pick(full, CONNECTION_CONDENSED_KEYS),
  create(state, body, caller) {
    // Without an owner QRS makes the caller the owner.
    const owner = referencedUser(state, body.owner, 'owner') ?? callerUser(state, caller);
    if (!owner) throw brokenRule('owner is required.');
    const id = newEntityId(state, state.connections, body.id);
    const c = buildConnection(state, body, { id }, owner, caller, id);
    state.connections.set(id, c);
    return c;
  },
  update(state, stored, body, caller) {
    const owner = referencedUser(state, body.owner, 'owner');
    if (!owner) throw brokenRule('owner is required.');
    const c = buildConnection(state, body, stored, owner, caller, '');
    state.connections.set(stored.id, c);
    return c;
  },
  remove(state, stored) {
    state.connections.delete(stored.id);
  },
};

/** URL segment after /qrs/ → entity type. */
export const ENTITY_TYPES: ReadonlyMap<string, EntityType<BaseEntity>> = new Map<string, EntityType<BaseEntity>>([
  ['user', userType],
  ['license/useraccesstype', userAccessType],
  ['license/professionalaccesstype', professionalAccessType],
  ['license/analyzeraccesstype', analyzerAccessType],
  ['dataconnection', dataConnectionType],
]);
