/** `qrsfix audit`: read-only; exit 0 when nothing is to fix, 2 with findings. */
import { parseAccount } from '../account.js';
import { EXIT } from '../errors.js';
import { buildAuditReport, type AuditReport } from '../audit/findings.js';
import { DEFAULT_MONITOR_GLOB, nameMatcher } from '../remedy/match.js';
import { surveySite } from '../remedy/survey.js';
import { auditRenderers } from '../output/audit-report.js';
import { writeReport, reportFormat } from '../output/report.js';
import { info } from '../output/stdio.js';
import { withClient, type CommonFlags } from './session.js';
import { suggester, type Suggest } from './suggest.js';
import type { FleetSite } from './site-options.js';
import type { QrsClient } from '../qrs/client.js';

export interface AuditFlags extends CommonFlags {
  serviceAccount?: string;
  allSites?: boolean;
  /** Set by --all-sites: each site's connection flags (see site-options.ts). */
  fleet?: FleetSite[];
}

export async function runAudit(client: QrsClient, serviceAccountText: string | undefined, suggest: Suggest = suggester(client.config)): Promise<AuditReport> {
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
    suggest,
  });
}

export async function run(flags: AuditFlags): Promise<number> {
  // Bad input is reported before certificates are read: the first error shown is the one to fix.
  reportFormat(flags);
  if (flags.serviceAccount) parseAccount(flags.serviceAccount, '--service-account');
  if (flags.fleet) return (await import('./audit-fleet.js')).runFleetAudit(flags, flags.fleet);
  return withClient(flags, async (client) => {
    const report = await runAudit(client, flags.serviceAccount);
    writeReport(flags, auditRenderers(report));
    info(`${client.stats.requests} requests, ${client.stats.bytesReceived} bytes received`);
    return report.findings.length ? EXIT.findings : EXIT.ok;
  });
}
