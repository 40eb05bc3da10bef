/**
 * Reads what the audit and the remedy need, in two parallel rounds and a fixed number of filtered
 * requests whatever the size of the site: about + the matching connections, then the identities'
 * users and their allocations of each kind.
 */
import type { QrsClient } from '../qrs/client.js';
import { listAllocationsOf, listConnectionsStartingWith, listServerNodes, listUsers, listUsersById, readAbout } from '../qrs/endpoints.js';
import { allocationKinds, type About, type Allocation, type AllocationKind, type DataConnection, type User } from '../qrs/schemas.js';
import { accountFromUsername, accountKey, type Account } from '../account.js';
import type { NameMatcher } from './match.js';
import { LOCAL_HOSTS, factsNeeded, judgeConnection, type ConnectionVerdict } from './genuine.js';
import { QrsfixError } from '../errors.js';
import { readLicenseRules } from '../qrs/endpoints.js';
import { readLicenseGrants, type LicenseSurvey } from './license-survey.js';

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

/** A connection named like a monitor connection that is not one (see genuine.ts): left alone unless included by name. */
export interface LookAlike {
  id: string;
  name: string;
  owner: string;
  address: string;
  runsAs: string | null;
  reasons: string[];
  /** Named with --include-connection: treated as a monitor connection all the same. */
  included: boolean;
}

export interface FoundConnections {
  /** Genuine monitor connections whose name matches exactly (and look-alikes named with --include-connection), sorted by name. */
  connections: DataConnection[];
  /** Connections the server's case-insensitive filter returned that do not match exactly. */
  nearMisses: DataConnection[];
  /** Matching names that are not genuine monitor connections, sorted by name. */
  lookAlikes: LookAlike[];
}

export interface Survey extends FoundConnections {
  about: About;
  /** Every account involved (connection identities and the extra ones asked for), by accountKey. */
  identities: Map<string, IdentityState>;
  /** The license rules that grant the identities' QRS users something (by user id). */
  license: LicenseSurvey;
}

export function isRootAdmin(roles: readonly string[]): boolean {
  return roles.some((r) => r.toLowerCase() === 'rootadmin');
}

export function activeAllocations(state: IdentityState): HeldAllocation[] {
  return state.allocations.filter((a) => !a.entity.quarantined);
}

/** Each connection judged genuine or not, by id; owners and nodes read only when some connection needs them. */
export async function judgeConnections(client: QrsClient, list: DataConnection[]): Promise<Map<string, ConnectionVerdict>> {
  const host = client.config.host.toLowerCase().replace(/^\[|\]$/g, '');
  const hosts = new Set([...LOCAL_HOSTS, host, `[${host}]`]);
  const needed = factsNeeded(list, hosts);
  const [owners, nodes] = await Promise.all([
    needed.ownerIds.length ? listUsersById(client, needed.ownerIds) : Promise.resolve([]),
    needed.nodes ? listServerNodes(client) : Promise.resolve([]),
  ]);
  for (const n of nodes) hosts.add(n.hostName.toLowerCase());
  const rootAdminIds = new Set(owners.filter((u) => isRootAdmin(u.roles)).map((u) => u.id.toLowerCase()));
  return new Map(list.map((c) => [c.id, judgeConnection(c, { hosts, rootAdminIds })]));
}

/**
 * The matching connections, each judged genuine or a look-alike. Owners other than sa_repository and
 * the site's nodes are read only when some connection needs them (a default site needs neither).
 */
export async function readConnections(client: QrsClient, matcher: NameMatcher, include: readonly string[] = []): Promise<FoundConnections> {
  const all = await listConnectionsStartingWith(client, matcher.prefix);
  const matching = all.filter((c) => matcher.test(c.name)).sort((a, b) => a.name.localeCompare(b.name));
  const nearMisses = all.filter((c) => !matcher.test(c.name));
  const missing = include.filter((name) => !matching.some((c) => c.name === name));
  if (missing.length) {
    throw new QrsfixError('usage', `--include-connection ${missing.join(', ')}: no data connection of that name matches ${matcher.glob}`, 'give the exact name (case included) the audit shows under "look-alike connections"');
  }
  const verdicts = await judgeConnections(client, matching);
  const connections: DataConnection[] = [];
  const lookAlikes: LookAlike[] = [];
  for (const c of matching) {
    const verdict = verdicts.get(c.id)!;
    const included = include.includes(c.name);
    if (verdict.genuine || included) connections.push(c);
    if (!verdict.genuine) {
      lookAlikes.push({ id: c.id, name: c.name, owner: verdict.owner, address: verdict.address, runsAs: c.username || null, reasons: verdict.reasons, included });
    }
  }
  return { connections, nearMisses, lookAlikes };
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
    listUsers(client, list),
    ...allocationKinds.map((kind) => listAllocationsOf(client, kind, list)),
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

export async function surveySite(client: QrsClient, matcher: NameMatcher, extraAccounts: Account[] = [], include: readonly string[] = []): Promise<Survey> {
  const rules = readLicenseRules(client);
  rules.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
  const [about, found] = await Promise.all([readAbout(client), readConnections(client, matcher, include)]);
  const accounts = [...extraAccounts];
  for (const c of found.connections) {
    const a = accountFromUsername(c.username);
    if (a) accounts.push(a);
  }
  const identities = await readIdentities(client, accounts);
  const userGuids = [...identities.values()].flatMap((s) => (s.user ? [s.user.id] : []));
  const license = await readLicenseGrants(client, userGuids, rules);
  return { about, ...found, identities, license };
}
