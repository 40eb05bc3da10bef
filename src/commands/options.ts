/**
 * Connection and output options, declared once and shared by every command that talks to QRS.
 * Kept free of heavy imports: it is loaded for --help.
 */
import { isIP } from 'node:net';
import { Command, Option } from 'commander';
import type { QrsConnectionConfig } from '../qrs/config.js';
import { parseAccount } from '../account.js';
import { QrsfixError, usageError } from '../errors.js';
import { DEFAULTS } from '../defaults.js';
import { hostAndPort } from '../host-arg.js';
import { nodeDefaults } from '../node-defaults.js';

/**
 * An environment variable read through commander like any option, hidden from --help and refused on
 * the command line (a secret there would be in the shell history and the process list).
 */
export function envOption(envVar: string, description: string): Option {
  return new Option(`--env-${envVar.toLowerCase().replace(/_/g, '-')}${envVar === envVar.toLowerCase() ? '-lc' : ''} <value>`, description).env(envVar).hideHelp();
}

/** The hidden environment options given on the command line: usage errors (see envOption). */
export function envOptionsFromArgv(cmd: Command): string[] {
  return cmd.options.filter((o) => o.envVar && o.hidden && cmd.getOptionValueSource(o.attributeName()) === 'cli').map((o) => o.envVar!);
}

export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--host <name>', 'QRS host: name, name:port or https://name:port (default on a Qlik node: the name in %ProgramData%\\Qlik\\Sense\\Host.cfg)').env('QRS_HOST'))
    .addOption(new Option('--port <n>', `QRS port (default ${DEFAULTS.port}, or the port in --host)`).env('QRS_PORT'))
    .addOption(new Option('--certs <dir>', `folder with client.pem, client_key.pem, root.pem (or client.pfx, root.cer) (default ${DEFAULTS.certsDir}, else on a Qlik node its .Local Certificates export)`).env('QRS_CERTS'))
    .addOption(new Option('--servername <name>', 'name the server certificate must carry, when it differs from --host').env('QRS_SERVERNAME'))
    .addOption(new Option('--insecure', 'do not verify the server certificate (warns on every run)'))
    .addOption(new Option('--qrs-user <DIR\\id>', 'identity sent in X-Qlik-User').env('QRS_USER').default(DEFAULTS.qrsUser))
    .addOption(new Option('--proxy <url>', 'HTTP CONNECT proxy (default: HTTPS_PROXY / https_proxy, honouring NO_PROXY)'))
    .addOption(new Option('--timeout <ms>', 'per-request timeout in milliseconds').default(String(DEFAULTS.timeoutMs)))
    .addOption(new Option('--deadline <ms>', "overall time for the command's requests, retries and waits included (default: twice --timeout; a change's writes get it anew after the confirmation)"))
    .addOption(new Option('--site <name>', 'a site named in qrsfix.config.json: its host, port, certs, … (flags given here win)'))
    .addOption(new Option('--config <file>', 'the sites file (default ./qrsfix.config.json)').env('QRSFIX_CONFIG'))
    .addOption(envOption('HTTPS_PROXY', 'proxy from the environment'))
    .addOption(envOption('https_proxy', 'proxy from the environment'))
    .addOption(envOption('NO_PROXY', 'hosts reached without the environment proxy'))
    .addOption(envOption('no_proxy', 'hosts reached without the environment proxy'))
    .addOption(envOption('QRS_PFX_PASSPHRASE', 'passphrase of client.pfx'))
    .addOption(envOption('QRS_KEY_PASSPHRASE', 'passphrase of an encrypted client_key.pem'))
    .addOption(envOption('ProgramData', "Windows' ProgramData folder, where Qlik Sense keeps Host.cfg and the node's certificates"));
}

/** --format/--json/--out: every command that prints a report. */
export function addReportOptions(cmd: Command, outWhat = 'the report'): Command {
  cmd
    .addOption(new Option('--format <format>', 'table, markdown (for a change ticket) or json (default: table)'))
    .option('--json', 'one JSON document on stdout, nothing else on stdout (same as --format json)')
    .option('--out <file>', `also write ${outWhat} to this new file (secrets removed; never through a symbolic link)`);
  // rollback's own --force (overwrite objects changed since) covers --out too.
  if (!cmd.options.some((o) => o.long === '--force')) cmd.option('--force', 'replace an existing --out file');
  return cmd;
}

/** --verbose/--quiet: what goes to stderr. */
export function addLoggingOptions(cmd: Command, verbose = 'print each request and response on stderr (secrets redacted)'): Command {
  return cmd.option('--verbose', verbose).option('--quiet', 'no progress messages on stderr');
}

export function addOutputOptions(cmd: Command, outWhat?: string): Command {
  return addLoggingOptions(addReportOptions(cmd, outWhat));
}

/** The environment as the connection options read it (through envOption). */
export interface ConnectionEnv {
  HTTPS_PROXY?: string;
  https_proxy?: string;
  NO_PROXY?: string;
  no_proxy?: string;
  QRS_PFX_PASSPHRASE?: string;
  QRS_KEY_PASSPHRASE?: string;
  ProgramData?: string;
}

export interface ConnectionFlags {
  host?: string;
  port?: string;
  certs?: string;
  servername?: string;
  insecure?: boolean;
  qrsUser?: string;
  proxy?: string;
  timeout?: string;
  deadline?: string;
  envHttpsProxy?: string;
  envHttpsProxyLc?: string;
  envNoProxy?: string;
  envNoProxyLc?: string;
  envQrsPfxPassphrase?: string;
  envQrsKeyPassphrase?: string;
  envProgramdata?: string;
  /** The names of the sites file when none was chosen (no --site, no "default"): for the no-host error. */
  sitesUnchosen?: string[];
}

function connectionEnvOf(flags: ConnectionFlags): ConnectionEnv {
  return {
    HTTPS_PROXY: flags.envHttpsProxy,
    https_proxy: flags.envHttpsProxyLc,
    NO_PROXY: flags.envNoProxy,
    no_proxy: flags.envNoProxyLc,
    QRS_PFX_PASSPHRASE: flags.envQrsPfxPassphrase,
    QRS_KEY_PASSPHRASE: flags.envQrsKeyPassphrase,
    ProgramData: flags.envProgramdata,
  };
}

function positiveInt(text: string | undefined, flag: string, max: number): number {
  const n = Number(text);
  if (!text || !/^\d+$/.test(text.trim()) || !Number.isInteger(n) || n < 1 || n > max) {
    throw usageError(`${flag} must be a whole number from 1 to ${max}, not "${text ?? ''}"`);
  }
  return n;
}

/** A NO_PROXY entry without its port: `host:3128`, `[::1]:3128` and a bare IPv6 `::1` (whose last `:1` is no port). */
function noProxyHost(entry: string): string {
  const bracketed = /^\[([^\]]*)\](:\d+)?$/.exec(entry);
  if (bracketed) return bracketed[1]!;
  return (entry.match(/:/g) ?? []).length > 1 ? entry : entry.replace(/:\d+$/, '');
}

/** Decides whether a host bypasses the proxy: NO_PROXY names, .suffixes, *.suffixes, and '*'. */
export function bypassesProxy(host: string, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = noProxyHost(raw.trim().toLowerCase());
    if (!entry) continue;
    if (entry === '*') return true;
    // An address matches only itself: "0.0.1" is no suffix of 127.0.0.1.
    if (isIP(h)) {
      if (h === entry) return true;
      continue;
    }
    const suffix = entry.replace(/^\*?\.?/, '');
    if (h === suffix || h.endsWith('.' + suffix)) return true;
  }
  return false;
}

/**
 * A proxy named without credentials (--proxy, or a site's "proxy") takes them from HTTPS_PROXY when that
 * is the same proxy: credentials belong in the environment (not argv, not the sites file), and a site's
 * proxy wins over the environment's, so without this they could not be given at all.
 */
function withEnvCredentials(given: string, envProxy: string | undefined): string {
  if (!envProxy) return given;
  try {
    const g = new URL(given);
    const e = new URL(envProxy);
    if (g.username || g.password || !(e.username || e.password)) return given;
    if (g.protocol !== e.protocol || g.host.toLowerCase() !== e.host.toLowerCase()) return given;
    return envProxy;
  } catch {
    return given; // not a URL: the check below says so
  }
}

/** No host anywhere, but a sites file lists some: the admin most likely meant one of them. */
function withSitesHint<T>(resolve: () => T, sites: string[] | undefined): T {
  try {
    return resolve();
  } catch (err) {
    if (!sites?.length || !(err instanceof QrsfixError)) throw err;
    throw usageError(`${err.message}, and the sites file names no "default" (it configures ${sites.join(', ')})`, `use --site ${sites[0]}, set "default" in the sites file, or give --host <name>`);
  }
}

export function resolveConnection(flags: ConnectionFlags, env: ConnectionEnv = connectionEnvOf(flags)): QrsConnectionConfig {
  const node = withSitesHint(() => nodeDefaults(flags, env.ProgramData), flags.sitesUnchosen);
  const { host, port } = hostAndPort(node.host, flags.port);
  const envProxy = env.HTTPS_PROXY ?? env.https_proxy;
  const proxyUrl = flags.proxy !== undefined ? withEnvCredentials(flags.proxy, envProxy) : envProxy;
  const noProxy = env.NO_PROXY ?? env.no_proxy;
  // An explicit --proxy is used as given; an environment proxy honours NO_PROXY.
  const proxy = proxyUrl && (flags.proxy !== undefined || !bypassesProxy(host, noProxy)) ? proxyUrl : undefined;
  if (proxy) {
    try {
      const u = new URL(proxy);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    } catch {
      throw usageError('the proxy is not a URL like http://proxy.example.com:3128', 'check --proxy or HTTPS_PROXY');
    }
  }
  const config: QrsConnectionConfig = {
    host,
    port: positiveInt(port ?? String(DEFAULTS.port), '--port', 65535),
    certsDir: node.certsDir,
    insecure: flags.insecure === true,
    user: parseAccount(flags.qrsUser ?? DEFAULTS.qrsUser, '--qrs-user'),
    timeoutMs: positiveInt(flags.timeout ?? String(DEFAULTS.timeoutMs), '--timeout', 3_600_000),
    ...(flags.deadline !== undefined ? { deadlineMs: positiveInt(flags.deadline, '--deadline', 24 * 3_600_000) } : {}),
  };
  if (flags.servername) config.servername = flags.servername;
  if (node.used.length) config.defaultsUsed = node.used;
  if (proxy) {
    config.proxy = proxy;
    if (flags.proxy === undefined) config.proxyFromEnv = true;
  }
  if (env.QRS_PFX_PASSPHRASE) config.pfxPassphrase = env.QRS_PFX_PASSPHRASE;
  if (env.QRS_KEY_PASSPHRASE) config.keyPassphrase = env.QRS_KEY_PASSPHRASE;
  return config;
}
