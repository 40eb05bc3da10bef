/** The two workflows --help shows: a change ticket with a saved plan, and a fleet audit before an upgrade. */
import { commandLine } from './util/shell.js';

/** The change-ticket walkthrough: plan, show-plan, approval, apply, verify. */
export function changeTicket(): string {
  const plan = 'chg-1042.json';
  return [
    '',
    'A change ticket (plan → show-plan → approval → apply → verify):',
    `  ${commandLine(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--site', 'prod', '--plan-out', plan])}   # compute, change nothing`,
    `  ${commandLine(['show-plan', plan, '--format', 'markdown', '--out', 'chg-1042.md'])}   # attach to the ticket`,
    '  # … approval …',
    `  ${commandLine(['apply', plan, '--site', 'prod'])}   # in the window; refused if the site changed since`,
    `  ${commandLine(['verify', '--site', 'prod'])}   # reload the monitoring apps, read their logs, audit again: proven?`,
  ].join('\n');
}

export function fleetAudit(): string {
  return ['', 'A fleet audit before an upgrade (the sites of qrsfix.config.json):', `  ${commandLine(['audit', '--all-sites', '--format', 'markdown', '--out', 'pre-upgrade-fleet.md'])}`].join('\n');
}
