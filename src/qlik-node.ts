/**
 * What Qlik Sense already wrote on one of its nodes, under %ProgramData%: the node's host name in
 * `Qlik\Sense\Host.cfg` (base64 of UTF-8, as Qlik-Cli reads it) and the node's own certificate export in
 * `Qlik\Sense\Repository\Exported Certificates\.Local Certificates`. Given the ProgramData folder (read
 * from the environment by the caller, on every OS, so that tests can point it anywhere); reads only.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** What a DNS name or address may hold; Host.cfg is untrusted input. */
const HOST_NAME = /^[A-Za-z0-9._:-]{1,253}$/;

export function hostCfgPath(programData: string): string {
  return path.join(programData, 'Qlik', 'Sense', 'Host.cfg');
}

export function localCertificatesPath(programData: string): string {
  return path.join(programData, 'Qlik', 'Sense', 'Repository', 'Exported Certificates', '.Local Certificates');
}

export type HostCfg = { host: string; file: string } | { problem: string; file: string } | undefined;

/** The node's host name from Host.cfg; undefined when there is no such file. */
export function readHostCfg(programData: string): HostCfg {
  const file = hostCfgPath(programData);
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? undefined : { problem: `cannot read it (${code ?? String(err)})`, file };
  }
  const text = raw.subarray(0, 4096).toString('utf8').replace(/^\uFEFF/, '').trim();
  const host = /^[A-Za-z0-9+/]+={0,2}$/.test(text) ? Buffer.from(text, 'base64').toString('utf8').trim() : '';
  if (!HOST_NAME.test(host)) return { problem: 'it does not hold a base64-encoded host name', file };
  return { host, file };
}

/** The node's own certificate folder, when it exists. */
export function localCertificates(programData: string): string | undefined {
  const dir = localCertificatesPath(programData);
  try {
    return statSync(dir).isDirectory() ? dir : undefined;
  } catch {
    return undefined;
  }
}
