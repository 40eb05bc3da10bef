/** `qrsfix remove-pass --user <DIR\id>`: KB option 1, deallocate every access allocation of a user. */
import { accountKey, formatAccount } from '../account.js';
import { QrsfixError } from '../errors.js';
import { readAbout } from '../qrs/endpoints.js';
import { planRemoveAllocations } from '../remedy/plan.js';
import { readIdentities } from '../remedy/survey.js';
import { info } from '../output/stdio.js';
import { reportFormat } from '../output/report.js';
import { runChange, type ChangeFlags } from './change.js';
import { requiredAccount, verifyStep } from './remedy-common.js';
import { withClient } from './session.js';
import { suggester } from './suggest.js';

export interface RemovePassFlags extends ChangeFlags {
  user?: string;
}

export async function run(flags: RemovePassFlags): Promise<number> {
  const account = requiredAccount(flags.user, '--user');
  reportFormat(flags);
  return withClient(flags, async (client) => {
    const suggest = suggester(client.config);
    info(`reading ${client.baseUrl} …`);
    const [about, identities] = await Promise.all([readAbout(client), readIdentities(client, [account])]);
    const state = identities.get(accountKey(account))!;
    if (!state.user) {
      throw new QrsfixError('input', `there is no QRS user ${formatAccount(account)}`, 'check the directory and user id (qrsfix audit lists the identities of the monitor connections)');
    }
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
