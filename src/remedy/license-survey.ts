/**
 * Which license rules would hand each identity an allocation (or spend login passes on it) at its next
 * login: the license audit per identity and kind, joined with the rules read by category, so a finding
 * can name the rule, the kind of access and its condition. Only reads, though the audit is a POST.
 */
import type { QrsClient } from '../qrs/client.js';
import { QrsError } from '../qrs/errors.js';
import { auditLicenseGrants, readLicenseRules } from '../qrs/endpoints.js';
import { licenseRuleKinds, type LicenseRuleKind, type SystemRule } from '../qrs/license-schemas.js';
import { mapLimit } from '../util/concurrency.js';

export interface LicenseGrant {
  kind: LicenseRuleKind;
  ruleId: string;
  ruleName: string;
  /** The rule's condition as QRS holds it; null if the rule was not among those read by category. */
  condition: string | null;
  resourceId: string;
  resourceName: string;
}

export interface LicenseSurvey {
  /** The license rules by id (lower case). */
  rules: Map<string, SystemRule>;
  /** Grants per QRS user id (lower case). */
  grants: Map<string, LicenseGrant[]>;
  notes: string[];
}

export async function readLicenseGrants(client: QrsClient, userGuids: string[], rulesRead?: Promise<SystemRule[]>): Promise<LicenseSurvey> {
  const rules = new Map((await (rulesRead ?? readLicenseRules(client))).map((r) => [r.id.toLowerCase(), r]));
  const grants = new Map<string, LicenseGrant[]>();
  const notes: string[] = [];
  const jobs = [...new Set(userGuids.map((g) => g.toLowerCase()))].flatMap((user) => licenseRuleKinds.map((kind) => ({ user, kind })));
  await mapLimit(jobs, 8, async ({ user, kind }) => {
    let audit;
    try {
      audit = await auditLicenseGrants(client, kind, user);
    } catch (err) {
      // Sites that do not audit login access types answer 400: say so rather than fail the whole audit.
      if (kind === 'login' && err instanceof QrsError && err.status === 400) {
        if (!notes.length) notes.push('QRS did not audit login access rules (License.LoginAccessType); check them in the QMC (License management → Login access rules)');
        return;
      }
      throw err;
    }
    for (const app of audit.ruleApplication) {
      if (app.allowed === false || app.userID.toLowerCase() !== user) continue;
      const rule = rules.get(app.ruleID.toLowerCase());
      const list = grants.get(user) ?? [];
      if (list.some((g) => g.ruleId.toLowerCase() === app.ruleID.toLowerCase() && g.kind === kind)) continue;
      list.push({
        kind,
        ruleId: app.ruleID,
        ruleName: rule?.name ?? audit.rules?.[app.ruleID]?.name ?? app.ruleID,
        condition: rule ? rule.rule : null,
        resourceId: app.resourceID,
        resourceName: audit.resources?.[app.resourceID]?.name ?? app.resourceID,
      });
      grants.set(user, list);
    }
  });
  for (const list of grants.values()) list.sort((a, b) => licenseRuleKinds.indexOf(a.kind) - licenseRuleKinds.indexOf(b.kind) || a.ruleName.localeCompare(b.ruleName));
  return { rules, grants, notes };
}
