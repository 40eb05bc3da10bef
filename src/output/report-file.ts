/**
 * `--out <file>` for every report: the same scrubbed, escaped text as on stdout, written without
 * trusting the name. A new file is created exclusively; an existing one is replaced only with --force,
 * and then through a temporary file renamed over it; a symlink at the name is never followed, --force
 * or not (it could point at anything the user may write).
 */
import { QrsfixError } from '../errors.js';
import { scrub } from '../secrets.js';
import { forJson, forTerminal } from '../util/sanitize.js';
import { createExclusive, replaceAtomically, whatIsAt } from '../util/safe-write.js';
import { readFileHead } from '../util/read-bounded.js';

export interface OutOptions {
  /** Replace an existing regular file. */
  force?: boolean;
  /** The text is a JSON document (escaped as JSON, not for a terminal). */
  json?: boolean;
}

function failure(file: string, err: unknown): QrsfixError {
  const code = (err as NodeJS.ErrnoException).code ?? String(err);
  return new QrsfixError('input', `cannot write the report to ${file}: ${code}`, 'check that the folder exists and that you may write there', { cause: err });
}

/** Refuses, before any work is done, an --out that names something it will not write over. */
export function checkOutFile(file: string, opts: OutOptions = {}): void {
  let at;
  try {
    at = whatIsAt(file);
  } catch (err) {
    throw failure(file, err);
  }
  if (at === 'symlink') throw new QrsfixError('refused', `--out ${file} is a symbolic link: qrsfix does not write through links`, 'give the path of a new file');
  if (at === 'other') throw new QrsfixError('refused', `--out ${file} is not a regular file`, 'give the path of a new file');
  if (at === 'file' && !opts.force) throw new QrsfixError('refused', `--out ${file} exists already`, 'give a new file name, or add --force to replace it');
  const kind = at === 'file' ? qrsfixRecordAt(file) : undefined;
  if (kind) {
    throw new QrsfixError('refused', `--out ${file} is a qrsfix ${kind}: a report never replaces one, --force or not`, `give the report a file of its own, e.g. --out ${file.replace(/\.json$/i, '')}-report.${opts.json ? 'json' : 'txt'}`);
  }
}

/**
 * A journal or a saved plan is the record of a change (what to roll back, what was approved): `--out`
 * naming one — the journal this run writes, the one being rolled back, the plan being shown — would
 * replace that record with a report. Told by its opening: both start with their "format".
 */
function qrsfixRecordAt(file: string): 'journal' | 'plan' | undefined {
  let head: string;
  try {
    head = readFileHead(file, 64 * 1024).toString('utf8');
  } catch {
    return undefined;
  }
  const format = /^\s*\{[\s\S]{0,65536}?"format"\s*:\s*"qrsfix-(journal|plan)"/.exec(head)?.[1];
  return format === 'journal' || format === 'plan' ? format : undefined;
}

export function writeReportFile(file: string, text: string, opts: OutOptions = {}): void {
  checkOutFile(file, opts);
  const body = scrub(text.endsWith('\n') ? text : text + '\n');
  const safe = opts.json ? forJson(body) : forTerminal(body);
  try {
    if (opts.force) replaceAtomically(file, safe, 0o666);
    else createExclusive(file, safe, 0o666);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new QrsfixError('refused', `--out ${file} exists already`, 'give a new file name, or add --force to replace it');
    throw failure(file, err);
  }
}
