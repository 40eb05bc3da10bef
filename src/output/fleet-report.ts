/** Renders a fleet audit: one summary table of every site, then each site's own audit. */
import { monitorIdentities, type FleetAudit, type SiteAudit } from '../audit/fleet.js';
import { renderAuditMarkdown, renderAuditText } from './audit-report.js';
import type { Renderers } from './report.js';
import { markdownTable, textTable } from './table.js';
import { escapeHtml } from '../util/sanitize.js';

const HEAD = ['Site', 'Host', 'QRS build', 'Monitor identities', 'Findings', 'Verdict'];

function verdict(s: SiteAudit): string {
  if (!s.audited) return `not audited: ${s.error}`;
  const n = s.report.findings.length;
  return n === 0 ? (s.report.monitorConnections.length ? 'nothing to fix' : 'no monitor connections') : `${n} finding${n === 1 ? '' : 's'}`;
}

function summaryRows(f: FleetAudit): string[][] {
  return f.sites.map((s) =>
    s.audited
      ? [s.site, `${s.report.site.host}:${s.report.site.port}`, s.report.site.buildVersion, monitorIdentities(s.report).join('\n') || '(none)', String(s.report.findings.length), verdict(s)]
      : [s.site, s.address ?? '', '', '', '', verdict(s)],
  );
}

function headline(f: FleetAudit): string {
  const audited = f.sites.length - f.notAudited;
  return `${f.sites.length} site${f.sites.length === 1 ? '' : 's'}: ${audited} audited, ${f.withFindings} with findings, ${f.notAudited} not audited`;
}

export function renderFleetText(f: FleetAudit): string {
  const out = [`Fleet audit (${headline(f)})`, textTable(HEAD, summaryRows(f))];
  for (const s of f.sites) {
    out.push('', `=== site ${s.site} ===`);
    if (s.audited) out.push(renderAuditText(s.report));
    else out.push(`Not audited: ${s.error}`, ...(s.hint ? [`hint: ${s.hint}`] : []));
  }
  return out.join('\n');
}

export function renderFleetMarkdown(f: FleetAudit): string {
  const out = ['# qrsfix fleet audit', '', `- Generated: ${f.generatedAt}`, `- ${headline(f)}`, '', markdownTable(HEAD, summaryRows(f))];
  for (const s of f.sites) {
    out.push('', `## Site ${s.site}`, '');
    if (s.audited) {
      // The site's own report, one heading level down, under the site's heading.
      out.push(...renderAuditMarkdown(s.report).split('\n').map((line) => (line.startsWith('#') ? `##${line}` : line)));
    } else {
      // The error can quote the server: text, not HTML.
      out.push(`Not audited: ${escapeHtml(s.error)}`, ...(s.hint ? ['', `Hint: ${escapeHtml(s.hint)}`] : []));
    }
  }
  return out.join('\n');
}

/** One JSON document keyed by site name. */
export function fleetJson(f: FleetAudit): unknown {
  return {
    format: 'qrsfix-fleet-audit',
    generatedAt: f.generatedAt,
    summary: { sites: f.sites.length, audited: f.sites.length - f.notAudited, withFindings: f.withFindings, notAudited: f.notAudited },
    sites: Object.fromEntries(f.sites.map((s) => [s.site, s.audited ? { audited: true, report: s.report } : { audited: false, address: s.address ?? null, error: s.error, hint: s.hint ?? null }])),
  };
}

export function fleetRenderers(f: FleetAudit): Renderers {
  return { table: () => renderFleetText(f), markdown: () => renderFleetMarkdown(f), json: () => fleetJson(f) };
}
