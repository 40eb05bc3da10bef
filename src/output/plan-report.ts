/** Renders a plan before a change and the summary after it. */
import type { Journal, JournalStep } from '../remedy/journal.js';
import { describeStep, type Plan } from '../remedy/steps.js';

export function renderPlan(title: string, plan: Plan): string {
  const out: string[] = [title];
  if (plan.steps.length === 0) {
    out.push('  No change needed.');
  } else {
    out.push(`  Changes (${plan.steps.length}):`);
    plan.steps.forEach((s, i) => out.push(`   ${String(i + 1).padStart(2)}. ${describeStep(s)}`));
  }
  if (plan.unchanged.length) {
    out.push('  Left alone:');
    for (const u of plan.unchanged) out.push(`    - ${u}`);
  }
  if (plan.held?.length) {
    out.push('  Changed since, left alone:');
    for (const h of plan.held) out.push(`    ✗ ${h}`);
  }
  if (plan.notes.length) {
    out.push('  Please note:');
    for (const n of plan.notes) out.push(`    ! ${n}`);
  }
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
  return `  ${MARK[js.status]} ${js.n}. ${js.description}${js.detail ? ` — ${js.detail}` : ''}`;
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

export function renderSummary(journal: Journal, journalPath: string, rerun: string): string {
  const t = tally(journal);
  const out: string[] = [];
  out.push(
    `Summary: ${t.changed} changed, ${t.leftAlone} left alone${t.skipped ? `, ${t.skipped} skipped` : ''}, ${t.failed} failed${t.unknown ? `, ${t.unknown} outcome unknown` : ''}${t.notStarted ? `, ${t.notStarted} not started` : ''}.`,
  );
  // Done steps were listed in the plan and as they happened; here only what needs a look.
  for (const js of journal.steps) if (js.status !== 'pending' && js.status !== 'done') out.push(stepLine(js));
  for (const js of journal.steps) if (js.status === 'done' && js.detail && /quarantin|confirmed|concurrent|free again/.test(js.detail)) out.push(stepLine(js));
  out.push(`Journal: ${journalPath}`);
  if (journal.outcome === 'partial' || journal.outcome === 'interrupted') {
    out.push(`Not complete. To finish it, run the same command again (it re-reads the site): ${rerun}`);
    out.push(`To undo what was done: qrsfix rollback ${journalPath} (same connection options)`);
  }
  return out.join('\n');
}
