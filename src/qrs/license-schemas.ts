/**
 * zod schemas of license rules and the license audit (qrs-api.md §13; OpenAPI: SystemRule, Audit,
 * SystemRuleApplicationItemCondensed): the SystemRules of category 'License' whose resourceFilter names
 * an access group or login access type, and the audit's answer of which rule grants which user what.
 */
import { z } from 'zod';
import { guid as guidSchema } from './schemas.js';

const guid = guidSchema();

/** The kinds of licence a rule can hand out, with the audit's resourceType for each. */
export const LICENSE_RULE_KINDS = {
  user: { resourceType: 'License.UserAccessGroup', label: 'user access' },
  professional: { resourceType: 'License.ProfessionalAccessGroup', label: 'professional access' },
  analyzer: { resourceType: 'License.AnalyzerAccessGroup', label: 'analyzer access' },
  login: { resourceType: 'License.LoginAccessType', label: 'login access' },
} as const;
export type LicenseRuleKind = keyof typeof LICENSE_RULE_KINDS;
export const licenseRuleKinds = Object.keys(LICENSE_RULE_KINDS) as LicenseRuleKind[];

export const systemRuleSchema = z.looseObject({
  id: guid,
  name: z.string().max(4096),
  rule: z
    .string()
    .max(64 * 1024)
    .nullish()
    .transform((r) => r ?? ''),
  resourceFilter: z.string().max(4096),
  category: z.string().nullish(),
  disabled: z.boolean().nullish(),
  modifiedDate: z.string(),
});
export type SystemRule = z.infer<typeof systemRuleSchema>;

const named = z.looseObject({ id: guid, name: z.string().max(4096).nullish() });

export const licenseAuditSchema = z.looseObject({
  rules: z.record(z.string(), named).nullish(),
  resources: z.record(z.string(), named).nullish(),
  ruleApplication: z
    .array(z.looseObject({ userID: guid, resourceID: guid, ruleID: guid, allowed: z.boolean().nullish() }))
    .max(100_000)
    .nullish()
    .transform((a) => a ?? []),
});
export type LicenseAudit = z.infer<typeof licenseAuditSchema>;
