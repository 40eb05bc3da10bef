/**
 * The commander program: every command, its options and its help. Each command's module is loaded
 * only when it runs (so --help and --version start fast); `load` is replaceable, so a test can check
 * in-process that the options given reach the command's function.
 */
import { Command, Option } from 'commander';
import { usageError } from './errors.js';
import { DEFAULTS } from './defaults.js';
import { VERSION } from './version.js';
import { commandLine } from './util/shell.js';
import { changeTicket, fleetAudit } from './workflow-help.js';
import { addVerifyCommand, addVerifyOptions } from './program-verify.js';
import { addConnectionOptions, addLoggingOptions, addOutputOptions, addReportOptions, envOption, envOptionsFromArgv } from './commands/options.js';

// Each command module validates its own arguments; commander hands them over untyped.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Runner = (...args: any[]) => Promise<number>;
export type CommandName = 'audit' | 'verify' | 'remove-pass' | 'create-user' | 'repoint-connections' | 'fix' | 'rollback' | 'apply' | 'show-plan' | 'demo' | 'diagnose-log' | 'doctor';
export type Loader = (name: CommandName) => Promise<{ run: Runner }>;

/** Spelled out, one import per command, so that a bundler sees each module. */
const COMMANDS: Record<CommandName, () => Promise<{ run: Runner }>> = {
  audit: () => import('./commands/audit.js'),
  verify: () => import('./commands/verify.js'),
  'remove-pass': () => import('./commands/remove-pass.js'),
  'create-user': () => import('./commands/create-user.js'),
  'repoint-connections': () => import('./commands/repoint-connections.js'),
  fix: () => import('./commands/fix.js'),
  rollback: () => import('./commands/rollback.js'),
  apply: () => import('./commands/apply.js'),
  'show-plan': () => import('./commands/show-plan.js'),
  demo: () => import('./commands/demo.js'),
  'diagnose-log': () => import('./commands/diagnose-log.js'),
  doctor: () => import('./commands/doctor.js'),
};

const importCommand: Loader = (name) => COMMANDS[name]();

/** A repeatable option's values, in order. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Examples shown at the end of a command's --help, as command lines to paste. */
type Example = [words: string[], why: string];

function examples(...lines: Example[]): string {
  return ['', 'Examples:', ...lines.map(([words, why]) => `  # ${why}\n  ${commandLine(words)}`)].join('\n');
}

const host = 'qlik1.corp.local';
const journal = 'qrsfix-journal-20261128T100649Z.json';

/** The examples at the end of each command's --help. */
const EXAMPLES: Record<CommandName, Example[]> = {
  audit: [
    [['audit', '--host', host, '--certs', './certs'], 'what is wrong, and the commands that fix it'],
    [['audit', '--host', host, '--format', 'markdown', '--out', 'audit.md'], 'the same as Markdown for a change ticket'],
    [['audit', '--site', 'eu-prod'], 'a site named in qrsfix.config.json'],
    [['audit', '--all-sites', '--format', 'markdown', '--out', 'pre-upgrade-fleet.md'], 'a fleet audit before an upgrade'],
  ],
  verify: [
    [['verify', '--host', host], 'reload License Monitor and Operations Monitor, read their logs, audit again'],
    [['verify', '--host', host, '--apps', 'License Monitor,Operations Monitor,Log Monitor', '--wait', '1800'], 'more apps, a longer wait'],
    [['verify', '--host', host, '--no-reload'], 'judge the last runs only (were they after the fix?)'],
  ],
  'remove-pass': [
    [['remove-pass', '--user', 'DOMAIN\\qvservice', '--host', host, '--dry-run'], 'see what would be removed'],
    [['remove-pass', '--user', 'DOMAIN\\qvservice', '--host', host], 'remove it (asks before changing anything)'],
  ],
  'create-user': [
    [['create-user', '--user', 'DOMAIN\\qlikmonitor', '--host', host, '--dry-run'], 'see the plan'],
    [['create-user', '--user', 'DOMAIN\\qlikmonitor', '--name', 'Qlik monitor', '--host', host], 'create it with a display name'],
  ],
  'repoint-connections': [
    [['repoint-connections', '--user', 'DOMAIN\\qlikmonitor', '--host', host, '--dry-run'], 'see which connections would move'],
    [['repoint-connections', '--user', 'DOMAIN\\qlikmonitor', '--update-password', '--host', host], "after the account's password changed"],
  ],
  fix: [
    [['fix', '--host', host, '--dry-run'], 'option 1: the plan to take the access pass from the service account'],
    [['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--host', host, '--dry-run'], 'option 2: the plan for a dedicated monitor user'],
    [['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--host', host], 'apply it (asks for the password and before changing anything)'],
  ],
  rollback: [
    [['rollback', journal, '--dry-run'], 'see what would be undone (the site is the one the journal names)'],
    [['rollback', journal], 'undo it'],
  ],
  'diagnose-log': [
    [['diagnose-log', 'C:\\ProgramData\\Qlik\\Sense\\Log\\Repository'], 'the Repository logs of a node (the folder is searched)'],
    [['diagnose-log', 'logs', '--user', 'DOMAIN\\qvservice', '--since', '2026-11-01'], 'one account, from a date on'],
    [['diagnose-log', 'logs', '--format', 'markdown', '--out', 'diagnosis.md'], 'a report for a change ticket'],
  ],
  apply: [
    [['apply', 'chg-1042.json', '--site', 'prod', '--dry-run'], 'the saved plan, checked against the site, nothing changed'],
    [['apply', 'chg-1042.json', '--site', 'prod'], 'apply it in the change window'],
  ],
  'show-plan': [[['show-plan', 'chg-1042.json', '--format', 'markdown', '--out', 'chg-1042.md'], 'the plan for the change ticket']],
  demo: [[['demo'], 'the whole job on a simulated site; nothing of yours is touched']],
  doctor: [
    [['doctor'], 'on a Qlik Sense node: its Host.cfg and certificates'],
    [['doctor', '--host', host, '--certs', './certs'], 'from another machine'],
  ],
};

export interface ProgramOptions {
  load?: Loader;
  /** Where the exit code of the command goes (the entry sets process.exitCode). */
  onExit?: (code: number) => void;
}

export function buildProgram({ load = importCommand, onExit = (c) => (process.exitCode = c) }: ProgramOptions = {}): Command {
  const action = (name: CommandName) =>
    async function (this: Command, ...args: unknown[]) {
      const given = envOptionsFromArgv(this);
      if (given.length) throw usageError(`${given[0]} is read from the environment only, not from the command line`, `set ${given[0]} in the environment (a secret on the command line ends up in the shell history)`);
      const mod = await load(name);
      // commander passes (...positionals, options, command); the command object is not for our code.
      onExit(await mod.run(...args.slice(0, -1)));
    };

  /** The end of every command's declaration: its examples in --help, and its action. */
  const done = (cmd: Command, name: CommandName) => cmd.addHelpText('after', examples(...EXAMPLES[name])).action(action(name));

  const program = new Command('qrsfix')
    .description('Audit and fix the Qlik Sense service-account access-pass problem (QLIK-88038) over the QRS API.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    // --site fills in the connection options the command line left out, before the command runs.
    .hook('preAction', async (_program, command) => (await import('./commands/site-options.js')).applySiteOptions(command))
    .addHelpText(
      'after',
      [
        '',
        'New here? See the whole job on a built-in simulator, nothing to set up:',
        `  ${commandLine(['demo'])}`,
        'On your own site, start read-only, with the certificates exported from the QMC (see certs.example/README.md):',
        `  ${commandLine(['audit', '--host'])} <central node> --certs <folder>`,
        changeTicket(),
        fleetAudit(),
      ].join('\n'),
    );

  const serviceAccount = (description: string) => new Option('--service-account <DIR\\id>', description).env('QRSFIX_SERVICE_ACCOUNT');
  /** The options of every command that changes something: plan, dry run, confirmation, journal. */
  const change = (cmd: Command, { password = false, journalOf = 'this change', planOut = true } = {}) => {
    if (planOut) {
      cmd.option('--plan-out <file>', 'write the plan to this new file for a change ticket (qrsfix show-plan, qrsfix apply); change nothing').addHelpText('after', changeTicket());
    }
    cmd
      .option('--dry-run', 'print the plan and change nothing')
      .option('-y, --yes', 'apply without asking (needed when there is no terminal)')
      .option('--journal <file>', `where to write the journal of ${journalOf} (default: a new qrsfix-journal-<UTC time>.json in the journal folder)`)
      .addOption(envOption('QRSFIX_JOURNAL_DIR', 'the journal folder (default: %LOCALAPPDATA%\\qrsfix\\journals, ~/.local/state/qrsfix/journals)'));
    if (password) {
      cmd
        .option('--password-stdin', 'read the connection password from standard input (else QRSFIX_PASSWORD, else a prompt)')
        .addOption(envOption('QRSFIX_PASSWORD', 'the connection password'));
    }
    return addOutputOptions(addConnectionOptions(cmd), 'the plan and its outcome');
  };

  const audit = program
    .command('audit')
    .description('read-only: find monitor connections, the identities they run as, and what to fix')
    .addOption(serviceAccount('also report this account in full (default target of the fix commands)'))
    .option('--all-sites', 'audit every site of qrsfix.config.json, at most 4 at once: a summary table, then each site');
  done(addOutputOptions(addConnectionOptions(audit), 'the report (for a change ticket)'), 'audit');

  done(addVerifyCommand(program, serviceAccount('also report this account in full in the audit')), 'verify');

  const removePass = program
    .command('remove-pass')
    .description('KB option 1: deallocate every access allocation (user, professional, analyzer) of a user')
    .option('--user <DIR\\id>', 'the account, e.g. DOMAIN\\qvservice');
  done(change(removePass), 'remove-pass');

  const createUser = program
    .command('create-user')
    .description('make sure a QRS user exists with RootAdmin (an access allocation it holds is reported; fix removes it)')
    .option('--user <DIR\\id>', 'the account, e.g. DOMAIN\\qlikmonitor')
    .option('--name <text>', 'display name of a new user (default: the user id)');
  done(change(createUser), 'create-user');

  const repoint = program
    .command('repoint-connections')
    .description('make the matching data connections run as a user (username and password)')
    .option('--user <DIR\\id>', 'the account the connections run as afterwards')
    .option('--match <glob>', 'data connection names, * and ? as wildcards', DEFAULTS.monitorMatch)
    .option('--update-password', 'also set the password of connections already running as --user (after a password change)')
    .option('--allow-unknown-user', 'repoint to a user QRS does not have yet (e.g. before a directory sync); refused otherwise')
    .option('--include-connection <name>', 'also change this connection although it is not a genuine monitor connection (repeatable)', collect, []);
  done(change(repoint, { password: true }), 'repoint-connections');

  const fix = program
    .command('fix')
    .description('the whole remedy in one plan: option 1 by default, option 2 with --monitor-user')
    .addOption(serviceAccount('the account with the problem (default: the one the monitor connections run as)'))
    .option('--monitor-user <DIR\\id>', 'option 2: a dedicated RootAdmin user for the monitor connections; the service account keeps its pass')
    .option('--name <text>', 'with --monitor-user: display name of the monitor user, if it is created')
    .option('--remove-pass', "with --monitor-user: remove the service account's allocations too")
    .option('--update-password', 'with --monitor-user: set the password even on connections already running as the monitor user')
    .option('--include-connection <name>', 'also repoint this connection although it is not a genuine monitor connection (repeatable)', collect, [])
    .option('--keep-rules', 'leave license rules that grant the account alone (its pass then comes back at its next login)')
    .option('--verify', 'after a complete change, run qrsfix verify (reload the monitoring apps, audit again)');
  done(addVerifyOptions(change(fix, { password: true }), 'with --verify: '), 'fix');

  const rollback = program
    .command('rollback')
    .description('undo what the journal of a change records as done, newest first')
    .argument('<journal>', 'the journal file the change wrote')
    .option('--force', 'also roll back objects modified since the change (default: named and left alone, exit 2); and replace an existing --out file')
    .option('--include-connection <name>', 'give the previous password back to this connection although it is not a genuine monitor connection now (repeatable)', collect, []);
  done(change(rollback, { password: true, journalOf: 'this rollback', planOut: false }), 'rollback');

  const apply = program
    .command('apply')
    .description('apply a saved plan (--plan-out) exactly, if the site is still as the plan saw it')
    .argument('<plan>', 'the plan file --plan-out wrote')
    .option('--include-connection <name>', 'let the plan give a password to this connection although it is not a genuine monitor connection (repeatable)', collect, [])
    .addHelpText('after', changeTicket());
  done(change(apply, { password: true, planOut: false }), 'apply');

  const showPlan = program
    .command('show-plan')
    .description('render a saved plan for review: its changes, the site, the checks and how to roll back (reads no site)')
    .argument('<plan>', 'the plan file --plan-out wrote')
    .addHelpText('after', changeTicket());
  done(addReportOptions(showPlan, 'the rendered plan'), 'show-plan');

  const demo = program
    .command('demo')
    .description('start the built-in QRS simulator and show audit → fix → verify against it')
    .option('--verbose', 'print each request and response (secrets redacted)');
  done(demo, 'demo');

  const diagnose = program
    .command('diagnose-log')
    .description('offline: find the access-pass denials of QLIK-88038 in Repository audit/license logs')
    .argument('<paths...>', 'log files or folders (searched recursively)')
    .option('--user <DIR\\id>', 'only this user')
    .option('--since <date>', 'only rows at or after this date (YYYY-MM-DD or ISO time)')
    .option('--threads <n>', 'parse threads (default: one per CPU, at most 4, for 32 MiB of logs or more; 0: none)');
  done(addLoggingOptions(addReportOptions(diagnose), 'print each file read and how on stderr'), 'diagnose-log');

  const doctor = program
    .command('doctor')
    .description('read-only: check the whole path to QRS, one line a check with the fix for each failure (certificates, proxy, DNS, TCP, TLS, /qrs/about, rights, monitor connections)');
  done(addOutputOptions(addConnectionOptions(doctor), 'the checklist'), 'doctor');

  return program;
}
