/**
 * `qrsfix diagnose-log <file|folder>...`: offline proof from Qlik's own Repository logs that the
 * "no access pass" trouble is QLIK-88038. Exit 0 without denials, 2 with denials, 1 on error.
 */
import { writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseAccount } from '../account.js';
import { EXIT, QrsfixError, usageError } from '../errors.js';
import { diagnoseLogs } from '../logs/diagnose.js';
import { renderMarkdown, renderTable, toJson, type ReportFormat } from '../logs/report.js';
import { parseSince } from '../logs/time.js';
import { info, out, outJson, warn } from '../output/stdio.js';

const Options = z.object({
  user: z.string().optional(),
  since: z.string().optional(),
  format: z.string().optional(),
  json: z.boolean().optional(),
  out: z.string().optional(),
});

export type DiagnoseLogOptions = z.infer<typeof Options>;

function reportFormat(opts: DiagnoseLogOptions): ReportFormat {
  const format = (opts.format ?? 'table').toLowerCase();
  if (format !== 'table' && format !== 'markdown' && format !== 'json') {
    throw usageError(`--format "${opts.format}" is not one of table, markdown, json`);
  }
  if (opts.json && format === 'markdown') throw usageError('--json and --format markdown ask for two different reports', 'choose one');
  return opts.json ? 'json' : format;
}

export async function run(paths: string[], options: DiagnoseLogOptions = {}): Promise<number> {
  // Checked at run time too: commander hands over whatever argv held.
  const parsedPaths = z.array(z.string()).min(1).safeParse(paths);
  const parsedOpts = Options.safeParse(options);
  if (!parsedPaths.success || !parsedOpts.success) {
    throw usageError('diagnose-log: unexpected arguments', 'qrsfix diagnose-log <file|folder>... [--user DIR\\id] [--since date] [--json | --format markdown]');
  }
  const opts = parsedOpts.data;
  const format = reportFormat(opts);
  const user = opts.user !== undefined ? parseAccount(opts.user, '--user') : undefined;
  const since = opts.since !== undefined ? parseSince(opts.since) : undefined;

  const diagnosis = await diagnoseLogs(parsedPaths.data, { ...(user && { user }), ...(since && { since }) }, { info, warn });
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
