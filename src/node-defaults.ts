/**
 * The defaults a Qlik Sense node already holds, used only where neither a flag nor a QRS_* variable
 * (nor a --site) gave a value: the host name in Host.cfg, and the node's own certificate export when
 * ./certs does not exist. Each use is recorded, to be said on stderr.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULTS } from './defaults.js';
import { usageError } from './errors.js';
import { localCertificates, readHostCfg } from './qlik-node.js';

export interface NodeDefaults {
  host: string;
  certsDir: string;
  /** What was taken from the node, e.g. "the host qlikserver1 from C:\ProgramData\Qlik\Sense\Host.cfg". */
  used: string[];
}

export function nodeDefaults(flags: { host?: string; certs?: string }, programData: string | undefined): NodeDefaults {
  const used: string[] = [];
  let host = flags.host?.trim();
  if (!host) {
    const cfg = programData ? readHostCfg(programData) : undefined;
    if (!cfg || 'problem' in cfg) {
      const why = cfg ? `; ${cfg.file} was no help: ${cfg.problem}` : '';
      throw usageError('no QRS host given', `use --host <name> or set QRS_HOST (the central node, as named in its certificate)${why}`);
    }
    host = cfg.host;
    used.push(`the host ${host} from ${cfg.file}`);
  }
  let certsDir = flags.certs;
  if (certsDir === undefined) {
    const local = !existsSync(path.resolve(DEFAULTS.certsDir)) && programData ? localCertificates(programData) : undefined;
    certsDir = local ?? DEFAULTS.certsDir;
    if (local) used.push(`the certificates in ${local} (there is no ${DEFAULTS.certsDir} here)`);
  }
  return { host, certsDir, used };
}

