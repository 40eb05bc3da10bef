/**
 * Applies a plan phase by phase (steps of one phase with bounded concurrency), writing the journal
 * after every step. The first failure stops everything not yet started: the journal then says
 * exactly what is done, and a re-run (which re-reads the site) completes the rest.
 */
import type { QrsClient } from '../qrs/client.js';
import { QrsfixError } from '../errors.js';
import { mapLimit } from '../util/concurrency.js';
import { executeStep } from './execute-step.js';
import { writeJournal, type Journal, type JournalStep } from './journal.js';
import { stepPhase } from './steps.js';

export interface ApplyOptions {
  client: QrsClient;
  journal: Journal;
  journalPath: string;
  password?: string;
  concurrency?: number;
  onStep?: (js: JournalStep) => void;
  /** Set by the command's SIGINT handler: no new step starts. */
  isInterrupted?: () => boolean;
}

export type ApplyOutcome = 'done' | 'partial' | 'interrupted';

export async function applyJournal(opts: ApplyOptions): Promise<ApplyOutcome> {
  const { client, journal, journalPath } = opts;
  let failed = false;
  const phases = [...new Set(journal.steps.map((s) => stepPhase(s.step)))].sort((a, b) => a - b);
  for (const phase of phases) {
    const todo = journal.steps.filter((s) => stepPhase(s.step) === phase && s.status === 'pending');
    await mapLimit(todo, opts.concurrency ?? 4, async (js) => {
      if (failed || opts.isInterrupted?.()) return;
      try {
        const outcome = await executeStep(client, js.step, { password: opts.password });
        js.status = outcome.status;
        if (outcome.detail) js.detail = outcome.detail;
        if (outcome.result) js.result = outcome.result;
      } catch (err) {
        failed = true;
        const e = err instanceof QrsfixError ? err : undefined;
        const uncertain = (e as { uncertain?: boolean } | undefined)?.uncertain === true;
        js.status = uncertain ? 'unknown' : 'failed';
        js.detail = e ? e.message : `unexpected: ${String(err)}`;
        if (e?.kind === 'interrupted') js.detail = uncertain ? 'interrupted while in flight: the next run reads back whether it landed' : 'interrupted before it was sent';
        if (e?.kind === 'interrupted' && !uncertain) js.status = 'pending';
      }
      js.finishedAt = new Date().toISOString();
      writeJournal(journalPath, journal);
      opts.onStep?.(js);
    });
    if (failed || opts.isInterrupted?.()) break;
  }
  const outcome: ApplyOutcome = opts.isInterrupted?.() ? 'interrupted' : failed ? 'partial' : 'done';
  journal.outcome = outcome;
  writeJournal(journalPath, journal);
  return outcome;
}
