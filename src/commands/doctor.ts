/**
 * `qrsfix doctor`: checks the whole path to QRS, read-only, one line a check with the fix for each
 * failure; exit 0 when all hold, 1 otherwise. A missing host is a failed check, not an error: the
 * certificate checks still run.
 */
import { EXIT, QrsfixError } from '../errors.js';
import { runDoctor } from '../doctor/run.js';
import { doctorJson, renderDoctor, renderDoctorMarkdown } from '../output/doctor-report.js';
import { reportFormat, writeReport, type OutputFlags } from '../output/report.js';
import { configureOutput } from '../output/stdio.js';
import { registerSecret } from '../secrets.js';
import type { QrsConnectionConfig } from '../qrs/config.js';
import { resolveConnection, type ConnectionFlags } from './options.js';

export interface DoctorFlags extends ConnectionFlags, OutputFlags {
  verbose?: boolean;
  quiet?: boolean;
}

export async function run(flags: DoctorFlags): Promise<number> {
  configureOutput({ verbose: flags.verbose === true, quiet: flags.quiet === true });
  reportFormat(flags);
  let config: QrsConnectionConfig | undefined;
  let hostProblem: { message: string; hint?: string } | undefined;
  let certsDir: string;
  try {
    config = resolveConnection(flags);
    certsDir = config.certsDir;
  } catch (err) {
    if (!(err instanceof QrsfixError) || !/^no QRS host/.test(err.message)) throw err;
    hostProblem = { message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
    // Everything but the host, so that the certificates are checked all the same.
    certsDir = resolveConnection({ ...flags, host: 'no-host.invalid' }).certsDir;
  }
  registerSecret(flags.envQrsPfxPassphrase);
  registerSecret(flags.envQrsKeyPassphrase);
  const results = await runDoctor({
    config,
    certsDir,
    ...(hostProblem ? { hostProblem } : {}),
    proxy: { envProxy: flags.envHttpsProxy ?? flags.envHttpsProxyLc, noProxy: flags.envNoProxy ?? flags.envNoProxyLc, flagProxy: flags.proxy },
    passphrases: { key: flags.envQrsKeyPassphrase, pfx: flags.envQrsPfxPassphrase },
    insecure: flags.insecure === true,
  });
  writeReport(flags, { table: () => renderDoctor(results), markdown: () => renderDoctorMarkdown(results), json: () => doctorJson(results) });
  return results.some((r) => r.status === 'fail') ? EXIT.error : EXIT.ok;
}
