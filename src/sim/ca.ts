/**
 * A throwaway certificate authority for the simulator and for tests that need bad certificate folders.
 *
 * Keys come from Node's crypto (native, fast); node-forge only builds the X.509 structures, because
 * Node has no certificate-building API and we must not depend on an openssl binary (Windows). Signing
 * also goes through Node (forge's pure-JS RSA takes ~100 ms per signature, which would dominate the
 * simulator's start-up).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import forge from 'node-forge';

export interface KeyPair {
  /** PKCS#1 PEM (`RSA PRIVATE KEY`), the form Qlik's client_key.pem has. */
  privateKeyPem: string;
  publicKeyPem: string;
}

export interface CertAuthority {
  certPem: string;
  keyPem: string;
  commonName: string;
}

export interface IssuedCert {
  certPem: string;
  keyPem: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

const KEY_OPTIONS = {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
} as const;

export function generateKeyPair(): KeyPair {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', KEY_OPTIONS);
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** Runs on libuv's thread pool, so several keys are made in parallel; startSimulator uses it. */
export function generateKeyPairAsync(): Promise<KeyPair> {
  return new Promise((resolve, reject) => {
    crypto.generateKeyPair('rsa', KEY_OPTIONS, (err, publicKey, privateKey) => {
      if (err) reject(err);
      else resolve({ privateKeyPem: privateKey, publicKeyPem: publicKey });
    });
  });
}

// A DER INTEGER is signed; a random serial with the top bit set would read as negative.
function randomSerial(): string {
  const bytes = crypto.randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

const SHA256_DIGEST_INFO_PREFIX = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/** forge calls key.sign(md) with the finished digest; wrap it as PKCS#1 v1.5 and let Node's RSA do the work. */
function nodeSigner(privateKeyPem: string): forge.pki.rsa.PrivateKey {
  const signer = {
    sign(md: forge.md.MessageDigest): string {
      const digest = Buffer.from(md.digest().getBytes(), 'binary');
      const signature = crypto.privateEncrypt(
        { key: privateKeyPem, padding: crypto.constants.RSA_PKCS1_PADDING },
        Buffer.concat([SHA256_DIGEST_INFO_PREFIX, digest]),
      );
      return signature.toString('binary');
    },
  };
  return signer as unknown as forge.pki.rsa.PrivateKey;
}

function validity(notBefore?: Date, notAfter?: Date, defaultDays = 365): { notBefore: Date; notAfter: Date } {
  // Back-date a day so a client whose clock runs slightly behind still accepts the certificate.
  const from = notBefore ?? new Date(Date.now() - DAY_MS);
  return { notBefore: from, notAfter: notAfter ?? new Date(from.getTime() + defaultDays * DAY_MS) };
}

export function createCa(
  commonName: string,
  opts: { notBefore?: Date; notAfter?: Date; keyPair?: KeyPair } = {},
): CertAuthority {
  const keys = opts.keyPair ?? generateKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  cert.serialNumber = randomSerial();
  const v = validity(opts.notBefore, opts.notAfter, 3650);
  cert.validity.notBefore = v.notBefore;
  cert.validity.notAfter = v.notAfter;
  const subject = [{ name: 'commonName', value: commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(nodeSigner(keys.privateKeyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privateKeyPem, commonName };
}

export function issueCert(
  ca: CertAuthority,
  opts: { commonName: string; altNames?: string[]; client?: boolean; notBefore?: Date; notAfter?: Date; keyPair?: KeyPair },
): IssuedCert {
  const keys = opts.keyPair ?? generateKeyPair();
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  cert.serialNumber = randomSerial();
  const v = validity(opts.notBefore, opts.notAfter);
  cert.validity.notBefore = v.notBefore;
  cert.validity.notAfter = v.notAfter;
  cert.setSubject([{ name: 'commonName', value: opts.commonName }]);
  cert.setIssuer(caCert.subject.attributes);
  const extensions: object[] = [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    opts.client ? { name: 'extKeyUsage', clientAuth: true } : { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ];
  if (opts.altNames && opts.altNames.length > 0) {
    extensions.push({
      name: 'subjectAltName',
      // type 7 = iPAddress, 2 = dNSName (RFC 5280 GeneralName tags)
      altNames: opts.altNames.map((n) => (net.isIP(n) ? { type: 7, ip: n } : { type: 2, value: n })),
    });
  }
  cert.setExtensions(extensions);
  cert.sign(nodeSigner(ca.keyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privateKeyPem };
}

/** The folder layout Qlik's PEM export gives API clients: client.pem, client_key.pem, root.pem. */
export function writeCertFolder(dir: string, files: { client: IssuedCert; rootPem: string }): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'client.pem'), files.client.certPem);
  const keyFile = path.join(dir, 'client_key.pem');
  fs.writeFileSync(keyFile, files.client.keyPem, { mode: 0o600 });
  // writeFileSync's mode only applies when the file is created; a re-used folder keeps the old mode.
  fs.chmodSync(keyFile, 0o600);
  fs.writeFileSync(path.join(dir, 'root.pem'), files.rootPem);
}

/** PKCS#12 as in Qlik's "Windows" export (client.pfx); AES + SHA-1 MAC, which OpenSSL 3 reads without legacy mode. */
export function toPfx(cert: IssuedCert, caPem: string, passphrase: string): Buffer {
  const key = forge.pki.privateKeyFromPem(cert.keyPem);
  const chain = [forge.pki.certificateFromPem(cert.certPem), forge.pki.certificateFromPem(caPem)];
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, chain, passphrase, { algorithm: 'aes256', friendlyName: 'QlikClient' });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}
