/**
 * The entity types the simulator serves under /qrs/<segment>. The two behaviours clients most often get
 * wrong live in every writable type: the implicit update (a PUT replaces the entity; what the body omits
 * is reset) and 409 on a stale modifiedDate (routes.ts).
 */
import { DATA_CONNECTION_SHAPE } from './schema.js';
import { SCHEMA_PATHS, type BaseEntity, type DataConnectionEntity, type SimState, type UserEntity } from './state.js';
import { brokenRule, callerUser, newEntityId, nonEmptyString, pick, referencedUser, refreshUser, stamps, type EntityType, type Row } from './entity-kit.js';
import { analyzerAccessType, professionalAccessType, userAccessType, userType } from './entities-users.js';
import { LICENSE_ENTITY_TYPES } from './license-entities.js';
import { RELOAD_ENTITY_TYPES } from './reload-entities.js';

export { HttpError, brokenRule, getById, normalizeBody, type EntityType, type Row } from './entity-kit.js';

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
  ...LICENSE_ENTITY_TYPES,
  ...RELOAD_ENTITY_TYPES,
]);
