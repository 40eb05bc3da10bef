/**
 * The command lines qrsfix suggests (re-runs, fixes, the rollback): the tool's name, the words, and
 * the connection flags of this run that differ from the defaults, so that the line can be pasted.
 */
import type { QrsConnectionConfig } from '../qrs/config.js';
import { DEFAULTS } from '../defaults.js';
import { commandLine, type Word } from '../util/shell.js';

export type Suggest = (words: Word[]) => string;

/** The site --site (or the sites file's default) chose, and the connection options given beside it. */
export interface SiteInUse {
  name: string;
  /** The sites file, when the command line named it (QRSFIX_CONFIG is still set for the pasted line). */
  configFile?: string;
  /** Option names (commander's: host, certs, qrsUser, …) given on the command line. */
  given: ReadonlySet<string>;
}

let siteInUse: SiteInUse | undefined;

/** Set before a command runs: its suggested lines then name the site rather than spell it out. */
export function suggestWithSite(site: SiteInUse | undefined): void {
  siteInUse = site;
}

/** The connection flags to repeat: --host always, the others when not the default; `--site` instead of what the site gives. */
export function connectionArgs(config: QrsConnectionConfig): string[] {
  const user = `${config.user.directory}\\${config.user.userId}`;
  const args: Array<[string, string[] | false | undefined | '']> = [
    ['host', ['--host', config.host]],
    ['port', config.port !== DEFAULTS.port && ['--port', String(config.port)]],
    ['certs', config.certsDir !== DEFAULTS.certsDir && ['--certs', config.certsDir]],
    ['servername', config.servername && ['--servername', config.servername]],
    ['insecure', config.insecure && ['--insecure']],
    ['qrsUser', user.toLowerCase() !== DEFAULTS.qrsUser.toLowerCase() && ['--qrs-user', user]],
    ['proxy', !!config.proxy && !config.proxyFromEnv && !hasCredentials(config.proxy) && ['--proxy', config.proxy]],
    ['timeout', config.timeoutMs !== DEFAULTS.timeoutMs && ['--timeout', String(config.timeoutMs)]],
  ];
  const site = siteInUse;
  const kept = site ? args.filter(([key]) => site.given.has(key)) : args;
  const words = kept.flatMap(([, a]) => a || []);
  return site ? ['--site', site.name, ...(site.configFile ? ['--config', site.configFile] : []), ...words] : words;
}

/** A proxy URL with credentials is a secret: it is left for the admin to add, as they gave it. */
function hasCredentials(proxy: string): boolean {
  try {
    const u = new URL(proxy);
    return u.username !== '' || u.password !== '';
  } catch {
    return true;
  }
}

/** Suggestions for the site of this config. */
export function suggester(config: QrsConnectionConfig): Suggest {
  const connection = connectionArgs(config);
  return (words) => commandLine([...words, ...connection]);
}
