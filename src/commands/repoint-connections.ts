/** `qrsfix repoint-connections --user <DIR\id> [--match <glob>] [--update-password]`. */
import { accountKey, formatAccount } from '../account.js';
import { readAbout } from '../qrs/endpoints.js';
import { DEFAULT_MONITOR_GLOB, nameMatcher } from '../remedy/match.js';
import { mergePlans, planLookAlikes, planRepoint } from '../remedy/plan.js';
import { isRootAdmin, readConnections, readIdentities } from '../remedy/survey.js';
import { reportFormat } from '../output/report.js';
import { info } from '../output/stdio.js';
import { runChange, type ChangeFlags } from './change.js';
import { requiredAccount, verifyStep } from './remedy-common.js';
import { withClient } from './session.js';
import { noConnectionError, unknownUserError } from './candidates.js';
import { suggester } from './suggest.js';

export interface RepointFlags extends ChangeFlags {
  user?: string;
  match?: string;
  updatePassword?: boolean;
  includeConnection?: string[];
  allowUnknownUser?: boolean;
}

export async function run(flags: RepointFlags): Promise<number> {
  const target = requiredAccount(flags.user, '--user');
  const matcher = nameMatcher(flags.match ?? DEFAULT_MONITOR_GLOB);
  const include = flags.includeConnection ?? [];
  reportFormat(flags);
  return withClient(flags, async (client) => {
    const suggest = suggester(client.config);
    info(`reading ${client.baseUrl} …`);
    const [about, found, identities] = await Promise.all([
      readAbout(client),
      readConnections(client, matcher, include),
      readIdentities(client, [target]),
    ]);
    const who = formatAccount(target);
    if (!found.connections.length && !found.lookAlikes.length) throw await noConnectionError(client, matcher.glob, matcher.prefix);
    const state = identities.get(accountKey(target))!;
    // The reloads would fail as a user QRS does not have: refused, unless the admin says it is coming.
    if (!state.user && !flags.allowUnknownUser) {
      throw await unknownUserError(client, target, '--user', [], `create it first (${suggest(['create-user', '--user', who])}), or add --allow-unknown-user if it is on its way (a directory sync)`);
    }
    const plan = mergePlans(planRepoint(found.connections, target, flags.updatePassword === true), planLookAlikes(found.lookAlikes));
    if (found.nearMisses.length) plan.unchanged.push(`not matching exactly, left alone: ${found.nearMisses.map((c) => c.name).join(', ')}`);
    if (!state.user) plan.notes.push(`${who} is not a QRS user yet: the reloads need it as RootAdmin (${suggest(['create-user', '--user', who])})`);
    else if (!isRootAdmin(state.user.roles)) plan.notes.push(`${who} is not RootAdmin, which the monitor reloads need (${suggest(['create-user', '--user', who])} adds it)`);
    if (state.allocations.some((a) => !a.entity.quarantined)) plan.notes.push(`${who} holds an access allocation: the same session limit will hit it (${suggest(['remove-pass', '--user', who])})`);
    return runChange(client, flags, {
      command: 'repoint-connections',
      suggest,
      rerun: suggest(['repoint-connections', '--user', who, flags.match !== undefined && '--match', flags.match, flags.updatePassword === true && '--update-password', flags.allowUnknownUser === true && '--allow-unknown-user', ...include.flatMap((name) => ['--include-connection', name])]),
      title: `Run the data connections named ${matcher.glob} as ${who}`,
      plan,
      about,
      passwordOf: who,
      nextSteps: [verifyStep(suggest)],
    });
  });
}
