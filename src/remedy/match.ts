/**
 * Connection-name globs. QRS filters are case-insensitive, so the server is asked with `sw <literal
 * prefix>` and the answer is then matched exactly (case-sensitive) here: `MONITOR_APPS_REST_x` made by
 * hand is not one of Qlik's monitor connections.
 */
import { usageError } from '../errors.js';

export const DEFAULT_MONITOR_GLOB = 'monitor_apps_REST_*';

export interface NameMatcher {
  glob: string;
  /** Literal text every matching name starts with; sent to QRS as `name sw '…'`. */
  prefix: string;
  test(name: string): boolean;
}

export function nameMatcher(glob: string): NameMatcher {
  const prefix = glob.split(/[*?]/, 1)[0] ?? '';
  if (prefix.length < 3) {
    throw usageError(`--match "${glob}" must start with at least 3 literal characters`, 'e.g. --match "monitor_apps_REST_*"; qrsfix never lists every data connection of a site');
  }
  const source = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  const re = new RegExp(`^${source}$`);
  return { glob, prefix, test: (name) => re.test(name) };
}
