/** Renders verify's report for the terminal; names from the server pass the control-character strip. */
import { stripControl } from '../verify/script-log.js';
import type { VerifyReport } from '../verify/verify.js';
import { markdownTable, shortTime, textTable } from './table.js';
import { escapeHtml } from '../util/sanitize.js';

const clean = (s: string | null | undefined) => stripControl(s ?? '');

export function renderVerifyText(r: VerifyReport, site: string): string {
  const out: string[] = [];
  const n = r.tasks.length;
  out.push(
    r.reloaded
      ? `Verify on ${site}: reloaded ${n} task${n === 1 ? '' : 's'} of the published apps ${r.apps.join(', ')}`
      : `Verify on ${site} (--no-reload): the last run of ${n} task${n === 1 ? '' : 's'} of the published apps ${r.apps.join(', ')}; nothing was started`,
  );
  if (r.tasks.length) {
    const rows = r.tasks.map((t) => [
      clean(t.task),
      clean(t.app),
      t.status ?? t.outcome,
      shortTime(t.startTime),
      t.outcome === 'ended' ? shortTime(t.stopTime) : '',
      t.rowsFetched === null ? '' : t.rowsFetched.toLocaleString('en-US'),
      t.scriptLog === 'read' ? String(t.errorLines.length) : t.scriptLog === 'unavailable' ? 'no log' : '',
    ]);
    out.push(textTable(['Task', 'App', 'Status', 'Started', 'Ended', 'Rows fetched', 'Error lines'], rows));
  }
  for (const t of r.tasks.filter((x) => x.errorLines.length)) {
    out.push(`Error lines in the script log of ${clean(t.task)}:`);
    for (const line of t.errorLines) out.push(`  ! ${line}`);
  }
  if (r.newestChange) out.push(`Newest change by qrsfix on this site: ${shortTime(r.newestChange.at)} (${r.newestChange.journal})`);
  out.push(`Audit${r.reloaded ? ' after the reloads' : ''}: ${r.audit.summary}`);
  for (const f of r.audit.findings) {
    out.push(`  ! ${f.message}`);
    f.fixes.forEach((c, i) => out.push(`    ${i === 0 ? 'fix:' : 'or: '} ${c}`));
  }
  if (r.verdict === 'proven') {
    out.push('Verdict: PROVEN — every reload ended FinishedSuccess with no error line in its script log, and the audit is clean.');
  } else {
    out.push('Verdict: NOT PROVEN');
    for (const p of r.problems) out.push(`  - ${clean(p)}`);
  }
  return out.join('\n');
}

export function renderVerifyMarkdown(r: VerifyReport, site: string): string {
  const md = (s: string | null | undefined) => escapeHtml(clean(s));
  const out: string[] = [`# qrsfix verify: ${md(site)}`, ''];
  out.push(`- Verdict: **${r.verdict === 'proven' ? 'proven' : 'not proven'}**`);
  out.push(`- ${r.reloaded ? 'Reloaded' : 'Last runs of'} the tasks of the published apps ${r.apps.map(md).join(', ')}`);
  if (r.newestChange) out.push(`- Newest change by qrsfix: ${r.newestChange.at}`);
  out.push('');
  if (r.tasks.length) {
    const rows = r.tasks.map((t) => [clean(t.task), clean(t.app), t.status ?? t.outcome, t.startTime ?? '', t.stopTime ?? '', t.rowsFetched === null ? '' : String(t.rowsFetched), String(t.errorLines.length)]);
    out.push(markdownTable(['Task', 'App', 'Status', 'Started', 'Ended', 'Rows fetched', 'Error lines'], rows), '');
  }
  for (const t of r.tasks.filter((x) => x.errorLines.length)) {
    out.push(`## Error lines of ${md(t.task)}`, '', ...t.errorLines.map((l) => `- ${md(l)}`), '');
  }
  out.push(`## Audit`, '', md(r.audit.summary), ...r.audit.findings.map((f) => `- ${md(f.message)}`), '');
  if (r.problems.length) out.push('## Not proven because', '', ...r.problems.map((p) => `- ${md(p)}`));
  return out.join('\n');
}
