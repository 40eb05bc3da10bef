/**
 * One TLS agent per run, built from the certificate folder: the client certificate and key (PEM, or
 * client.pfx), and root.pem as the only trusted CA for the server (not the system store). Through a
 * proxy, the mutual TLS to QRS is negotiated inside the CONNECT tunnel with these same options; the
 * obvious `new HttpsProxyAgent(url, { cert, key, ca })` would apply them to the proxy hop instead.
 */
import https from 'node:https';
import tls from 'node:tls';
import net from 'node:net';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ClientRequest } from 'node:http';
import { HttpsProxyAgent } from 'https-proxy-agent';
import type { QrsConnectionConfig } from './config.js';
import { QrsfixError } from '../errors.js';

export interface Transport {
  agent: https.Agent;
  /** Things the caller should tell the user (qrs/ never prints). */
  warnings: string[];
  tlsOptions: tls.ConnectionOptions;
  /** The client certificate's names and dates, to explain a rejection by the server. */
  client: ClientCertificateInfo | undefined;
}

const EXPORT_HINT =
  'export the certificates from the QMC (Certificates → Export, format "Platform independent PEM-format") into this folder; see certs.example/README.md';

function readCertFile(dir: string, name: string): Buffer {
  const file = path.resolve(dir, name);
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : `cannot read it (${code})`;
    throw new QrsfixError('certificate', `cannot read ${name} at ${file}: ${why}`, code === 'EACCES' ? 'run as a user who can read the certificate folder' : `use --certs <dir> or QRS_CERTS; ${EXPORT_HINT}`);
  }
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

/** What the client certificate says about itself, for error messages (never the key). */
export interface ClientCertificateInfo {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
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

function pemCertificateInfo(pem: Buffer, label: string, file: string): ClientCertificateInfo {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    throw new QrsfixError('certificate', `${label} at ${file} is not a PEM certificate`, EXPORT_HINT);
  }
  return { subject: cn(cert.subject), issuer: cn(cert.issuer), validFrom: new Date(cert.validFrom).toISOString(), validTo: new Date(cert.validTo).toISOString() };
}

function cn(distinguishedName: string): string {
  return /^CN=(.*)$/m.exec(distinguishedName)?.[1] ?? distinguishedName.replace(/\n/g, ', ');
}

/** Node has no PKCS#12 parser; a socket that is never connected reports the certificate of its context. */
function contextCertificateInfo(context: tls.SecureContext): ClientCertificateInfo | undefined {
  let socket: tls.TLSSocket;
  try {
    socket = new tls.TLSSocket(null as unknown as net.Socket, { secureContext: context });
  } catch {
    return undefined; // only used to check dates early; the handshake still tells
  }
  try {
    const cert = socket.getCertificate();
    if (!cert || !('valid_to' in cert) || !cert.valid_to) return undefined;
    return {
      subject: cert.subject?.CN ? String(cert.subject.CN) : '',
      issuer: cert.issuer?.CN ? String(cert.issuer.CN) : '',
      validFrom: new Date(cert.valid_from).toISOString(),
      validTo: new Date(cert.valid_to).toISOString(),
    };
  } finally {
    socket.destroy();
  }
}

/**
 * A bad key would otherwise surface at the first request as an OpenSSL code ("cannot reach host:
 * ERR_OSSL_UNSUPPORTED"), which reads like a network problem: check it while the file names are known.
 */
function checkKeyPair(cert: Buffer, key: Buffer, certFile: string, keyFile: string): void {
  try {
    createPrivateKey(key);
  } catch {
    throw new QrsfixError('certificate', `client_key.pem at ${keyFile} is not a PEM private key`, EXPORT_HINT);
  }
  try {
    tls.createSecureContext({ cert, key });
  } catch {
    throw new QrsfixError('certificate', `client_key.pem at ${keyFile} is not the private key of ${certFile}`, 'client.pem and client_key.pem must come from the same export; export both again');
  }
}

function loadTlsOptions(cfg: QrsConnectionConfig, warnings: string[]): { options: tls.ConnectionOptions; client: ClientCertificateInfo | undefined } {
  const dir = cfg.certsDir;
  const pemFile = path.resolve(dir, 'client.pem');
  const pfxFile = path.resolve(dir, 'client.pfx');
  const options: tls.ConnectionOptions = {};
  let client: ClientCertificateInfo | undefined;
  // "cannot read client.pem" would send the user looking for one file when the whole folder is wrong.
  if (!exists(dir)) {
    throw new QrsfixError('certificate', `the certificate folder ${path.resolve(dir)} does not exist`, `use --certs <dir> or QRS_CERTS; ${EXPORT_HINT}`);
  }
  if (!exists(pemFile) && exists(pfxFile)) {
    if (cfg.pfxPassphrase === undefined) {
      throw new QrsfixError('certificate', `${pfxFile} needs its export password`, 'set QRS_PFX_PASSPHRASE to the password chosen when exporting the certificates');
    }
    options.pfx = readCertFile(dir, 'client.pfx');
    options.passphrase = cfg.pfxPassphrase;
    let context: tls.SecureContext;
    try {
      context = tls.createSecureContext({ pfx: options.pfx, passphrase: options.passphrase });
    } catch {
      throw new QrsfixError('certificate', `cannot open ${pfxFile}: wrong password or not a PKCS#12 file`, 'check QRS_PFX_PASSPHRASE');
    }
    client = contextCertificateInfo(context);
    if (client) checkValidity(client, 'the client certificate in client.pfx', pfxFile);
  } else {
    const cert = readCertFile(dir, 'client.pem');
    const key = readCertFile(dir, 'client_key.pem');
    client = pemCertificateInfo(cert, 'the client certificate', pemFile);
    checkValidity(client, 'the client certificate', pemFile);
    checkKeyPair(cert, key, pemFile, path.resolve(dir, 'client_key.pem'));
    options.cert = cert;
    options.key = key;
    warnIfShared(path.resolve(dir, 'client_key.pem'), warnings);
  }
  if (!cfg.insecure) {
    const root = readCertFile(dir, 'root.pem');
    try {
      new X509Certificate(root);
    } catch {
      throw new QrsfixError('certificate', `root.pem at ${path.resolve(dir, 'root.pem')} is not a PEM certificate`, EXPORT_HINT);
    }
    options.ca = root;
  }
  options.rejectUnauthorized = !cfg.insecure;
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

export function createTransport(cfg: QrsConnectionConfig): Transport {
  const warnings: string[] = [];
  if (cfg.insecure) {
    warnings.push(`--insecure: the server certificate of ${cfg.host} is NOT verified; anyone in the network path could read the certificates' requests and answers`);
  }
  const { options: tlsOptions, client } = loadTlsOptions(cfg, warnings);
  const agent = cfg.proxy
    ? (new QrsTunnelAgent(cfg.proxy, tlsOptions) as unknown as https.Agent)
    : new https.Agent({ ...tlsOptions, keepAlive: true, maxSockets: 8 });
  return { agent, warnings, tlsOptions, client };
}
