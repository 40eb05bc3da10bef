/**
 * The command lines qrsfix suggests (re-runs, fixes, the rollback): the tool's name, the words, and
 * the connection flags of this run that differ from the defaults, so that the line can be pasted.
 */
import type { QrsConnectionConfig } from '../qrs/config.js';
import { DEFAULTS } from '../defaults.js';
import { commandLine, type Word } from '../util/shell.js';

export type Suggest = (words: Word[]) => string;

/** The connection flags to repeat: --host always, the others when not the default. */
export function connectionArgs(config: QrsConnectionConfig): string[] {
  const args = ['--host', config.host];
  if (config.port !== DEFAULTS.port) args.push('--port', String(config.port));
  if (config.certsDir !== DEFAULTS.certsDir) args.push('--certs', config.certsDir);
  if (config.servername) args.push('--servername', config.servername);
  if (config.insecure) args.push('--insecure');
  const user = `${config.user.directory}\\${config.user.userId}`;
  if (user.toLowerCase() !== DEFAULTS.qrsUser.toLowerCase()) args.push('--qrs-user', user);
  if (config.proxy && !config.proxyFromEnv && !hasCredentials(config.proxy)) args.push('--proxy', config.proxy);
  if (config.timeoutMs !== DEFAULTS.timeoutMs) args.push('--timeout', String(config.timeoutMs));
  return args;
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
