/**
 * `qrsfix audit --all-sites`: every site of the sites file, at most four at once; one summary table,
 * then each site's audit. Exit 1 when a site could not be audited (the others are still reported),
 * else 2 when any site has findings, else 0.
 */
import { EXIT } from '../errors.js';
import { auditFleet } from '../remedy/fleet.js';
import { renderFleet } from '../output/fleet-report.js';
import { info, out } from '../output/stdio.js';
import { runAudit, type AuditFlags } from './audit.js';
import type { FleetSite } from './site-options.js';
import { openClient, reportFormat, writeReportFile } from './session.js';

export async function runFleetAudit(flags: AuditFlags, fleet: FleetSite[]): Promise<number> {
  const format = reportFormat(flags);
  info(`auditing ${fleet.length} sites …`);
  const result = await auditFleet(fleet, async (site) => {
    const client = openClient(site.flags as AuditFlags);
    try {
      // Suggested commands name the site, which is how this admin reaches it.
      const config = typeof site.flags.config === 'string' ? ['--config', site.flags.config] : [];
      return await runAudit(client, flags.serviceAccount, ['--site', site.name, ...config]);
    } finally {
      client.close();
    }
  });
  const text = renderFleet(result, format);
  out(text);
  if (flags.out) {
    writeReportFile(flags.out, text);
    info(`report written to ${flags.out}`);
  }
  return result.notAudited ? EXIT.error : result.withFindings ? EXIT.findings : EXIT.ok;
}
