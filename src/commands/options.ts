/**
 * Connection and output options, declared once and shared by every command that talks to QRS.
 * Kept free of heavy imports: it is loaded for --help.
 */
import { isIP } from 'node:net';
import { Command, Option } from 'commander';
import type { QrsConnectionConfig } from '../qrs/config.js';
import { parseAccount } from '../account.js';
import { usageError } from '../errors.js';

export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--host <name>', 'QRS host (required)').env('QRS_HOST'))
    .addOption(new Option('--port <n>', 'QRS port').env('QRS_PORT').default('4242'))
    .addOption(new Option('--certs <dir>', 'folder with client.pem, client_key.pem, root.pem').env('QRS_CERTS').default('./certs'))
    .addOption(new Option('--servername <name>', 'name the server certificate must carry, when it differs from --host').env('QRS_SERVERNAME'))
    .addOption(new Option('--insecure', 'do not verify the server certificate (warns on every run)'))
    .addOption(new Option('--qrs-user <DIR\\id>', 'identity sent in X-Qlik-User').env('QRS_USER').default('INTERNAL\\sa_repository'))
    .addOption(new Option('--proxy <url>', 'HTTP CONNECT proxy (default: HTTPS_PROXY / https_proxy, honouring NO_PROXY)'))
    .addOption(new Option('--timeout <ms>', 'per-request timeout in milliseconds').default('30000'))
    .addOption(new Option('--site <name>', 'a site named in qrsfix.config.json: its host, port, certs, … (flags given here win)'))
    .addOption(new Option('--config <file>', 'the sites file (default ./qrsfix.config.json)').env('QRSFIX_CONFIG'));
}

export function addOutputOptions(cmd: Command): Command {
  return cmd
    .option('--json', 'one JSON document on stdout, nothing else on stdout')
    .option('--verbose', 'print each request and response on stderr (secrets redacted)')
    .option('--quiet', 'no progress messages on stderr');
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

export function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): QrsConnectionConfig {
  const host = flags.host?.trim();
  if (!host) throw usageError('no QRS host given', 'use --host <name> or set QRS_HOST (the central node, as named in its certificate)');
  const proxyUrl = flags.proxy ?? env.HTTPS_PROXY ?? env.https_proxy;
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
    port: positiveInt(flags.port, '--port', 65535),
    certsDir: flags.certs ?? './certs',
    insecure: flags.insecure === true,
    user: parseAccount(flags.qrsUser ?? 'INTERNAL\\sa_repository', '--qrs-user'),
    timeoutMs: positiveInt(flags.timeout ?? '30000', '--timeout', 3_600_000),
  };
  if (flags.servername) config.servername = flags.servername;
  if (proxy) {
    config.proxy = proxy;
    if (flags.proxy === undefined) config.proxyFromEnv = true;
  }
  if (env.QRS_PFX_PASSPHRASE) config.pfxPassphrase = env.QRS_PFX_PASSPHRASE;
  return config;
}
