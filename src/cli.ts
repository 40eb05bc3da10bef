#!/usr/bin/env node
/**
 * Entry point: runs the program (src/program.ts) and is the one place where errors become exit codes.
 * Nothing else in qrsfix exits.
 */
import { CommanderError } from 'commander';
import { QrsfixError, exitCodeFor } from './errors.js';
import { errorLine } from './output/stdio.js';
import { buildProgram } from './program.js';

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportError(err);
  }
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander already printed its message (and help, for --help / --version, which exit 0).
    return err.exitCode === 0 ? 0 : 1;
  }
  if (err instanceof QrsfixError) {
    // errorLine escapes control codes; a message's own line breaks (a list of differences) stay.
    errorLine(`error: ${err.message}`);
    if (err.hint) errorLine(`hint: ${err.hint}`);
    return exitCodeFor(err);
  }
  // A bug, not an expected failure: say so plainly; the stack only with QRSFIX_DEBUG.
  const e = err instanceof Error ? err : new Error(String(err));
  errorLine(`error: unexpected failure: ${e.message}`);
  errorLine('hint: this is a qrsfix bug; run again with QRSFIX_DEBUG=1 for details and report it');
  if (process.env.QRSFIX_DEBUG) errorLine(e.stack ?? '');
  return 1;
}

/** Exit only once stdout and stderr are flushed: pipes are asynchronous on Windows. */
function exitAfterFlush(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

// A reader that stops early (`qrsfix --help | head`) closes the pipe: that ends the output, not in a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw err;
  });
}

main(process.argv).then(exitAfterFlush, (err) => exitAfterFlush(reportError(err)));
