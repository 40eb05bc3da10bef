/**
 * Excluding exactly one account from a license rule, in plain documented rule syntax (qrs-api.md §13):
 * condition C becomes `(C) and (user.userDirectory!="DOMAIN" or user.userId!="qvservice")`. Every other
 * user the rule matched keeps its grant. The planner makes one step per rule, for every identity the
 * rule grants, from what the license audit said.
 */
import { QrsfixError } from '../errors.js';
import { LICENSE_RULE_KINDS, type LicenseRuleKind } from '../qrs/license-schemas.js';
import type { LicenseGrant, LicenseSurvey } from './license-survey.js';
import { displayAccount, emptyPlan } from './plan.js';
import type { Plan } from './steps.js';
import type { IdentityState } from './survey.js';

/** `(user.userDirectory!="D" or user.userId!="u")`; values that rule syntax cannot quote are refused. */
export function exclusionClause(directory: string, userId: string): string {
  for (const v of [directory, userId]) {
    if (/["\\\u0000-\u001f]/.test(v)) {
      throw new QrsfixError('refused', `the account ${directory}\\${userId} holds a character a rule condition cannot quote`, 'exclude it from the license rule in the QMC (License management) by hand');
    }
  }
  return `(user.userDirectory!="${directory}" or user.userId!="${userId}")`;
}

/** The condition with these clauses added; clauses already in it are not added twice. */
export function excludeFromCondition(condition: string, clauses: string[]): string {
  const missing = clauses.filter((c) => !condition.includes(c));
  if (!missing.length) return condition;
  const base = condition.trim();
  return [...(base ? [`(${base})`] : []), ...missing].join(' and ');
}

interface RuleTarget {
  grant: LicenseGrant;
  accounts: string[];
  clauses: string[];
}

/** One exclude-from-license-rule step per rule that grants any of these identities. */
export function planRuleExclusions(license: LicenseSurvey, states: IdentityState[]): Plan {
  const plan = emptyPlan();
  const byRule = new Map<string, RuleTarget>();
  for (const state of states) {
    if (!state.user) continue;
    const account = displayAccount(state);
    for (const grant of license.grants.get(state.user.id.toLowerCase()) ?? []) {
      const key = `${grant.ruleId.toLowerCase()}`;
      const target = byRule.get(key) ?? { grant, accounts: [], clauses: [] };
      if (!target.accounts.includes(account)) {
        target.accounts.push(account);
        target.clauses.push(exclusionClause(state.user.userDirectory, state.user.userId));
      }
      byRule.set(key, target);
    }
  }
  for (const { grant, accounts, clauses } of byRule.values()) {
    const rule = license.rules.get(grant.ruleId.toLowerCase());
    if (!rule) {
      plan.notes.push(`license rule "${grant.ruleName}" grants ${accounts.join(', ')} ${LICENSE_RULE_KINDS[grant.kind].label} but could not be read by category; exclude the account in the QMC by hand`);
      continue;
    }
    plan.steps.push({
      kind: 'exclude-from-license-rule',
      ruleId: rule.id,
      ruleName: rule.name,
      licenseKind: grant.kind,
      accounts,
      clauses,
      conditionBefore: rule.rule,
      conditionAfter: excludeFromCondition(rule.rule, clauses),
    });
  }
  return plan;
}

/** What --keep-rules leaves in place, as warnings. */
export function keptRuleWarnings(license: LicenseSurvey, states: IdentityState[]): string[] {
  return states.flatMap((state) =>
    state.user
      ? (license.grants.get(state.user.id.toLowerCase()) ?? []).map(
          (g) =>
            `--keep-rules: license rule "${g.ruleName}" still grants ${displayAccount(state)} ${LICENSE_RULE_KINDS[g.kind as LicenseRuleKind].label}: ${g.kind === 'login' ? 'every monitor reload spends login passes' : 'the pass comes back at its next login (the next monitor reload)'}`,
        )
      : [],
  );
}
