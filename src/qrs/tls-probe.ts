/**
 * Diagnostic handshakes after a failed request: what the server presents, and whether it refused our
 * client certificate. They go the way the requests went (direct, or through the same CONNECT proxy),
 * send no HTTP request, and are used only to explain an error, never to talk to QRS.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { QrsConnectionConfig } from './config.js';

export interface PeerCertificateInfo {
  subject: string;
  altNames: string[];
  validFrom: string;
  validTo: string;
}

/**
 * A CONNECT tunnel to QRS for the probes below, as the agent opens one (same proxy, same credentials);
 * undefined when the proxy will not open it (the request's own error already says why).
 */
function openTunnel(cfg: QrsConnectionConfig & { proxy: string }, waitMs: number): Promise<net.Socket | undefined> {
  const proxy = new URL(cfg.proxy);
  const target = `${net.isIPv6(cfg.host) ? `[${cfg.host}]` : cfg.host}:${cfg.port}`;
  const headers: Record<string, string> = { Host: target };
  if (proxy.username || proxy.password) {
    const user = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
    headers['Proxy-Authorization'] = `Basic ${Buffer.from(user).toString('base64')}`;
  }
  const secure = proxy.protocol === 'https:';
  return new Promise((resolve) => {
    const req = (secure ? https : http).request({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.port || (secure ? 443 : 80),
      method: 'CONNECT',
      path: target,
      headers,
      agent: false,
      timeout: waitMs,
    });
    req.once('connect', (res: http.IncomingMessage, socket: net.Socket) => {
      if (res.statusCode === 200) return resolve(socket);
      socket.destroy();
      resolve(undefined);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(undefined));
    req.end();
  });
}

/**
 * A bare TLS connection to the server for the diagnostic probes below, with our client certificate,
 * through the proxy when the requests go through one. Unverified: only what the server presents, or
 * its verdict on our certificate, matters here.
 */
async function probeConnect(cfg: QrsConnectionConfig, tlsOptions: tls.ConnectionOptions): Promise<tls.TLSSocket | undefined> {
  const options: tls.ConnectionOptions = {
    ...(net.isIP(cfg.host) ? {} : { servername: cfg.servername ?? cfg.host }),
    cert: tlsOptions.cert,
    key: tlsOptions.key,
    pfx: tlsOptions.pfx,
    passphrase: tlsOptions.passphrase,
    rejectUnauthorized: false,
  };
  if (!cfg.proxy) return tls.connect({ host: cfg.host, port: cfg.port, ...options });
  const socket = await openTunnel({ ...cfg, proxy: cfg.proxy }, Math.min(cfg.timeoutMs, 5000));
  return socket && tls.connect({ socket, ...options });
}

/**
 * After a failed handshake, one unverified handshake tells what the server presents, so the error
 * can name the certificate's names and dates. Only used to explain an error; never to talk to QRS.
 */
export async function describeServerCertificate(cfg: QrsConnectionConfig, tlsOptions: tls.ConnectionOptions): Promise<PeerCertificateInfo | undefined> {
  const socket = await probeConnect(cfg, tlsOptions);
  if (!socket) return undefined;
  return new Promise((resolve) => {
    const done = (info: PeerCertificateInfo | undefined) => {
      socket.destroy();
      resolve(info);
    };
    socket.setTimeout(Math.min(cfg.timeoutMs, 5000), () => done(undefined));
    socket.once('error', () => done(undefined));
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate();
      if (!peer || !peer.valid_to) return done(undefined);
      const altNames = (peer.subjectaltname ?? '')
        .split(/,\s*/)
        .filter(Boolean)
        .map((s) => s.replace(/^(DNS|IP Address):/, ''));
      done({
        subject: peer.subject?.CN ? String(peer.subject.CN) : '',
        altNames,
        validFrom: new Date(peer.valid_from).toISOString(),
        validTo: new Date(peer.valid_to).toISOString(),
      });
    });
  });
}

/**
 * A server that does not accept our client certificate just hangs up: Node-based and many other TLS
 * servers send no alert, so the client sees "socket hang up" or a reset, which reads like a network
 * glitch and would be retried in vain. After such a drop, one bare handshake with the same
 * certificate (no HTTP request, so nothing reaches QRS) tells the two apart: a server that accepted
 * the certificate keeps the idle connection open; one that rejected it closes it at once.
 * Undefined when the probe cannot tell (no connection, or no tunnel through the proxy).
 */
export async function serverRejectsClientCertificate(cfg: QrsConnectionConfig, tlsOptions: tls.ConnectionOptions): Promise<boolean | undefined> {
  const waitMs = Math.min(cfg.timeoutMs, 600);
  const socket = await probeConnect(cfg, tlsOptions);
  if (!socket) return undefined;
  return new Promise((resolve) => {
    let secure = false;
    let settled = false;
    const done = (verdict: boolean | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(verdict);
    };
    const timer = setTimeout(() => done(secure ? false : undefined), waitMs + Math.min(cfg.timeoutMs, 5000));
    socket.once('secureConnect', () => {
      secure = true;
      setTimeout(() => done(false), waitMs).unref();
    });
    // TLS 1.3: the handshake completes on our side, then the server checks our certificate and closes.
    socket.once('end', () => done(secure ? true : undefined));
    socket.once('close', () => done(secure ? true : undefined));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      // TLS 1.2: the server checks our certificate inside the handshake and drops the connection.
      const midHandshake = !secure && (err.code === 'ECONNRESET' || /before secure TLS connection/i.test(err.message));
      done(secure || midHandshake ? true : undefined);
    });
  });
}

export interface HandshakeOutcome {
  ok: boolean;
  /** The TLS version agreed, when it worked. */
  protocol?: string;
  code?: string;
  message?: string;
}

/**
 * One handshake as the requests make it (the root as the only CA, the name checked, our certificate
 * offered), with no HTTP request: for `qrsfix doctor`, to tell a TLS failure from a QRS one.
 */
export async function verifiedHandshake(cfg: QrsConnectionConfig, tlsOptions: tls.ConnectionOptions): Promise<HandshakeOutcome> {
  const options: tls.ConnectionOptions = {
    ...(net.isIP(cfg.host) ? {} : { servername: cfg.servername ?? cfg.host }),
    cert: tlsOptions.cert,
    key: tlsOptions.key,
    ca: tlsOptions.ca,
    rejectUnauthorized: !cfg.insecure,
  };
  let socket: tls.TLSSocket;
  if (cfg.proxy) {
    const tunnel = await openTunnel({ ...cfg, proxy: cfg.proxy }, Math.min(cfg.timeoutMs, 5000));
    if (!tunnel) return { ok: false, code: 'EPROXYREFUSED', message: `the proxy did not open a tunnel to ${cfg.host}:${cfg.port}` };
    socket = tls.connect({ socket: tunnel, ...options });
  } else {
    socket = tls.connect({ host: cfg.host, port: cfg.port, ...options });
  }
  return new Promise((resolve) => {
    const done = (outcome: HandshakeOutcome) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(Math.min(cfg.timeoutMs, 10_000), () => done({ ok: false, code: 'ETIMEDOUT', message: 'no TLS handshake within the time allowed' }));
    socket.once('secureConnect', () => done({ ok: true, protocol: socket.getProtocol() ?? undefined }));
    socket.once('error', (err: NodeJS.ErrnoException) => done({ ok: false, code: err.code, message: err.message }));
  });
}
