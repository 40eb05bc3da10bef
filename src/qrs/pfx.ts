/**
 * client.pfx, the QMC's "Windows" export. Windows' own PKCS#12 export traditionally encrypts with the
 * legacy algorithms (RC2-40 / 3DES), which OpenSSL 3 (Node 17+) refuses as "Unsupported PKCS12 PFX
 * data", reading like a wrong password: node-forge, a pure-JavaScript reader, opens every variant, and
 * TLS gets the key and certificate as PEM. Loaded only when a folder holds a pfx.
 */
import forge from 'node-forge';
import { QrsfixError } from '../errors.js';

export interface OpenedPfx {
  certPem: string;
  keyPem: string;
}

const WRONG = /invalid password|mac could not be verified|pkcs#12 mac/i;

export function openPfx(bytes: Buffer, passphrase: string, file: string): OpenedPfx {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(bytes.toString('binary')), false, passphrase);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (WRONG.test(message)) {
      throw new QrsfixError('certificate', `wrong passphrase for client.pfx at ${file}`, 'check QRS_PFX_PASSPHRASE: the password chosen when exporting the certificates', { cause: err });
    }
    throw new QrsfixError('certificate', `cannot open client.pfx at ${file}: wrong password or not a PKCS#12 file (${message})`, 'check QRS_PFX_PASSPHRASE, or export the certificates again', { cause: err });
  }
  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ?? []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? []),
  ];
  const certs = (p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? []).map((b) => b.cert).filter((c): c is forge.pki.Certificate => c !== undefined);
  const key = keyBags.find((b) => b.key)?.key as forge.pki.rsa.PrivateKey | undefined;
  if (!key) throw new QrsfixError('certificate', `client.pfx at ${file} holds no private key`, 'export the certificates again, with the private key');
  // The client certificate is the one of the key (a pfx may also carry the root).
  const client = certs.find((c) => {
    const pub = c.publicKey as forge.pki.rsa.PublicKey;
    return pub.n?.equals(key.n) && pub.e?.equals(key.e);
  });
  if (!client) throw new QrsfixError('certificate', `client.pfx at ${file} holds no certificate for its private key`, 'export the certificates again');
  return { certPem: forge.pki.certificateToPem(client), keyPem: forge.pki.privateKeyToPem(key) };
}
