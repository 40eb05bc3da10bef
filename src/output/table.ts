/** Terminal tables and Markdown tables from the same rows. */
import { boxTable } from './text-table.js';

/**
 * One line per row, as in the QMC's lists; rules between rows only when a cell holds several lines,
 * where they tell the rows apart.
 */
export function textTable(head: string[], rows: string[][]): string {
  return boxTable(head, rows, { rules: rows.some((r) => r.some((c) => c.includes('\n'))) });
}

function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
}

export function markdownTable(head: string[], rows: string[][]): string {
  const lines = [`| ${head.map(mdCell).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.map(mdCell).join(' | ')} |`);
  return lines.join('\n');
}

/** Inline code in Markdown: keeps `DOMAIN\\user` and command lines readable in a ticket's raw text. */
export function mdCode(v: string): string {
  const ticks = v.includes('`') ? '``' : '`';
  return `${ticks}${v.replace(/\|/g, '\\|').replace(/\n/g, ' ')}${ticks}`;
}

/** `2026-11-28T10:06:49.123Z` → `2026-11-28 10:06 UTC`; empty for null. */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
