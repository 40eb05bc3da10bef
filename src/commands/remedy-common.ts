/** What the remedy commands share: account flags, the prologue of a one-account command, the step after a remedy. */
import { accountKey, parseAccount, type Account } from '../account.js';
import { usageError } from '../errors.js';
import type { QrsClient } from '../qrs/client.js';
import { readAbout } from '../qrs/endpoints.js';
import type { About } from '../qrs/schemas.js';
import { reportFormat } from '../output/report.js';
import { info } from '../output/stdio.js';
import { readIdentities, type IdentityState } from '../remedy/survey.js';
import { withClient, type CommonFlags } from './session.js';
import { suggester, type Suggest } from './suggest.js';

export function requiredAccount(value: string | undefined, flag: string): Account {
  if (!value) throw usageError(`${flag} <DIR\\id> is required`, `e.g. ${flag} 'DOMAIN\\qvservice'`);
  return parseAccount(value, flag);
}

export function optionalAccount(value: string | undefined, flag: string): Account | undefined {
  return value ? parseAccount(value, flag) : undefined;
}

export interface AccountContext {
  client: QrsClient;
  suggest: Suggest;
  about: About;
  account: Account;
  state: IdentityState;
}

/** `--user` checked before anything is read, then a client, the site's about and the user's state. */
export function withAccount(flags: CommonFlags & { user?: string }, fn: (ctx: AccountContext) => Promise<number>): Promise<number> {
  const account = requiredAccount(flags.user, '--user');
  reportFormat(flags);
  return withClient(flags, async (client) => {
    info(`reading ${client.baseUrl} …`);
    const [about, identities] = await Promise.all([readAbout(client), readIdentities(client, [account])]);
    return fn({ client, suggest: suggester(client.config), about, account, state: identities.get(accountKey(account))! });
  });
}

/** The step that follows every remedy: prove it by reloading the monitoring apps. */
export function verifyStep(suggest: Suggest): string {
  return `prove it (reload the monitoring apps, read their script logs, audit again): ${suggest(['verify'])}`;
}
