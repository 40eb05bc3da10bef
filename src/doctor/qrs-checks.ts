/**
 * The QRS half of `qrsfix doctor`, once TLS holds: /qrs/about, what the X-Qlik-User identity may read,
 * and the monitor connections. Reads only. A user without rights reads empty lists rather than an
 * error, so the rights check looks for accounts every site has: the identity itself or INTERNAL's.
 */
import { formatAccount, type Account } from '../account.js';
import type { QrsClient } from '../qrs/client.js';
import { listAllocationsOf, listConnectionsStartingWith, listUsers, readAbout } from '../qrs/endpoints.js';
import { DEFAULT_MONITOR_GLOB, nameMatcher } from '../remedy/match.js';
import { readConnections } from '../remedy/survey.js';
import { fail, failFrom, ok, skip, type CheckResult } from './check.js';

const INTERNAL: Account[] = [
  { directory: 'INTERNAL', userId: 'sa_repository' },
  { directory: 'INTERNAL', userId: 'sa_api' },
];

const NO_RIGHTS_FIX = 'send an identity with read rights: leave --qrs-user out (INTERNAL\\sa_repository) or name a RootAdmin';

async function rightsCheck(client: QrsClient): Promise<CheckResult> {
  const name = 'X-Qlik-User rights';
  const who = formatAccount(client.config.user);
  const users = await listUsers(client, [client.config.user, ...INTERNAL]);
  if (users.length === 0) return fail(name, `${who} sees neither itself nor the INTERNAL accounts: it has no read rights (QRS answers such a user with empty lists)`, NO_RIGHTS_FIX);
  const [allocations, connections] = await Promise.all([listAllocationsOf(client, 'user', [client.config.user]), listConnectionsStartingWith(client, 'monitor_apps_REST_')]);
  return ok(name, `${who} reads users (sees ${users.length} of itself and the INTERNAL accounts), allocations (${allocations.length} of its own) and data connections (${connections.length} named monitor_apps_REST_*)`);
}

export async function checkQrs(client: QrsClient): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  try {
    const about = await readAbout(client);
    results.push(ok('/qrs/about', `QRS build ${about.buildVersion}${about.buildDate ? ` of ${about.buildDate}` : ''}`));
  } catch (err) {
    results.push(failFrom('/qrs/about', err, 'check --host and --port: they must reach the Repository Service (4242)'));
    results.push(skip('X-Qlik-User rights', '/qrs/about failed'), skip('monitor connections', '/qrs/about failed'));
    return results;
  }
  try {
    results.push(await rightsCheck(client));
  } catch (err) {
    results.push(failFrom('X-Qlik-User rights', err, NO_RIGHTS_FIX));
  }
  try {
    const found = await readConnections(client, nameMatcher(DEFAULT_MONITOR_GLOB));
    const n = found.connections.length;
    const lookAlikes = found.lookAlikes.filter((l) => !l.included).length;
    const extra = lookAlikes ? `; ${lookAlikes} look-alike${lookAlikes === 1 ? '' : 's'} (qrsfix audit shows them)` : '';
    results.push(
      n > 0
        ? ok('monitor connections', `${n} ${DEFAULT_MONITOR_GLOB} connection${n === 1 ? '' : 's'} found${extra}`)
        : fail('monitor connections', `no ${DEFAULT_MONITOR_GLOB} connection found${extra}`, 'the monitoring apps are not installed here, or this identity cannot read them: check --host and --qrs-user'),
    );
  } catch (err) {
    results.push(failFrom('monitor connections', err, 'run qrsfix audit --verbose to see the requests'));
  }
  return results;
}
