/** `qrsfix rollback <journal>`: undo what a journal records as done, newest first, on the same site. */
import path from 'node:path';
import { usageError } from '../errors.js';
import { readAbout } from '../qrs/endpoints.js';
import { reportFormat } from '../output/report.js';
import { readJournal, type Journal } from '../remedy/journal.js';
import { checkJournalSite, planRollback } from '../remedy/rollback-plan.js';
import { info } from '../output/stdio.js';
import { runChange, type ChangeFlags } from './change.js';
import { withClient } from './session.js';
import { suggester } from './suggest.js';

/** Without --host (or QRS_HOST, or --site), the site is the journal's: host, port and servername. */
function siteOfJournal<F extends ChangeFlags>(flags: F, journal: Journal): F {
  if (flags.host !== undefined) return flags;
  info(`the site of the journal: ${journal.site.host}:${journal.site.port}${journal.site.servername ? ` (servername ${journal.site.servername})` : ''}`);
  return { ...flags, host: journal.site.host, port: flags.port ?? String(journal.site.port), servername: flags.servername ?? journal.site.servername };
}

export async function run(journalFile: string, flags: ChangeFlags & { force?: boolean; includeConnection?: string[] }): Promise<number> {
  if (flags.journal && path.resolve(flags.journal) === path.resolve(journalFile)) {
    throw usageError('--journal names the journal being rolled back', 'the rollback writes a journal of its own; give it another file or leave --journal out');
  }
  const journal = readJournal(journalFile);
  reportFormat(flags);
  return withClient(siteOfJournal(flags, journal), async (client) => {
    const suggest = suggester(client.config);
    checkJournalSite(journal, client.config.host, client.config.port, journalFile);
    info(`reading ${client.baseUrl} …`);
    const [about, { plan, passwordOf }] = await Promise.all([readAbout(client), planRollback(client, journal, { file: journalFile, force: flags.force === true, include: flags.includeConnection ?? [] })]);
    return runChange(client, flags, {
      command: 'rollback',
      suggest,
      rerun: suggest(['rollback', journalFile, flags.force === true && '--force', ...(flags.includeConnection ?? []).flatMap((name) => ['--include-connection', name])]),
      title: `Roll back "${journal.command}" of ${journal.createdAt} (${journalFile}), newest change first`,
      plan,
      about,
      passwordOf: passwordOf ? `${passwordOf} (the previous identity of the connections)` : undefined,
      nextSteps: [
        `the site is as before that ${journal.command}, the QLIK-88038 problem included if it was there: ${suggest(['audit'])} shows where it stands`,
      ],
    });
  });
}
