/**
 * Turns what axios and Node report into QrsError. Axios errors carry the request config, which holds
 * the TLS agent and with it the private key: they are mapped here and never passed on or printed.
 */
import { QrsError, excerpt } from './errors.js';
import type { QrsConnectionConfig } from './config.js';
import type { PeerCertificateInfo } from './tls-probe.js';
import type { ClientCertificateInfo } from './transport.js';

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

function hasCredentials(proxy: string | undefined): boolean {
  try {
    const u = new URL(proxy ?? '');
    return u.username !== '' || u.password !== '';
  } catch {
    return false;
  }
}

/** An explicit --proxy is always used, so only an environment proxy can be bypassed with NO_PROXY. */
function bypassHint(cfg: QrsConnectionConfig): string {
  return cfg.proxyFromEnv ? `connect directly by adding the QRS host to NO_PROXY (NO_PROXY=${cfg.host})` : 'leave out --proxy to connect directly';
}

/** The proxy as host:port: its URL may hold credentials, which are never printed. */
export function proxyLabel(proxyUrl: string): string {
  try {
    const u = new URL(proxyUrl);
    return u.port ? `${u.hostname}:${u.port}` : u.hostname;
  } catch {
    return 'the proxy';
  }
}

/** A reset or hang-up while connecting or right after the handshake: what a rejected client certificate looks like. */
export function isDropCode(code: string | undefined, message: string): boolean {
  return code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up|before secure TLS connection/i.test(message);
}

export interface TransportDiagnosis {
  /** What the server presented, from an unverified look after a verification failure. */
  peer?: PeerCertificateInfo;
  /** Set when a probe showed the server hangs up on our client certificate. */
  rejectedClient?: ClientCertificateInfo;
}

export function mapTransportError(err: unknown, ctx: RequestContext, diagnosis: TransportDiagnosis = {}): QrsError {
  const { peer, rejectedClient } = diagnosis;
  const e = err as { code?: string; message?: string; proxyStatus?: number; cause?: { code?: string; proxyStatus?: number } };
  const code = e.code ?? e.cause?.code;
  const message = e.message ?? String(err);
  const base = { method: ctx.method, path: ctx.path };
  const rootPem = `${ctx.cfg.certsDir.replace(/[\\/]$/, '')}/root.pem`;

  if (code === 'EPROXYREFUSED') {
    // axios re-wraps the agent's error: the status is on the original, its `cause`.
    const status = e.proxyStatus ?? e.cause?.proxyStatus ?? 0;
    const hint =
      status === 407
        ? hasCredentials(ctx.cfg.proxy)
          ? 'the proxy rejected the user name or password in the proxy URL: check them (they are never printed)'
          : 'the proxy wants credentials: put them in the proxy URL, http://user:password@proxy:3128 (they are never printed)'
        : `ask the proxy's administrators to allow CONNECT to ${where(ctx)}, or ${bypassHint(ctx.cfg)}`;
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
  // A plain-HTTP (or other non-TLS) port answers the TLS hello with something that is no TLS record.
  if (code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long|unknown protocol/i.test(message)) {
    return new QrsError('network', `${where(ctx)} does not speak TLS (${code ?? 'no TLS answer'})`, `this port does not speak TLS; QRS listens on 4242 (HTTPS, mutual TLS): check --port`, base);
  }
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED' || /timeout/i.test(message)) {
    return new QrsError('timeout', `no answer from ${where(ctx)} to ${ctx.method} ${ctx.path} within ${ctx.cfg.timeoutMs} ms`, 'the server may be overloaded or a firewall drops the traffic; raise --timeout, or check that the Repository service runs', { ...base, retryable: true, uncertain: ctx.sent });
  }
  // Through a proxy, the socket qrsfix opens goes to the proxy: these codes are about the proxy, not QRS.
  if (ctx.cfg.proxy && (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH')) {
    const proxy = proxyLabel(ctx.cfg.proxy);
    const what = code === 'ECONNREFUSED' ? 'refused the connection' : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'cannot be resolved' : 'is unreachable';
    return new QrsError('network', `the proxy ${proxy} ${what} (${code}) while connecting to ${where(ctx)}`, `check ${ctx.cfg.proxyFromEnv ? 'HTTPS_PROXY' : '--proxy'}, or ${bypassHint(ctx.cfg)}`, base);
  }
  if (rejectedClient !== undefined && isDropCode(code, message)) {
    const c = rejectedClient;
    return new QrsError(
      'tls',
      `${where(ctx)} closed the connection right after the TLS handshake: it does not accept our client certificate ("${c.subject}", issued by "${c.issuer}", valid from ${c.validFrom} to ${c.validTo})`,
      'client.pem and client_key.pem (or client.pfx) must be exported from this Qlik site\'s QMC, so that they are issued by its CA; check the server\'s clock too',
      base,
    );
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
  if (isDropCode(code, message)) {
    return new QrsError('network', `the connection to ${where(ctx)} was dropped during ${ctx.method} ${ctx.path}`, 'a proxy, load balancer or the server closed it; try again', { ...base, retryable: true, uncertain: ctx.sent });
  }
  return new QrsError('network', `cannot reach ${where(ctx)}: ${code ?? excerpt(message)}`, undefined, { ...base, retryable: false, uncertain: ctx.sent });
}

/**
 * Node's message (used when no look at the peer was possible, e.g. through a proxy) reads
 * "Hostname/IP does not match certificate's altnames: Host: h. is not in the cert's altnames: DNS:a, IP Address:b",
 * "…: IP: 1.2.3.4 is not in the cert's list: 5.6.7.8" or "…: Host: h. is not cert's CN: a": the names follow the last colon-space
 * after "altnames", "list" or "CN".
 */
export function parseAltNames(message: string): string[] {
  const at = Math.max(...['altnames: ', 'list: ', 'CN: '].map((marker) => {
    const i = message.lastIndexOf(marker);
    return i < 0 ? -1 : i + marker.length;
  }));
  if (at < 0) return [];
  return message.slice(at).split(/,\s*/).map((s) => s.replace(/^(DNS|IP Address):/, '').trim()).filter(Boolean);
}

export function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export function mapStatusError(status: number, body: string, ctx: RequestContext, retryAfter?: string, location?: string): QrsError {
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
  if (status >= 300 && status < 400) {
    // Never followed (maxRedirects 0): a redirect of an API call is something in front of QRS.
    const to = location ? `pointing to ${excerpt(location, 200)}` : 'without saying where to (no Location)';
    return new QrsError('http', `QRS answered ${status} to ${ctx.method} ${ctx.path}, ${to}: qrsfix does not follow redirects`, 'something in front of QRS redirects (a proxy, or the Qlik proxy on 443 sending to a login page): connect to QRS on port 4242 of the central node directly', base);
  }
  if (status === 429 || status === 502 || status === 503 || status === 504) {
    const retryAfterMs = parseRetryAfter(retryAfter);
    const asks = retryAfterMs === undefined ? '' : ` (it asks to retry after ${Math.ceil(retryAfterMs / 1000)} s)`;
    const hint = status === 429 ? 'the server limits how often it is called; try again in a minute' : 'the service may be restarting; try again in a minute';
    // A 429 was turned away before it was handled; a 5xx from a gateway may have reached QRS.
    return new QrsError('http', `QRS or a gateway in front of it answered ${status} to ${ctx.method} ${ctx.path}${said}${asks}`, hint, { ...base, retryable: true, retryAfterMs, uncertain: status !== 429 && ctx.method !== 'GET' });
  }
  return new QrsError('http', `QRS answered ${status} to ${ctx.method} ${ctx.path}${said}`, status >= 500 ? 'see the Repository service log on the server (…\\Log\\Repository\\Trace)' : undefined, base);
}
