/** `qrsfix remove-pass --user <DIR\id>`: KB option 1, deallocate every access allocation of a user. */
import { accountKey, formatAccount } from '../account.js';
import { QrsfixError } from '../errors.js';
import { aboutSchema } from '../qrs/schemas.js';
import { planRemoveAllocations } from '../remedy/plan.js';
import { readIdentities } from '../remedy/survey.js';
import { info } from '../output/stdio.js';
import { runChange, type ChangeFlags } from './change.js';
import { commandLine, RELOAD_STEP, requiredAccount } from './remedy-common.js';
import { openClient } from './session.js';

export interface RemovePassFlags extends ChangeFlags {
  user?: string;
}

export async function run(flags: RemovePassFlags): Promise<number> {
  const account = requiredAccount(flags.user, '--user');
  const client = openClient(flags);
  try {
    info(`reading ${client.baseUrl} …`);
    const [about, identities] = await Promise.all([client.get('/qrs/about', aboutSchema), readIdentities(client, [account])]);
    const state = identities.get(accountKey(account))!;
    if (!state.user) {
      throw new QrsfixError('input', `there is no QRS user ${formatAccount(account)}`, 'check the directory and user id (qrsfix audit lists the identities of the monitor connections)');
    }
    return await runChange(client, flags, {
      command: 'remove-pass',
      rerun: commandLine(client, ['remove-pass', '--user', formatAccount(account)]),
      title: `Remove every access allocation of ${formatAccount(account)} (KB option 1)`,
      plan: planRemoveAllocations(state),
      about,
      nextSteps: [RELOAD_STEP],
    });
  } finally {
    client.close();
  }
}
