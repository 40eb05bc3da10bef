/**
 * The certificate exports the QMC makes, built by the test setup from the simulator's certificates:
 * a PEM export with a password (encrypted client_key.pem, PKCS#8 or the traditional OpenSSL form),
 * the Windows export (client.pfx + root.cer in DER or PEM), and a pfx as Windows' own export writes it:
 * the key shrouded with pbeWithSHAAnd3-KeyTripleDES-CBC and the certificates encrypted with
 * pbeWithSHAAnd40BitRC2-CBC, which OpenSSL 3 (Node 17+) refuses.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import type { IssuedCert } from '../../src/sim/index.js';

const { asn1, pki } = forge;

export function encryptedKeyPem(keyPem: string, passphrase: string, form: 'pkcs8' | 'pkcs1' = 'pkcs8'): string {
  return createPrivateKey(keyPem).export({ type: form, format: 'pem', cipher: 'aes-256-cbc', passphrase }).toString();
}

export function derOf(certPem: string): Buffer {
  return new X509Certificate(certPem).raw;
}

const bytesOf = (node: forge.asn1.Asn1) => asn1.toDer(node).getBytes();
const seq = (items: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
const oid = (name: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(pki.oids[name]!).getBytes());
const octets = (bytes: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes);
const int = (n: number) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(n).getBytes());
const explicit0 = (node: forge.asn1.Asn1) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [node]);
const dataInfo = (bytes: string) => seq([oid('data'), explicit0(octets(bytes))]);

/** The certificates' SafeContents as an EncryptedData ContentInfo, RC2-40-CBC with the PKCS#12 KDF. */
function rc2EncryptedCerts(certs: forge.pki.Certificate[], password: string): forge.asn1.Asn1 {
  const bags = certs.map((c) => seq([oid('certBag'), explicit0(seq([oid('x509Certificate'), explicit0(octets(bytesOf(pki.certificateToAsn1(c))))]))]));
  const salt = forge.random.getBytesSync(8);
  const count = 2048;
  const md = forge.md.sha1.create();
  const key = pki.pbe.generatePkcs12Key(password, forge.util.createBuffer(salt), 1, count, 5, md);
  const iv = pki.pbe.generatePkcs12Key(password, forge.util.createBuffer(salt), 2, count, 8, forge.md.sha1.create());
  const cipher = forge.rc2.createEncryptionCipher(key, 40);
  cipher.start(iv, null);
  cipher.update(forge.util.createBuffer(bytesOf(seq(bags))));
  cipher.finish();
  const algorithm = seq([oid('pbewithSHAAnd40BitRC2-CBC'), seq([octets(salt), int(count)])]);
  const encryptedContent = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, cipher.output.getBytes());
  const encryptedData = seq([int(0), seq([oid('data'), algorithm, encryptedContent])]);
  return seq([oid('encryptedData'), explicit0(encryptedData)]);
}

/** client.pfx as Windows exports it: 3DES-shrouded key, RC2-40 certificates, SHA-1 MAC. */
export function legacyPfx(client: Pick<IssuedCert, 'certPem' | 'keyPem'>, caPem: string, password: string): Buffer {
  const key = pki.privateKeyFromPem(client.keyPem);
  const keyInfo = pki.encryptPrivateKeyInfo(pki.wrapRsaPrivateKey(pki.privateKeyToAsn1(key)), password, { algorithm: '3des' });
  const keySafe = seq([seq([oid('pkcs8ShroudedKeyBag'), explicit0(keyInfo)])]);
  const certs = [pki.certificateFromPem(client.certPem), pki.certificateFromPem(caPem)];
  const authSafe = bytesOf(seq([rc2EncryptedCerts(certs, password), dataInfo(bytesOf(keySafe))]));
  const macSalt = forge.random.getBytesSync(8);
  const macKey = forge.pkcs12.generateKey(password, forge.util.createBuffer(macSalt), 3, 2048, 20);
  const hmac = forge.hmac.create();
  hmac.start('sha1', macKey);
  hmac.update(authSafe);
  const macData = seq([seq([seq([oid('sha1'), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')]), octets(hmac.digest().getBytes())]), octets(macSalt), int(2048)]);
  return Buffer.from(bytesOf(seq([int(3), dataInfo(authSafe), macData])), 'binary');
}

/** A folder with exactly these files (Buffer or text), the key files private. */
export function writeExport(dir: string, files: Record<string, string | Buffer>): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content, { mode: 0o600 });
  return dir;
}
