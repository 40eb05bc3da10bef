/**
 * Carrying out the license-rule steps: a full-rule PUT of a fresh GET with only the condition changed
 * and the modifiedDate just read. On 409 the rule is read again and the exclusion re-planned on the
 * condition as it is now, so an edit made meanwhile survives; the journal keeps the text actually
 * replaced, which is what a rollback puts back (and only while the rule still says what we wrote).
 */
import type { QrsClient } from '../qrs/client.js';
import { readSystemRule, writeSystemRule } from '../qrs/endpoints.js';
import type { StepOutcome } from './execute-step.js';
import { updateEntity } from './update-entity.js';
import { excludeFromCondition } from './rule-exclusion.js';
import type { Step } from './steps.js';

type RuleStep = Extract<Step, { kind: 'exclude-from-license-rule' | 'restore-license-rule' }>;

export async function executeRuleStep(client: QrsClient, step: RuleStep, maxConflictRetries: number): Promise<StepOutcome> {
  let replaced = '';
  let written = '';
  let skippedBecause: string | undefined;
  let landed = false;
  const { changed, conflicts, modifiedDate } = await updateEntity(
    () => readSystemRule(client, step.ruleId),
    (rule) => {
      // A PUT whose answer was lost but which landed: the fresh read says what we wrote.
      if (written && rule.rule === written) {
        landed = true;
        return 'unchanged';
      }
      if (step.kind === 'restore-license-rule') {
        if (rule.rule !== step.conditionNow) {
          skippedBecause = `its condition is now ${rule.rule || '(empty)'}, not what the fix wrote: changed since, left alone`;
          return 'unchanged';
        }
        replaced = rule.rule;
        written = step.conditionBefore;
        return { ...rule, rule: step.conditionBefore };
      }
      const next = excludeFromCondition(rule.rule, step.clauses);
      if (next === rule.rule) return 'unchanged';
      replaced = rule.rule;
      written = next;
      return { ...rule, rule: next };
    },
    (rule) => writeSystemRule(client, rule),
    maxConflictRetries,
  );
  if (skippedBecause) return { status: 'skipped', detail: skippedBecause };
  const again = conflicts ? ` (re-planned after ${conflicts} concurrent edit${conflicts === 1 ? '' : 's'}, which were kept)` : '';
  if (!changed && !landed) return { status: 'already', detail: step.kind === 'exclude-from-license-rule' ? `already excludes ${step.accounts.join(', ')}` : 'already as before' };
  const edited = step.kind === 'exclude-from-license-rule' && replaced !== step.conditionBefore ? ' (its condition had changed since the plan; the exclusion was added to the new one)' : '';
  return {
    status: 'done',
    detail: step.kind === 'exclude-from-license-rule' ? `excludes ${step.accounts.join(', ')}${edited}${again}` : `condition restored${again}`,
    // modifiedDate: what the write left, so a rollback can tell an edit made since.
    result: { conditionBefore: replaced, conditionAfter: written, ...(modifiedDate ? { modifiedDate } : {}) },
  };
}
