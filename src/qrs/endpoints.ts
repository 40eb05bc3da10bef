/**
 * One function per QRS call qrsfix makes, so each path, filter and schema is written once. Every read
 * of a data connection registers its password with the scrubber here: no caller can forget it.
 */
import type { Account } from '../account.js';
import type { QrsClient } from './client.js';
import { rememberConnectionSecret } from './credential-bag.js';
import { filter, type Filter } from './filter.js';
import {
  ALLOCATION_KINDS,
  aboutSchema,
  allocationSchema,
  dataConnectionSchema,
  serverNodeSchema,
  userSchema,
  type About,
  type Allocation,
  type AllocationKind,
  type DataConnection,
  type ServerNode,
  type User,
} from './schemas.js';

export function readAbout(client: QrsClient): Promise<About> {
  return client.get('/qrs/about', aboutSchema);
}

/** `(userDirectory eq … and userId eq …) or …`, with an optional prefix such as `user.` for allocations. */
export function accountsFilter(accounts: Account[], prefix = ''): Filter {
  return filter.or(...accounts.map((a) => filter.and(filter.eq(`${prefix}userDirectory`, a.directory), filter.eq(`${prefix}userId`, a.userId))));
}

// Users

export function listUsers(client: QrsClient, accounts: Account[]): Promise<User[]> {
  return client.list('/qrs/user/full', userSchema, accountsFilter(accounts));
}

export function listUsersById(client: QrsClient, userGuids: string[]): Promise<User[]> {
  return client.list('/qrs/user/full', userSchema, filter.or(...userGuids.map((id) => filter.id('id', id))));
}

/** The QRS user of an account (directory and user id compare case-insensitively, as QRS does), if any. */
export async function findUser(client: QrsClient, account: Account): Promise<User | undefined> {
  return (await listUsers(client, [account]))[0];
}

export function readUser(client: QrsClient, userGuid: string): Promise<User> {
  return client.get(`/qrs/user/${userGuid}`, userSchema);
}

export function writeUser(client: QrsClient, user: User): Promise<User> {
  return client.put(`/qrs/user/${user.id}`, user, userSchema);
}

export function createUser(client: QrsClient, account: Account, name: string, roles: string[]): Promise<User> {
  return client.post('/qrs/user', { userId: account.userId, userDirectory: account.directory, name, roles }, userSchema);
}

export function deleteUser(client: QrsClient, userGuid: string): Promise<void> {
  return client.delete(`/qrs/user/${userGuid}`);
}

// Data connections

async function connections(client: QrsClient, by: Filter): Promise<DataConnection[]> {
  return (await client.list('/qrs/dataconnection/full', dataConnectionSchema, by)).map(rememberConnectionSecret);
}

/** Connections whose name starts with the prefix (QRS compares case-insensitively). */
export function listConnectionsStartingWith(client: QrsClient, prefix: string): Promise<DataConnection[]> {
  return connections(client, filter.sw('name', prefix));
}

/** Connections whose username is this `DOMAIN\user` text. */
export function listConnectionsRunningAs(client: QrsClient, username: string): Promise<DataConnection[]> {
  return connections(client, filter.eq('username', username));
}

export async function readConnection(client: QrsClient, connectionId: string): Promise<DataConnection> {
  return rememberConnectionSecret(await client.get(`/qrs/dataconnection/${connectionId}`, dataConnectionSchema));
}

export function writeConnection(client: QrsClient, connection: DataConnection): Promise<DataConnection> {
  return client.put(`/qrs/dataconnection/${connection.id}`, connection, dataConnectionSchema);
}

// Nodes

export function listServerNodes(client: QrsClient): Promise<ServerNode[]> {
  return client.list('/qrs/servernodeconfiguration/full', serverNodeSchema);
}

// Access allocations (user access pass, professional, analyzer)

/** `/qrs/license/<kind>accesstype`, or the path of one allocation of that kind. */
export function allocationPath(kind: AllocationKind, allocationId?: string): string {
  const base = ALLOCATION_KINDS[kind].path;
  return allocationId === undefined ? base : `${base}/${allocationId}`;
}

export function listAllocationsOf(client: QrsClient, kind: AllocationKind, accounts: Account[]): Promise<Allocation[]> {
  return client.list(`${allocationPath(kind)}/full`, allocationSchema, accountsFilter(accounts, 'user.'));
}

export function listAllocationsOfUser(client: QrsClient, kind: AllocationKind, userGuid: string): Promise<Allocation[]> {
  return client.list(`${allocationPath(kind)}/full`, allocationSchema, filter.id('user.id', userGuid));
}

export function readAllocation(client: QrsClient, kind: AllocationKind, allocationId: string): Promise<Allocation> {
  return client.get(allocationPath(kind, allocationId), allocationSchema);
}

export function writeAllocation(client: QrsClient, kind: AllocationKind, allocation: Allocation): Promise<Allocation> {
  return client.put(allocationPath(kind, allocation.id), allocation, allocationSchema);
}

export function createAllocation(client: QrsClient, kind: AllocationKind, userGuid: string): Promise<Allocation> {
  return client.post(allocationPath(kind), { user: { id: userGuid } }, allocationSchema);
}

export function deleteAllocation(client: QrsClient, kind: AllocationKind, allocationId: string): Promise<void> {
  return client.delete(allocationPath(kind, allocationId));
}
