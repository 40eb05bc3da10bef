/** Excluding one account from a license rule: the condition text, one step per rule, --keep-rules. */
import { describe, expect, it } from 'vitest';
import { excludeFromCondition, exclusionClause, keptRuleWarnings, planRuleExclusions } from '../src/remedy/rule-exclusion.js';
import type { LicenseSurvey } from '../src/remedy/license-survey.js';
import type { IdentityState } from '../src/remedy/survey.js';
import type { User } from '../src/qrs/schemas.js';

const RULE = { id: '11111111-1111-4111-8111-111111111111', name: 'RootAdmins', rule: '((user.roles="RootAdmin"))', resourceFilter: 'License.UserAccessGroup_x', modifiedDate: '2026-01-01T00:00:00.000Z' };
const user = (userId: string): IdentityState => ({
  account: { directory: 'DOMAIN', userId },
  user: { id: `u-${userId}`, userDirectory: 'DOMAIN', userId, roles: ['RootAdmin'], modifiedDate: '2026-01-01T00:00:00.000Z' } as unknown as User,
  allocations: [],
});
const grant = { kind: 'user' as const, ruleId: RULE.id, ruleName: RULE.name, condition: RULE.rule, resourceId: 'g', resourceName: 'Admins' };

function license(users: string[]): LicenseSurvey {
  return { rules: new Map([[RULE.id, RULE]]), grants: new Map(users.map((u) => [`u-${u}`, [grant]])), notes: [] };
}

describe('rule exclusion', () => {
  it('adds exactly the documented clause, once, and handles an empty condition', () => {
    const clause = exclusionClause('DOMAIN', 'qvservice');
    expect(clause).toBe('(user.userDirectory!="DOMAIN" or user.userId!="qvservice")');
    const after = excludeFromCondition(RULE.rule, [clause]);
    expect(after).toBe('(((user.roles="RootAdmin"))) and (user.userDirectory!="DOMAIN" or user.userId!="qvservice")');
    expect(excludeFromCondition(after, [clause])).toBe(after);
    expect(excludeFromCondition('  ', [clause])).toBe(clause);
    expect(() => exclusionClause('DOMAIN', 'we"ird')).toThrow(/cannot quote/);
  });

  it('one step per rule, excluding every identity it grants, with the condition before and after', () => {
    const plan = planRuleExclusions(license(['qvservice', 'qlikmonitor']), [user('qvservice'), user('qlikmonitor')]);
    expect(plan.steps).toEqual([
      {
        kind: 'exclude-from-license-rule',
        ruleId: RULE.id,
        ruleName: 'RootAdmins',
        licenseKind: 'user',
        accounts: ['DOMAIN\\qvservice', 'DOMAIN\\qlikmonitor'],
        clauses: [exclusionClause('DOMAIN', 'qvservice'), exclusionClause('DOMAIN', 'qlikmonitor')],
        conditionBefore: RULE.rule,
        conditionAfter: `(${RULE.rule}) and ${exclusionClause('DOMAIN', 'qvservice')} and ${exclusionClause('DOMAIN', 'qlikmonitor')}`,
      },
    ]);
    expect(planRuleExclusions(license([]), [user('qvservice')]).steps).toEqual([]);
  });

  it('--keep-rules: a warning per grant that says the pass comes back', () => {
    expect(keptRuleWarnings(license(['qvservice']), [user('qvservice')])).toEqual([
      '--keep-rules: license rule "RootAdmins" still grants DOMAIN\\qvservice user access: the pass comes back at its next login (the next monitor reload)',
    ]);
  });
});
