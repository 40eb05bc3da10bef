/**
 * What is wrong, computed from a survey without any I/O. A finding is an identity that runs monitor
 * connections and either holds an active allocation (the QLIK-88038 trap: the reloads open parallel
 * proxy sessions on its pass until the 5-session cap denies them), is not RootAdmin (the reloads read
 * the whole repository), or has no QRS user at all.
 */
import { accountFromUsername, accountKey, formatAccount, type Account } from '../account.js';
import { ALLOCATION_KINDS, isRealDate, type AllocationKind } from '../qrs/schemas.js';
import { activeAllocations, isRootAdmin, type IdentityState, type Survey } from '../remedy/survey.js';
import type { Word } from '../util/shell.js';
import { LICENSE_RULE_KINDS, type LicenseRuleKind } from '../qrs/license-schemas.js';

export const KB_REFERENCE =
  'Qlik defect QLIK-88038: since April 2018 the monitoring apps\' REST connections open parallel proxy sessions as their account; an account with an access pass hits the 5-session cap and gets "no access pass" (Repository audit log: UsageDenied).';

export type FindingCode = 'holds-allocation' | 'not-root-admin' | 'no-qrs-user' | 'license-rule-grants' | 'login-access-rule';

export interface Finding {
  account: string;
  code: FindingCode;
  message: string;
  /** Command lines that fix it, best first. */
  fixes: string[];
}

export interface AllocationView {
  kind: AllocationKind;
  label: string;
  id: string;
  lastUsed: string | null;
  quarantined: boolean;
  quarantinedUntil: string | null;
}

export interface IdentityView {
  account: string;
  exists: boolean;
  userId: string | null;
  name: string | null;
  roles: string[];
  rootAdmin: boolean;
  inactive: boolean;
  blocked: boolean;
  isServiceAccount: boolean;
  monitorConnections: string[];
  allocations: AllocationView[];
  /** License rules that grant the account something at its next login. */
  licenseRules: LicenseRuleView[];
}

export interface LicenseRuleView {
  kind: LicenseRuleKind;
  label: string;
  ruleId: string;
  rule: string;
  group: string;
  condition: string | null;
}

export interface AuditReport {
  site: { host: string; port: number; buildVersion: string; buildDate: string | null };
  generatedAt: string;
  match: string;
  monitorConnections: Array<{ id: string; name: string; runsAs: string | null; type: string | null }>;
  ignoredNearMatches: string[];
  /** Named like monitor connections but not owned or addressed like them: left alone by every fix. */
  lookAlikes: Array<{ id: string; name: string; owner: string; address: string; runsAs: string | null; reasons: string[] }>;
  identities: IdentityView[];
  findings: Finding[];
  verdict: 'ok' | 'findings';
  summary: string;
  kb: string;
}

function allocationView(kind: AllocationKind, e: IdentityState['allocations'][number]['entity']): AllocationView {
  return {
    kind,
    label: ALLOCATION_KINDS[kind].label,
    id: e.id,
    lastUsed: isRealDate(e.lastUsed) ? e.lastUsed : null,
    quarantined: e.quarantined,
    quarantinedUntil: e.quarantined && isRealDate(e.quarantineEnd) ? e.quarantineEnd : null,
  };
}

export interface AuditInput {
  survey: Survey;
  host: string;
  port: number;
  match: string;
  serviceAccount?: Account;
  /** A qrsfix command line to paste: the tool's name, these words, the run's connection flags, quoted. */
  suggest: (words: Word[]) => string;
  now?: Date;
}

export function buildAuditReport(input: AuditInput): AuditReport {
  const { survey } = input;
  const runners = new Map<string, string[]>();
  for (const c of survey.connections) {
    const a = accountFromUsername(c.username);
    if (!a) continue;
    const key = accountKey(a);
    runners.set(key, [...(runners.get(key) ?? []), c.name]);
  }
  const serviceKey = input.serviceAccount ? accountKey(input.serviceAccount) : undefined;
  const cmd = input.suggest;

  // Half-done option 2 (some connections moved back, say): suggest the monitor user the site already has.
  const ready = [...survey.identities].find(
    ([key, s]) => (runners.get(key)?.length ?? 0) > 0 && s.user && isRootAdmin(s.user.roles) && !s.user.inactive && !s.user.blacklisted && activeAllocations(s).length === 0,
  )?.[1].user;
  const monitorUser = ready ? formatAccount({ directory: ready.userDirectory, userId: ready.userId }) : 'DOMAIN\\<dedicated user>';

  const identities: IdentityView[] = [];
  const findings: Finding[] = [];
  for (const [key, state] of survey.identities) {
    const account = formatAccount(state.user ? { directory: state.user.userDirectory, userId: state.user.userId } : state.account);
    const roles = state.user?.roles ?? [];
    const monitorConnections = runners.get(key) ?? [];
    const licenseRules: LicenseRuleView[] = (state.user ? (survey.license.grants.get(state.user.id.toLowerCase()) ?? []) : []).map((g) => ({
      kind: g.kind,
      label: LICENSE_RULE_KINDS[g.kind].label,
      ruleId: g.ruleId,
      rule: g.ruleName,
      group: g.resourceName,
      condition: g.condition,
    }));
    identities.push({
      account,
      exists: !!state.user,
      userId: state.user?.id ?? null,
      name: state.user?.name ?? null,
      roles,
      rootAdmin: isRootAdmin(roles),
      inactive: state.user?.inactive ?? false,
      blocked: state.user?.blacklisted ?? false,
      isServiceAccount: key === serviceKey,
      monitorConnections,
      allocations: state.allocations.map((a) => allocationView(a.kind, a.entity)),
      licenseRules,
    });
    if (monitorConnections.length === 0) continue;
    const runs = `runs ${monitorConnections.length} monitor connection${monitorConnections.length === 1 ? '' : 's'}`;
    if (!state.user) {
      findings.push({
        account,
        code: 'no-qrs-user',
        message: `${account} ${runs} but has no QRS user record, so the reloads cannot read the repository`,
        fixes: [cmd(['create-user', '--user', account]), cmd(['fix', '--service-account', account, '--monitor-user', monitorUser])],
      });
      continue;
    }
    const active = activeAllocations(state);
    if (active.length > 0) {
      const what = active.map((a) => (a.kind === 'user' ? `a ${ALLOCATION_KINDS[a.kind].label}` : ALLOCATION_KINDS[a.kind].label)).join(', ');
      findings.push({
        account,
        code: 'holds-allocation',
        message: `${account} ${runs} and holds ${what}: the reloads' parallel proxy sessions reach the 5-session cap and are denied (QLIK-88038)`,
        fixes: [cmd(['fix', '--service-account', account]), cmd(['fix', '--service-account', account, '--monitor-user', monitorUser])],
      });
    }
    for (const r of licenseRules) {
      const what = `license rule "${r.rule}" (${r.label}, ${r.group}; condition ${r.condition ?? 'not readable'})`;
      findings.push({
        account,
        code: r.kind === 'login' ? 'login-access-rule' : 'license-rule-grants',
        message:
          r.kind === 'login'
            ? `${account} ${runs} and is covered by ${what}: every monitor reload spends login passes`
            : `${account} ${runs} and is granted ${what}: at its next login (the next monitor reload) Qlik allocates it ${r.label} again${active.length ? '' : ', although it holds none today'}`,
        fixes: [cmd(['fix', '--service-account', account])],
      });
    }
    if (!isRootAdmin(roles)) {
      findings.push({
        account,
        code: 'not-root-admin',
        message: `${account} ${runs} but is not RootAdmin (roles: ${roles.length ? roles.join(', ') : 'none'}): the reloads need RootAdmin to read the whole repository`,
        fixes: [cmd(['create-user', '--user', account])],
      });
    }
  }
  identities.sort((a, b) => b.monitorConnections.length - a.monitorConnections.length || a.account.localeCompare(b.account));
  const summary =
    survey.connections.length === 0
      ? `no data connections named ${input.match} were found: is this the central node, and are the monitoring apps installed?`
      : findings.length === 0
        ? `nothing to fix: the ${survey.connections.length} monitor connections run as RootAdmin accounts without an access allocation`
        : `${findings.length} finding${findings.length === 1 ? '' : 's'}: see below for the commands that fix ${findings.length === 1 ? 'it' : 'them'}`;
  return {
    site: { host: input.host, port: input.port, buildVersion: survey.about.buildVersion, buildDate: survey.about.buildDate ?? null },
    generatedAt: (input.now ?? new Date()).toISOString(),
    match: input.match,
    monitorConnections: survey.connections.map((c) => ({ id: c.id, name: c.name, runsAs: c.username ? c.username : null, type: c.type ?? null })),
    ignoredNearMatches: survey.nearMisses.map((c) => c.name),
    lookAlikes: survey.lookAlikes.map(({ included: _included, ...l }) => l),
    identities,
    findings,
    verdict: findings.length ? 'findings' : 'ok',
    summary,
    kb: KB_REFERENCE,
  };
}
