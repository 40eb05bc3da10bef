/**
 * diagnose-log's report as a terminal table, as Markdown for a change ticket, or as one JSON document.
 * Times: server time with its offset in text (admins correlate with the server), ISO 8601 in JSON.
 */
import type { Bursts, UserReport } from '../logs/analyse.js';
import type { Diagnosis } from '../logs/diagnose.js';
import { KIND_LABEL } from '../logs/rows.js';
import { formatIso, formatServerTime, type Stamp } from '../logs/time.js';
import { boxTable, type Cell } from './text-table.js';
import { codeFence, codeSpan, escapeHtml } from '../util/sanitize.js';

const BAR_WIDTH = 40;

function when(s: Stamp | undefined): string {
  return s ? formatServerTime(s) : '—';
}

function iso(s: Stamp | undefined): string | null {
  return s ? formatIso(s) : null;
}

function originText(origin: string | null): string {
  return origin ?? '— (license trace)';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Only the hours that have denials, each with its count and a bar of # scaled to the busiest hour. */
export function histogramLines(hours: number[]): string[] {
  const max = Math.max(0, ...hours);
  const width = String(max).length;
  return hours.flatMap((n, h) =>
    n === 0 ? [] : [`${String(h).padStart(2, '0')}:00  ${String(n).padStart(width)}  ${'#'.repeat(Math.max(1, Math.round((n / max) * BAR_WIDTH)))}`],
  );
}

function sourceLabel(u: UserReport): string {
  const s = u.denialsBySource;
  return `audit log ${s.audit}, license trace ${s.license}, both (counted once) ${s.both}`;
}

function headline(d: Diagnosis): string {
  const rows = d.files.reduce((n, f) => n + f.rows, 0);
  const span = d.span ? `, ${when(d.span.first)} … ${when(d.span.last)}` : '';
  const filters = [d.filters.user && `user ${d.filters.user}`, d.filters.since && `since ${d.filters.since}`].filter(Boolean).join(', ');
  return `${plural(d.files.length, 'file')}, ${plural(rows, 'row')}${span}${filters ? ` (only ${filters})` : ''}`;
}

function summaryLine(d: Diagnosis): string {
  if (d.totals.denials === 0) return 'No access denials found.';
  return `${plural(d.totals.denials, 'denial')} for ${plural(d.users.filter((u) => u.denials > 0).length, 'user')}; ${d.totals.usersMatching} match QLIK-88038.`;
}

/** No colours: the report also goes to files and change tickets. One line per row: lists get long. */
function plainTable(head: string[]): { push(row: Cell[]): void; toString(): string } {
  const rows: Cell[][] = [];
  return { push: (row) => rows.push(row), toString: () => boxTable(head, rows, { rules: false }) };
}

/**
 * Up to this many files or users, the text and Markdown reports list them all; above it (a server's
 * folder of hundreds of archives, a hub with thousands of users) only the ones worth reading (files
 * with malformed rows, users with denials) and a line for the rest. --json always lists everything.
 */
export const LIST_ALL_UP_TO = 20;

interface Listing<T> {
  shown: T[];
  /** One line about the ones left out; undefined when none are. */
  rest?: string;
}

function listFiles(d: Diagnosis): Listing<Diagnosis['files'][number]> {
  if (d.files.length <= LIST_ALL_UP_TO) return { shown: d.files };
  const shown = d.files.filter((f) => f.malformed > 0);
  const left = d.files.length - shown.length;
  return { shown, rest: `${plural(left, shown.length ? 'more file' : 'file')} read without malformed rows (--json lists every file)` };
}

function listUsers(d: Diagnosis): Listing<UserReport> {
  if (d.users.length <= LIST_ALL_UP_TO) return { shown: d.users };
  const shown = d.users.filter((u) => u.denials > 0);
  const left = d.users.length - shown.length;
  return { shown, rest: `${plural(left, shown.length ? 'more user' : 'user')} with grants and no denials (--json lists every user)` };
}

function burstText(b: Bursts): string {
  if (b.count === 0) return 'none';
  const largest = b.largest ? `, largest ${b.largest.size} at ${when(b.largest.start)}` : '';
  const minute = b.typicalMinute !== undefined ? `, mostly at :${String(b.typicalMinute).padStart(2, '0')}` : '';
  return `${b.count}${largest}${minute}`;
}

export function renderTable(d: Diagnosis): string {
  const out: string[] = [`qrsfix diagnose-log: ${headline(d)}`, ''];
  const fileList = listFiles(d);
  if (fileList.shown.length > 0) {
    const files = plainTable(['File', 'Kind', 'Rows', 'Access rows', 'Malformed', 'From', 'To']);
    for (const f of fileList.shown) files.push([f.path, KIND_LABEL[f.kind], f.rows, f.accessRows, f.malformed, when(f.first), when(f.last)]);
    out.push(files.toString());
  }
  if (fileList.rest) out.push(fileList.rest);
  if (d.skipped.length > 0) {
    out.push(`Not read, so not counted (${d.skipped.length}):`);
    for (const s of d.skipped) out.push(`  ${s.path}: ${s.reason}`);
  }
  out.push('');
  if (d.users.length === 0) {
    out.push('No access grants or denials found.');
    return out.join('\n') + '\n';
  }
  const userList = listUsers(d);
  if (userList.shown.length > 0) {
    const users = plainTable(['User', 'Grants', 'Denials', 'Highest SessionCount', 'First denial', 'Last denial', 'Verdict']);
    for (const u of userList.shown) {
      users.push([u.user, u.grants, u.denials, u.highestSessionCount ?? '—', when(u.firstDenial), when(u.lastDenial), u.verdict.text]);
    }
    out.push(users.toString());
  }
  if (userList.rest) out.push(userList.rest);
  out.push('', summaryLine(d));
  for (const u of d.users.filter((x) => x.denials > 0)) {
    out.push('', `${u.user}: ${u.verdict.text}`, `  why: ${u.verdict.reason}`, `  denials: ${u.denials} (${sourceLabel(u)})`);
    out.push(`  bursts (≥3 within 60 s): ${burstText(u.bursts)}; from the REST connectors: ${burstText(u.restConnectorBursts)}`);
    const sources = plainTable(['Denials', 'Context', 'Origin', 'REST connectors']);
    for (const s of u.denialSources) sources.push([s.count, s.context, originText(s.origin), s.restConnectors ? 'yes' : 'no']);
    out.push(indent(sources.toString()));
    if (u.clientHosts.length > 0) out.push(`  client hosts: ${u.clientHosts.map((h) => `${h.host} (${h.count})`).join(', ')}`);
    out.push('  denials by hour (server time):', ...histogramLines(u.hours).map((l) => `    ${l}`));
    if (u.verdict.fix.length > 0) {
      out.push('  fix:');
      for (const f of u.verdict.fix) out.push(`    ${f.command}`, `        ${f.why}`);
      out.push('    (add your connection options, e.g. --host, as for any QRS command)');
    }
    if (u.verdict.advice) out.push(`  advice: ${u.verdict.advice}`);
  }
  return out.join('\n') + '\n';
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

/** Code spans keep `DOMAIN\user` and paths readable in the raw text of a ticket, too. */
function mdCode(v: string): string {
  return codeSpan(v).replace(/\|/g, '\\|');
}

/** Cells are already Markdown (code spans) or plain numbers and words. */
function mdTable(head: string[], rows: (string | number)[][]): string[] {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map((c) => String(c).replace(/\n/g, ' ')).join(' | ')} |`)];
}

export function renderMarkdown(d: Diagnosis): string {
  const out: string[] = ['# qrsfix diagnose-log', '', escapeHtml(headline(d)), '', `**${summaryLine(d)}**`, '', '## Files', ''];
  const fileList = listFiles(d);
  if (fileList.shown.length > 0) {
    out.push(...mdTable(['File', 'Kind', 'Rows', 'Access rows', 'Malformed', 'From', 'To'], fileList.shown.map((f) => [mdCode(f.path), KIND_LABEL[f.kind], f.rows, f.accessRows, f.malformed, when(f.first), when(f.last)])));
  }
  if (fileList.rest) out.push(...(fileList.shown.length ? [''] : []), fileList.rest);
  if (d.skipped.length > 0) {
    out.push('', `**Not read, so not counted (${d.skipped.length}):**`, '');
    for (const s of d.skipped) out.push(`- ${codeSpan(s.path)}: ${escapeHtml(s.reason)}`);
  }
  out.push('', '## Users', '');
  if (d.users.length === 0) out.push('No access grants or denials found.');
  const userList = listUsers(d);
  if (userList.shown.length > 0) {
    out.push(
      ...mdTable(
        ['User', 'Grants', 'Denials', 'Highest SessionCount', 'First denial', 'Last denial', 'Verdict'],
        userList.shown.map((u) => [mdCode(u.user), u.grants, u.denials, u.highestSessionCount ?? '—', when(u.firstDenial), when(u.lastDenial), escapeHtml(u.verdict.text)]),
      ),
    );
  }
  if (userList.rest) out.push(...(userList.shown.length ? [''] : []), userList.rest);
  for (const u of d.users.filter((x) => x.denials > 0)) {
    out.push('', `## ${mdCode(u.user)}: ${escapeHtml(u.verdict.text)}`, '', escapeHtml(u.verdict.reason), '');
    out.push(`- Denials: ${u.denials} (${sourceLabel(u)})`);
    out.push(`- Bursts (≥3 within 60 s): ${burstText(u.bursts)}; from the REST connectors: ${burstText(u.restConnectorBursts)}`);
    if (u.clientHosts.length > 0) out.push(`- Client hosts: ${u.clientHosts.map((h) => `${codeSpan(h.host)} (${h.count})`).join(', ')}`);
    out.push('', ...mdTable(['Denials', 'Context', 'Origin', 'REST connectors'], u.denialSources.map((s) => [s.count, mdCode(s.context), escapeHtml(originText(s.origin)).replace(/\|/g, '\\|'), s.restConnectors ? 'yes' : 'no'])));
    out.push('', 'Denials by hour (server time):', '', '```', ...histogramLines(u.hours), '```');
    if (u.verdict.fix.length > 0) {
      const lines = u.verdict.fix.flatMap((f) => [`# ${f.why}`, f.command]);
      const fence = codeFence(lines);
      out.push('', 'Fix (add your connection options, e.g. `--host`):', '', `${fence}sh`, ...lines, fence);
    }
    if (u.verdict.advice) out.push('', `Advice: ${escapeHtml(u.verdict.advice)}`);
  }
  return out.join('\n') + '\n';
}

function burstJson(b: Bursts) {
  return {
    count: b.count,
    largest: b.largest ? { start: formatIso(b.largest.start), size: b.largest.size } : null,
    typicalMinute: b.typicalMinute ?? null,
  };
}

/** The --json document; field names are part of qrsfix's interface, change them with care. */
export function toJson(d: Diagnosis, exitCode: number) {
  return {
    command: 'diagnose-log',
    exitCode,
    filters: { user: d.filters.user ?? null, since: d.filters.since ?? null },
    span: d.span ? { first: formatIso(d.span.first), last: formatIso(d.span.last) } : null,
    files: d.files.map((f) => ({
      path: f.path,
      kind: f.kind,
      rows: f.rows,
      accessRows: f.accessRows,
      malformed: f.malformed,
      signatureTrailer: f.signature,
      first: iso(f.first),
      last: iso(f.last),
    })),
    skipped: d.skipped,
    totals: d.totals,
    users: d.users.map((u) => ({
      user: u.user,
      verdict: { code: u.verdict.code, text: u.verdict.text, reason: u.verdict.reason, fix: u.verdict.fix, advice: u.verdict.advice ?? null },
      grants: u.grants,
      denials: u.denials,
      denialsBySource: u.denialsBySource,
      highestSessionCount: u.highestSessionCount ?? null,
      firstDenial: iso(u.firstDenial),
      lastDenial: iso(u.lastDenial),
      denialSources: u.denialSources,
      clientHosts: u.clientHosts,
      denialsByHour: u.hours,
      restConnectorDenials: u.restConnectorDenials,
      denialsAtSessionCap: u.denialsAtSessionCap,
      bursts: burstJson(u.bursts),
      restConnectorBursts: burstJson(u.restConnectorBursts),
    })),
  };
}
