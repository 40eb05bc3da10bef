/**
 * The verdict on one user's access decisions: the QLIK-88038 pattern (bursts from the REST connectors,
 * denials at the session cap of a pass), a plain denial, or none; with the commands to go on.
 */
import { accountFromUsername } from '../account.js';
import { commandLine } from '../util/shell.js';
import { BURST_MS, BURST_SIZE, SESSION_CAP, type DenialSource, type FixStep, type UserReport, type Verdict } from './analyse.js';
import { formatServerTime, type Stamp } from './time.js';

/** `04:59 on 2019-02-01 (+0100)`: the burst as the admin finds it in the log. */
function hhmm(s: Stamp): string {
  const t = formatServerTime(s);
  return `${t.slice(11, 16)} on ${t.slice(0, 10)} (${t.slice(20)})`;
}

export function verdictFor(r: Omit<UserReport, 'verdict'>): Verdict {
  if (r.denials === 0) return { code: 'no-denials', text: 'no denials', reason: `${r.grants} grants, no denials`, fix: [] };
  const cap = `highest SessionCount ${r.highestSessionCount ?? 'not logged'}`;
  const restBursts = r.restConnectorBursts;
  if (restBursts.count > 0 || r.denialsAtSessionCap > 0) {
    const parts: string[] = [];
    if (restBursts.count > 0) {
      const where = restSourceLabel(r.denialSources);
      const largest = restBursts.largest!;
      parts.push(
        `${largest.size} denials at ${hhmm(largest.start)} from ${where}, the REST connectors through the proxy` +
          `; ${restBursts.count} burst${restBursts.count === 1 ? '' : 's'} of ≥${BURST_SIZE} within ${BURST_MS / 1000} s` +
          (restBursts.typicalMinute !== undefined ? `, mostly at :${String(restBursts.typicalMinute).padStart(2, '0')} past the hour` : ''),
      );
    }
    if (r.denialsAtSessionCap > 0) parts.push(`${r.denialsAtSessionCap} denials at SessionCount ${SESSION_CAP} (the session cap of an access pass)`);
    parts.push(cap);
    const verdict: Verdict = { code: 'matches-QLIK-88038', text: 'matches QLIK-88038', reason: parts.join('; '), fix: fixSteps(r.user) };
    // Bursts alone do not show the pass: an account holding none is denied by the connectors the same way.
    if (r.denialsAtSessionCap === 0) {
      verdict.advice = `these rows do not show the session cap of a pass: run the audit first; it confirms the case when ${r.user} holds an access allocation, and if it holds none the denials have another cause (check the license and its access rules)`;
    }
    return verdict;
  }
  const top = r.denialSources[0];
  const hosts = r.clientHosts.slice(0, 3).map((h) => h.host).join(', ');
  const origin = top?.origin && top.origin !== 'Not available' ? ` (${top.origin})` : '';
  return {
    code: 'access-denied',
    text: 'access denied',
    reason:
      `${r.denials} denials` +
      (top ? `, mostly from ${top.context}${origin}` : '') +
      (hosts ? `, client ${hosts}` : '') +
      `; not in bursts from the REST connectors and not at SessionCount ${SESSION_CAP}; ${cap}`,
    fix: [],
    advice: 'the user has no access pass: allocate one (professional or analyzer access, or a license rule) in the QMC, or wait for group-based rules to sync',
  };
}

function restSourceLabel(sources: DenialSource[]): string {
  const rest = sources.filter((s) => s.restConnectors);
  const audit = rest.find((s) => s.origin === 'ManagementAccess');
  const s = audit ?? rest[0];
  if (!s) return '/qrs/requestaccesstype';
  return s.origin === 'ManagementAccess' ? `${s.context} (ManagementAccess)` : `${s.context} (loopback)`;
}

function fixSteps(user: string): FixStep[] {
  const directory = accountFromUsername(user)?.directory ?? 'DOMAIN';
  return [
    { command: commandLine(['audit', '--service-account', user]), why: 'first: see the pass, its sessions and the monitor connections that run as this account' },
    { command: commandLine(['fix', '--service-account', user, '--dry-run']), why: 'remove the access pass from the service account' },
    {
      command: commandLine(['fix', '--service-account', user, '--monitor-user', `${directory}\\<dedicated user>`, '--dry-run']),
      why: 'or: run the monitoring apps as a dedicated RootAdmin user without a pass',
    },
  ];
}
