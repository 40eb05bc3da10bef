/** `qrsfix create-user --user <DIR\id> [--name <text>]`: a RootAdmin QRS user, allocations only reported. */
import { accountKey, formatAccount } from '../account.js';
import { readAbout } from '../qrs/endpoints.js';
import { planEnsureRootAdmin } from '../remedy/plan.js';
import { readIdentities } from '../remedy/survey.js';
import { info } from '../output/stdio.js';
import { reportFormat } from '../output/report.js';
import { runChange, type ChangeFlags } from './change.js';
import { requiredAccount } from './remedy-common.js';
import { withClient } from './session.js';
import { suggester } from './suggest.js';

export interface CreateUserFlags extends ChangeFlags {
  user?: string;
  name?: string;
}

export async function run(flags: CreateUserFlags): Promise<number> {
  const account = requiredAccount(flags.user, '--user');
  reportFormat(flags);
  return withClient(flags, async (client) => {
    const suggest = suggester(client.config);
    info(`reading ${client.baseUrl} …`);
    const [about, identities] = await Promise.all([readAbout(client), readIdentities(client, [account])]);
    const who = formatAccount(account);
    return runChange(client, flags, {
      command: 'create-user',
      rerun: suggest(['create-user', '--user', who, flags.name !== undefined && '--name', flags.name]),
      suggest,
      title: `Make sure ${who} is a QRS user with RootAdmin`,
      plan: planEnsureRootAdmin(identities.get(accountKey(account))!, flags.name),
      about,
      nextSteps: [`point the monitor connections to it: ${suggest(['repoint-connections', '--user', who])}`],
    });
  });
}
