/** From what axios and Node report to typed QrsError (src/qrs/error-mapping.ts). */
import { describe, expect, it } from 'vitest';
import {
  isTlsVerificationCode,
  mapStatusError,
  mapTransportError,
  parseAltNames,
  parseRetryAfter,
  proxyLabel,
  type RequestContext,
} from '../src/qrs/error-mapping.js';
import { QrsError, excerpt } from '../src/qrs/errors.js';
import { QrsfixError, exitCodeFor } from '../src/errors.js';
import type { QrsConnectionConfig } from '../src/qrs/config.js';

const CFG: QrsConnectionConfig = {
  host: 'qlikserver1.domain.local',
  port: 4242,
  certsDir: '/etc/qrsfix/certs/',
  insecure: false,
  user: { directory: 'INTERNAL', userId: 'sa_repository' },
  timeoutMs: 1500,
};

function ctx(method = 'GET', path = '/qrs/about', cfg: Partial<QrsConnectionConfig> = {}): RequestContext {
  return { method, path, cfg: { ...CFG, ...cfg }, sent: method !== 'GET' };
}

/** An error as Node or axios reports it: a code on the error or on its cause. */
function nodeError(code: string | undefined, message = `failed: ${code}`, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code }, extra);
}

const PEER = { subject: 'qlikserver1', altNames: ['10.0.0.5', 'qlikserver1', 'qlikserver1.domain.local'], validFrom: '2019-01-01T00:00:00.000Z', validTo: '2020-01-01T00:00:00.000Z' };

describe('TLS verification failures', () => {
  it('an unknown CA: kind tls, names root.pem in the certificate folder and what the server presents', () => {
    for (const code of ['SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']) {
      const e = mapTransportError(nodeError(code), ctx(), { peer: PEER });
      expect(e, code).toBeInstanceOf(QrsError);
      expect(e.kind).toBe('tls');
      expect(e.message).toBe('the server certificate of qlikserver1.domain.local:4242 is not trusted by /etc/qrsfix/certs/root.pem (it presents "qlikserver1")');
      expect(e.hint).toContain('--insecure');
      expect(e.retryable).toBe(false);
    }
  });

  it('reads the code from the cause too (axios wraps the socket error)', () => {
    const wrapped = Object.assign(new Error('self-signed certificate in certificate chain'), { cause: { code: 'SELF_SIGNED_CERT_IN_CHAIN' } });
    expect(mapTransportError(wrapped, ctx()).message).toContain('is not trusted by /etc/qrsfix/certs/root.pem');
  });

  it('a host name mismatch: names the names in the certificate and suggests --servername with the first host name', () => {
    const e = mapTransportError(nodeError('ERR_TLS_CERT_ALTNAME_INVALID'), ctx('GET', '/qrs/about', { host: '10.0.0.5' }), { peer: { ...PEER, altNames: ['10.0.0.6', 'qlikserver1'] } });
    expect(e.kind).toBe('tls');
    expect(e.message).toBe('the server certificate of 10.0.0.5:4242 is issued to 10.0.0.6, qlikserver1, not "10.0.0.5"');
    expect(e.hint).toContain('--servername qlikserver1');
  });

  it('a host name mismatch without a look at the peer: the names come from Node\'s message', () => {
    const msg = "Hostname/IP does not match certificate's altnames: Host: localhost. is not in the cert's altnames: DNS:qlikserver1, IP Address:192.168.1.7";
    const e = mapTransportError(nodeError('ERR_TLS_CERT_ALTNAME_INVALID', msg), ctx('GET', '/qrs/about', { host: 'localhost' }));
    expect(e.message).toContain('issued to qlikserver1, 192.168.1.7, not "localhost"');
    expect(e.hint).toContain('--servername qlikserver1');
  });

  it('a mismatch with --servername given names the servername, not the host', () => {
    const e = mapTransportError(nodeError('ERR_TLS_CERT_ALTNAME_INVALID'), ctx('GET', '/qrs/about', { host: '127.0.0.1', servername: 'wrongname' }), { peer: PEER });
    expect(e.message).toContain('not "wrongname"');
  });

  it('an expired or not yet valid server certificate: says which, with the dates', () => {
    const expired = mapTransportError(nodeError('CERT_HAS_EXPIRED'), ctx(), { peer: PEER });
    expect(expired.kind).toBe('tls');
    expect(expired.message).toBe('the server certificate of qlikserver1.domain.local:4242 has expired (valid from 2019-01-01T00:00:00.000Z to 2020-01-01T00:00:00.000Z)');
    const early = mapTransportError(nodeError('CERT_NOT_YET_VALID'), ctx(), { peer: PEER });
    expect(early.message).toContain('is not valid yet (valid from 2019-01-01T00:00:00.000Z to 2020-01-01T00:00:00.000Z)');
    expect(early.hint).toContain('clock');
  });

  it('a TLS alert from the server about our client certificate', () => {
    const expired = mapTransportError(nodeError('ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED'), ctx());
    expect(expired.kind).toBe('tls');
    expect(expired.message).toContain('rejected our client certificate as expired');
    const unknown = mapTransportError(nodeError('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'), ctx());
    expect(unknown.message).toContain('rejected our client certificate (tlsv1_alert_unknown_ca)');
    expect(unknown.hint).toContain('client.pem');
  });

  it('a server that hangs up on our client certificate (the probe said so): names the certificate, not retried', () => {
    const client = { subject: 'QlikClient', issuer: 'other-CA', validFrom: '2024-01-01T00:00:00.000Z', validTo: '2025-01-01T00:00:00.000Z' };
    const e = mapTransportError(nodeError('ECONNRESET', 'socket hang up'), ctx(), { rejectedClient: client });
    expect(e.kind).toBe('tls');
    expect(e.message).toContain('does not accept our client certificate ("QlikClient", issued by "other-CA", valid from 2024-01-01T00:00:00.000Z to 2025-01-01T00:00:00.000Z)');
    expect(e.retryable).toBe(false);
  });

  it('isTlsVerificationCode knows the verification codes and nothing else', () => {
    for (const c of ['SELF_SIGNED_CERT_IN_CHAIN', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']) expect(isTlsVerificationCode(c)).toBe(true);
    for (const c of ['ECONNRESET', 'ECONNREFUSED', undefined, '']) expect(isTlsVerificationCode(c)).toBe(false);
  });
});

describe('proxy failures', () => {
  const proxied = { proxy: 'http://alice:Pr0xy%20S3cret@proxy.corp.local:3128' };

  it('407: kind network, says so; with credentials in the URL, that they were rejected; never prints them', () => {
    const e = mapTransportError(nodeError('EPROXYREFUSED', 'proxy answered CONNECT with 407', { proxyStatus: 407 }), ctx('GET', '/qrs/about', proxied));
    expect(e.kind).toBe('network');
    expect(e.message).toBe('the proxy refused the tunnel to qlikserver1.domain.local:4242: 407 Proxy Authentication Required');
    expect(e.hint).toBe('the proxy rejected the user name or password in the proxy URL: check them (they are never printed)');
    const bare = mapTransportError(nodeError('EPROXYREFUSED', 'x', { proxyStatus: 407 }), ctx('GET', '/qrs/about', { proxy: 'http://proxy.corp.local:3128' }));
    expect(bare.hint).toContain('put them in the proxy URL, http://user:password@proxy');
    expect(`${e.message} ${e.hint}`).not.toMatch(/alice|Pr0xy|S3cret/);
    expect(e.retryable).toBe(false);
  });

  it('reads the proxy status from the cause, where axios leaves the agent\'s error', () => {
    const agentError = nodeError('EPROXYREFUSED', 'proxy answered CONNECT with 407', { proxyStatus: 407 });
    const axiosError = Object.assign(new Error('proxy answered CONNECT with 407'), { code: 'EPROXYREFUSED', cause: agentError });
    expect(mapTransportError(axiosError, ctx('GET', '/qrs/about', proxied)).message).toContain('407 Proxy Authentication Required');
  });

  it('403 (or any other refusal): names the status; suggests NO_PROXY for an environment proxy, leaving out --proxy for an explicit one', () => {
    const e = mapTransportError(nodeError('EPROXYREFUSED', 'x', { proxyStatus: 403 }), ctx('GET', '/qrs/about', { ...proxied, proxyFromEnv: true }));
    expect(e.message).toContain('status 403');
    expect(e.hint).toContain('NO_PROXY=qlikserver1.domain.local');
    const explicit = mapTransportError(nodeError('EPROXYREFUSED', 'x', { proxyStatus: 403 }), ctx('GET', '/qrs/about', proxied));
    expect(explicit.hint).toContain('leave out --proxy to connect directly');
    expect(explicit.hint).not.toContain('NO_PROXY');
  });

  it('a refused connection through a proxy is the proxy\'s, named as host:port without credentials', () => {
    const e = mapTransportError(nodeError('ECONNREFUSED'), ctx('GET', '/qrs/about', proxied));
    expect(e.kind).toBe('network');
    expect(e.message).toBe('the proxy proxy.corp.local:3128 refused the connection (ECONNREFUSED) while connecting to qlikserver1.domain.local:4242');
    expect(e.hint).not.toMatch(/Repository Service/);
    expect(`${e.message} ${e.hint}`).not.toMatch(/alice|Pr0xy|S3cret/);
  });

  it('an unresolvable proxy name is the proxy\'s too', () => {
    const e = mapTransportError(nodeError('ENOTFOUND'), ctx('GET', '/qrs/about', proxied));
    expect(e.message).toContain('the proxy proxy.corp.local:3128 cannot be resolved');
  });

  it('proxyLabel drops credentials and keeps host and port', () => {
    expect(proxyLabel('http://u:p@10.1.2.3:8080')).toBe('10.1.2.3:8080');
    expect(proxyLabel('http://proxy.example.com')).toBe('proxy.example.com');
    expect(proxyLabel('not a url')).toBe('the proxy');
  });
});

describe('network failures and timeouts', () => {
  it('timeouts (axios abort, socket timeout): kind timeout, names the limit, retryable; uncertain only for writes', () => {
    for (const code of ['ECONNABORTED', 'ETIMEDOUT', 'ERR_CANCELED']) {
      const get = mapTransportError(nodeError(code), ctx());
      expect(get.kind, code).toBe('timeout');
      expect(get.message).toBe('no answer from qlikserver1.domain.local:4242 to GET /qrs/about within 1500 ms');
      expect(get.hint).toContain('--timeout');
      expect(get.retryable).toBe(true);
      expect(get.uncertain).toBe(false);
      expect(mapTransportError(nodeError(code), ctx('PUT', '/qrs/user/1')).uncertain).toBe(true);
    }
    expect(mapTransportError(nodeError(undefined, 'timeout of 1500ms exceeded'), ctx()).kind).toBe('timeout');
  });

  it('refused: not retried, asks whether the Repository service runs on that port', () => {
    const e = mapTransportError(nodeError('ECONNREFUSED'), ctx());
    expect(e.kind).toBe('network');
    expect(e.message).toBe('connection refused by qlikserver1.domain.local:4242');
    expect(e.hint).toContain('4242');
    expect(e.retryable).toBe(false);
  });

  it('DNS: names the host and points at --host and --proxy', () => {
    for (const code of ['ENOTFOUND', 'EAI_AGAIN']) {
      const e = mapTransportError(nodeError(code), ctx());
      expect(e.message).toBe('cannot resolve host name "qlikserver1.domain.local"');
      expect(e.hint).toMatch(/--host.*--proxy/);
    }
  });

  it('unreachable host', () => {
    expect(mapTransportError(nodeError('EHOSTUNREACH'), ctx()).message).toBe('host qlikserver1.domain.local is unreachable');
  });

  it('a reset or hang-up: retryable for GET; a write\'s outcome is uncertain', () => {
    for (const err of [nodeError('ECONNRESET'), nodeError('EPIPE'), nodeError(undefined, 'socket hang up')]) {
      const get = mapTransportError(err, ctx('GET', '/qrs/dataconnection/full'));
      expect(get.kind).toBe('network');
      expect(get.message).toBe('the connection to qlikserver1.domain.local:4242 was dropped during GET /qrs/dataconnection/full');
      expect(get.retryable).toBe(true);
      expect(get.uncertain).toBe(false);
      expect(mapTransportError(err, ctx('DELETE', '/qrs/license/useraccesstype/1')).uncertain).toBe(true);
    }
  });

  it('anything else: a generic network error with the code, not retried', () => {
    const e = mapTransportError(nodeError('EWEIRD'), ctx());
    expect(e.message).toBe('cannot reach qlikserver1.domain.local:4242: EWEIRD');
    expect(e.retryable).toBe(false);
  });
});

describe('HTTP status mapping', () => {
  it('403 XSRF: says the xrfkey check failed', () => {
    const e = mapStatusError(403, 'XSRF prevention check failed. Possible XSRF discovered.', ctx());
    expect(e.kind).toBe('http');
    expect(e.status).toBe(403);
    expect(e.hint).toContain('xrfkey');
  });

  it('401/403 otherwise: names the X-Qlik-User identity and --qrs-user', () => {
    for (const status of [401, 403]) {
      const e = mapStatusError(status, 'Forbidden', ctx());
      expect(e.message).toBe(`QRS refused GET /qrs/about: ${status}: Forbidden`);
      expect(e.hint).toContain('INTERNAL\\sa_repository');
      expect(e.hint).toContain('--qrs-user');
    }
  });

  it('404: asks whether this is QRS', () => {
    const e = mapStatusError(404, '', ctx('GET', '/qrs/nothing'));
    expect(e.message).toBe('QRS has no GET /qrs/nothing (404)');
    expect(e.retryable).toBe(false);
  });

  it('409: kind conflict, for the remedy to re-read', () => {
    const e = mapStatusError(409, 'Conflict', ctx('PUT', '/qrs/dataconnection/1'));
    expect(e.kind).toBe('conflict');
    expect(e.status).toBe(409);
    expect(e.retryable).toBe(false);
    expect(e.message).toContain('409');
  });

  it('502, 503, 504: retryable, with Retry-After in seconds or as an HTTP date', () => {
    for (const status of [502, 503, 504]) {
      const e = mapStatusError(status, 'Service Unavailable', ctx(), '2');
      expect(e.retryable, String(status)).toBe(true);
      expect(e.retryAfterMs).toBe(2000);
      expect(e.message).toContain('it asks to retry after 2 s');
      expect(e.uncertain).toBe(false);
    }
    const noHeader = mapStatusError(503, '', ctx());
    expect(noHeader.retryAfterMs).toBeUndefined();
    expect(noHeader.message).not.toContain('retry after');
    const dated = mapStatusError(503, '', ctx(), new Date(Date.now() + 10_000).toUTCString());
    expect(dated.retryAfterMs).toBeGreaterThan(8000);
    expect(dated.retryAfterMs).toBeLessThanOrEqual(10_000);
    // A write answered by a gateway may have reached QRS.
    expect(mapStatusError(502, '', ctx('POST', '/qrs/user')).uncertain).toBe(true);
  });

  it('other statuses: not retryable; 5xx points at the Repository log; the body is excerpted on one line', () => {
    const e500 = mapStatusError(500, 'Internal\r\n  error\tdetails', ctx());
    expect(e500.message).toBe('QRS answered 500 to GET /qrs/about: Internal error details');
    expect(e500.retryable).toBe(false);
    expect(e500.hint).toContain('Log\\Repository');
    const e400 = mapStatusError(400, 'x'.repeat(1000), ctx());
    expect(e400.message.length).toBeLessThan(250);
    expect(e400.message.endsWith('…')).toBe(true);
    expect(e400.hint).toBeUndefined();
  });

  it('a QrsError is a QrsfixError, so the CLI prints message + hint and exits 1', () => {
    const e = mapStatusError(503, '', ctx());
    expect(e).toBeInstanceOf(QrsfixError);
    expect(exitCodeFor(e)).toBe(1);
  });
});

describe('parseRetryAfter and excerpt', () => {
  it('reads seconds and HTTP dates, and ignores garbage', () => {
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(new Date(Date.now() - 60_000).toUTCString())).toBe(0);
  });

  it('excerpt makes one short line', () => {
    expect(excerpt('a\n b\t\tc ')).toBe('a b c');
    expect(excerpt('y'.repeat(20), 10)).toBe('yyyyyyyyy…');
  });
});

describe('parseAltNames (Node\'s wording, when the peer could not be looked at)', () => {
  it('reads the names of each of Node\'s three messages', () => {
    const prefix = "Hostname/IP does not match certificate's altnames: ";
    expect(parseAltNames(`${prefix}Host: localhost. is not in the cert's altnames: DNS:qlikserver1, IP Address:192.168.1.7`)).toEqual(['qlikserver1', '192.168.1.7']);
    expect(parseAltNames(`${prefix}IP: 127.0.0.1 is not in the cert's list: 10.0.0.1, 10.0.0.2`)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(parseAltNames(`${prefix}Host: localhost. is not cert's CN: qlik1`)).toEqual(['qlik1']);
    expect(parseAltNames('something else')).toEqual([]);
  });
});
