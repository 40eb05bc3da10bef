/**
 * The one flow every mutating command follows: print the plan; --dry-run stops there; get the
 * password if the plan sets one; confirm (or --yes); create the journal before the first write;
 * apply; summarise; exit 0 done, 2 partly done, 130 interrupted.
 */
import type { QrsClient } from '../qrs/client.js';
import type { About } from '../qrs/schemas.js';
import { EXIT, usageError } from '../errors.js';
import { applyJournal } from '../remedy/apply.js';
import { JOURNAL_FORMAT, JOURNAL_VERSION, checkJournalFree, createJournal, defaultJournalPath, type Journal } from '../remedy/journal.js';
import { lockSite } from '../remedy/site-lock.js';
import { earlierUnfinished } from '../remedy/journal-history.js';
import { describeStep, stepNeedsPassword, type Plan } from '../remedy/steps.js';
import { renderPlan, renderPlanMarkdown, renderSummary, renderSummaryMarkdown, stepLine, tally } from '../output/plan-report.js';
import { ReportWriter, type TextRenderers } from '../output/report.js';
import { info, warn } from '../output/stdio.js';
import { mdCode } from '../output/table.js';
import { confirmChange, hasTerminal, obtainPassword, type PasswordSource } from './interaction.js';
import { checkConnectionPassword } from '../remedy/credential.js';
import path from 'node:path';
import { VERSION } from '../version.js';
import { ensureJournalDir, journalDir } from './journal-dir.js';
import type { CommonFlags } from './session.js';
import type { Suggest } from './suggest.js';
import { shellQuote } from '../util/shell.js';

export interface ChangeFlags extends CommonFlags, PasswordSource {
  dryRun?: boolean;
  yes?: boolean;
  journal?: string;
  /** Compute the plan, change nothing, write it to this file for `qrsfix apply`. */
  planOut?: string;
  /** QRSFIX_JOURNAL_DIR, read through commander. */
  envQrsfixJournalDir?: string;
}

export interface ChangeRequest {
  command: string;
  /** The command line to suggest for a re-run. */
  rerun: string;
  /** Command lines for this site (the rollback of the change). */
  suggest: Suggest;
  title: string;
  plan: Plan;
  about: About;
  /** Whose password the plan's connection steps set (for the prompt). */
  passwordOf?: string;
  /** Runs after the change, or at once when there is none (fix: the audit's verdict); returns text and a JSON value. */
  verify?: (changed: boolean) => Promise<{ text: string; json: unknown; exitHint?: number }>;
  /** Steps that can only be planned once the first ones are done (a new user's license rules); same journal. */
  followUp?: () => Promise<Plan>;
  /** Runs last, after a whole change or when there is nothing to change (fix --verify); a non-zero exit counts. */
  after?: () => Promise<{ report: TextRenderers; json: unknown; exit: number }>;
  nextSteps?: string[];
  /** fix: the account the closing audit reports in full (kept in a saved plan for its apply). */
  serviceAccount?: string;
  /** The command line that applies this plan, when it is not `rerun` (a saved plan's `qrsfix apply`). */
  applyCommand?: string;
  /** Runs once confirmed, under the site lock, before the journal and the first write; throws to refuse. */
  beforeWrites?: () => Promise<void>;
}

/** The dry run's command line to apply it: the same flags, with the ones a real run needs kept. */
function baseApplyLine(req: ChangeRequest, flags: ChangeFlags): string {
  const extra: string[] = [];
  if (flags.passwordStdin && req.plan.steps.some(stepNeedsPassword)) extra.push('--password-stdin');
  if (flags.journal) extra.push('--journal', flags.journal);
  return [req.applyCommand ?? req.rerun, ...extra.map((w) => shellQuote(w))].join(' ');
}

function applyLine(req: ChangeRequest, flags: ChangeFlags): string {
  const line = baseApplyLine(req, flags);
  return hasTerminal() ? line : `${line}  (add --yes: there is no terminal to confirm on)`;
}

/** "Apply this 1 change" / "Apply these 3 changes". */
export function applyQuestion(n: number, host: string): string {
  return `Apply ${n === 1 ? 'this 1 change' : `these ${n} changes`} to ${host}?`;
}

/** The plan as the JSON report of a change shows it. */
export function planJsonOf(plan: Plan) {
  return { steps: plan.steps.map((s, i) => ({ n: i + 1, description: describeStep(s), ...s })), unchanged: plan.unchanged, notes: plan.notes, held: plan.held ?? [] };
}

/** Lines of text: a plain paragraph in the terminal, the same in Markdown with command lines as code. */
export function lines(text: string[], markdown: string[] = text): { table: () => string; markdown: () => string } {
  return { table: () => text.join('\n'), markdown: () => markdown.join('\n\n') };
}

export async function runChange(client: QrsClient, flags: ChangeFlags, req: ChangeRequest): Promise<number> {
  for (const [flag, file] of [['--journal', flags.journal], ['--plan-out', flags.planOut]] as const) {
    if (flags.out && file && path.resolve(flags.out) === path.resolve(file)) {
      throw usageError(`--out and ${flag} name the same file`, `${flag === '--journal' ? 'the journal is the record to roll back from' : 'the plan is what gets approved and applied'}: give the report a file of its own`);
    }
  }
  const report = new ReportWriter(flags);
  const planJson = planJsonOf(req.plan);
  // Objects changed since and left alone: the change is not whole, whatever else happens.
  const heldCode = req.plan.held?.length ? EXIT.partial : EXIT.ok;
  const site = { host: client.config.host, port: client.config.port, ...(client.config.servername ? { servername: client.config.servername } : {}), buildVersion: req.about.buildVersion };
  const doc = { command: req.command, site, dryRun: !!flags.dryRun };
  report.part({ table: () => renderPlan(req.title, req.plan), markdown: () => renderPlanMarkdown(req.title, req.plan) });
  if (flags.planOut) return (await import('./plan-out.js')).savePlan(client, flags, req, report);

  if (req.plan.steps.length === 0) {
    const verdict = req.verify ? await req.verify(false) : undefined;
    report.part(lines(['Nothing to change. Nothing was written.', ...(verdict ? [verdict.text] : [])]));
    const after = req.after && !flags.dryRun ? await req.after() : undefined;
    if (after) report.part(after.report);
    report.end(() => ({ ...doc, outcome: 'nothing-to-do', plan: planJson, verdict: verdict?.json, ...(after ? { verify: after.json } : {}) }));
    return heldCode !== EXIT.ok ? heldCode : (after?.exit ?? EXIT.ok);
  }
  if (flags.dryRun) {
    const apply = applyLine(req, flags);
    report.part(lines([`Dry run: nothing was changed. To apply: ${apply}`], ['Dry run: nothing was changed. To apply:', mdCode(apply)]));
    report.end(() => ({ ...doc, outcome: 'dry-run', plan: planJson }));
    return EXIT.ok;
  }

  // Before a password is asked for: a run that cannot go on says so first.
  const folder = ensureJournalDir(journalDir(flags.envQrsfixJournalDir));
  // Absolute, so that every mention of it (here, the summary, the rollback line) works from any folder.
  const journalPath = path.resolve(flags.journal ?? defaultJournalPath(folder));
  checkJournalFree(journalPath);
  const lock = lockSite(folder, client.config.host, client.config.port, req.command, warn);
  try {
    return await applyChange(client, flags, req, { report, doc, planJson, journalPath });
  } finally {
    lock.release();
  }
}

interface ChangeContext {
  report: ReportWriter;
  doc: { command: string; site: Journal['site']; dryRun: boolean };
  planJson: unknown;
  journalPath: string;
}

async function applyChange(client: QrsClient, flags: ChangeFlags, req: ChangeRequest, ctx: ChangeContext): Promise<number> {
  const { report, doc, planJson, journalPath } = ctx;
  const password = req.plan.steps.some(stepNeedsPassword) ? await obtainPassword(flags, req.passwordOf ?? 'the account') : undefined;
  if (password !== undefined) checkConnectionPassword(password);
  const base = baseApplyLine(req, flags);
  if (!(await confirmChange(applyQuestion(req.plan.steps.length, doc.site.host), flags.yes, { dryRun: `${base} --dry-run`, apply: `${base} --yes` }))) {
    info('Not confirmed: nothing was changed.');
    return EXIT.error;
  }
  await req.beforeWrites?.();

  const now = new Date().toISOString();
  const journal: Journal = {
    format: JOURNAL_FORMAT,
    version: JOURNAL_VERSION,
    tool: { name: 'qrsfix', version: VERSION },
    command: req.command,
    site: doc.site,
    createdAt: now,
    updatedAt: now,
    outcome: 'in-progress',
    unchanged: req.plan.unchanged,
    notes: [...req.plan.notes, ...(req.plan.held ?? []).map((h) => `changed since, left alone: ${h}`)],
    steps: req.plan.steps.map((step, i) => ({ n: i + 1, step, status: 'pending', description: describeStep(step) })),
  };
  const earlier = earlierUnfinished(path.dirname(journalPath), doc.site, journalPath);
  createJournal(journalPath, journal);
  info(`journal: ${journalPath}`);

  let interrupted = false;
  const onSigint = () => {
    if (interrupted) return;
    interrupted = true;
    warn('interrupted: abandoning the request in flight and writing the journal…');
    client.abort();
  };
  process.on('SIGINT', onSigint);
  let outcome;
  try {
    client.restartDeadline();
    outcome = await applyJournal({
      client,
      journal,
      journalPath,
      password,
      isInterrupted: () => interrupted,
      onStep: (js) => info(stepLine(js)),
    });
    if (outcome === 'done' && req.followUp) {
      const more = await req.followUp();
      if (more.steps.length) {
        info('planned now that the first steps are done:');
        for (const step of more.steps) info(`  + ${describeStep(step)}`);
        const first = journal.steps.length;
        journal.steps.push(...more.steps.map((step, i) => ({ n: first + i + 1, step, status: 'pending' as const, description: describeStep(step) })));
        journal.notes.push(...more.notes);
        outcome = await applyJournal({ client, journal, journalPath, password, isInterrupted: () => interrupted, onStep: (js) => info(stepLine(js)) });
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
  }

  if (outcome === 'done' && req.verify) client.restartDeadline();
  const verdict = outcome === 'done' && req.verify ? await req.verify(true) : undefined;
  const rollback = req.suggest(['rollback', journalPath]);
  report.part({ table: () => renderSummary(journal, journalPath, req.rerun, rollback), markdown: () => renderSummaryMarkdown(journal, journalPath, req.rerun, rollback) });
  if (earlier) {
    const line = `This run's journal follows an earlier one of ${earlier.journal.command} on this site that did not finish (${earlier.journal.outcome}, ${earlier.file}). Both exist; to undo everything, roll back this one first, then the earlier one:`;
    report.part(lines([line, `  ${rollback}`, `  ${req.suggest(['rollback', earlier.file])}`], [line, mdCode(rollback), mdCode(req.suggest(['rollback', earlier.file]))]));
  }
  if (req.plan.held?.length) report.part(lines([`Not rolled back, changed since (${req.plan.held.length}): see "Changed since" above, each with what --force would do.`]));
  if (verdict) report.part(lines([verdict.text]));
  const after = outcome === 'done' && req.after ? await req.after() : undefined;
  if (after) report.part(after.report);
  if (outcome === 'done' && !after && req.nextSteps?.length) {
    report.part(lines(['Next steps:', ...req.nextSteps.map((s) => `  - ${s}`)], ['## Next steps', req.nextSteps.map((s) => `- ${s}`).join('\n')]));
  }
  report.end(() => ({ ...doc, outcome, plan: planJson, results: journal.steps, tally: tally(journal), journal: journalPath, rollback: req.command === 'rollback' ? null : rollback, verdict: verdict?.json, ...(after ? { verify: after.json } : {}) }));
  if (outcome === 'done' && !req.plan.held?.length && after && after.exit !== EXIT.ok) return after.exit;
  return outcome === 'done' ? (req.plan.held?.length ? EXIT.partial : EXIT.ok) : outcome === 'interrupted' ? EXIT.interrupted : EXIT.partial;
}
