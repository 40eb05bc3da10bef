/**
 * Planners: from a survey to a Plan, without I/O. Each states what it will change and what is already
 * as wanted, so a re-run on a fixed site plans nothing.
 */
import { accountKey, formatAccount, sameAccount, accountFromUsername, type Account } from '../account.js';
import { ALLOCATION_KINDS, isRealDate } from '../qrs/schemas.js';
import type { DataConnection } from '../qrs/schemas.js';
import { commandLine, shellQuote } from '../util/shell.js';
import { utcText } from '../util/time-text.js';
import { isRootAdmin, type IdentityState, type LookAlike } from './survey.js';
import type { Plan } from './steps.js';
import { connectionGuard } from './genuine.js';

const DAY = 24 * 60 * 60 * 1000;

export function emptyPlan(): Plan {
  return { steps: [], unchanged: [], notes: [] };
}

export function mergePlans(...plans: Plan[]): Plan {
  return {
    steps: plans.flatMap((p) => p.steps),
    unchanged: plans.flatMap((p) => p.unchanged),
    notes: plans.flatMap((p) => p.notes),
  };
}

/** The account as its QRS user spells it (connections may spell it in another case). */
export function displayAccount(state: IdentityState): string {
  return formatAccount(state.user ? { directory: state.user.userDirectory, userId: state.user.userId } : state.account);
}

/** KB option 1: take every active allocation away from the account. */
export function planRemoveAllocations(state: IdentityState, now = new Date()): Plan {
  const plan = emptyPlan();
  const account = displayAccount(state);
  if (!state.user) {
    plan.unchanged.push(`user ${account}: no QRS user, so no access allocation to remove`);
    return plan;
  }
  for (const { kind, entity } of state.allocations) {
    const label = ALLOCATION_KINDS[kind].label;
    if (entity.quarantined) {
      plan.unchanged.push(`${label} ${entity.id} of ${account}: already removed (quarantined until ${utcText(entity.quarantineEnd) || '?'})`);
      continue;
    }
    const lastUsed = isRealDate(entity.lastUsed) ? entity.lastUsed : null;
    plan.steps.push({ kind: 'remove-allocation', allocationKind: kind, allocationId: entity.id, account, userGuid: state.user.id, lastUsed });
    if (lastUsed && now.getTime() - Date.parse(lastUsed) < 7 * DAY) {
      const back = new Date(Date.parse(lastUsed) + 7 * DAY).toISOString();
      plan.notes.push(
        `the ${label} of ${account} was used ${utcText(lastUsed)}: it goes into quarantine until about ${utcText(back)}; its tokens return then, and until then it can be reinstated (qrsfix rollback) to the same user`,
      );
    }
  }
  if (!plan.steps.length && !plan.unchanged.length) plan.unchanged.push(`user ${account}: holds no access allocation`);
  return plan;
}

/** Makes sure the account exists as a QRS user with RootAdmin; its allocations are only reported. */
export function planEnsureRootAdmin(state: IdentityState, name: string | undefined): Plan {
  const plan = emptyPlan();
  const account = displayAccount(state);
  if (!state.user) {
    plan.steps.push({ kind: 'create-user', account, name: name ?? state.account.userId });
    plan.notes.push(
      `${account} must exist in the Windows domain and its user directory connector must be named "${state.account.directory}", or its first login creates a second, different QRS user`,
    );
  } else if (!isRootAdmin(state.user.roles)) {
    plan.steps.push({ kind: 'add-root-admin', account, userGuid: state.user.id, rolesBefore: state.user.roles });
  } else {
    plan.unchanged.push(`user ${account}: exists and is RootAdmin`);
  }
  for (const { kind, entity } of state.allocations) {
    if (!entity.quarantined) {
      plan.notes.push(`${account} holds a ${ALLOCATION_KINDS[kind].label} (${entity.id}); the monitor user should hold none: ${commandLine(['remove-pass', '--user', account])} (or fix --monitor-user) removes it`);
    }
  }
  return plan;
}

/** Every matching connection runs as `target`; already-repointed ones only with updatePassword. */
export function planRepoint(connections: DataConnection[], target: Account, updatePassword: boolean): Plan {
  const plan = emptyPlan();
  const after = formatAccount(target);
  for (const c of connections) {
    const current = accountFromUsername(c.username);
    if (current && sameAccount(current, target)) {
      if (updatePassword) {
        plan.steps.push({ kind: 'repoint-connection', connectionId: c.id, connectionName: c.name, usernameBefore: c.username ?? '', usernameAfter: after, setsPassword: true, hadPassword: !!c.password, guard: connectionGuard(c) });
      } else {
        plan.unchanged.push(`data connection ${c.name}: runs as ${c.username} (use --update-password after a password change)`);
      }
      continue;
    }
    plan.steps.push({ kind: 'repoint-connection', connectionId: c.id, connectionName: c.name, usernameBefore: c.username ?? '', usernameAfter: after, setsPassword: true, hadPassword: !!c.password, guard: connectionGuard(c) });
  }
  return plan;
}

/** The distinct identities the connections run as (for `fix` to pick the service account). */
export function connectionIdentities(connections: DataConnection[]): Account[] {
  const seen = new Map<string, Account>();
  for (const c of connections) {
    const a = accountFromUsername(c.username);
    if (a && !seen.has(accountKey(a))) seen.set(accountKey(a), a);
  }
  return [...seen.values()];
}

/** The look-alikes as warnings: left alone, or included on request, with owner and address either way. */
export function planLookAlikes(lookAlikes: LookAlike[]): Plan {
  const plan = emptyPlan();
  for (const l of lookAlikes) {
    const what = `data connection ${l.name} is named like a monitor connection but is not one (owner ${l.owner}, calls ${l.address}: ${l.reasons.join('; ')})`;
    if (l.included) {
      plan.notes.push(`${what}; it is changed all the same because --include-connection names it`);
    } else {
      plan.unchanged.push(`data connection ${l.name}: not a genuine monitor connection, left alone`);
      plan.notes.push(`${what}: left alone; if you know it is yours, name it: --include-connection ${shellQuote(l.name)}`);
    }
  }
  return plan;
}
