/**
 * What a proxy login does to licences, as the reloads of the monitoring apps experience it: the account
 * must authenticate against the directory, is given an allocation by the first rule that grants one when
 * it holds none (a quarantined one of its own is reinstated), spends a login pass when only a login access
 * rule covers it, and a holder of an allocation gets at most 5 parallel sessions (QLIK-88038).
 */
import { conditionMatches } from './rule-condition.js';
import { licenseRules } from './license-entities.js';
import { ALLOCATION_KINDS, NO_DATE, type AllocationEntity, type AllocationKind, type SimState, type UserEntity } from './state.js';

export const SESSIONS_PER_PASS = 5;

export interface LoginOutcome {
  /** Why every session of the account was refused. */
  refused?: { status: 401 | 403; text: string };
  /** The allocation the sessions ran on (5-session cap). */
  holds?: AllocationKind;
  /** The login turned a granting rule into this allocation. */
  allocated?: AllocationKind;
  /** A login access type it spent passes of. */
  loginType?: string;
  user?: UserEntity;
}

function activeAllocation(state: SimState, user: UserEntity): AllocationEntity | undefined {
  for (const kind of ALLOCATION_KINDS) {
    const a = state.allocationOf(kind, user.id);
    if (a && !a.quarantined) return a;
  }
  return undefined;
}

function kindOf(a: AllocationEntity): AllocationKind {
  return a.schemaPath === 'License.ProfessionalAccessType' ? 'professional' : a.schemaPath === 'License.AnalyzerAccessType' ? 'analyzer' : 'user';
}

function grant(state: SimState, user: UserEntity): AllocationKind | undefined {
  for (const kind of ALLOCATION_KINDS) {
    if (!licenseRules(state, kind).some(({ rule }) => conditionMatches(rule.rule, user))) continue;
    const own = state.allocationOf(kind, user.id);
    if (own) {
      own.quarantined = false;
      own.quarantineEnd = NO_DATE;
      own.modifiedDate = state.stamp();
      own.modifiedByUserName = 'INTERNAL\\sa_repository';
    } else {
      state.addAllocation(kind, user).modifiedByUserName = 'INTERNAL\\sa_repository';
    }
    return kind;
  }
  return undefined;
}

/** One login of `DIR\id` with this password through the proxy, with its side effects on the state. */
export function loginAs(state: SimState, account: string, password: string): LoginOutcome {
  const known = state.directory.get(account.toLowerCase());
  if (known === undefined || known !== password) {
    return { refused: { status: 401, text: 'The remote server returned an error: (401) Unauthorized.' } };
  }
  const at = account.indexOf('\\');
  const directory = account.slice(0, at);
  const userId = account.slice(at + 1);
  // The proxy creates the QRS user of a directory account at its first login.
  const user = state.findUser(directory, userId) ?? state.addUser({ userDirectory: directory.toUpperCase(), userId, roles: [] });
  if (user.inactive || user.blacklisted || user.removedExternally) {
    return { user, refused: { status: 403, text: 'Access denied: the user is inactive or blocked.' } };
  }
  let held = activeAllocation(state, user);
  let allocated: AllocationKind | undefined;
  if (!held) {
    allocated = grant(state, user);
    held = activeAllocation(state, user);
  }
  const outcome: LoginOutcome = { user, ...(allocated ? { allocated } : {}) };
  if (held) {
    held.lastUsed = state.now().toISOString();
    outcome.holds = kindOf(held);
  } else {
    const login = licenseRules(state, 'login').find(({ rule }) => conditionMatches(rule.rule, user));
    const type = login && state.license.loginTypes.get(login.resourceId);
    if (type) {
      type.usedAccessTypes++;
      type.remainingAccessTypes = Math.max(0, type.remainingAccessTypes - 1);
      outcome.loginType = type.name;
    }
  }
  if (!user.roles.some((r) => r.toLowerCase() === 'rootadmin')) {
    outcome.refused = { status: 403, text: 'Forbidden: the user may not read this resource (RootAdmin needed).' };
  }
  return outcome;
}
