/**
 * One TLS agent per run, built from the opened certificate folder (cert-folder.ts): the client
 * certificate and key, and the root as the only trusted CA for the server (not the system store). Through a
 * proxy, the mutual TLS to QRS is negotiated inside the CONNECT tunnel with these same options; the
 * obvious `new HttpsProxyAgent(url, { cert, key, ca })` would apply them to the proxy hop instead.
 */
import https from 'node:https';
import tls from 'node:tls';
import { statSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import { HttpsProxyAgent } from 'https-proxy-agent';
import type { QrsConnectionConfig } from './config.js';
import { QrsfixError } from '../errors.js';
import { certificateInfo, type CertificateFolder, type ClientCertificateInfo } from './cert-folder.js';

export type { ClientCertificateInfo } from './cert-folder.js';

export interface Transport {
  agent: https.Agent;
  /** Things the caller should tell the user (qrs/ never prints). */
  warnings: string[];
  tlsOptions: tls.ConnectionOptions;
  /** The client certificate's names and dates, to explain a rejection by the server. */
  client: ClientCertificateInfo | undefined;
}

function checkValidity(info: ClientCertificateInfo, label: string, file: string, now = new Date()): void {
  const from = new Date(info.validFrom);
  const to = new Date(info.validTo);
  if (now < from) {
    throw new QrsfixError('certificate', `${label} at ${file} is not valid yet: valid from ${from.toISOString()} to ${to.toISOString()}`, 'check the clock of this machine, or export the certificates again');
  }
  if (now > to) {
    throw new QrsfixError('certificate', `${label} at ${file} expired on ${to.toISOString()} (valid from ${from.toISOString()})`, 'export fresh certificates from the QMC of this site');
  }
}

function tlsOptionsOf(cfg: QrsConnectionConfig, certs: CertificateFolder, warnings: string[]): { options: tls.ConnectionOptions; client: ClientCertificateInfo } {
  const client = certificateInfo(certs.client);
  checkValidity(client, certs.form === 'pfx' ? 'the client certificate in client.pfx' : 'the client certificate', certs.clientFile, new Date());
  if (certs.form === 'pem') warnIfShared(certs.keyFile, warnings);
  const options: tls.ConnectionOptions = { cert: certs.certPem, key: certs.keyPem, rejectUnauthorized: !cfg.insecure };
  if (!cfg.insecure) options.ca = certs.caPem;
  // Node checks the certificate against `servername` when given, else against the host.
  if (cfg.servername) options.servername = cfg.servername;
  return { options, client };
}

function warnIfShared(file: string, warnings: string[]): void {
  if (process.platform === 'win32') return;
  try {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) {
      warnings.push(`the private key ${file} can be read by other users (mode ${mode.toString(8)}); run: chmod 600 '${file}'`);
    }
  } catch {
    /* already read successfully above; a race here is harmless */
  }
}

/** Fails the request with a clear code when the proxy answers CONNECT with anything but 200. */
class QrsTunnelAgent extends HttpsProxyAgent<string> {
  constructor(
    proxy: string,
    private readonly qrsTls: tls.ConnectionOptions,
  ) {
    super(proxy, { keepAlive: true, maxSockets: 8 });
  }

  override async connect(req: ClientRequest, opts: Parameters<HttpsProxyAgent<string>['connect']>[1]) {
    let status = 0;
    let statusText = '';
    req.once('proxyConnect', (res: { statusCode: number; statusText?: string }) => {
      status = res.statusCode;
      statusText = res.statusText ?? '';
    });
    const socket = await super.connect(req, { ...opts, ...this.qrsTls } as typeof opts);
    if (status !== 200) {
      socket.destroy();
      const err = new Error(`proxy answered CONNECT with ${status} ${statusText}`.trim()) as NodeJS.ErrnoException & { proxyStatus: number };
      err.code = 'EPROXYREFUSED';
      err.proxyStatus = status;
      throw err;
    }
    return socket;
  }
}

/** The agent for one run, from the certificate folder already opened (loadCertificateFolder). */
export function createTransport(cfg: QrsConnectionConfig, certs: CertificateFolder): Transport {
  const warnings: string[] = [];
  if (cfg.insecure) {
    warnings.push(`--insecure: the server certificate of ${cfg.host} is NOT verified; anyone in the network path could read the certificates' requests and answers`);
  }
  const { options: tlsOptions, client } = tlsOptionsOf(cfg, certs, warnings);
  const agent = cfg.proxy
    ? (new QrsTunnelAgent(cfg.proxy, tlsOptions) as unknown as https.Agent)
    : new https.Agent({ ...tlsOptions, keepAlive: true, maxSockets: 8 });
  return { agent, warnings, tlsOptions, client };
}
