/** Renders an AuditReport as a terminal table, Markdown (for a change ticket) or JSON. */
import type { AuditReport, IdentityView } from '../audit/findings.js';
import type { Renderers } from './report.js';
import { markdownTable, shortTime, textTable } from './table.js';
import { codeSpan, escapeHtml, oneLine } from '../util/sanitize.js';

function allocationsText(i: IdentityView): string {
  if (i.allocations.length === 0) return 'none';
  return i.allocations
    .map((a) => {
      const state = a.quarantined ? `quarantined until ${shortTime(a.quarantinedUntil) || '?'}` : 'active';
      return `${a.label} (${state}; last used ${shortTime(a.lastUsed) || 'never'}) ${a.id}`;
    })
    .join('\n');
}

function identityRows(r: AuditReport): string[][] {
  return r.identities.map((i) => [
    i.account + (i.isServiceAccount ? '\n(service account)' : ''),
    i.exists ? (i.inactive ? 'yes (inactive)' : i.blocked ? 'yes (blocked)' : 'yes') : 'NO',
    i.roles.length ? i.roles.join(', ') : 'none',
    String(i.monitorConnections.length),
    allocationsText(i),
  ]);
}

const LOOK_ALIKE_HEAD = ['Data connection', 'Owner', 'Calls', 'Runs as', 'Why it is not one'];

function lookAlikeRows(r: AuditReport): string[][] {
  return r.lookAlikes.map((l) => [l.name, l.owner, l.address, l.runsAs ?? '(no user name)', l.reasons.join('; ')]);
}

const IDENTITY_HEAD = ['Account', 'QRS user', 'Roles', 'Monitor connections', 'Access allocations'];

const RULE_HEAD = ['Account', 'Rule', 'Access', 'Condition'];

function ruleRows(r: AuditReport): string[][] {
  return r.identities.flatMap((i) => i.licenseRules.map((g) => [i.account, g.rule, `${g.label} (${g.group})`, g.condition ?? '?']));
}

export function renderAuditText(r: AuditReport): string {
  const out: string[] = [];
  out.push(oneLine(`Qlik Sense site ${r.site.host}:${r.site.port}, QRS build ${r.site.buildVersion}${r.site.buildDate ? ` (${r.site.buildDate})` : ''}`));
  out.push('');
  out.push(`Monitor connections (${r.match}): ${r.monitorConnections.length}`);
  if (r.monitorConnections.length) {
    out.push(textTable(['Data connection', 'Runs as'], r.monitorConnections.map((c) => [c.name, c.runsAs ?? '(no user name)'])));
  }
  if (r.ignoredNearMatches.length) {
    out.push(`Not matched (name differs in case): ${r.ignoredNearMatches.map(oneLine).join(', ')}`);
  }
  if (r.lookAlikes.length) {
    out.push('');
    out.push(`Warning: ${r.lookAlikes.length} look-alike connection${r.lookAlikes.length === 1 ? '' : 's'}, named like monitor connections but not owned or addressed like them (left alone by every fix):`);
    out.push(textTable(LOOK_ALIKE_HEAD, lookAlikeRows(r)));
  }
  out.push('');
  out.push('Identities');
  out.push(textTable(IDENTITY_HEAD, identityRows(r)));
  out.push('');
  if (ruleRows(r).length) {
    out.push('License rules that grant these accounts at their next login');
    out.push(textTable(RULE_HEAD, ruleRows(r)));
    out.push('');
  }
  if (r.findings.length === 0) {
    out.push(`OK: ${r.summary}`);
  } else {
    out.push(`Findings (${r.findings.length})`);
    for (const f of r.findings) {
      out.push(`  ✗ ${oneLine(f.message)}`);
      f.fixes.forEach((cmd, n) => out.push(`    ${n === 0 ? 'fix:' : 'or: '} ${oneLine(cmd)}`));
    }
    out.push('');
    out.push('Preview any fix with --dry-run first; nothing was changed by this audit.');
    out.push(`Reference: ${r.kb}`);
  }
  return out.join('\n');
}

export function renderAuditMarkdown(r: AuditReport): string {
  const out: string[] = [];
  out.push(`# qrsfix audit: ${escapeHtml(r.site.host)}:${r.site.port}`);
  out.push('');
  out.push(`- QRS build: ${escapeHtml(r.site.buildVersion)}${r.site.buildDate ? ` (${escapeHtml(r.site.buildDate)})` : ''}`);
  out.push(`- Generated: ${r.generatedAt}`);
  out.push(`- Verdict: **${r.verdict === 'ok' ? 'nothing to fix' : `${r.findings.length} finding${r.findings.length === 1 ? '' : 's'}`}**`);
  out.push(`- ${escapeHtml(r.summary)}`);
  out.push('');
  out.push(`## Monitor connections (${r.match})`);
  out.push('');
  out.push(markdownTable(['Data connection', 'Runs as'], r.monitorConnections.map((c) => [c.name, c.runsAs ?? '(no user name)'])));
  if (r.ignoredNearMatches.length) out.push('', `Not matched (name differs in case): ${r.ignoredNearMatches.map(codeSpan).join(', ')}`);
  if (r.lookAlikes.length) {
    out.push('', '**Warning: look-alike connections**, named like monitor connections but not owned or addressed like them (left alone by every fix):', '');
    out.push(markdownTable(LOOK_ALIKE_HEAD, lookAlikeRows(r)));
  }
  out.push('');
  out.push('## Identities');
  out.push('');
  out.push(markdownTable(IDENTITY_HEAD, identityRows(r)));
  out.push('');
  if (ruleRows(r).length) out.push('## License rules that grant these accounts at their next login', '', markdownTable(RULE_HEAD, ruleRows(r)), '');
  out.push('## Findings');
  out.push('');
  if (r.findings.length === 0) out.push('None.');
  for (const f of r.findings) {
    out.push(`- ${escapeHtml(f.message)}`);
    for (const cmd of f.fixes) out.push(`  - ${codeSpan(cmd)}`);
  }
  out.push('');
  out.push(`Reference: ${r.kb}`);
  return out.join('\n');
}

export function auditRenderers(r: AuditReport): Renderers {
  return { table: () => renderAuditText(r), markdown: () => renderAuditMarkdown(r), json: () => r };
}
