/**
 * A change is a list of steps: plain data, planned from what QRS says, shown to the admin, written to
 * the journal, then applied. Each step names its entity and the fields it changes; none holds a secret
 * (a password is only ever "(set)" here and is supplied at apply time).
 */
import { ALLOCATION_KINDS, type AllocationKind } from '../qrs/schemas.js';
import { LICENSE_RULE_KINDS, type LicenseRuleKind } from '../qrs/license-schemas.js';

export type Step =
  | { kind: 'create-user'; account: string; name: string }
  | { kind: 'add-root-admin'; account: string; userGuid: string; rolesBefore: string[] }
  | { kind: 'remove-root-admin'; account: string; userGuid: string }
  | { kind: 'delete-user'; account: string; userGuid: string }
  | {
      kind: 'repoint-connection';
      connectionId: string;
      connectionName: string;
      usernameBefore: string;
      usernameAfter: string;
      /** Sets the password supplied for usernameAfter (always, for a repoint; for a rotation, that is the point). */
      setsPassword: true;
      /** The connection held a password before: a rollback sets one back only then (absent in older journals). */
      hadPassword?: boolean;
      /** connectionGuard() of the connection as judged; the write is skipped if it differs then (absent in older journals). */
      guard?: string;
    }
  | {
      kind: 'restore-connection';
      connectionId: string;
      connectionName: string;
      /** The identity the journal says we moved it to; the restore is skipped if it changed since. */
      usernameNow: string;
      usernameBefore: string;
      setsPassword: boolean;
      /** As for repoint-connection: the connection as read for this rollback. */
      guard?: string;
    }
  | { kind: 'remove-allocation'; allocationKind: AllocationKind; allocationId: string; account: string; userGuid: string; lastUsed: string | null }
  | { kind: 'reinstate-allocation'; allocationKind: AllocationKind; allocationId: string; account: string; userGuid: string }
  | { kind: 'allocate'; allocationKind: AllocationKind; account: string; userGuid: string }
  | {
      kind: 'exclude-from-license-rule';
      ruleId: string;
      ruleName: string;
      licenseKind: LicenseRuleKind;
      /** The identities excluded, and the clause that excludes each (same order). */
      accounts: string[];
      clauses: string[];
      /** The condition as planned from; the one written is in the journal's result (a 409 re-plans it). */
      conditionBefore: string;
      conditionAfter: string;
    }
  | {
      kind: 'restore-license-rule';
      ruleId: string;
      ruleName: string;
      licenseKind: LicenseRuleKind;
      /** What the fix wrote; the restore is skipped if the condition is no longer this. */
      conditionNow: string;
      conditionBefore: string;
    };

export interface Plan {
  steps: Step[];
  /** What is already as wanted and will be left alone, one line each. */
  unchanged: string[];
  /** Things the admin should know before confirming. */
  notes: string[];
  /** Objects changed by someone since: not changed by this plan, which then ends with exit 2. */
  held?: string[];
}

export function stepNeedsPassword(step: Step): boolean {
  return (step.kind === 'repoint-connection' || step.kind === 'restore-connection') && step.setsPassword;
}

/** One line in the form `entity name/id: field old → new`. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'create-user':
      return `user ${step.account} (new): created with roles RootAdmin, no access allocation`;
    case 'add-root-admin':
      return `user ${step.account}/${step.userGuid}: roles ${step.rolesBefore.length ? step.rolesBefore.join(', ') : '(none)'} → ${[...step.rolesBefore, 'RootAdmin'].join(', ')}`;
    case 'remove-root-admin':
      return `user ${step.account}/${step.userGuid}: roles RootAdmin removed`;
    case 'delete-user':
      return `user ${step.account}/${step.userGuid}: deleted`;
    case 'repoint-connection': {
      // The password always changes here: say so, and whose it becomes (it is never shown).
      const before = step.hadPassword === false ? '(none)' : '(set)';
      return step.usernameBefore.toLowerCase() === step.usernameAfter.toLowerCase()
        ? `data connection ${step.connectionName}/${step.connectionId}: password ${before} → changed to the new one you give`
        : `data connection ${step.connectionName}/${step.connectionId}: username ${step.usernameBefore || '(none)'} → ${step.usernameAfter}; password ${before} → changed to the one of ${step.usernameAfter} you give`;
    }
    case 'restore-connection':
      if (step.setsPassword && step.usernameNow.toLowerCase() === step.usernameBefore.toLowerCase()) {
        return `data connection ${step.connectionName}/${step.connectionId}: password (set) → changed back to the previous one you give`;
      }
      return `data connection ${step.connectionName}/${step.connectionId}: username ${step.usernameNow} → ${step.usernameBefore || '(none)'}${step.setsPassword ? `; password (set) → changed back to the one of ${step.usernameBefore} you give` : ''}`;
    case 'remove-allocation':
      return `${ALLOCATION_KINDS[step.allocationKind].label} ${step.allocationId} of ${step.account}: allocated → removed`;
    case 'reinstate-allocation':
      return `${ALLOCATION_KINDS[step.allocationKind].label} ${step.allocationId} of ${step.account}: quarantined → reinstated`;
    case 'allocate':
      return `${ALLOCATION_KINDS[step.allocationKind].label} of ${step.account}: none → allocated`;
    case 'exclude-from-license-rule':
      return `license rule "${step.ruleName}"/${step.ruleId} (${LICENSE_RULE_KINDS[step.licenseKind].label}): condition ${step.conditionBefore || '(empty)'} → ${step.conditionAfter} (excludes ${step.accounts.join(', ')})`;
    case 'restore-license-rule':
      return `license rule "${step.ruleName}"/${step.ruleId} (${LICENSE_RULE_KINDS[step.licenseKind].label}): condition ${step.conditionNow} → ${step.conditionBefore || '(empty)'}`;
  }
}

/** Phases run in order; steps within a phase are independent and may run concurrently. */
export function stepPhase(step: Step): number {
  switch (step.kind) {
    case 'create-user':
    case 'add-root-admin':
    case 'reinstate-allocation':
    case 'allocate':
    case 'exclude-from-license-rule':
      return 0;
    case 'repoint-connection':
    case 'restore-connection':
      return 1;
    case 'remove-allocation':
    case 'remove-root-admin':
    case 'restore-license-rule':
      return 2;
    case 'delete-user':
      return 3;
  }
}
