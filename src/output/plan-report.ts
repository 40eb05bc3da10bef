/** Renders a plan before a change and the summary after it, as terminal text or Markdown. */
import type { Journal, JournalStep } from '../remedy/journal.js';
import { describeStep, type Plan } from '../remedy/steps.js';
import { mdCode } from './table.js';
import { escapeHtml, oneLine } from '../util/sanitize.js';

/** Each item of a plan is one line, whatever the names in it hold. */
export function renderPlan(title: string, plan: Plan): string {
  const out: string[] = [oneLine(title)];
  if (plan.steps.length === 0) {
    out.push('  No change needed.');
  } else {
    out.push(`  Changes (${plan.steps.length}):`);
    plan.steps.forEach((s, i) => out.push(`   ${String(i + 1).padStart(2)}. ${oneLine(describeStep(s))}`));
  }
  if (plan.unchanged.length) {
    out.push('  Left alone:');
    for (const u of plan.unchanged) out.push(`    - ${oneLine(u)}`);
  }
  if (plan.held?.length) {
    out.push('  Changed since, left alone:');
    for (const h of plan.held) out.push(`    ✗ ${oneLine(h)}`);
  }
  if (plan.notes.length) {
    out.push('  Please note:');
    for (const n of plan.notes) out.push(`    ! ${oneLine(n)}`);
  }
  return out.join('\n');
}

export function renderPlanMarkdown(title: string, plan: Plan): string {
  const out: string[] = [`# ${escapeHtml(title)}`, ''];
  if (plan.steps.length === 0) out.push('No change needed.');
  else {
    out.push(`## Changes (${plan.steps.length})`, '');
    plan.steps.forEach((s, i) => out.push(`${i + 1}. ${escapeHtml(describeStep(s))}`));
  }
  if (plan.unchanged.length) out.push('', '## Left alone', '', ...plan.unchanged.map((u) => `- ${escapeHtml(u)}`));
  if (plan.held?.length) out.push('', '## Changed since, left alone', '', ...plan.held.map((h) => `- ${escapeHtml(h)}`));
  if (plan.notes.length) out.push('', '## Please note', '', ...plan.notes.map((n) => `- ${escapeHtml(n)}`));
  return out.join('\n');
}

const MARK: Record<JournalStep['status'], string> = {
  done: '✓',
  already: '=',
  skipped: '-',
  failed: '✗',
  unknown: '?',
  pending: '·',
};

export function stepLine(js: JournalStep): string {
  return `  ${MARK[js.status]} ${js.n}. ${oneLine(js.description)}${js.detail ? ` — ${oneLine(js.detail)}` : ''}`;
}

export interface Tally {
  changed: number;
  leftAlone: number;
  skipped: number;
  failed: number;
  unknown: number;
  notStarted: number;
}

export function tally(journal: Journal): Tally {
  const count = (s: JournalStep['status']) => journal.steps.filter((j) => j.status === s).length;
  return {
    changed: count('done'),
    leftAlone: count('already') + journal.unchanged.length,
    skipped: count('skipped'),
    failed: count('failed'),
    unknown: count('unknown'),
    notStarted: count('pending'),
  };
}

function tallyLine(journal: Journal): string {
  const t = tally(journal);
  return `Summary: ${t.changed} changed, ${t.leftAlone} left alone${t.skipped ? `, ${t.skipped} skipped` : ''}, ${t.failed} failed${t.unknown ? `, ${t.unknown} outcome unknown` : ''}${t.notStarted ? `, ${t.notStarted} not started` : ''}.`;
}

/** After a change: the tally, what needs a look, the journal, and the commands to finish or undo it. */
/** A rollback's journal is not rolled back (rollback refuses it): what it undid is redone by running that command again. */
const REDO = 'To redo what this rolled back, run the command that made that change again (it re-reads the site).';

function undoable(journal: Journal): boolean {
  return journal.command !== 'rollback' && journal.steps.some((js) => js.status === 'done' || js.status === 'unknown');
}

export function renderSummary(journal: Journal, journalPath: string, rerun: string, rollback: string): string {
  const out: string[] = [tallyLine(journal)];
  // Done steps were listed in the plan and as they happened; here only what needs a look.
  for (const js of journal.steps) if (js.status !== 'pending' && js.status !== 'done') out.push(stepLine(js));
  for (const js of journal.steps) if (js.status === 'done' && js.detail && /quarantin|confirmed|concurrent|free again/.test(js.detail)) out.push(stepLine(js));
  out.push(`Journal: ${journalPath}`);
  if (journal.outcome === 'partial' || journal.outcome === 'interrupted') {
    out.push(`Not complete. To finish it, run the same command again (it re-reads the site): ${rerun}`);
  }
  if (undoable(journal)) out.push(`To undo it: ${rollback}`);
  else if (journal.command === 'rollback') out.push(REDO);
  return out.join('\n');
}

export function renderSummaryMarkdown(journal: Journal, journalPath: string, rerun: string, rollback: string): string {
  const out: string[] = ['## Outcome', '', tallyLine(journal), ''];
  for (const js of journal.steps) out.push(`- ${MARK[js.status]} ${js.n}. ${escapeHtml(js.description)}${js.detail ? ` — ${escapeHtml(js.detail)}` : ''}`);
  out.push('', `Journal: ${mdCode(journalPath)}`);
  if (journal.outcome === 'partial' || journal.outcome === 'interrupted') out.push('', `Not complete. To finish it: ${mdCode(rerun)}`);
  if (undoable(journal)) out.push('', `To undo it: ${mdCode(rollback)}`);
  else if (journal.command === 'rollback') out.push('', REDO);
  return out.join('\n');
}
