/**
 * `qrsfix fix [--service-account] [--monitor-user [--name] [--remove-pass]]`: the whole remedy in one
 * plan, ending with the audit's verdict on the site as it is afterwards.
 */
import { accountKey, formatAccount, type Account } from '../account.js';
import type { QrsClient } from '../qrs/client.js';
import { checkFixChoice, planFix, type FixChoice } from '../remedy/fix-plan.js';
import { connectionIdentities } from '../remedy/plan.js';
import { unknownUserError } from './candidates.js';
import { DEFAULT_MONITOR_GLOB, nameMatcher } from '../remedy/match.js';
import { surveySite } from '../remedy/survey.js';
import type { AuditReport } from '../audit/findings.js';
import { runAudit } from './audit.js';
import { runChange, type ChangeFlags } from './change.js';
import { optionalAccount, verifyStep } from './remedy-common.js';
import { info, warn } from '../output/stdio.js';
import { readIdentities } from '../remedy/survey.js';
import { readLicenseGrants } from '../remedy/license-survey.js';
import { planRuleExclusions } from '../remedy/rule-exclusion.js';
import { emptyPlan } from '../remedy/plan.js';
import type { Plan } from '../remedy/steps.js';
import { checkVerifyFlags, runVerify, verifyExit, verifyRenderers } from './verify.js';
import { withClient } from './session.js';
import { suggester } from './suggest.js';
import { reportFormat } from '../output/report.js';

export interface FixFlags extends ChangeFlags {
  serviceAccount?: string;
  monitorUser?: string;
  name?: string;
  removePass?: boolean;
  updatePassword?: boolean;
  includeConnection?: string[];
  keepRules?: boolean;
  /** Run verify after a complete change. */
  verify?: boolean;
  apps?: string;
  wait?: string;
}

export function verdictText(report: AuditReport, changed: boolean): string {
  const lines = [`${changed ? 'Audit after the change' : 'Audit now'}: ${report.summary}`];
  for (const f of report.findings) {
    lines.push(`  ! ${f.message}`);
    f.fixes.forEach((c, i) => lines.push(`    ${i === 0 ? 'fix:' : 'or: '} ${c}`));
  }
  return lines.join('\n');
}

/** The audit after a fix (or at once, when there is nothing to do): its verdict in text and JSON. */
export function closingAudit(client: QrsClient, serviceAccount: string | undefined) {
  return async (changed: boolean) => {
    const report = await runAudit(client, serviceAccount);
    return { text: verdictText(report, changed), json: { verdict: report.verdict, summary: report.summary, findings: report.findings } };
  };
}

function fixChoice(flags: FixFlags, serviceAccount: Account | undefined, monitorUser: Account | undefined): FixChoice {
  return { serviceAccount, monitorUser, monitorName: flags.name, removePass: flags.removePass === true, updatePassword: flags.updatePassword === true, keepRules: flags.keepRules === true };
}

export async function runFix(client: QrsClient, flags: FixFlags): Promise<number> {
  const serviceAccount = optionalAccount(flags.serviceAccount, '--service-account');
  const monitorUser = optionalAccount(flags.monitorUser, '--monitor-user');
  const suggest = suggester(client.config);
  info(`reading ${client.baseUrl} …`);
  const include = flags.includeConnection ?? [];
  const survey = await surveySite(client, nameMatcher(DEFAULT_MONITOR_GLOB), [serviceAccount, monitorUser].filter((a) => a !== undefined), include);
  if (serviceAccount && !survey.identities.get(accountKey(serviceAccount))?.user) {
    throw await unknownUserError(client, serviceAccount, '--service-account', connectionIdentities(survey.connections).map(formatAccount));
  }
  const { plan, serviceAccountName: svc, warnings, checkRulesAfterCreate } = planFix(survey, fixChoice(flags, serviceAccount, monitorUser));
  for (const w of warnings) warn(w);
  const mon = monitorUser ? formatAccount(monitorUser) : undefined;
  const title = mon
    ? `Fix (KB option 2${flags.removePass ? ' and option 1' : ''}): monitor connections run as ${mon}, a RootAdmin without access allocation${flags.removePass && svc ? `; ${svc} loses its access allocations` : ''}`
    : `Fix (KB option 1): ${svc} loses its access allocations`;
  const nextSteps = [verifyStep(suggest)];
  if (mon) nextSteps.unshift(`make sure ${mon} is an enabled account in its directory with the password just given, and change both together from now on: ${suggest(['repoint-connections', '--user', mon, '--update-password'])}`);
  return runChange(client, flags, {
    command: 'fix',
    suggest,
    rerun: suggest([
      'fix',
      serviceAccount && '--service-account',
      serviceAccount && formatAccount(serviceAccount),
      mon && '--monitor-user',
      mon,
      flags.name !== undefined && '--name',
      flags.name,
      flags.removePass === true && '--remove-pass',
      flags.updatePassword === true && '--update-password',
      ...include.flatMap((name) => ['--include-connection', name]),
      flags.keepRules === true && '--keep-rules',
      flags.verify === true && '--verify',
    ]),
    title,
    plan,
    about: survey.about,
    passwordOf: mon,
    verify: closingAudit(client, svc),
    ...(checkRulesAfterCreate ? { followUp: () => planRulesOfNewUser(client, checkRulesAfterCreate) } : {}),
    ...(flags.verify
      ? {
          after: async () => {
            const report = await runVerify(client, { ...flags, serviceAccount: svc });
            return { report: verifyRenderers(report, client), json: report, exit: verifyExit(report) };
          },
        }
      : {}),
    nextSteps,
    ...(svc ? { serviceAccount: svc } : {}),
  });
}

/** A monitor user the fix just created: which license rules grant it, and the steps that exclude it. */
export async function planRulesOfNewUser(client: QrsClient, account: Account): Promise<Plan> {
  const state = (await readIdentities(client, [account])).get(accountKey(account));
  if (!state?.user) return emptyPlan();
  info(`auditing the license rules for ${formatAccount(account)}, now that it exists …`);
  const license = await readLicenseGrants(client, [state.user.id]);
  return planRuleExclusions(license, [state]);
}

export async function run(flags: FixFlags): Promise<number> {
  // Bad accounts are reported before certificates are read.
  optionalAccount(flags.serviceAccount, '--service-account');
  optionalAccount(flags.monitorUser, '--monitor-user');
  if (flags.verify) checkVerifyFlags(flags);
  reportFormat(flags);
  checkFixChoice(fixChoice(flags, optionalAccount(flags.serviceAccount, '--service-account'), optionalAccount(flags.monitorUser, '--monitor-user')));
  return withClient(flags, (client) => runFix(client, flags));
}
