/**
 * `fix` as one plan from one survey: KB option 1 (take the service account's allocations away) or
 * option 2 (a RootAdmin monitor user without allocations, and the monitor connections repointed to it),
 * or both. Which account is "the service account" is inferred from the connections when not given,
 * and an ambiguous site is refused rather than guessed.
 */
import { shellQuote } from '../util/shell.js';
import { accountKey, formatAccount, sameAccount, type Account } from '../account.js';
import { QrsfixError, usageError } from '../errors.js';
import { displayAccount, mergePlans, planEnsureRootAdmin, planLookAlikes, planRemoveAllocations, planRepoint, connectionIdentities } from './plan.js';
import { isRootAdmin, type IdentityState, type Survey } from './survey.js';
import type { Plan } from './steps.js';
import { keptRuleWarnings, planRuleExclusions } from './rule-exclusion.js';

export interface FixChoice {
  serviceAccount?: Account;
  monitorUser?: Account;
  monitorName?: string;
  removePass: boolean;
  updatePassword: boolean;
  /** Leave license rules that grant the identities alone (the fix then warns). */
  keepRules?: boolean;
}

export interface FixPlan {
  plan: Plan;
  serviceAccount?: Account;
  serviceAccountName?: string;
  /** What --keep-rules leaves in place. */
  warnings: string[];
  /** A monitor user the plan creates: its license rules can only be audited once it exists. */
  checkRulesAfterCreate?: Account;
}

/** The service account: given, or the one identity the monitor connections run as (other than the monitor user). */
export function resolveServiceAccount(survey: Survey, choice: FixChoice): Account | undefined {
  if (choice.serviceAccount) return choice.serviceAccount;
  const runners = connectionIdentities(survey.connections).filter((a) => !choice.monitorUser || !sameAccount(a, choice.monitorUser));
  if (runners.length > 1) {
    throw new QrsfixError(
      'refused',
      `the monitor connections run as ${runners.length} identities: ${runners.map(formatAccount).join(', ')}; not guessing which is the service account`,
      `name the one to fix: ${runners.map((a) => `--service-account ${shellQuote(formatAccount(a))}`).join(' or ')}`,
    );
  }
  if (runners.length === 0 && !choice.monitorUser) {
    throw new QrsfixError(
      'refused',
      survey.connections.length
        ? 'the monitor connections run as no identity: there is no service account to fix'
        : 'no monitor_apps_REST_* data connection was found, so the service account cannot be inferred',
      'name it with --service-account DIRECTORY\\userid (is this the central node?)',
    );
  }
  return runners[0];
}

function stateOf(survey: Survey, account: Account): IdentityState {
  return survey.identities.get(accountKey(account)) ?? { account, user: undefined, allocations: [] };
}

/** The rule exclusions for these identities, or with --keep-rules the warnings of what stays. */
function rulesPart(survey: Survey, states: IdentityState[], keep: boolean | undefined): { plan: Plan; warnings: string[] } {
  if (keep) {
    const warnings = keptRuleWarnings(survey.license, states);
    return { plan: { steps: [], unchanged: warnings.length ? ['license rules: left alone (--keep-rules)'] : [], notes: [] }, warnings };
  }
  return { plan: planRuleExclusions(survey.license, states), warnings: [] };
}

/** The flags that only mean something with --monitor-user: a usage error without it, before any request. */
export function checkFixChoice(choice: FixChoice): void {
  if (choice.monitorUser) return;
  if (choice.removePass) throw usageError('--remove-pass goes with --monitor-user', 'without --monitor-user, fix removes the pass anyway: leave --remove-pass out');
  if (choice.monitorName !== undefined) throw usageError('--name goes with --monitor-user', 'it names the monitor user fix creates; without --monitor-user there is none: leave --name out');
  if (choice.updatePassword) throw usageError('--update-password goes with --monitor-user', 'it sets the monitor user\'s password on the connections; for the connections alone: qrsfix repoint-connections --user <DIR\\id> --update-password');
}

export function planFix(survey: Survey, choice: FixChoice, now = new Date()): FixPlan {
  checkFixChoice(choice);
  const serviceAccount = resolveServiceAccount(survey, choice);
  if (choice.monitorUser && serviceAccount && sameAccount(choice.monitorUser, serviceAccount)) {
    throw usageError(`--monitor-user is the service account ${formatAccount(serviceAccount)}`, 'the monitor user is a dedicated account of its own; for option 1 leave --monitor-user out');
  }
  if (!choice.monitorUser) {
    const state = stateOf(survey, serviceAccount!);
    const rules = rulesPart(survey, [state], choice.keepRules);
    const plan = mergePlans(rules.plan, planRemoveAllocations(state, now), planLookAlikes(survey.lookAlikes));
    if (state.user && !isRootAdmin(state.user.roles)) {
      plan.notes.push(`${displayAccount(state)} is not RootAdmin, which the monitor reloads need; add the role in the QMC, or use --monitor-user for a dedicated RootAdmin user`);
    }
    return { plan, serviceAccount, serviceAccountName: displayAccount(state), warnings: rules.warnings };
  }
  const monitor = stateOf(survey, choice.monitorUser);
  const flagged = [monitor.user?.inactive && 'inactive', monitor.user?.blacklisted && 'blocked'].filter(Boolean);
  const parts: Plan[] = [planEnsureRootAdmin(monitor, choice.monitorName)];
  // The monitor user's own allocations are the same problem again; inside fix they go.
  if (monitor.user) parts.push(planRemoveAllocations(monitor, now));
  parts.push(planRepoint(survey.connections, choice.monitorUser, choice.updatePassword), planLookAlikes(survey.lookAlikes));
  if (choice.removePass && serviceAccount) parts.push(planRemoveAllocations(stateOf(survey, serviceAccount), now));
  const excluded = [monitor, ...(choice.removePass && serviceAccount ? [stateOf(survey, serviceAccount)] : [])];
  const rules = rulesPart(survey, excluded, choice.keepRules);
  parts.unshift(rules.plan);
  const checkLater = !monitor.user && !choice.keepRules;
  if (!monitor.user && choice.keepRules) {
    rules.warnings.push(`--keep-rules: the license rules are not checked for ${formatAccount(choice.monitorUser)}; a rule that grants it access (one for every RootAdmin, say) gives it a pass at its first login, the next monitor reload`);
  }
  if (checkLater) {
    parts.push({
      steps: [],
      unchanged: [],
      notes: [`the license rules are audited for ${formatAccount(choice.monitorUser)} right after it is created; a rule that grants it access (e.g. one for every RootAdmin) is then changed to exclude it, each as a step of this journal`],
    });
  }
  const plan = mergePlans(...parts);
  // planEnsureRootAdmin's note about allocations is answered by the steps above.
  plan.notes = plan.notes.filter((n) => !n.includes('the monitor user should hold none'));
  if (flagged.length) plan.notes.push(`${formatAccount(choice.monitorUser)} is marked ${flagged.join(' and ')} in QRS: the reloads fail as such a user; fix that in the QMC (Users) first`);
  if (!choice.removePass && serviceAccount) {
    const service = stateOf(survey, serviceAccount);
    if (service.allocations.some((a) => !a.entity.quarantined)) {
      plan.notes.push(`${displayAccount(service)} keeps its access allocation (add --remove-pass to free it too)`);
    }
  }
  return {
    plan,
    serviceAccount,
    ...(serviceAccount ? { serviceAccountName: displayAccount(stateOf(survey, serviceAccount)) } : {}),
    warnings: rules.warnings,
    ...(checkLater ? { checkRulesAfterCreate: choice.monitorUser } : {}),
  };
}

