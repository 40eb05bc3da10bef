/** `qrsfix audit`: read-only; exit 0 when nothing is to fix, 2 with findings. */
import { parseAccount } from '../account.js';
import { EXIT } from '../errors.js';
import { buildAuditReport, type AuditReport } from '../remedy/findings.js';
import { DEFAULT_MONITOR_GLOB, nameMatcher } from '../remedy/match.js';
import { surveySite } from '../remedy/survey.js';
import { renderAudit } from '../output/audit-report.js';
import { info, out } from '../output/stdio.js';
import { connectionArgs, openClient, reportFormat, writeReportFile, type CommonFlags } from './session.js';
import type { QrsClient } from '../qrs/client.js';
import type { FleetSite } from './site-options.js';

export interface AuditFlags extends CommonFlags {
  serviceAccount?: string;
  format?: string;
  out?: string;
  allSites?: boolean;
  /** Set by --all-sites: each site's connection flags (see site-options.ts). */
  fleet?: FleetSite[];
}

export async function runAudit(client: QrsClient, serviceAccountText: string | undefined, suggestedConnection = connectionArgs(client.config)): Promise<AuditReport> {
  const serviceAccount = serviceAccountText ? parseAccount(serviceAccountText, '--service-account') : undefined;
  const matcher = nameMatcher(DEFAULT_MONITOR_GLOB);
  info(`reading ${client.baseUrl} …`);
  const survey = await surveySite(client, matcher, serviceAccount ? [serviceAccount] : []);
  return buildAuditReport({
    survey,
    host: client.config.host,
    port: client.config.port,
    match: matcher.glob,
    serviceAccount,
    connectionArgs: suggestedConnection,
  });
}

export async function run(flags: AuditFlags): Promise<number> {
  const format = reportFormat(flags);
  // Bad input is reported before certificates are read: the first error shown is the one to fix.
  if (flags.serviceAccount) parseAccount(flags.serviceAccount, '--service-account');
  if (flags.fleet) return (await import('./audit-fleet.js')).runFleetAudit(flags, flags.fleet);
  const client = openClient(flags);
  try {
    const report = await runAudit(client, flags.serviceAccount);
    const text = renderAudit(report, format);
    out(text);
    if (flags.out) {
      writeReportFile(flags.out, text);
      info(`report written to ${flags.out}`);
    }
    info(`${client.stats.requests} requests, ${client.stats.bytesReceived} bytes received`);
    return report.findings.length ? EXIT.findings : EXIT.ok;
  } finally {
    client.close();
  }
}
