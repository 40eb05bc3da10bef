/**
 * License rules and what they hand out (qrs-api.md §13): access groups of the three allocation kinds,
 * login access types, and the SystemRules (category 'License') whose `resourceFilter` names one of them.
 * A user a rule matches who logs in without an allocation is given one (license-grant.ts).
 */
import type { AllocationKind, BaseEntity } from './state.js';

export interface AccessGroupEntity extends BaseEntity {
  name: string;
}

export interface LoginAccessTypeEntity extends BaseEntity {
  name: string;
  assignedTokens: number;
  usedAccessTypes: number;
  remainingAccessTypes: number;
  assignedAccessTypes: number;
}

export interface SystemRuleEntity extends BaseEntity {
  category: string;
  subcategory: string;
  type: string;
  name: string;
  rule: string;
  resourceFilter: string;
  actions: number;
  comment: string;
  disabled: boolean;
  ruleContext: number;
  seedId: string;
  version: number;
  tags: unknown[];
}

export type LicenseResourceKind = AllocationKind | 'login';

/** The `resourceType` of AuditParameters and the prefix of a rule's `resourceFilter`, per kind. */
export const LICENSE_RESOURCE_TYPES: Record<LicenseResourceKind, string> = {
  user: 'License.UserAccessGroup',
  professional: 'License.ProfessionalAccessGroup',
  analyzer: 'License.AnalyzerAccessGroup',
  login: 'License.LoginAccessType',
};

export class LicenseStore {
  readonly groups: Record<AllocationKind, Map<string, AccessGroupEntity>> = { user: new Map(), professional: new Map(), analyzer: new Map() };
  readonly loginTypes = new Map<string, LoginAccessTypeEntity>();
  readonly rules = new Map<string, SystemRuleEntity>();
}

/** Which group or login type a rule's resourceFilter names, if it is a license rule's filter. */
export function ruleTarget(resourceFilter: string): { kind: LicenseResourceKind; id: string } | undefined {
  const f = resourceFilter.trim().toLowerCase();
  for (const [kind, prefix] of Object.entries(LICENSE_RESOURCE_TYPES) as Array<[LicenseResourceKind, string]>) {
    const p = `${prefix.toLowerCase()}_`;
    if (f.startsWith(p)) return { kind, id: f.slice(p.length) };
  }
  return undefined;
}
