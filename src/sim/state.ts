/**
 * The simulator's repository: plain objects in Maps keyed by id, which tests read and mutate directly.
 * Entities are stored in their full QRS shape and keep any unknown field verbatim. References to users
 * (an allocation's `user`, a connection's `owner`) are stored as UserCondensed snapshots and refreshed
 * from `users` when served, as QRS's join would.
 */
import crypto from 'node:crypto';
import { LicenseStore } from './license-state.js';
import { ReloadStore } from './reload-state.js';

/** QRS's "no date" (.NET SqlDateTime.MinValue): never used, not quarantined. */
export const NO_DATE = '1753-01-01T00:00:00.000Z';
export const QUARANTINE_MS = 7 * 24 * 60 * 60 * 1000;

export type AllocationKind = 'user' | 'professional' | 'analyzer';
export const ALLOCATION_KINDS: readonly AllocationKind[] = ['user', 'professional', 'analyzer'];

export interface TagCondensed {
  id: string;
  name: string;
  privileges?: string[] | null;
}

export interface BaseEntity {
  id: string;
  createdDate: string;
  modifiedDate: string;
  modifiedByUserName: string;
  schemaPath: string;
  privileges: string[] | null;
  [unknownField: string]: unknown;
}

export interface UserCondensed {
  id: string;
  privileges: string[] | null;
  userId: string;
  userDirectory: string;
  userDirectoryConnectorName: string;
  name: string;
}

export interface UserEntity extends BaseEntity {
  customProperties: unknown[];
  userId: string;
  userDirectory: string;
  userDirectoryConnectorName: string;
  name: string;
  roles: string[];
  attributes: unknown[];
  inactive: boolean;
  removedExternally: boolean;
  blacklisted: boolean;
  deleteProhibited: boolean;
  tags: TagCondensed[];
  favorites: string[];
}

/** LicenseUserAccessType / LicenseProfessionalAccessType / LicenseAnalyzerAccessType (the last two add `excess`). */
export interface AllocationEntity extends BaseEntity {
  user: UserCondensed | null;
  lastUsed: string;
  quarantined: boolean;
  quarantineEnd: string;
  deletedUserId: string | null;
  deletedUserDirectory: string | null;
  excess?: boolean;
}

export interface DataConnectionEntity extends BaseEntity {
  customProperties: unknown[];
  owner: UserCondensed | null;
  name: string;
  connectionstring: string;
  type: string;
  engineObjectId: string;
  username: string;
  password: string;
  logOn: number;
  architecture: number;
  tags: TagCondensed[];
}

export interface AboutInfo {
  buildVersion: string;
  buildDate: string;
  databaseProvider: string;
  nodeType: number;
  sharedPersistence: boolean;
  requiresBootstrap: boolean;
  singleNodeOnly: boolean;
  schemaPath: string;
}

export const SCHEMA_PATHS = {
  user: 'User',
  dataconnection: 'DataConnection',
  allocation: { user: 'License.UserAccessType', professional: 'License.ProfessionalAccessType', analyzer: 'License.AnalyzerAccessType' },
} as const;

/** What a user has that neither a POST body nor a seed gave it (QRS's defaults, implicit update). */
export function userDefaults(directory: string, name: string) {
  const lists = { customProperties: [] as unknown[], roles: [] as string[], attributes: [] as unknown[], tags: [] as TagCondensed[], favorites: [] as string[] };
  return { ...lists, userDirectoryConnectorName: directory, name, inactive: false, removedExternally: false, blacklisted: false, deleteProhibited: false };
}

/** The identity the simulator writes as `modifiedByUserName` when a test edits behind the client's back. */
export const QMC_EDITOR = 'INTERNAL\\sa_repository';

function toIso(d: Date | string): string {
  return typeof d === 'string' ? new Date(d).toISOString() : d.toISOString();
}

export class SimState {
  readonly users = new Map<string, UserEntity>();
  readonly allocations: Record<AllocationKind, Map<string, AllocationEntity>> = {
    user: new Map(),
    professional: new Map(),
    analyzer: new Map(),
  };
  readonly connections = new Map<string, DataConnectionEntity>();
  readonly reloads = new ReloadStore();
  readonly license = new LicenseStore();
  /** The Windows directory behind the proxy: `DIR\\id` (lower case) → password, for the reloads' logins. */
  readonly directory = new Map<string, string>();
  about: AboutInfo = {
    buildVersion: '36.25.2.0',
    buildDate: '8/14/2024 1:13:37 PM',
    databaseProvider: 'Devart.Data.PostgreSql',
    nodeType: 1,
    sharedPersistence: true,
    requiresBootstrap: false,
    singleNodeOnly: false,
    schemaPath: 'About',
  };
  private lastStampMs = 0;

  constructor(readonly now: () => Date = () => new Date()) {}

  /** A new modifiedDate: ISO with milliseconds, strictly increasing even when the clock stands still. */
  stamp(): string {
    const ms = Math.max(this.now().getTime(), this.lastStampMs + 1);
    this.lastStampMs = ms;
    return new Date(ms).toISOString();
  }

  newId(): string {
    return crypto.randomUUID();
  }

  setDirectoryPassword(account: string, password: string): void {
    this.directory.set(account.toLowerCase(), password);
  }

  /** Case-insensitive, like QRS's uniqueness on userDirectory + userId. */
  findUser(directory: string, userId: string): UserEntity | undefined {
    const d = directory.toLowerCase();
    const u = userId.toLowerCase();
    for (const user of this.users.values()) {
      if (user.userDirectory.toLowerCase() === d && user.userId.toLowerCase() === u) return user;
    }
    return undefined;
  }

  /** Exact name (connection names are unique; QRS's `eq` is case-insensitive, this helper is not). */
  findConnection(name: string): DataConnectionEntity | undefined {
    for (const c of this.connections.values()) if (c.name === name) return c;
    return undefined;
  }

  /** The allocation of that kind held by (or quarantined for) the user with this entity id. */
  allocationOf(kind: AllocationKind, userEntityId: string): AllocationEntity | undefined {
    const id = userEntityId.toLowerCase();
    for (const a of this.allocations[kind].values()) if (a.user?.id.toLowerCase() === id) return a;
    return undefined;
  }

  condensed(user: UserEntity): UserCondensed {
    return {
      id: user.id,
      privileges: null,
      userId: user.userId,
      userDirectory: user.userDirectory,
      userDirectoryConnectorName: user.userDirectoryConnectorName,
      name: user.name,
    };
  }

  /** A QMC edit: bump modifiedDate so a client holding the old one gets 409 on its next PUT. */
  touch(entity: BaseEntity, by: string = QMC_EDITOR): void {
    entity.modifiedDate = this.stamp();
    entity.modifiedByUserName = by;
  }

  addUser(input: Partial<UserEntity> & { userDirectory: string; userId: string }): UserEntity {
    const stamp = this.stamp();
    const user: UserEntity = {
      id: this.newId(),
      createdDate: stamp,
      modifiedDate: stamp,
      modifiedByUserName: QMC_EDITOR,
      schemaPath: SCHEMA_PATHS.user,
      privileges: null,
      ...userDefaults(input.userDirectory, input.userId),
      ...input,
    };
    this.users.set(user.id, user);
    return user;
  }

  /**
   * Gives a user an allocation. `lastUsed` defaults to never; `quarantined: true` makes it one that was
   * removed after that last use (quarantineEnd = lastUsed + 7 days).
   */
  addAllocation(
    kind: AllocationKind,
    user: string | UserEntity,
    opts: { lastUsed?: Date | string; quarantined?: boolean; id?: string; createdDate?: Date | string } = {},
  ): AllocationEntity {
    const holder = typeof user === 'string' ? this.users.get(user) : user;
    if (!holder) throw new Error(`addAllocation: no user with id ${String(user)}`);
    const lastUsed = opts.lastUsed === undefined ? NO_DATE : toIso(opts.lastUsed);
    const quarantined = opts.quarantined ?? false;
    const stamp = this.stamp();
    const allocation: AllocationEntity = {
      id: opts.id ?? this.newId(),
      createdDate: opts.createdDate === undefined ? stamp : toIso(opts.createdDate),
      modifiedDate: stamp,
      modifiedByUserName: QMC_EDITOR,
      schemaPath: SCHEMA_PATHS.allocation[kind],
      privileges: null,
      user: this.condensed(holder),
      lastUsed,
      quarantined,
      quarantineEnd: quarantined ? new Date(Date.parse(lastUsed) + QUARANTINE_MS).toISOString() : NO_DATE,
      deletedUserId: null,
      deletedUserDirectory: null,
      ...(kind === 'user' ? {} : { excess: false }),
    };
    this.allocations[kind].set(allocation.id, allocation);
    return allocation;
  }

  addConnection(
    input: Partial<DataConnectionEntity> & { name: string; connectionstring: string; owner: UserEntity | UserCondensed },
  ): DataConnectionEntity {
    const stamp = this.stamp();
    const id = input.id ?? this.newId();
    const owner = 'roles' in input.owner ? this.condensed(input.owner as UserEntity) : input.owner;
    const connection: DataConnectionEntity = {
      id,
      createdDate: stamp,
      modifiedDate: stamp,
      modifiedByUserName: QMC_EDITOR,
      schemaPath: SCHEMA_PATHS.dataconnection,
      privileges: null,
      customProperties: [],
      type: '',
      engineObjectId: id,
      username: '',
      password: '',
      logOn: 0,
      architecture: 0,
      tags: [],
      ...input,
      owner,
    };
    this.connections.set(connection.id, connection);
    return connection;
  }

  /**
   * QRS's licence maintenance frees a quarantined allocation once its quarantine ends; the simulator does
   * it lazily, whenever an allocation route is served, against the sim's clock.
   */
  expireQuarantine(): number {
    const now = this.now().getTime();
    let removed = 0;
    for (const kind of ALLOCATION_KINDS) {
      for (const [id, a] of this.allocations[kind]) {
        if (a.quarantined && Date.parse(a.quarantineEnd) <= now) {
          this.allocations[kind].delete(id);
          removed++;
        }
      }
    }
    return removed;
  }
}
