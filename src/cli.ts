#!/usr/bin/env node
/**
 * Entry point: the commander program, a lazy import of each command (so --help and --version start
 * fast), and the one place where errors become exit codes. Nothing else in qrsfix exits.
 */
import { Command, CommanderError } from 'commander';
import { QrsfixError, exitCodeFor } from './errors.js';
import { errorLine } from './output/stdio.js';
import { addConnectionOptions, addOutputOptions } from './commands/options.js';
import { VERSION } from './version.js';


// Each command module validates its own arguments; commander hands them over untyped.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Runner = (...args: any[]) => Promise<number>;

/** A repeatable option's values, in order. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Loads a command module only when that command runs. */
function lazy(load: () => Promise<{ run: Runner }>) {
  return async (...args: unknown[]) => {
    const mod = await load();
    // commander passes (...positionals, options, command); the command object is not for our code.
    process.exitCode = await mod.run(...args.slice(0, -1));
  };
}

export function buildProgram(): Command {
  const program = new Command('qrsfix')
    .description('Audit and fix the Qlik Sense service-account access-pass problem (QLIK-88038) over the QRS API.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    // --site fills in the connection options the command line left out, before the command runs.
    .hook('preAction', async (_program, command) => (await import('./commands/site-options.js')).applySiteOptions(command));

  addOutputOptions(
    addConnectionOptions(
      program
        .command('audit')
        .description('read-only: find monitor connections, the identities they run as, and what to fix')
        .option('--service-account <DIR\\id>', 'also report this account in full (default target of the fix commands)', process.env.QRSFIX_SERVICE_ACCOUNT)
        .option('--format <format>', 'table | json | markdown', 'table')
        .option('--out <file>', 'also write the report to this file (for a change ticket)')
        .option('--all-sites', 'audit every site of qrsfix.config.json, at most 4 at once: a summary table, then each site')
        .addHelpText(
          'after',
          ['', 'Examples:', '  qrsfix audit --site eu-prod', '  qrsfix audit --all-sites --format markdown --out pre-upgrade-fleet.md   # a fleet audit before an upgrade'].join('\n'),
        ),
    ),
  ).action(lazy(() => import('./commands/audit.js')));

  const change = (cmd: Command, withPassword: boolean, journalOf = 'this change') => {
    cmd
      .option('--dry-run', 'print the plan and change nothing')
      .option('-y, --yes', 'apply without asking (needed when there is no terminal)')
      .option('--journal <file>', `where to write the journal of ${journalOf} (default ./qrsfix-journal-<UTC time>.json)`);
    if (withPassword) cmd.option('--password-stdin', 'read the connection password from standard input (else QRSFIX_PASSWORD, else a prompt)');
    return addOutputOptions(addConnectionOptions(cmd));
  };

  change(
    program
      .command('remove-pass')
      .description('KB option 1: deallocate every access allocation (user, professional, analyzer) of a user')
      .option('--user <DIR\\id>', 'the account, e.g. DOMAIN\\qvservice'),
    false,
  ).action(lazy(() => import('./commands/remove-pass.js')));

  change(
    program
      .command('create-user')
      .description('make sure a QRS user exists with RootAdmin (an access allocation it holds is reported; fix removes it)')
      .option('--user <DIR\\id>', 'the account, e.g. DOMAIN\\qlikmonitor')
      .option('--name <text>', 'display name of a new user (default: the user id)'),
    false,
  ).action(lazy(() => import('./commands/create-user.js')));

  change(
    program
      .command('repoint-connections')
      .description('make the matching data connections run as a user (username and password)')
      .option('--user <DIR\\id>', 'the account the connections run as afterwards')
      .option('--match <glob>', 'data connection names, * and ? as wildcards', 'monitor_apps_REST_*')
      .option('--update-password', 'also set the password of connections already running as --user (after a password change)')
      .option('--include-connection <name>', 'also change this connection although it is not a genuine monitor connection (repeatable)', collect, []),
    true,
  ).action(lazy(() => import('./commands/repoint-connections.js')));

  change(
    program
      .command('fix')
      .description('the whole remedy in one plan: option 1 by default, option 2 with --monitor-user')
      .option('--service-account <DIR\\id>', 'the account with the problem (default: the one the monitor connections run as)', process.env.QRSFIX_SERVICE_ACCOUNT)
      .option('--monitor-user <DIR\\id>', 'option 2: a dedicated RootAdmin user for the monitor connections; the service account keeps its pass')
      .option('--name <text>', 'display name of the monitor user, if it is created')
      .option('--remove-pass', 'with --monitor-user: remove the service account\'s allocations too')
      .option('--update-password', 'set the password even on connections already running as the monitor user')
      .option('--include-connection <name>', 'also repoint this connection although it is not a genuine monitor connection (repeatable)', collect, []),
    true,
  ).action(lazy(() => import('./commands/fix.js')));

  change(
    program
      .command('rollback')
      .description('undo what the journal of a change records as done, newest first')
      .argument('<journal>', 'the journal file the change wrote')
      .option('--force', 'also roll back objects modified since the change (default: named and left alone, exit 2)'),
    true,
    'this rollback',
  ).action(lazy(() => import('./commands/rollback.js')));

  program
    .command('demo')
    .description('start the built-in QRS simulator and show audit → fix → audit against it')
    .option('--verbose', 'print each request and response (secrets redacted)')
    .action(lazy(() => import('./commands/demo.js')));

  program
    .command('diagnose-log')
    .description('offline: find the access-pass denials of QLIK-88038 in Repository audit/license logs')
    .argument('<paths...>', 'log files or folders (searched recursively)')
    .option('--user <DIR\\id>', 'only this user')
    .option('--since <date>', 'only rows at or after this date (YYYY-MM-DD or ISO time)')
    .option('--format <format>', 'table | json | markdown', 'table')
    .option('--json', 'one JSON document on stdout (same as --format json)')
    .option('--out <file>', 'also write the report to this file')
    .option('--threads <n>', 'parse threads (default: one per CPU, at most 4, for 32 MiB of logs or more; 0: none)')
    .action(lazy(() => import('./commands/diagnose-log.js')));

  return program;
}

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

main(process.argv).then(exitAfterFlush, (err) => exitAfterFlush(reportError(err)));
