/**
 * A big site for the benchmark: the kb seed (so the same problem is inside it) plus deterministic filler
 * up to the requested totals. Entities are built as literals rather than through SimState's helpers to
 * keep 100k users + 70k allocations + 2k connections well under a second.
 */
import crypto from 'node:crypto';
import { prng } from '../util/prng.js';
import { seedKb } from './seed-kb.js';
import {
  ALLOCATION_KINDS,
  NO_DATE,
  QUARANTINE_MS,
  QMC_EDITOR,
  SCHEMA_PATHS,
  type AllocationKind,
  type SimState,
  type UserEntity,
} from './state.js';

export interface LargeSiteSize {
  users: number;
  allocations: number;
  connections: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const BASE_CREATED = Date.parse('2018-06-01T00:00:00.000Z');

export function seedLarge(state: SimState, size: LargeSiteSize): void {
  seedKb(state);
  const rand = prng(42);
  const now = state.now().getTime();

  const filler: UserEntity[] = [];
  const userCount = Math.max(0, size.users - state.users.size);
  for (let i = 1; i <= userCount; i++) {
    const created = new Date(BASE_CREATED + i * 60_000).toISOString();
    const n = String(i).padStart(6, '0');
    const user: UserEntity = {
      id: crypto.randomUUID(),
      createdDate: created,
      modifiedDate: created,
      modifiedByUserName: 'INTERNAL\\sa_repository',
      schemaPath: SCHEMA_PATHS.user,
      privileges: null,
      customProperties: [],
      userId: `user${n}`,
      userDirectory: 'DOMAIN',
      userDirectoryConnectorName: 'DOMAIN',
      name: `User ${n}`,
      roles: [],
      attributes: [],
      inactive: rand() < 0.02,
      removedExternally: false,
      blacklisted: false,
      deleteProhibited: false,
      tags: [],
      favorites: [],
    };
    state.users.set(user.id, user);
    filler.push(user);
  }

  const existing = ALLOCATION_KINDS.reduce((n, k) => n + state.allocations[k].size, 0);
  const wanted = Math.max(0, size.allocations - existing);
  if (wanted > filler.length * ALLOCATION_KINDS.length) {
    throw new Error(`a large site with ${size.users} users cannot hold ${size.allocations} allocations (at most one of each kind per user)`);
  }
  // 60% user access passes, 25% professional, 15% analyzer; each kind walks the filler users from a
  // different offset so one user rarely holds two kinds.
  const share: Record<AllocationKind, number> = { user: 0.6, professional: 0.25, analyzer: 0.15 };
  let made = 0;
  ALLOCATION_KINDS.forEach((kind, k) => {
    const count = k === ALLOCATION_KINDS.length - 1 ? wanted - made : Math.min(filler.length, Math.round(wanted * share[kind]));
    const offset = Math.floor((filler.length * k) / ALLOCATION_KINDS.length);
    for (let i = 0; i < count; i++) {
      const user = filler[(offset + i) % filler.length]!;
      const neverUsed = rand() < 0.1;
      const lastUsedMs = now - Math.floor(rand() * 60 * DAY_MS);
      const quarantined = !neverUsed && now - lastUsedMs < QUARANTINE_MS && rand() < 0.05;
      const created = new Date(BASE_CREATED + i * 30_000).toISOString();
      const lastUsed = neverUsed ? NO_DATE : new Date(lastUsedMs).toISOString();
      const id = crypto.randomUUID();
      state.allocations[kind].set(id, {
        id,
        createdDate: created,
        modifiedDate: neverUsed ? created : lastUsed,
        modifiedByUserName: 'INTERNAL\\sa_repository',
        schemaPath: SCHEMA_PATHS.allocation[kind],
        privileges: null,
        user: { id: user.id, privileges: null, userId: user.userId, userDirectory: user.userDirectory, userDirectoryConnectorName: 'DOMAIN', name: user.name },
        lastUsed,
        quarantined,
        quarantineEnd: quarantined ? new Date(lastUsedMs + QUARANTINE_MS).toISOString() : NO_DATE,
        deletedUserId: null,
        deletedUserDirectory: null,
        ...(kind === 'user' ? {} : { excess: false }),
      });
    }
    made += count;
  });

  const owner = state.findUser('DOMAIN', 'jdoe')!;
  const connectionCount = Math.max(0, size.connections - state.connections.size);
  for (let i = 1; i <= connectionCount; i++) {
    const n = String(i).padStart(5, '0');
    const variant = i % 3;
    const created = new Date(BASE_CREATED + i * 3_600_000).toISOString();
    const id = crypto.randomUUID();
    const rest = variant === 0;
    state.connections.set(id, {
      id,
      createdDate: created,
      modifiedDate: created,
      modifiedByUserName: QMC_EDITOR,
      schemaPath: SCHEMA_PATHS.dataconnection,
      privileges: null,
      customProperties: [],
      owner: state.condensed(owner),
      name: rest ? `REST source ${n}` : variant === 1 ? `Folder ${n}` : `ODBC source ${n}`,
      connectionstring: rest
        ? `CUSTOM CONNECT TO "provider=QvRestConnector.exe;url=https://api${n}.domain.local/v1/data;timeout=30;method=GET;authSchema=ntlm;"`
        : variant === 1
          ? `\\\\QLIKSERVER1\\Data\\Area${n}\\`
          : `CUSTOM CONNECT TO "provider=QvOdbcConnectorPackage.exe;driver=postgres;host=db${n}.domain.local;port=5432;database=area${n};"`,
      type: rest ? 'QvRestConnector.exe' : variant === 1 ? 'folder' : 'QvOdbcConnectorPackage.exe',
      engineObjectId: id,
      // A few run as the service account, like Sales DW in the kb site: a fix must leave them alone.
      username: variant === 1 ? '' : i % 50 === 0 ? 'domain\\qvservice' : `DOMAIN\\svc_area${n}`,
      password: variant === 1 ? '' : rest ? `%%password%2filler-${n}%1` : `filler-${n}`,
      logOn: 0,
      architecture: 0,
      tags: [],
    });
  }
}
