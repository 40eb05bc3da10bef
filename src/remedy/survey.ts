/**
 * Reads what the audit and the remedy need, in two parallel rounds and a fixed number of filtered
 * requests whatever the size of the site: about + the matching connections, then the identities'
 * users and their allocations of each kind.
 */
import type { QrsClient } from '../qrs/client.js';
import { filter, type Filter } from '../qrs/filter.js';
import {
  aboutSchema,
  allocationSchema,
  dataConnectionSchema,
  userSchema,
  ALLOCATION_KINDS,
  allocationKinds,
  type About,
  type Allocation,
  type AllocationKind,
  type DataConnection,
  type User,
} from '../qrs/schemas.js';
import { accountFromUsername, accountKey, type Account } from '../account.js';
import type { NameMatcher } from './match.js';
import { rememberConnectionSecret } from './credential.js';

export interface HeldAllocation {
  kind: AllocationKind;
  entity: Allocation;
}

export interface IdentityState {
  account: Account;
  /** undefined when no QRS user record exists for the account. */
  user: User | undefined;
  allocations: HeldAllocation[];
}

export interface Survey {
  about: About;
  /** Connections whose name matches exactly, sorted by name. */
  connections: DataConnection[];
  /** Connections the server's case-insensitive filter returned that do not match exactly. */
  nearMisses: DataConnection[];
  /** Every account involved (connection identities and the extra ones asked for), by accountKey. */
  identities: Map<string, IdentityState>;
}

export function accountsFilter(accounts: Account[], prefix = ''): Filter {
  return filter.or(...accounts.map((a) => filter.and(filter.eq(`${prefix}userDirectory`, a.directory), filter.eq(`${prefix}userId`, a.userId))));
}

export async function readConnections(client: QrsClient, matcher: NameMatcher): Promise<{ connections: DataConnection[]; nearMisses: DataConnection[] }> {
  const all = (await client.list('/qrs/dataconnection/full', dataConnectionSchema, filter.sw('name', matcher.prefix))).map(rememberConnectionSecret);
  const connections = all.filter((c) => matcher.test(c.name)).sort((a, b) => a.name.localeCompare(b.name));
  const nearMisses = all.filter((c) => !matcher.test(c.name));
  return { connections, nearMisses };
}

/** Reads the users and allocations of these accounts: 1 + 3 requests, in parallel. */
export async function readIdentities(client: QrsClient, accounts: Account[]): Promise<Map<string, IdentityState>> {
  const unique = new Map<string, Account>();
  for (const a of accounts) unique.set(accountKey(a), a);
  const identities = new Map<string, IdentityState>();
  for (const [key, account] of unique) identities.set(key, { account, user: undefined, allocations: [] });
  if (unique.size === 0) return identities;
  const list = [...unique.values()];
  const [users, ...allocationLists] = await Promise.all([
    client.list('/qrs/user/full', userSchema, accountsFilter(list)),
    ...allocationKinds.map((kind) => client.list(`${ALLOCATION_KINDS[kind].path}/full`, allocationSchema, accountsFilter(list, 'user.'))),
  ]);
  for (const user of users) {
    const state = identities.get(accountKey({ directory: user.userDirectory, userId: user.userId }));
    if (state) state.user = user;
  }
  allocationKinds.forEach((kind, i) => {
    for (const entity of allocationLists[i] ?? []) {
      if (!entity.user) continue;
      const state = identities.get(accountKey({ directory: entity.user.userDirectory, userId: entity.user.userId }));
      state?.allocations.push({ kind, entity });
    }
  });
  return identities;
}

export async function surveySite(client: QrsClient, matcher: NameMatcher, extraAccounts: Account[] = []): Promise<Survey> {
  const [about, found] = await Promise.all([client.get('/qrs/about', aboutSchema), readConnections(client, matcher)]);
  const accounts = [...extraAccounts];
  for (const c of found.connections) {
    const a = accountFromUsername(c.username);
    if (a) accounts.push(a);
  }
  const identities = await readIdentities(client, accounts);
  return { about, ...found, identities };
}
