/** `qrsfix create-user --user <DIR\id> [--name <text>]`: a RootAdmin QRS user, allocations only reported. */
import { accountKey, formatAccount } from '../account.js';
import { aboutSchema } from '../qrs/schemas.js';
import { planEnsureRootAdmin } from '../remedy/plan.js';
import { readIdentities } from '../remedy/survey.js';
import { info } from '../output/stdio.js';
import { runChange, type ChangeFlags } from './change.js';
import { commandLine, requiredAccount } from './remedy-common.js';
import { openClient } from './session.js';

export interface CreateUserFlags extends ChangeFlags {
  user?: string;
  name?: string;
}

export async function run(flags: CreateUserFlags): Promise<number> {
  const account = requiredAccount(flags.user, '--user');
  const client = openClient(flags);
  try {
    info(`reading ${client.baseUrl} …`);
    const [about, identities] = await Promise.all([client.get('/qrs/about', aboutSchema), readIdentities(client, [account])]);
    const who = formatAccount(account);
    return await runChange(client, flags, {
      command: 'create-user',
      rerun: commandLine(client, ['create-user', '--user', who, flags.name !== undefined && '--name', flags.name]),
      title: `Make sure ${who} is a QRS user with RootAdmin`,
      plan: planEnsureRootAdmin(identities.get(accountKey(account))!, flags.name),
      about,
      nextSteps: [`point the monitor connections to it: ${commandLine(client, ['repoint-connections', '--user', who])}`],
    });
  } finally {
    client.close();
  }
}
