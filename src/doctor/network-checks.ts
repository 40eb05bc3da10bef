/**
 * The path to QRS for `qrsfix doctor`: the proxy decision, DNS, TCP, and a verified TLS handshake
 * (naming the server certificate's names when the name check fails). Each step runs only when the one
 * before it held; what cannot run is shown as skipped.
 */
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import type tls from 'node:tls';
import type { QrsConnectionConfig } from '../qrs/config.js';
import { describeServerCertificate, verifiedHandshake } from '../qrs/tls-probe.js';
import { fail, ok, skip, type CheckResult } from './check.js';

export interface ProxyFacts {
  /** HTTPS_PROXY / https_proxy as set, and NO_PROXY / no_proxy. */
  envProxy?: string;
  noProxy?: string;
  /** --proxy as given. */
  flagProxy?: string;
}

/** A proxy URL without its password, for the report. */
function shown(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(not a URL)';
  }
}

function proxyCheck(cfg: QrsConnectionConfig, facts: ProxyFacts): CheckResult {
  const name = 'proxy';
  if (cfg.proxy && !cfg.proxyFromEnv) return ok(name, `through ${shown(cfg.proxy)} (--proxy)`);
  if (cfg.proxy) return ok(name, `through ${shown(cfg.proxy)} (HTTPS_PROXY${facts.noProxy ? `; NO_PROXY ${facts.noProxy} does not match ${cfg.host}` : ''})`);
  if (facts.envProxy) return ok(name, `direct: NO_PROXY ${facts.noProxy ?? ''} matches ${cfg.host}, so HTTPS_PROXY ${shown(facts.envProxy)} is not used`);
  return ok(name, 'direct (no --proxy, no HTTPS_PROXY)');
}

function target(cfg: QrsConnectionConfig): { host: string; port: number; what: string } {
  if (!cfg.proxy) return { host: cfg.host, port: cfg.port, what: 'QRS' };
  const u = new URL(cfg.proxy);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port) || (u.protocol === 'https:' ? 443 : 80), what: 'the proxy' };
}

function tcp(host: string, port: number, ms: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (why: string | undefined) => {
      socket.destroy();
      resolve(why);
    };
    socket.setTimeout(ms, () => done(`no answer within ${ms} ms`));
    socket.once('connect', () => done(undefined));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
  });
}

const NAME_CODES = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_TLS_CERT_ALTNAME_FORMAT']);

async function tlsCheck(cfg: QrsConnectionConfig, tlsOptions: tls.ConnectionOptions): Promise<CheckResult> {
  const name = 'TLS handshake';
  const r = await verifiedHandshake(cfg, tlsOptions);
  const against = cfg.insecure ? 'NOT verified (--insecure)' : `verified against the root, name ${cfg.servername ?? cfg.host}`;
  if (r.ok) return ok(name, `${r.protocol ?? 'TLS'}, ${against}`);
  if (r.code && NAME_CODES.has(r.code)) {
    const peer = await describeServerCertificate(cfg, tlsOptions);
    const names = peer ? [...new Set([peer.subject, ...peer.altNames].filter(Boolean))] : [];
    return fail(name, `the server certificate does not carry the name ${cfg.servername ?? cfg.host}${names.length ? `; it carries ${names.join(', ')}` : ''}`, names.length ? `add --servername ${names[0]} (or reach the server by that name)` : 'add --servername <the name in the server certificate>');
  }
  if (r.code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' || r.code === 'SELF_SIGNED_CERT_IN_CHAIN' || r.code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || r.code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY') {
    return fail(name, `the server certificate is not issued by this root (${r.code})`, "use the root of this site's export (root.pem / root.cer from the same QMC)");
  }
  return fail(name, `${r.code ?? 'failed'}: ${r.message ?? ''}`.trim(), 'the server may not accept our client certificate: export it from the QMC of this site');
}

export interface NetworkChecks {
  results: CheckResult[];
  /** The handshake worked: QRS requests can be tried. */
  reachable: boolean;
}

export async function checkNetwork(cfg: QrsConnectionConfig, facts: ProxyFacts, tlsOptions: tls.ConnectionOptions | undefined): Promise<NetworkChecks> {
  const results: CheckResult[] = [proxyCheck(cfg, facts)];
  const t = target(cfg);
  let addresses: string[] = [];
  try {
    addresses = net.isIP(t.host) ? [t.host] : (await lookup(t.host, { all: true })).map((a) => a.address);
    results.push(ok('DNS', `${t.host} is ${addresses.join(', ')}${cfg.proxy ? ' (the proxy resolves QRS)' : ''}`));
  } catch (err) {
    results.push(fail('DNS', `${t.host} does not resolve (${(err as NodeJS.ErrnoException).code ?? String(err)})`, `check the name of ${t.what}; on the node itself, the name in Host.cfg resolves`));
    results.push(skip('TCP', 'no address'), skip('TLS handshake', 'no address'));
    return { results, reachable: false };
  }
  const why = await tcp(t.host, t.port, Math.min(cfg.timeoutMs, 5000));
  if (why) {
    results.push(fail('TCP', `cannot connect to ${t.host}:${t.port} (${why})`, t.what === 'QRS' ? `QRS listens on ${t.port} on the central node: check the port, the firewall, and that the Qlik Sense Repository Service runs` : 'check --proxy / HTTPS_PROXY'));
    results.push(skip('TLS handshake', 'no connection'));
    return { results, reachable: false };
  }
  results.push(ok('TCP', `connected to ${t.host}:${t.port}${cfg.proxy ? ' (the proxy)' : ''}`));
  if (!tlsOptions) {
    results.push(skip('TLS handshake', 'the certificates did not open'));
    return { results, reachable: false };
  }
  const handshake = await tlsCheck(cfg, tlsOptions);
  results.push(handshake);
  return { results, reachable: handshake.status === 'ok' };
}
