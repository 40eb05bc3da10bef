/**
 * `qrsfix diagnose-log <file|folder>...`: offline proof from Qlik's own Repository logs that the
 * "no access pass" trouble is QLIK-88038. Exit 0 without denials, 2 with denials, 1 on error.
 */
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAccount } from '../account.js';
import { EXIT, usageError } from '../errors.js';
import { isRepositoryLogName } from '../logs/find-files.js';
import { diagnoseLogs } from '../logs/diagnose.js';
import { renderMarkdown, renderTable, toJson } from '../output/diagnose-report.js';
import { reportFormat, writeReport, type OutputFlags } from '../output/report.js';
import { parseSince } from '../logs/time.js';
import { configureOutput, debug, info, warn } from '../output/stdio.js';

export interface DiagnoseLogOptions extends OutputFlags {
  user?: string;
  since?: string;
  threads?: string;
  quiet?: boolean;
  verbose?: boolean;
}

const STRINGS = ['user', 'since', 'format', 'out', 'threads'] as const;
const BOOLEANS = ['json', 'quiet', 'verbose', 'force'] as const;

/** Checked by hand: this offline command needs neither zod nor the QRS client loaded (they cost startup). */
function validOptions(value: unknown): value is DiagnoseLogOptions {
  if (typeof value !== 'object' || value === null) return false;
  const o = value as Record<string, unknown>;
  return STRINGS.every((k) => o[k] === undefined || typeof o[k] === 'string') && BOOLEANS.every((k) => o[k] === undefined || typeof o[k] === 'boolean');
}

/** The real path of a file that may not exist yet: its folder resolved, its name kept. */
function realTarget(file: string): string {
  const abs = path.resolve(file);
  try {
    return realpathSync(abs);
  } catch {
    try {
      return path.join(realpathSync(path.dirname(abs)), path.basename(abs));
    } catch {
      return abs;
    }
  }
}

/** The report must not land on the evidence: not on an input, nor on a log inside an input folder. */
function checkOutIsNoInput(out: string, inputs: string[]): void {
  const target = realTarget(out);
  for (const input of inputs) {
    const real = realTarget(input);
    let folder = false;
    try {
      folder = statSync(real).isDirectory();
    } catch {
      /* a missing input is reported by the search */
    }
    const inside = folder && target.startsWith(real.endsWith(path.sep) ? real : real + path.sep) && isRepositoryLogName(path.basename(target));
    if (target === real || inside) {
      throw usageError(`--out ${out} is one of the logs being read (${input}): the report would destroy the evidence`, 'write the report to another file');
    }
  }
}

function parseThreads(text: string): number {
  if (!/^\d{1,2}$/.test(text.trim()) || Number(text) > 16) throw usageError(`--threads "${text}" is not a number of threads from 0 to 16`, 'e.g. --threads 2; 0 parses in the main thread');
  return Number(text);
}

export async function run(paths: string[], options: DiagnoseLogOptions = {}): Promise<number> {
  // Checked at run time too: commander hands over whatever argv held.
  if (!Array.isArray(paths) || paths.length === 0 || !paths.every((p) => typeof p === 'string') || !validOptions(options)) {
    throw usageError('diagnose-log: unexpected arguments', 'qrsfix diagnose-log <file|folder>... [--user DIR\\id] [--since date] [--json | --format markdown]');
  }
  const opts: DiagnoseLogOptions = { ...options };
  configureOutput({ quiet: opts.quiet === true, verbose: opts.verbose === true });
  if (opts.out) checkOutIsNoInput(opts.out, paths);
  reportFormat(opts);
  const user = opts.user !== undefined ? parseAccount(opts.user, '--user') : undefined;
  const since = opts.since !== undefined ? parseSince(opts.since) : undefined;
  const threads = opts.threads !== undefined ? parseThreads(opts.threads) : undefined;

  const diagnosis = await diagnoseLogs(paths, { ...(user && { user }), ...(since && { since }) }, { info, warn, debug }, threads === undefined ? {} : { threads });
  const code = diagnosis.totals.denials > 0 ? EXIT.findings : EXIT.ok;
  writeReport(opts, { table: () => renderTable(diagnosis), markdown: () => renderMarkdown(diagnosis), json: () => toJson(diagnosis, code) });
  return code;
}
