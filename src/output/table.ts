/** Terminal tables and Markdown tables from the same rows. */
import { utcText } from '../util/time-text.js';
import { boxTable } from './text-table.js';
import { codeSpan, escapeHtml } from '../util/sanitize.js';

/**
 * One line per row, as in the QMC's lists; rules between rows only when a cell holds several lines,
 * where they tell the rows apart.
 */
export function textTable(head: string[], rows: string[][]): string {
  return boxTable(head, rows, { rules: rows.some((r) => r.some((c) => c.includes('\n'))) });
}

/** A Markdown table cell: HTML in it becomes text, its lines are joined with <br>, a pipe cannot end it. */
function mdCell(s: string): string {
  return s
    .split('\n')
    .map(escapeHtml)
    .join('<br>')
    .replace(/\|/g, '\\|');
}

export function markdownTable(head: string[], rows: string[][]): string {
  const lines = [`| ${head.map(mdCell).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.map(mdCell).join(' | ')} |`);
  return lines.join('\n');
}

/** Inline code in Markdown: keeps `DOMAIN\\user` and command lines readable in a ticket's raw text; no backtick in it can end it. */
export function mdCode(v: string): string {
  return codeSpan(v).replace(/\|/g, '\\|');
}

/** Times in reports: see utcText. */
export const shortTime = utcText;
