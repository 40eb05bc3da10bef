/**
 * The one way a command prints its report: `--format table|markdown|json` (`--json` is
 * `--format json`) picks a renderer; the report goes to stdout and, with `--out`, to a file too,
 * both through the secret scrubber. A change prints its report in parts (the plan before the
 * prompt, the outcome after it); the file gets the whole report at the end.
 */
import { usageError } from '../errors.js';
import { checkOutFile, writeReportFile } from './report-file.js';
import { info, out } from './stdio.js';
import { scrubbedJson } from '../secrets.js';

export { writeReportFile } from './report-file.js';
import { withTableWidth } from './fit-table.js';

export const REPORT_FORMATS = ['table', 'markdown', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface OutputFlags {
  format?: string;
  json?: boolean;
  out?: string;
  /** Replace an existing --out file. */
  force?: boolean;
}

export interface TextRenderers {
  table: () => string;
  markdown: () => string;
}

export interface Renderers extends TextRenderers {
  json: () => unknown;
}

/** Checks the report flags before any work: the format, and that --out names a file it may write. */
export function reportFormat(flags: OutputFlags): ReportFormat {
  if (flags.out) checkOutFile(flags.out, { force: flags.force });
  const given = flags.format?.trim().toLowerCase();
  if (given !== undefined && !(REPORT_FORMATS as readonly string[]).includes(given)) {
    throw usageError(`--format must be table, markdown or json, not "${flags.format}"`);
  }
  if (flags.json && given !== undefined && given !== 'json') {
    throw usageError(`--json and --format ${given} ask for two different reports`, '--json is short for --format json: give one of them');
  }
  return flags.json ? 'json' : ((given as ReportFormat | undefined) ?? 'table');
}


/** A report printed in parts as they become known, and written whole to --out at the end. */
export class ReportWriter {
  readonly format: ReportFormat;
  private readonly parts: string[] = [];

  constructor(private readonly flags: OutputFlags) {
    this.format = reportFormat(flags);
  }

  get isJson(): boolean {
    return this.format === 'json';
  }

  /** A part of a text report, printed now; nothing in JSON, whose one document comes at the end. */
  part(r: TextRenderers): void {
    if (this.isJson) return;
    const render = () => (this.format === 'markdown' ? r.markdown() : r.table());
    // Tables fit a terminal; a file and a pipe get them at full width.
    const fit = this.format === 'table' && process.stdout.isTTY === true && process.stdout.columns > 0 ? process.stdout.columns : undefined;
    const shown = withTableWidth(fit, render);
    this.parts.push(fit === undefined ? shown : render());
    out(shown);
  }

  /** The end of the report: the JSON document, and the --out file. */
  end(json: () => unknown): void {
    if (this.isJson) {
      const text = scrubbedJson(json());
      this.parts.push(text);
      out(text, { json: true });
    }
    if (this.flags.out) {
      writeReportFile(this.flags.out, this.parts.join(this.format === 'markdown' ? '\n\n' : '\n'), { force: this.flags.force, json: this.isJson });
      info(`report written to ${this.flags.out}`);
    }
  }
}

/** A report of one piece: stdout, and --out. */
export function writeReport(flags: OutputFlags, r: Renderers): ReportFormat {
  const writer = new ReportWriter(flags);
  writer.part(r);
  writer.end(r.json);
  return writer.format;
}
