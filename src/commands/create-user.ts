/** `qrsfix create-user --user <DIR\id> [--name <text>]`: a RootAdmin QRS user, allocations only reported. */
import { formatAccount } from '../account.js';
import { planEnsureRootAdmin } from '../remedy/plan.js';
import { runChange, type ChangeFlags } from './change.js';
import { withAccount } from './remedy-common.js';

export interface CreateUserFlags extends ChangeFlags {
  user?: string;
  name?: string;
}

export async function run(flags: CreateUserFlags): Promise<number> {
  return withAccount(flags, async ({ client, suggest, about, account, state }) => {
    const who = formatAccount(account);
    return runChange(client, flags, {
      command: 'create-user',
      rerun: suggest(['create-user', '--user', who, flags.name !== undefined && '--name', flags.name]),
      suggest,
      title: `Make sure ${who} is a QRS user with RootAdmin`,
      plan: planEnsureRootAdmin(state, flags.name),
      about,
      nextSteps: [`point the monitor connections to it: ${suggest(['repoint-connections', '--user', who])}`],
    });
  });
}
