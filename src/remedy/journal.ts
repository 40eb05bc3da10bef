/**
 * The journal: created before the first write, rewritten (atomically, mode 0600) after every step, so
 * an interrupted run can be understood, re-run or rolled back. It holds the site, the plan, each step's
 * before-state and status, and never a secret.
 */
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { createExclusive, replaceAtomically, whatIsAt } from '../util/safe-write.js';
import { QrsfixError } from '../errors.js';
import { scrubbedJson } from '../secrets.js';
import type { Step } from './steps.js';
import { readBoundedFile, readErrorText } from '../util/read-bounded.js';

export const JOURNAL_FORMAT = 'qrsfix-journal';
export const JOURNAL_VERSION = 1;

/** A step as planned (steps.ts); checked here only for its kind: rollback refuses kinds it cannot undo. */
const stepSchema = z.custom<Step>((v) => typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string', { error: 'expected a step with a kind' });

const journalSchema = z.object({
  format: z.literal(JOURNAL_FORMAT),
  version: z.number(),
  tool: z.object({ name: z.literal('qrsfix'), version: z.string() }),
  command: z.string(),
  /** The site the change was made on; a rollback goes there unless told otherwise (and refuses another). */
  site: z.object({ host: z.string(), port: z.number(), servername: z.string().optional(), buildVersion: z.string() }),
  createdAt: z.string(),
  updatedAt: z.string(),
  outcome: z.enum(['in-progress', 'done', 'partial', 'interrupted', 'failed']),
  unchanged: z.array(z.string()),
  notes: z.array(z.string()),
  steps: z.array(
    z.object({
      n: z.number(),
      step: stepSchema,
      status: z.enum(['pending', 'done', 'already', 'failed', 'skipped', 'unknown']),
      description: z.string(),
      /** What QRS said after the step (e.g. a quarantine end date), or why it failed. */
      detail: z.string().optional(),
      /** Ids QRS gave to what the step created (e.g. userGuid), needed to roll it back. */
      result: z.record(z.string(), z.string()).optional(),
      finishedAt: z.string().optional(),
    }),
  ),
});

export type Journal = z.infer<typeof journalSchema>;
export type JournalStep = Journal['steps'][number];
export type StepStatus = JournalStep['status'];

/** A journal's file in `folder`, unique even for two runs in the same millisecond: UTC time with milliseconds, and a random part. */
export function defaultJournalPath(folder: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '');
  return path.join(folder, `qrsfix-journal-${stamp}-${randomBytes(3).toString('hex')}.json`);
}

function existsError(file: string): QrsfixError {
  return new QrsfixError('refused', `the journal ${file} exists already: qrsfix never overwrites a journal`, 'give --journal a new file name, or leave --journal out for a fresh one');
}

/** Refuses a journal name that is taken (a file, a link, anything), before any change is made. */
export function checkJournalFree(file: string): void {
  let at;
  try {
    at = whatIsAt(file);
  } catch (err) {
    throw new QrsfixError('input', `cannot check the journal ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, 'use --journal <file> in a folder you may write');
  }
  if (at !== 'none') throw existsError(file);
}

function journalText(journal: Journal): string {
  journal.updatedAt = new Date().toISOString();
  // Each text scrubbed before it is JSON-escaped, so a secret quoted in an error detail (in any of its forms) goes too.
  return scrubbedJson(journal) + '\n';
}

function writeFailure(file: string, err: unknown): QrsfixError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EEXIST') return existsError(file);
  return new QrsfixError('input', `cannot write the journal ${file}: ${code ?? String(err)}`, 'use --journal <file> in a writable folder');
}

/** The first write: the journal is created exclusively, so two runs never share one. */
export function createJournal(file: string, journal: Journal): void {
  try {
    createExclusive(file, journalText(journal));
  } catch (err) {
    throw writeFailure(file, err);
  }
}

/** Every later write: to a fresh temporary file, renamed over the journal, so a crash never leaves half of one. */
export function writeJournal(file: string, journal: Journal): void {
  try {
    replaceAtomically(file, journalText(journal));
  } catch (err) {
    throw writeFailure(file, err);
  }
}

/** Far above any journal qrsfix writes (a step is under 2 KiB): a bigger file is not one. */
const MAX_JOURNAL_BYTES = 256 * 1024 * 1024;

export function readJournal(file: string): Journal {
  let text: string;
  try {
    text = readBoundedFile(file, MAX_JOURNAL_BYTES).toString('utf8');
  } catch (err) {
    throw new QrsfixError('input', `cannot read the journal ${file}: ${readErrorText(err, MAX_JOURNAL_BYTES)}`, 'give the path printed at the end of the fix run (qrsfix-journal-<time>.json)');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new QrsfixError('refused', `${file} is not a complete JSON document (truncated or not a journal)`, 'rollback needs the journal exactly as qrsfix wrote it');
  }
  if (!json || typeof json !== 'object' || (json as { format?: unknown }).format !== JOURNAL_FORMAT) {
    throw new QrsfixError('refused', `${file} is not a qrsfix journal`, 'give the path printed at the end of the fix run (qrsfix-journal-<time>.json)');
  }
  const parsed = journalSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new QrsfixError('refused', `${file} is a damaged qrsfix journal (${issue?.path.join('.') || 'top level'}: ${issue?.message})`, 'rollback refuses to guess; repair the change by hand in the QMC or re-run the fix');
  }
  if (parsed.data.version > JOURNAL_VERSION) {
    throw new QrsfixError('refused', `${file} was written by a newer qrsfix (journal version ${parsed.data.version})`, 'use that qrsfix version for the rollback');
  }
  return parsed.data;
}
