/**
 * What qrsfix says when a name the admin typed matches nothing: the nearest names QRS has, read with
 * one filtered request, so that a typo ends in an error that names the right one, not in "nothing to do".
 */
import { formatAccount, type Account } from '../account.js';
import { QrsfixError } from '../errors.js';
import type { QrsClient } from '../qrs/client.js';
import { listConnectionsStartingWith, listUsersWithIdLike } from '../qrs/endpoints.js';
import { didYouMean, nearest } from '../util/nearest.js';

/** A fragment of the user id that a typo elsewhere in it still contains. */
function fragmentOf(userId: string): string {
  return userId.slice(0, Math.min(3, userId.length));
}

/** The QRS users nearest to an account that has no QRS user. */
export async function nearestUsers(client: QrsClient, account: Account, also: string[] = []): Promise<string[]> {
  const users = await listUsersWithIdLike(client, fragmentOf(account.userId));
  return nearest(formatAccount(account), [...also, ...users.map((u) => formatAccount({ directory: u.userDirectory, userId: u.userId }))]);
}

/** The error for a flag naming an account QRS has no user for. */
export async function unknownUserError(client: QrsClient, account: Account, flag: string, also: string[] = [], hint?: string): Promise<QrsfixError> {
  const near = await nearestUsers(client, account, also);
  return new QrsfixError(
    'input',
    `${flag} ${formatAccount(account)}: QRS has no such user; ${didYouMean(near, 'no user id like it either')}`,
    hint ?? 'give the account as the QMC lists it under Users (DIRECTORY\\userid); qrsfix audit lists the identities of the monitor connections',
  );
}

/** The error for a --match that matches no data connection. */
export async function noConnectionError(client: QrsClient, glob: string, prefix: string): Promise<QrsfixError> {
  const some = await listConnectionsStartingWith(client, prefix.slice(0, 3));
  const near = nearest(prefix, some.map((c) => c.name));
  return new QrsfixError('input', `--match ${glob}: no data connection matches (names are matched exactly, case included); ${didYouMean(near, `none starts with "${prefix.slice(0, 3)}" either`)}`, 'the QMC lists the data connections under Data connections; the monitoring apps\' are named monitor_apps_REST_*');
}
