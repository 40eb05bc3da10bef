/**
 * Turns what axios and Node report into QrsError. Axios errors carry the request config, which holds
 * the TLS agent and with it the private key: they are mapped here and never passed on or printed.
 */
import { QrsError, excerpt } from './errors.js';
import type { QrsConnectionConfig } from './config.js';
import type { PeerCertificateInfo } from './transport.js';

export interface RequestContext {
  method: string;
  path: string;
  cfg: QrsConnectionConfig;
  /** True once the request may have reached the server (matters for POST/DELETE). */
  sent: boolean;
}

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

export function isTlsVerificationCode(code: string | undefined): boolean {
  return !!code && (UNTRUSTED.has(code) || code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID');
}

function where(ctx: RequestContext): string {
  return `${ctx.cfg.host}:${ctx.cfg.port}`;
}

export function mapTransportError(err: unknown, ctx: RequestContext, peer?: PeerCertificateInfo): QrsError {
  const e = err as { code?: string; message?: string; proxyStatus?: number; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code;
  const message = e.message ?? String(err);
  const base = { method: ctx.method, path: ctx.path };
  const rootPem = `${ctx.cfg.certsDir.replace(/[\\/]$/, '')}/root.pem`;

  if (code === 'EPROXYREFUSED') {
    const status = e.proxyStatus ?? 0;
    const hint =
      status === 407
        ? 'the proxy wants credentials: put them in the proxy URL, http://user:password@proxy:3128 (they are never printed)'
        : `ask the proxy's administrators to allow CONNECT to ${where(ctx)}, or bypass it with NO_PROXY=${ctx.cfg.host}`;
    return new QrsError('network', `the proxy refused the tunnel to ${where(ctx)}: ${status === 407 ? '407 Proxy Authentication Required' : `status ${status}`}`, hint, base);
  }
  if (code && UNTRUSTED.has(code)) {
    return new QrsError('tls', `the server certificate of ${where(ctx)} is not trusted by ${rootPem}${peer?.subject ? ` (it presents "${peer.subject}")` : ''}`, 'root.pem must be the CA of this Qlik site: export it from this site\'s QMC (Certificates), or use --insecure to skip verification (not recommended)', base);
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const names = peer?.altNames.length ? peer.altNames : parseAltNames(message);
    const first = names.find((n) => !/^[\d.:]+$/.test(n)) ?? names[0];
    return new QrsError(
      'tls',
      `the server certificate of ${where(ctx)} is issued to ${names.length ? names.join(', ') : 'other names'}, not "${ctx.cfg.servername ?? ctx.cfg.host}"`,
      first ? `Qlik certificates carry the host name chosen at install: add --servername ${first} (or set QRS_SERVERNAME)` : 'use --servername <name in the certificate>',
      base,
    );
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    const dates = peer ? ` (valid from ${peer.validFrom} to ${peer.validTo})` : '';
    const what = code === 'CERT_HAS_EXPIRED' ? 'has expired' : 'is not valid yet';
    return new QrsError('tls', `the server certificate of ${where(ctx)} ${what}${dates}`, code === 'CERT_HAS_EXPIRED' ? 'the site\'s certificates need renewing (Qlik Sense regenerates them when the Repository service restarts with new ones)' : 'check the clock on this machine and on the server', base);
  }
  if (code && /^ERR_SSL_.*ALERT/.test(code)) {
    const expired = /EXPIRED/.test(code);
    return new QrsError('tls', `the server rejected our client certificate${expired ? ' as expired' : ''} (${code.replace(/^ERR_SSL_/, '').toLowerCase()})`, 'client.pem and client_key.pem must be exported from this Qlik site\'s QMC', base);
  }
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED' || /timeout/i.test(message)) {
    return new QrsError('timeout', `no answer from ${where(ctx)} to ${ctx.method} ${ctx.path} within ${ctx.cfg.timeoutMs} ms`, 'the server may be overloaded or a firewall drops the traffic; raise --timeout, or check that the Repository service runs', { ...base, retryable: true, uncertain: ctx.sent });
  }
  if (code === 'ECONNREFUSED') {
    return new QrsError('network', `connection refused by ${where(ctx)}`, `is the Qlik Sense Repository Service running, and is ${ctx.cfg.port} its QRS port (4242 by default)?`, base);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new QrsError('network', `cannot resolve host name "${ctx.cfg.host}"`, 'check --host (the central node\'s name); behind a corporate proxy, set --proxy or HTTPS_PROXY', base);
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return new QrsError('network', `host ${ctx.cfg.host} is unreachable`, 'check the network path or use --proxy', base);
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(message)) {
    return new QrsError('network', `the connection to ${where(ctx)} was dropped during ${ctx.method} ${ctx.path}`, 'a proxy, load balancer or the server closed it; try again', { ...base, retryable: true, uncertain: ctx.sent });
  }
  return new QrsError('network', `cannot reach ${where(ctx)}: ${code ?? excerpt(message)}`, undefined, { ...base, retryable: false, uncertain: ctx.sent });
}

function parseAltNames(message: string): string[] {
  const m = /altnames: (.*)$/.exec(message);
  if (!m) return [];
  return m[1]!.split(/,\s*/).map((s) => s.replace(/^(DNS|IP Address):/, '').trim()).filter(Boolean);
}

export function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export function mapStatusError(status: number, body: string, ctx: RequestContext, retryAfter?: string): QrsError {
  const base = { method: ctx.method, path: ctx.path, status };
  const text = excerpt(body);
  const said = text ? `: ${text}` : '';
  if (status === 403 && /XSRF/i.test(body)) {
    return new QrsError('http', `QRS refused ${ctx.method} ${ctx.path}: 403${said}`, 'the xrfkey check failed: something between qrsfix and QRS rewrote the query string (a proxy?)', base);
  }
  if (status === 401 || status === 403) {
    const user = `${ctx.cfg.user.directory}\\${ctx.cfg.user.userId}`;
    return new QrsError('http', `QRS refused ${ctx.method} ${ctx.path}: ${status}${said}`, `the identity ${user} (X-Qlik-User) lacks the rights for this; use --qrs-user with a RootAdmin or service identity, e.g. INTERNAL\\sa_repository`, base);
  }
  if (status === 404) {
    return new QrsError('http', `QRS has no ${ctx.method} ${ctx.path} (404)${said}`, 'is this QRS (port 4242) of a Qlik Sense Enterprise on Windows site?', base);
  }
  if (status === 409) {
    return new QrsError('conflict', `QRS reported a conflict on ${ctx.method} ${ctx.path}: someone changed it meanwhile (409)`, 'run the command again: it re-reads the site', base);
  }
  if (status === 502 || status === 503 || status === 504) {
    return new QrsError('http', `QRS or a gateway in front of it answered ${status} to ${ctx.method} ${ctx.path}${said}`, 'the service may be restarting; try again in a minute', { ...base, retryable: true, retryAfterMs: parseRetryAfter(retryAfter), uncertain: ctx.method !== 'GET' });
  }
  return new QrsError('http', `QRS answered ${status} to ${ctx.method} ${ctx.path}${said}`, status >= 500 ? 'see the Repository service log on the server (…\\Log\\Repository\\Trace)' : undefined, base);
}
