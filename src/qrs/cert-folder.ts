/**
 * Reads a certificate folder as the QMC exports it, in every form: PEM (`client.pem`, `client_key.pem`,
 * encrypted when the export had a password, `root.pem`) or Windows (`client.pfx` + `root.cer`), each
 * certificate in PEM or DER. Hands TLS the PEM forms. Never prints and never prompts: a passphrase that
 * is needed and not given is a PassphraseNeeded error, which the command layer answers (env or prompt).
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { QrsfixError } from '../errors.js';
import { readBoundedFile, readErrorText } from '../util/read-bounded.js';

export const EXPORT_HINT =
  'export the certificates from the QMC (Certificates → Export) into this folder; see certs.example/README.md';

/** The files a QMC export can hold, in the order messages list them. */
const KNOWN = ['client.pem', 'client_key.pem', 'root.pem', 'client.pfx', 'root.cer', 'server.pem', 'server_key.pem'];

export type PassphraseFor = 'key' | 'pfx';

/** A key or pfx is encrypted and no passphrase was given: the caller may ask for one and try again. */
export class PassphraseNeeded extends QrsfixError {
  constructor(
    readonly which: PassphraseFor,
    readonly file: string,
  ) {
    const env = which === 'key' ? 'QRS_KEY_PASSPHRASE' : 'QRS_PFX_PASSPHRASE';
    const what = which === 'key' ? `${path.basename(file)} is encrypted` : `${file} needs its export password`;
    super('certificate', `${what}: set ${env} or run at a terminal to be asked`, `${env} is the password chosen when exporting the certificates in the QMC`);
  }
}

export interface Passphrases {
  key?: string;
  pfx?: string;
}

export interface CertificateFolder {
  dir: string;
  /** The export files present, e.g. ['client.pfx', 'root.cer']. */
  found: string[];
  form: 'pem' | 'pfx';
  clientFile: string;
  keyFile: string;
  rootFile: string | undefined;
  client: X509Certificate;
  root: X509Certificate | undefined;
  /** PEM text for TLS (decrypted in memory only). */
  certPem: string;
  keyPem: string;
  caPem: string | undefined;
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

/** The export files in dir, for messages that say what is there. */
export function exportFilesIn(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const lower = new Set(names.map((n) => n.toLowerCase()));
  return KNOWN.filter((n) => lower.has(n));
}

export function foundText(found: string[]): string {
  return found.length ? `found ${found.join(', ')}` : 'no certificate files in it';
}

/** A certificate export is a few KiB; a chain with many roots stays far below this. */
const MAX_CERT_BYTES = 4 * 1024 * 1024;

function readFile(file: string, found: string[]): Buffer {
  try {
    return readBoundedFile(file, MAX_CERT_BYTES);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `file not found (${foundText(found)})` : readErrorText(err, MAX_CERT_BYTES);
    throw new QrsfixError('certificate', `cannot read ${path.basename(file)} at ${file}: ${why}`, code === 'EACCES' ? 'run as a user who can read the certificate folder' : `use --certs <dir> or QRS_CERTS; ${EXPORT_HINT}`);
  }
}

/** A certificate file in PEM or DER (the QMC writes root.cer in either). */
export function parseCertificate(bytes: Buffer, file: string, label: string): X509Certificate {
  try {
    return new X509Certificate(bytes);
  } catch {
    throw new QrsfixError('certificate', `${label} at ${file} is not a certificate (neither PEM nor DER)`, EXPORT_HINT);
  }
}

function isEncryptedPem(text: string): boolean {
  return /-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(text) || /Proc-Type:\s*4,ENCRYPTED/.test(text);
}

/** The private key of the PEM export, decrypted with the passphrase when the export had a password. */
export function openKey(bytes: Buffer, file: string, passphrase: string | undefined): KeyObject {
  const text = bytes.toString('latin1');
  const encrypted = isEncryptedPem(text);
  if (encrypted && passphrase === undefined) throw new PassphraseNeeded('key', file);
  try {
    if (text.includes('-----BEGIN')) return createPrivateKey(encrypted ? { key: bytes, passphrase } : { key: bytes });
    return createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8' });
  } catch (err) {
    if (encrypted) {
      throw new QrsfixError('certificate', `wrong passphrase for ${path.basename(file)} at ${file}`, 'check QRS_KEY_PASSPHRASE: the password chosen when exporting the certificates', { cause: err });
    }
    throw new QrsfixError('certificate', `${path.basename(file)} at ${file} is not a PEM private key`, EXPORT_HINT, { cause: err });
  }
}

function pickRoot(dir: string, found: string[]): string | undefined {
  if (found.includes('root.pem')) return path.join(dir, 'root.pem');
  if (found.includes('root.cer')) return path.join(dir, 'root.cer');
  return undefined;
}

/**
 * Opens the folder's client certificate, key and (unless `needRoot` is false) root. Throws typed errors
 * that name the file and, when one is missing, the files found.
 */
export async function loadCertificateFolder(dir: string, passphrases: Passphrases, needRoot = true): Promise<CertificateFolder> {
  const abs = path.resolve(dir);
  if (!exists(abs)) throw new QrsfixError('certificate', `the certificate folder ${abs} does not exist`, `use --certs <dir> or QRS_CERTS; ${EXPORT_HINT}`);
  const found = exportFilesIn(abs);
  const hasPem = found.includes('client.pem');
  const hasPfx = found.includes('client.pfx');
  if (!hasPem && !hasPfx) {
    // A PEM export missing its certificate is named as such; otherwise the folder is just not an export.
    if (found.includes('client_key.pem')) readFile(path.join(abs, 'client.pem'), found);
    throw new QrsfixError('certificate', `no client certificate in ${abs} (${foundText(found)})`, `it needs client.pem + client_key.pem + root.pem (PEM export) or client.pfx + root.cer (Windows export); ${EXPORT_HINT}`);
  }
  const rootFile = pickRoot(abs, found);
  if (needRoot && !rootFile) {
    const expected = path.join(abs, hasPem ? 'root.pem' : 'root.cer');
    throw new QrsfixError('certificate', `cannot read ${path.basename(expected)} at ${expected}: file not found (${foundText(found)}; root.pem or root.cer)`, `the server is verified against the root certificate of the export; ${EXPORT_HINT}`);
  }
  const root = rootFile ? parseCertificate(readFile(rootFile, found), rootFile, path.basename(rootFile)) : undefined;
  const base = { dir: abs, found, rootFile, root, caPem: root?.toString() };
  if (hasPem) {
    const clientFile = path.join(abs, 'client.pem');
    const keyFile = path.join(abs, 'client_key.pem');
    const client = parseCertificate(readFile(clientFile, found), clientFile, 'the client certificate');
    const key = openKey(readFile(keyFile, found), keyFile, passphrases.key);
    if (!client.checkPrivateKey(key)) {
      throw new QrsfixError('certificate', `client_key.pem at ${keyFile} is not the private key of ${clientFile}`, 'client.pem and client_key.pem must come from the same export; export both again');
    }
    return { ...base, form: 'pem', clientFile, keyFile, client, certPem: client.toString(), keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString() };
  }
  const pfxFile = path.join(abs, 'client.pfx');
  const bytes = readFile(pfxFile, found);
  if (passphrases.pfx === undefined) throw new PassphraseNeeded('pfx', pfxFile);
  // node-forge is loaded only for a pfx.
  const { openPfx } = await import('./pfx.js');
  const opened = openPfx(bytes, passphrases.pfx, pfxFile);
  const client = parseCertificate(Buffer.from(opened.certPem), pfxFile, 'the client certificate in client.pfx');
  return { ...base, form: 'pfx', clientFile: pfxFile, keyFile: pfxFile, client, certPem: opened.certPem, keyPem: opened.keyPem };
}

/** The client certificate's names and dates, to explain a rejection by the server (never the key). */
export interface ClientCertificateInfo {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
}

function cn(distinguishedName: string): string {
  return /^CN=(.*)$/m.exec(distinguishedName)?.[1] ?? distinguishedName.replace(/\n/g, ', ');
}

export function certificateInfo(cert: X509Certificate): ClientCertificateInfo {
  return { subject: cn(cert.subject), issuer: cn(cert.issuer), validFrom: new Date(cert.validFrom).toISOString(), validTo: new Date(cert.validTo).toISOString() };
}
