/**
 * The Windows binary before injection: the OpenJS Foundation's Authenticode signature dropped (injection
 * changes the file, so the signature would no longer verify and reads as tampering) and the file's
 * version info set to qrsfix and its version, so that Explorer and Get-Item show what the file is.
 * Signing with the company's certificate is a separate step (README, "Windows server").
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as ResEdit from 'resedit';

export function prepareWindowsBinary(source, target, { version }) {
  const exe = ResEdit.NtExecutable.from(readFileSync(source), { ignoreCert: true });
  const res = ResEdit.NtExecutableResource.from(exe);
  const infos = ResEdit.Resource.VersionInfo.fromEntries(res.entries);
  const info = infos[0] ?? ResEdit.Resource.VersionInfo.createEmpty();
  const [major = 0, minor = 0, patch = 0] = version.split(/[.+-]/).map((n) => Number.parseInt(n, 10) || 0);
  info.setFileVersion(major, minor, patch, 0, 1033);
  info.setProductVersion(major, minor, patch, 0, 1033);
  const lang = { lang: 1033, codepage: 1200 };
  for (const l of info.getAllLanguagesForStringValues()) info.removeAllStringValues(l);
  info.setStringValues(lang, {
    CompanyName: 'qrsfix',
    FileDescription: 'qrsfix: audit and fix the Qlik Sense monitoring-app access-pass problem (QLIK-88038)',
    FileVersion: version,
    InternalName: 'qrsfix',
    OriginalFilename: 'qrsfix-win-x64.exe',
    ProductName: 'qrsfix',
    ProductVersion: version,
    LegalCopyright: 'MIT licence; includes Node.js (MIT, OpenJS Foundation)',
  });
  info.outputToResourceEntries(res.entries);
  res.outputResource(exe);
  writeFileSync(target, Buffer.from(exe.generate()));
}

/**
 * What the finished .exe must be: unsigned (resedit refuses to parse a file with a certificate table),
 * with qrsfix's version info and the injected blob; throws otherwise.
 */
export function checkWindowsBinary(file, { version }) {
  let exe;
  try {
    exe = ResEdit.NtExecutable.from(readFileSync(file));
  } catch (err) {
    throw new Error(`${file} cannot be read as an unsigned PE file: ${err instanceof Error ? err.message : String(err)}`);
  }
  const res = ResEdit.NtExecutableResource.from(exe);
  const strings = ResEdit.Resource.VersionInfo.fromEntries(res.entries)[0]?.getStringValues({ lang: 1033, codepage: 1200 }) ?? {};
  if (strings.ProductName !== 'qrsfix' || strings.FileVersion !== version) throw new Error(`${file} lacks qrsfix's version info`);
  if (!res.entries.some((e) => e.type === 10 && e.id === 'NODE_SEA_BLOB')) throw new Error(`${file} holds no NODE_SEA_BLOB resource`);
}
