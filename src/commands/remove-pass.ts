/** `qrsfix remove-pass --user <DIR\id>`: KB option 1, deallocate every access allocation of a user. */
import { formatAccount } from '../account.js';
import { unknownUserError } from './candidates.js';
import { planRemoveAllocations } from '../remedy/plan.js';
import { runChange, type ChangeFlags } from './change.js';
import { verifyStep, withAccount } from './remedy-common.js';

export interface RemovePassFlags extends ChangeFlags {
  user?: string;
}

export async function run(flags: RemovePassFlags): Promise<number> {
  return withAccount(flags, async ({ client, suggest, about, account, state }) => {
    if (!state.user) throw await unknownUserError(client, account, '--user');
    return runChange(client, flags, {
      command: 'remove-pass',
      rerun: suggest(['remove-pass', '--user', formatAccount(account)]),
      suggest,
      title: `Remove every access allocation of ${formatAccount(account)} (KB option 1)`,
      plan: planRemoveAllocations(state),
      about,
      nextSteps: [verifyStep(suggest)],
    });
  });
}
