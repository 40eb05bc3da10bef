/**
 * `qrsfix doctor` as text: one line a check, its fix on the same line when it failed or warns. What a
 * server or a certificate said stays on its line, its control and bidi characters made visible.
 */
import type { CheckResult } from '../doctor/check.js';
import { oneLine } from '../util/sanitize.js';
import { markdownTable } from './table.js';

const MARK = { ok: '✓', warn: '!', fail: '✗', skip: '-' } as const;
const safe = oneLine;

export function doctorLine(r: CheckResult): string {
  const fix = r.fix && (r.status === 'fail' || r.status === 'warn') ? ` — fix: ${safe(r.fix)}` : '';
  return `${MARK[r.status]} ${r.check}: ${safe(r.detail)}${fix}`;
}

function verdict(results: CheckResult[]): string {
  const failed = results.filter((r) => r.status === 'fail').length;
  const warned = results.filter((r) => r.status === 'warn').length;
  return failed ? `${failed} check${failed === 1 ? '' : 's'} failed` : `all checks hold${warned ? ` (${warned} warning${warned === 1 ? '' : 's'})` : ''}`;
}

export function renderDoctor(results: CheckResult[]): string {
  return [...results.map(doctorLine), '', verdict(results)].join('\n');
}

/** The checklist for a ticket: a table of the checks, their result and the fix. */
export function renderDoctorMarkdown(results: CheckResult[]): string {
  const rows = results.map((r) => [MARK[r.status], r.check, r.detail, r.fix && (r.status === 'fail' || r.status === 'warn') ? r.fix : '']);
  return ['# qrsfix doctor', '', markdownTable(['', 'Check', 'Result', 'Fix'], rows), '', `**${verdict(results)}**`].join('\n');
}

export function doctorJson(results: CheckResult[]): unknown {
  return { command: 'doctor', ok: !results.some((r) => r.status === 'fail'), checks: results };
}
