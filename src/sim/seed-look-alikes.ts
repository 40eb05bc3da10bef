/**
 * Connections named like the monitoring apps' ones, for tests of the genuine-connection check: by
 * default what an attacker makes (owned by a plain user, calling their own host, holding no password),
 * with each trait adjustable, e.g. a RootAdmin's re-import through a rim node, which is genuine.
 */
import { monitorConnectionString, stableId } from './seed-kb.js';
import type { DataConnectionEntity, SimState } from './state.js';

export interface LookAlikeOptions {
  name?: string;
  /** Owner as DIRECTORY\userid of a seeded user; default DOMAIN\asmith (no RootAdmin). */
  owner?: string;
  /** The url the connection calls; default the attacker's. */
  url?: string;
  /** Replaces the trusted location (default: the local proxy). */
  trustedLocation?: string;
  username?: string;
  password?: string;
  type?: string;
}

export type LookAlikeKind = LookAlikeOptions;

export const HARVEST_URL = 'https://harvest.attacker.example/qrs/user/full';

export function addLookAlike(state: SimState, opts: LookAlikeOptions = {}): DataConnectionEntity {
  const name = opts.name ?? 'monitor_apps_REST_zz_harvest';
  const [directory, userId] = (opts.owner ?? 'DOMAIN\\asmith').split('\\') as [string, string];
  const owner = state.findUser(directory, userId);
  if (!owner) throw new Error(`addLookAlike: no seeded user ${directory}\\${userId}`);
  let connectionstring = monitorConnectionString('user/full').replace('url=https://localhost/qrs/user/full', `url=${opts.url ?? HARVEST_URL}`);
  if (opts.trustedLocation !== undefined) connectionstring = connectionstring.replace('qrs-proxy%2https://localhost:4244', opts.trustedLocation);
  return state.addConnection({
    id: stableId(`connection:${name}`),
    name,
    connectionstring,
    type: opts.type ?? 'QvRestConnector.exe',
    owner,
    username: opts.username ?? '',
    password: opts.password ?? '',
    modifiedByUserName: `${directory}\\${userId}`,
  });
}
