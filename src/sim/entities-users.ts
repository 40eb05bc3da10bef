/**
 * Users and the three kinds of access allocation, including the 7-day quarantine of a recently used
 * allocation on DELETE (qrs-api.md §2, §4.2).
 */
import { SEAT_ACCESS_SHAPE, USER_ACCESS_SHAPE, USER_SHAPE } from './schema.js';
import { NO_DATE, QUARANTINE_MS, SCHEMA_PATHS, userDefaults, type AllocationEntity, type AllocationKind, type SimState, type UserCondensed, type UserEntity } from './state.js';
import { brokenRule, newEntityId, nonEmptyString, pick, referencedUser, refreshUser, stamps, type EntityType, type Row } from './entity-kit.js';

// ---------------------------------------------------------------- users

const USER_CONDENSED_KEYS = ['id', 'privileges', 'userId', 'userDirectory', 'userDirectoryConnectorName', 'name'] as const;

function buildUser(state: SimState, body: Row, base: { id: string; createdDate?: string }, caller: string): UserEntity {
  if (!nonEmptyString(body.userId) || !nonEmptyString(body.userDirectory)) throw brokenRule('userId and userDirectory are required.');
  if (body.userId.length > 255 || body.userDirectory.length > 255) throw brokenRule('userId and userDirectory may be at most 255 characters.');
  const clash = state.findUser(body.userDirectory, body.userId);
  if (clash && clash.id !== base.id) throw brokenRule(`A user with userDirectory '${body.userDirectory}' and userId '${body.userId}' already exists.`);
  return {
    ...userDefaults(body.userDirectory, ''),
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

