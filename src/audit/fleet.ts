/**
 * A fleet audit: every configured site audited, a few at a time, each site's failure kept as its
 * result (one unreachable site must not hide the others' findings). Pure of I/O: the audit of one
 * site is handed in.
 */
import { QrsfixError } from '../errors.js';
import { mapLimit } from '../util/concurrency.js';
import type { AuditReport } from './findings.js';

/** How many sites are audited at once: enough to be quick, few enough for a laptop on a VPN. */
export const FLEET_CONCURRENCY = 4;

export type SiteAudit =
  | { site: string; audited: true; report: AuditReport }
  /** `address`: where the site was to be reached, as configured (the audit that would say it never ran). */
  | { site: string; audited: false; address?: string; error: string; hint?: string };

export interface FleetAudit {
  generatedAt: string;
  sites: SiteAudit[];
  withFindings: number;
  notAudited: number;
}

export async function auditFleet<S extends { name: string; address?: string }>(sites: readonly S[], auditOne: (site: S) => Promise<AuditReport>, limit = FLEET_CONCURRENCY): Promise<FleetAudit> {
  const results = await mapLimit(sites, limit, async (site): Promise<SiteAudit> => {
    try {
      return { site: site.name, audited: true, report: await auditOne(site) };
    } catch (err) {
      // A bug is still a bug: only expected failures become "not audited".
      if (!(err instanceof QrsfixError)) throw err;
      return { site: site.name, audited: false, ...(site.address ? { address: site.address } : {}), error: err.message, ...(err.hint ? { hint: err.hint } : {}) };
    }
  });
  return {
    generatedAt: new Date().toISOString(),
    sites: results,
    withFindings: results.filter((r) => r.audited && r.report.findings.length > 0).length,
    notAudited: results.filter((r) => !r.audited).length,
  };
}

/** The identities the monitor connections run as, as the audit spells them. */
export function monitorIdentities(report: AuditReport): string[] {
  return report.identities.filter((i) => i.monitorConnections.length > 0).map((i) => i.account);
}
