/**
 * The one place qrsfix writes to the terminal. Data goes to stdout (with --json: exactly one JSON
 * document); logs, progress and warnings go to stderr. Everything is scrubbed of registered secrets.
 */
import { scrub } from '../secrets.js';
import { forJson, forTerminal } from '../util/sanitize.js';

/** Every byte to the terminal: secrets scrubbed, then control codes made visible (src/util/sanitize.ts). */
function safe(text: string): string {
  return forTerminal(scrub(text));
}

let quiet = false;
let verbose = false;

export function configureOutput(opts: { quiet?: boolean; verbose?: boolean }): void {
  quiet = opts.quiet ?? quiet;
  verbose = opts.verbose ?? verbose;
}

export function isVerbose(): boolean {
  return verbose;
}

/** Data for the user: a report, a table, a plan; `json`: the text is a JSON document (escaped as JSON). */
export function out(text: string, opts: { json?: boolean } = {}): void {
  const line = text.endsWith('\n') ? text : text + '\n';
  process.stdout.write(opts.json ? forJson(scrub(line)) : safe(line));
}

/** Progress and information: stderr, silenced by --quiet. */
export function info(text: string): void {
  if (!quiet) process.stderr.write(safe(text) + '\n');
}

/** Warnings always show. */
export function warn(text: string): void {
  process.stderr.write(safe(`warning: ${text}`) + '\n');
}

/** --verbose request/response tracing; callers pass already-redacted text. */
export function debug(text: string): void {
  if (verbose) process.stderr.write(safe(`debug: ${text}`) + '\n');
}

export function errorLine(text: string): void {
  process.stderr.write(safe(text) + '\n');
}
