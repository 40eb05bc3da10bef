/**
 * The certificate half of `qrsfix doctor`: the folder and the files in it, each file parsed, the key
 * against the client certificate, both certificates' dates, and clientAuth. Reads files only, so it
 * runs whatever the network does. Returns the opened folder when TLS can be tried with it.
 */
import type { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readBoundedFile } from '../util/read-bounded.js';
import path from 'node:path';
import { exportFilesIn, foundText, openKey, parseCertificate, type CertificateFolder, type Passphrases } from '../qrs/cert-folder.js';
import { fail, failFrom, ok, skip, warnOf, type CheckResult } from './check.js';

/** A FIFO or device in the certificate folder must not hang the doctor: regular files, a few MiB at most. */
const readCertFile = (file: string) => readBoundedFile(file, 4 * 1024 * 1024);

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const WARN_DAYS = 30;
const DAY_MS = 86_400_000;
const EXPORT_FIX = 'export the certificates from the QMC (Certificates → Export); see certs.example/README.md';

export interface CertChecks {
  results: CheckResult[];
  folder: CertificateFolder | undefined;
}

function datesCheck(name: string, cert: X509Certificate, file: string, now: Date): CheckResult {
  const from = new Date(cert.validFrom);
  const to = new Date(cert.validTo);
  const span = `${from.toISOString()} to ${to.toISOString()} (${path.basename(file)})`;
  if (now < from) return fail(name, `not valid yet: ${span}`, "check this machine's clock, or export the certificates again");
  if (now > to) return fail(name, `expired: ${span}`, 'export fresh certificates from the QMC of this site');
  const days = Math.floor((to.getTime() - now.getTime()) / DAY_MS);
  if (days <= WARN_DAYS) return warnOf(name, `expires in ${days} days: ${span}`, 'plan a fresh export from the QMC before then');
  return ok(name, `valid ${span}`);
}

function clientAuthCheck(cert: X509Certificate): CheckResult {
  const name = 'client certificate has clientAuth';
  const usages = cert.keyUsage;
  if (usages === undefined) return ok(name, 'no extended key usage in it: every use allowed');
  if (usages.includes(CLIENT_AUTH)) return ok(name, 'extended key usage includes clientAuth');
  return fail(name, `extended key usage is ${usages.join(', ')}, without clientAuth (${CLIENT_AUTH})`, 'use the client certificate of a QMC export (CN=QlikClient), not the server one');
}

export async function checkCertificates(dir: string, passphrases: Passphrases, insecure: boolean, now = new Date()): Promise<CertChecks> {
  const abs = path.resolve(dir);
  const results: CheckResult[] = [];
  if (!existsSync(abs)) {
    results.push(fail('certificate folder', `${abs} does not exist`, `use --certs <dir> or QRS_CERTS; ${EXPORT_FIX}`));
    return { results, folder: undefined };
  }
  const found = exportFilesIn(abs);
  const form = found.includes('client.pem') ? 'pem' : found.includes('client.pfx') ? 'pfx' : undefined;
  const rootName = found.includes('root.pem') ? 'root.pem' : found.includes('root.cer') ? 'root.cer' : undefined;
  if (!form) results.push(fail('certificate folder', `${abs}: ${foundText(found)}, no client certificate`, `it needs client.pem + client_key.pem + root.pem, or client.pfx + root.cer; ${EXPORT_FIX}`));
  else if (!rootName && !insecure) results.push(fail('certificate folder', `${abs}: ${foundText(found)}, no root.pem or root.cer`, `the server is checked against the root; ${EXPORT_FIX}`));
  else results.push(ok('certificate folder', `${abs}: ${foundText(found)}`));

  let client: X509Certificate | undefined;
  let keyPem: string | undefined;
  let certPem: string | undefined;
  if (form === 'pem') {
    const certFile = path.join(abs, 'client.pem');
    try {
      client = parseCertificate(readCertFile(certFile), certFile, 'the client certificate');
      results.push(ok('client.pem parses', `CN=${client.subject.replace(/^[\s\S]*CN=/, '').split('\n')[0]}, issued by ${client.issuer.replace(/\n/g, ', ')}`));
    } catch (err) {
      results.push(failFrom('client.pem parses', err, EXPORT_FIX));
    }
    const keyFile = path.join(abs, 'client_key.pem');
    try {
      const key = openKey(readCertFile(keyFile), keyFile, passphrases.key);
      keyPem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
      results.push(ok('client_key.pem parses', `${key.asymmetricKeyType ?? 'private'} key${passphrases.key !== undefined ? ', decrypted with QRS_KEY_PASSPHRASE' : ''}`));
      if (client) {
        results.push(client.checkPrivateKey(key) ? ok('key matches the client certificate', 'client_key.pem is the key of client.pem') : fail('key matches the client certificate', 'client_key.pem is not the key of client.pem', 'client.pem and client_key.pem must come from the same export; export both again'));
        certPem = client.toString();
      }
    } catch (err) {
      results.push(failFrom('client_key.pem parses', err, EXPORT_FIX));
      results.push(skip('key matches the client certificate', 'the key did not open'));
    }
  } else if (form === 'pfx') {
    const pfxFile = path.join(abs, 'client.pfx');
    if (passphrases.pfx === undefined) {
      results.push(fail('client.pfx parses', 'client.pfx needs its export password', 'set QRS_PFX_PASSPHRASE to the password chosen when exporting'));
      results.push(skip('key matches the client certificate', 'client.pfx did not open'));
    } else {
      try {
        const { openPfx } = await import('../qrs/pfx.js');
        const opened = openPfx(readCertFile(pfxFile), passphrases.pfx, pfxFile);
        client = parseCertificate(Buffer.from(opened.certPem), pfxFile, 'the client certificate in client.pfx');
        ({ certPem, keyPem } = opened);
        results.push(ok('client.pfx parses', 'certificate and private key opened with QRS_PFX_PASSPHRASE'));
        results.push(ok('key matches the client certificate', 'the key in client.pfx is that of its certificate'));
      } catch (err) {
        results.push(failFrom('client.pfx parses', err, 'check QRS_PFX_PASSPHRASE'));
        results.push(skip('key matches the client certificate', 'client.pfx did not open'));
      }
    }
  }

  let root: X509Certificate | undefined;
  if (rootName) {
    const rootFile = path.join(abs, rootName);
    try {
      root = parseCertificate(readCertFile(rootFile), rootFile, rootName);
      results.push(ok(`${rootName} parses`, `${root.subject.replace(/\n/g, ', ')}`));
    } catch (err) {
      results.push(failFrom(`${rootName} parses`, err, EXPORT_FIX));
    }
  }
  results.push(client ? datesCheck('client certificate dates', client, form === 'pfx' ? 'client.pfx' : 'client.pem', now) : skip('client certificate dates', 'no client certificate opened'));
  results.push(root ? datesCheck('root certificate dates', root, rootName!, now) : skip('root certificate dates', 'no root certificate opened'));
  results.push(client ? clientAuthCheck(client) : skip('client certificate has clientAuth', 'no client certificate opened'));

  const usable = client && certPem && keyPem && (root || insecure) && !results.some((r) => r.status === 'fail');
  const folder: CertificateFolder | undefined = usable
    ? { dir: abs, found, form: form!, clientFile: path.join(abs, form === 'pfx' ? 'client.pfx' : 'client.pem'), keyFile: path.join(abs, form === 'pfx' ? 'client.pfx' : 'client_key.pem'), rootFile: rootName && path.join(abs, rootName), root, client: client!, certPem: certPem!, keyPem: keyPem!, caPem: root?.toString() }
    : undefined;
  return { results, folder };
}
