/**
 * A rollback plan from a journal: the inverse of every step the journal records as done, newest first,
 * each checked against what QRS says now, so a second rollback plans nothing and an entity changed
 * since the fix (by someone in the QMC) is left alone and reported.
 */
import { accountFromUsername, parseAccount, sameAccount } from '../account.js';
import { QrsfixError } from '../errors.js';
import type { QrsClient } from '../qrs/client.js';
import { QrsError } from '../qrs/errors.js';
import { findUser, listAllocationsOfUser, listConnectionsRunningAs, readAllocation, readConnection, readUser } from '../qrs/endpoints.js';
import { ALLOCATION_KINDS, type AllocationKind, type DataConnection } from '../qrs/schemas.js';
import { mapLimit } from '../util/concurrency.js';
import { readSystemRule } from '../qrs/endpoints.js';
import type { Journal, JournalStep } from './journal.js';
import { isRootAdmin, judgeConnections } from './survey.js';
import { connectionGuard } from './genuine.js';
import { emptyPlan } from './plan.js';
import type { Plan, Step } from './steps.js';
import { changedSince, checkJournalIds, mismatch } from './rollback-checks.js';
import { shellQuote } from '../util/shell.js';

const UNDOABLE = new Set(['create-user', 'add-root-admin', 'repoint-connection', 'remove-allocation', 'exclude-from-license-rule']);

function isNotFound(err: unknown): boolean {
  return err instanceof QrsError && err.status === 404;
}

async function readOrNull<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** `connection`: as read now, for a step that sets its password (judged before the plan is final). */
type Inverse = { step?: Step; unchanged?: string; held?: string; connection?: DataConnection };

export interface RollbackOptions {
  /** The journal's file name, for messages. */
  file: string;
  /** Overwrite objects modified since the change. */
  force: boolean;
  /** Connections that get their password back although they are not genuine monitor connections (named by the admin). */
  include?: readonly string[];
}

function sameUser(user: { userDirectory: string; userId: string }, account: string): boolean {
  const a = accountFromUsername(account);
  return !!a && sameAccount(a, { directory: user.userDirectory, userId: user.userId });
}

/** Checks the object is the journal's and unmodified since; returns the "changed since" line, or undefined to go on. */
function heldBack(js: JournalStep, label: string, modifiedDate: string, opts: RollbackOptions): string | undefined {
  return opts.force ? undefined : changedSince(js, label, modifiedDate);
}

async function inverseOf(client: QrsClient, js: JournalStep, opts: RollbackOptions): Promise<Inverse> {
  const step = js.step;
  switch (step.kind) {
    case 'create-user': {
      let userGuid = js.result?.userGuid;
      if (!userGuid) {
        // The run stopped before the answer was recorded; the plan saw no such user, so one there now is ours.
        const found = await findUser(client, parseAccount(step.account));
        if (!found) return { unchanged: `user ${step.account}: was not created` };
        userGuid = found.id;
      }
      const user = await readOrNull(() => readUser(client, userGuid));
      if (!user) return { unchanged: `user ${step.account}: no longer exists` };
      if (!sameUser(user, step.account)) throw mismatch(opts.file, js, 'user', `${step.account}/${userGuid}`, `${user.userDirectory}\\${user.userId}`);
      const held = heldBack(js, `user ${step.account}`, user.modifiedDate, opts);
      if (held) return { held };
      return { step: { kind: 'delete-user', account: step.account, userGuid } };
    }
    case 'add-root-admin': {
      const user = await readOrNull(() => readUser(client, step.userGuid));
      if (!user) return { unchanged: `user ${step.account}: no longer exists` };
      if (!sameUser(user, step.account)) throw mismatch(opts.file, js, 'user', `${step.account}/${step.userGuid}`, `${user.userDirectory}\\${user.userId}`);
      if (!isRootAdmin(user.roles)) return { unchanged: `user ${step.account}: is no longer RootAdmin` };
      const held = heldBack(js, `user ${step.account}`, user.modifiedDate, opts);
      if (held) return { held };
      return { step: { kind: 'remove-root-admin', account: step.account, userGuid: step.userGuid } };
    }
    case 'repoint-connection': {
      const c = await readOrNull(() => readConnection(client, step.connectionId));
      if (!c) return { unchanged: `data connection ${step.connectionName}: no longer exists` };
      if (c.name !== step.connectionName) throw mismatch(opts.file, js, 'data connection', `${step.connectionName}/${step.connectionId}`, `"${c.name}"`);
      const now = accountFromUsername(c.username);
      const after = accountFromUsername(step.usernameAfter);
      const rotation = step.usernameBefore.toLowerCase() === step.usernameAfter.toLowerCase();
      if (!now || !after || !sameAccount(now, after)) {
        const before = accountFromUsername(step.usernameBefore);
        if (before && now && sameAccount(now, before)) return { unchanged: `data connection ${step.connectionName}: runs as ${c.username} again already` };
        return { unchanged: `data connection ${step.connectionName}: now runs as ${c.username || '(nobody)'}, changed since the fix; left alone` };
      }
      const held = heldBack(js, `data connection ${step.connectionName}`, c.modifiedDate, opts);
      if (held) return { held };
      return {
        step: {
          kind: 'restore-connection',
          connectionId: step.connectionId,
          connectionName: c.name,
          usernameNow: c.username ?? '',
          usernameBefore: rotation ? (c.username ?? '') : step.usernameBefore,
          // A connection that held no password gets none: rollback never hands a password to a connection that had none.
          setsPassword: step.usernameBefore !== '' && step.hadPassword !== false,
          guard: connectionGuard(c),
        },
        connection: c,
      };
    }
    case 'remove-allocation': {
      const kind: AllocationKind = step.allocationKind;
      const label = ALLOCATION_KINDS[kind].label;
      const a = await readOrNull(() => readAllocation(client, kind, step.allocationId));
      if (a?.user && a.user.id.toLowerCase() !== step.userGuid.toLowerCase()) {
        throw mismatch(opts.file, js, label, `${step.allocationId} of ${step.account}`, `one of ${a.user.userDirectory}\\${a.user.userId}`);
      }
      if (a && a.quarantined) {
        const held = heldBack(js, `${label} ${step.allocationId} of ${step.account}`, a.modifiedDate, opts);
        if (held) return { held };
        return { step: { kind: 'reinstate-allocation', allocationKind: kind, allocationId: step.allocationId, account: step.account, userGuid: step.userGuid } };
      }
      if (a) return { unchanged: `${label} ${step.allocationId} of ${step.account}: is allocated (not removed, or given back since)` };
      // A new allocation goes to the journal's user id: that must still be the journal's user.
      const owner = await readOrNull(() => readUser(client, step.userGuid));
      if (!owner) return { unchanged: `${label} of ${step.account}: the user no longer exists` };
      if (!sameUser(owner, step.account)) throw mismatch(opts.file, js, 'user', `${step.account}/${step.userGuid}`, `${owner.userDirectory}\\${owner.userId}`);
      const held = await listAllocationsOfUser(client, kind, step.userGuid);
      if (held.some((h) => !h.quarantined)) return { unchanged: `${label} of ${step.account}: holds one again already` };
      return { step: { kind: 'allocate', allocationKind: kind, account: step.account, userGuid: step.userGuid } };
    }
    case 'exclude-from-license-rule': {
      // What the run replaced and wrote (a 409 may have re-planned it), else what was planned.
      const written = js.result?.conditionAfter ?? step.conditionAfter;
      const before = js.result?.conditionBefore ?? step.conditionBefore;
      const rule = await readOrNull(() => readSystemRule(client, step.ruleId));
      const label = `license rule "${step.ruleName}"`;
      if (!rule) return { unchanged: `${label}: no longer exists` };
      if (rule.rule === before) return { unchanged: `${label}: has its old condition already` };
      if (rule.rule !== written && !opts.force) {
        return { held: `${label}: its condition is now ${rule.rule || '(empty)'}, not what the change wrote; not rolled back (--force puts the old condition back)` };
      }
      const held = heldBack(js, label, rule.modifiedDate, opts);
      if (held) return { held };
      return { step: { kind: 'restore-license-rule', ruleId: rule.id, ruleName: rule.name, licenseKind: step.licenseKind, conditionNow: rule.rule, conditionBefore: before } };
    }
    default:
      return {};
  }
}

/**
 * Deleting a user, or taking RootAdmin from it, while data connections still run as it would break
 * their reloads: that happens when the journal is of create-user alone, or the connections were
 * repointed to the user by a later run. Such a step is left out, and the plan says which connections
 * to move first. Connections this same rollback moves back do not count.
 */
async function keepUsersStillInUse(client: QrsClient, plan: Plan): Promise<void> {
  const restored = new Set(plan.steps.flatMap((s) => (s.kind === 'restore-connection' ? [s.connectionId] : [])));
  const risky = plan.steps.filter((s): s is Extract<Step, { kind: 'delete-user' | 'remove-root-admin' }> => s.kind === 'delete-user' || s.kind === 'remove-root-admin');
  const users = [...new Set(risky.map((s) => s.account))];
  const inUse = new Map<string, string[]>();
  await mapLimit(users, 4, async (account) => {
    const running = await listConnectionsRunningAs(client, account);
    const names = running.filter((c) => !restored.has(c.id)).map((c) => c.name).sort();
    if (names.length) inUse.set(account, names);
  });
  if (!inUse.size) return;
  plan.steps = plan.steps.filter((s) => !((s.kind === 'delete-user' || s.kind === 'remove-root-admin') && inUse.has(s.account)));
  for (const [account, names] of inUse) {
    const shown = names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
    plan.unchanged.push(`user ${account}: kept, with its roles: ${names.length} data connection${names.length === 1 ? '' : 's'} still run${names.length === 1 ? 's' : ''} as it (${shown})`);
    plan.notes.push(
      `${account} stays: removing it now would break the reloads of the connections that run as it. Move them first (roll back the journal of the fix or repoint-connections that moved them, or qrsfix repoint-connections --user <DIR\\id>), then roll this journal back again.`,
    );
  }
}

/**
 * A password goes back only to a connection that is a genuine monitor connection now: one re-aimed at
 * another host or owner since the fix does not get the previous identity's password, --force or not
 * (--force overwrites an admin's edit; it does not hand credentials elsewhere).
 */
async function holdForeignConnections(client: QrsClient, inverses: Inverse[], include: readonly string[]): Promise<void> {
  const setting = inverses.filter((inv) => inv.step?.kind === 'restore-connection' && inv.step.setsPassword && inv.connection);
  if (!setting.length) return;
  const verdicts = await judgeConnections(client, setting.map((inv) => inv.connection!));
  for (const inv of setting) {
    const c = inv.connection!;
    const v = verdicts.get(c.id)!;
    if (v.genuine || include.includes(c.name)) continue;
    inv.step = undefined;
    inv.held = `data connection ${c.name}: is not a genuine monitor connection now (owner ${v.owner}, calls ${v.address}: ${v.reasons.join('; ')}); not rolled back, so the password of its previous identity does not go to it (--force does not change that; only if you know it is yours: --include-connection ${shellQuote(c.name)})`;
  }
}

export interface RollbackPlan {
  plan: Plan;
  /** The identity whose password the restore steps set back, if any. */
  passwordOf?: string;
}

export function checkJournalSite(journal: Journal, host: string, port: number, file: string): void {
  checkJournalIds(journal, file);
  if (journal.site.host.toLowerCase() !== host.toLowerCase() || journal.site.port !== port) {
    throw new QrsfixError(
      'refused',
      `${file} records a change on ${journal.site.host}:${journal.site.port}, not on ${host}:${port}`,
      `a journal is rolled back only on its own site: use --host ${journal.site.host} --port ${journal.site.port}`,
    );
  }
  if (journal.command === 'rollback') {
    throw new QrsfixError('refused', `${file} is the journal of a rollback`, 'to redo the change, run the command that wrote the journal this rollback undid again');
  }
  const unknown = journal.steps.find((s) => !UNDOABLE.has(s.step.kind));
  if (unknown) throw new QrsfixError('refused', `${file} holds a step qrsfix cannot undo (${unknown.step.kind})`, 'it may come from another qrsfix version');
}

export async function planRollback(client: QrsClient, journal: Journal, opts: RollbackOptions): Promise<RollbackPlan> {
  const plan = emptyPlan();
  // A step whose outcome is unknown, or still pending in a run that never finished (killed), may have
  // landed: its inverse is planned too, from what QRS says now.
  const crashed = journal.outcome === 'in-progress';
  const maybe = (s: JournalStep) => s.status === 'done' || s.status === 'unknown' || (crashed && s.status === 'pending');
  // Newest first: the order they finished in, reversed.
  const done = journal.steps
    .filter(maybe)
    .sort((a, b) => (b.finishedAt ?? '').localeCompare(a.finishedAt ?? '') || b.n - a.n);
  const inverses = await mapLimit(done, 4, (js) => inverseOf(client, js, opts));
  await holdForeignConnections(client, inverses, opts.include ?? []);
  for (const inv of inverses) {
    if (inv.step) plan.steps.push(inv.step);
    if (inv.unchanged) plan.unchanged.push(inv.unchanged);
    if (inv.held) (plan.held ??= []).push(inv.held);
  }
  if (opts.force) plan.notes.push('--force: objects modified since the change are rolled back all the same');
  await keepUsersStillInUse(client, plan);
  if (crashed) plan.notes.push('the journal is of a run that never finished: steps it had not recorded were checked against the site');
  if (!done.length) plan.unchanged.push('the journal records no step as done: nothing of it to undo');
  const previous = [...new Set(plan.steps.flatMap((s) => (s.kind === 'restore-connection' && s.setsPassword ? [s.usernameBefore.toLowerCase()] : [])))];
  if (previous.length > 1) {
    throw new QrsfixError('refused', `the connections go back to ${previous.length} different identities (${previous.join(', ')}), and one run takes one password`, 'repoint them by identity with qrsfix repoint-connections --user … --match …');
  }
  const passwordOf = plan.steps.find((s): s is Extract<Step, { kind: 'restore-connection' }> => s.kind === 'restore-connection' && s.setsPassword)?.usernameBefore;
  if (passwordOf) plan.notes.push(`the connections get the password of ${passwordOf} back: qrsfix asks for it (or give it with --password-stdin or QRSFIX_PASSWORD)`);
  return { plan, passwordOf };
}
