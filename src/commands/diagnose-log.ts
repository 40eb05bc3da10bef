/**
 * `qrsfix diagnose-log <file|folder>...`: offline proof from Qlik's own Repository logs that the
 * "no access pass" trouble is QLIK-88038. Exit 0 without denials, 2 with denials, 1 on error.
 */
import { writeFile } from 'node:fs/promises';
import { parseAccount } from '../account.js';
import { EXIT, QrsfixError, usageError } from '../errors.js';
import { diagnoseLogs } from '../logs/diagnose.js';
import { renderMarkdown, renderTable, toJson, type ReportFormat } from '../logs/report.js';
import { parseSince } from '../logs/time.js';
import { info, out, outJson, warn } from '../output/stdio.js';

export interface DiagnoseLogOptions {
  user?: string;
  since?: string;
  format?: string;
  json?: boolean;
  out?: string;
  threads?: string;
}

/** Checked by hand: this offline command needs neither zod nor the QRS client loaded (they cost startup). */
function validOptions(value: unknown): value is DiagnoseLogOptions {
  if (typeof value !== 'object' || value === null) return false;
  const o = value as Record<string, unknown>;
  const optional = (v: unknown, type: 'string' | 'boolean') => v === undefined || typeof v === type;
  return optional(o.user, 'string') && optional(o.since, 'string') && optional(o.format, 'string') && optional(o.json, 'boolean') && optional(o.out, 'string') && optional(o.threads, 'string');
}

function reportFormat(opts: DiagnoseLogOptions): ReportFormat {
  const format = (opts.format ?? 'table').toLowerCase();
  if (format !== 'table' && format !== 'markdown' && format !== 'json') {
    throw usageError(`--format "${opts.format}" is not one of table, markdown, json`);
  }
  if (opts.json && format === 'markdown') throw usageError('--json and --format markdown ask for two different reports', 'choose one');
  return opts.json ? 'json' : format;
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
  const opts: DiagnoseLogOptions = { user: options.user, since: options.since, format: options.format, json: options.json, out: options.out, threads: options.threads };
  const format = reportFormat(opts);
  const user = opts.user !== undefined ? parseAccount(opts.user, '--user') : undefined;
  const since = opts.since !== undefined ? parseSince(opts.since) : undefined;

  const threads = opts.threads !== undefined ? parseThreads(opts.threads) : undefined;

  const diagnosis = await diagnoseLogs(paths, { ...(user && { user }), ...(since && { since }) }, { info, warn }, threads === undefined ? {} : { threads });
  const code = diagnosis.totals.denials > 0 ? EXIT.findings : EXIT.ok;

  let text: string;
  if (format === 'json') {
    const doc = toJson(diagnosis, code);
    outJson(doc);
    text = JSON.stringify(doc, null, 2) + '\n';
  } else {
    text = format === 'markdown' ? renderMarkdown(diagnosis) : renderTable(diagnosis);
    out(text);
  }
  if (opts.out) {
    try {
      await writeFile(opts.out, text, 'utf8');
    } catch (err) {
      throw new QrsfixError('input', `cannot write the report to ${opts.out}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, 'check that the folder exists and that you may write there', { cause: err });
    }
    info(`report written to ${opts.out}`);
  }
  return code;
}
