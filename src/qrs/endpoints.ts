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
import { QrsError } from './errors.js';
import { executionResultSchema, guidValueSchema, isRealGuid, reloadTaskSchema, type ExecutionResult, type ReloadTask } from './reload-schemas.js';
import { LICENSE_RULE_KINDS, licenseAuditSchema, systemRuleSchema, type LicenseAudit, type LicenseRuleKind, type SystemRule } from './license-schemas.js';
import { z } from 'zod';

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

/** Users whose user id holds this text (QRS compares case-insensitively): the candidates for a name that matched none. */
export function listUsersWithIdLike(client: QrsClient, fragment: string): Promise<User[]> {
  return client.list('/qrs/user/full', userSchema, filter.so('userId', fragment));
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

// ---------------------------------------------------------------- reload tasks (verify; qrs-api.md §12)

/** The reload tasks of the published apps with these names (QRS compares names case-insensitively). */
export async function findPublishedAppTasks(client: QrsClient, appNames: string[]): Promise<ReloadTask[]> {
  const names = filter.or(...appNames.map((n) => filter.eq('app.name', n)));
  return client.list('/qrs/reloadtask/full', reloadTaskSchema, filter.and(filter.eq('app.published', true), names));
}

/** Starts the task; its execution session id, or undefined when QRS answers the all-zero GUID (not started). */
export async function startTaskSynchronous(client: QrsClient, taskId: string): Promise<string | undefined> {
  const session = await client.post(`/qrs/task/${taskId}/start/synchronous`, undefined, guidValueSchema);
  return isRealGuid(session) ? session : undefined;
}

/** Every result of one execution (one per retry). */
export async function readExecutionResults(client: QrsClient, executionId: string): Promise<ExecutionResult[]> {
  return client.list('/qrs/executionresult/full', executionResultSchema, filter.id('ExecutionId', executionId));
}

/** Whether the execution session still exists (QRS answers 404 once the run has ended). */
export async function executionSessionExists(client: QrsClient, executionId: string): Promise<boolean> {
  try {
    await client.get(`/qrs/executionsession/${executionId}`, z.looseObject({ id: z.string() }));
    return true;
  } catch (err) {
    if (err instanceof QrsError && err.status === 404) return false;
    throw err;
  }
}

/** A download ticket for the log of one execution result (undefined on 404: not archived yet, or an older site). */
export async function requestScriptLogTicket(client: QrsClient, taskId: string, executionResultId: string): Promise<string | undefined> {
  return notFoundAsUndefined(() => client.get(`/qrs/reloadtask/${taskId}/scriptlogfile`, guidValueSchema, { query: { executionresultid: executionResultId } }));
}

/** The same by the result's fileReferenceID, through the deprecated endpoint older sites have. */
export async function requestLegacyScriptLogTicket(client: QrsClient, taskId: string, fileReferenceId: string): Promise<string | undefined> {
  return notFoundAsUndefined(() => client.get(`/qrs/reloadtask/${taskId}/scriptlog`, guidValueSchema, { query: { filereferenceid: fileReferenceId } }));
}

export async function downloadScriptLog(client: QrsClient, ticket: string): Promise<string> {
  return client.getText(`/qrs/download/reloadtask/${ticket}/scriptlog.txt`);
}

async function notFoundAsUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof QrsError && err.status === 404) return undefined;
    throw err;
  }
}

// ---------------------------------------------------------------- license rules (qrs-api.md §13)

export async function readLicenseRules(client: QrsClient): Promise<SystemRule[]> {
  return client.list('/qrs/systemrule/full', systemRuleSchema, filter.eq('category', 'License'));
}

export async function readSystemRule(client: QrsClient, id: string): Promise<SystemRule> {
  return client.get(`/qrs/systemrule/${id}`, systemRuleSchema);
}

/** A full-rule PUT (implicit update: send the whole rule, with the modifiedDate last read). */
export async function writeSystemRule(client: QrsClient, rule: SystemRule): Promise<SystemRule> {
  return client.put(`/qrs/systemrule/${rule.id}`, rule, systemRuleSchema);
}

/** Which rules of this kind grant the user with this QRS id a group (or login access type). */
export async function auditLicenseGrants(client: QrsClient, kind: LicenseRuleKind, userGuid: string): Promise<LicenseAudit> {
  const body = { resourceType: LICENSE_RULE_KINDS[kind].resourceType, userFilter: filter.id('id', userGuid).text };
  return client.post('/qrs/systemrule/license/audit', body, licenseAuditSchema);
}
