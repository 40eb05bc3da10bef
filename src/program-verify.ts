/**
 * The options of `verify` (also on `fix --verify`), and the command itself, declared apart from
 * program.ts so that file keeps to one screen per command group. Light imports only: loaded for --help.
 */
import type { Command, Option } from 'commander';
import { addConnectionOptions, addOutputOptions, envOption } from './commands/options.js';

export function addVerifyOptions(cmd: Command, prefix = ''): Command {
  return cmd
    .option('--apps <names>', `${prefix}the published apps whose reload tasks to run, comma-separated`, 'License Monitor,Operations Monitor')
    .option('--wait <seconds>', `${prefix}stop waiting for the reloads after this long (they go on running; exit 2)`, '900');
}

export function addVerifyCommand(program: Command, serviceAccount: Option): Command {
  return addOutputOptions(
    addConnectionOptions(
      addVerifyOptions(
        program
          .command('verify')
          .description('prove the fix: reload the published monitoring apps, read their script logs, audit again')
          .addOption(serviceAccount)
          .option('--no-reload', 'start nothing: judge each task by its last run and script log')
          .option('--journal <file>', 'the journal to compare the last runs with (default: the newest in the journal folder)')
          .addOption(envOption('QRSFIX_JOURNAL_DIR', 'the journal folder to look in')),
      ),
    ),
    'the verify report',
  );
}
