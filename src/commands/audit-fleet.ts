/**
 * `qrsfix audit --all-sites`: every site of the sites file, at most four at once; one summary table,
 * then each site's audit. Exit 1 when a site could not be audited (the others are still reported),
 * else 2 when any site has findings, else 0.
 */
import { EXIT } from '../errors.js';
import { auditFleet } from '../audit/fleet.js';
import { fleetRenderers } from '../output/fleet-report.js';
import { writeReport } from '../output/report.js';
import { info } from '../output/stdio.js';
import { commandLine } from '../util/shell.js';
import { runAudit, type AuditFlags } from './audit.js';
import type { FleetSite } from './site-options.js';
import { withClient } from './session.js';

/** host:port as the site gives them, for the row of a site that could not be audited. */
function addressOf(flags: FleetSite['flags']): string | undefined {
  const { host, port } = flags as { host?: unknown; port?: unknown };
  if (typeof host !== 'string' || !host) return undefined;
  return typeof port === 'string' || typeof port === 'number' ? `${host}:${port}` : host;
}

export async function runFleetAudit(flags: AuditFlags, fleet: FleetSite[]): Promise<number> {
  info(`auditing ${fleet.length} sites …`);
  const sites = fleet.map((site) => ({ ...site, address: addressOf(site.flags) }));
  const result = await auditFleet(sites, (site) =>
    withClient(site.flags as AuditFlags, (client) => {
      // Suggested commands name the site, which is how this admin reaches it.
      const config = typeof site.flags.config === 'string' ? ['--config', site.flags.config] : [];
      return runAudit(client, flags.serviceAccount, (words) => commandLine([...words, '--site', site.name, ...config]));
    }),
  );
  writeReport(flags, fleetRenderers(result));
  return result.notAudited ? EXIT.error : result.withFindings ? EXIT.findings : EXIT.ok;
}
