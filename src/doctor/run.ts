/**
 * `qrsfix doctor`: every check that can run, in order: certificates (files only), then the path to QRS,
 * then QRS itself. Nothing is written. The command prints the results; this module never prints.
 */
import type { QrsConnectionConfig } from '../qrs/config.js';
import { QrsClient } from '../qrs/client.js';
import { createTransport } from '../qrs/transport.js';
import { checkCertificates } from './cert-checks.js';
import { checkNetwork, type ProxyFacts } from './network-checks.js';
import { checkQrs } from './qrs-checks.js';
import { fail, skip, type CheckResult } from './check.js';

export interface DoctorInput {
  /** undefined when no host could be found; the certificate checks run all the same. */
  config: QrsConnectionConfig | undefined;
  certsDir: string;
  hostProblem?: { message: string; hint?: string };
  proxy: ProxyFacts;
  passphrases: { key?: string; pfx?: string };
  insecure: boolean;
}

export async function runDoctor(input: DoctorInput): Promise<CheckResult[]> {
  const certs = await checkCertificates(input.certsDir, input.passphrases, input.insecure);
  const results = [...certs.results];
  const cfg = input.config;
  if (!cfg) {
    results.push(fail('QRS host', input.hostProblem?.message ?? 'no QRS host given', input.hostProblem?.hint ?? 'use --host <name> or set QRS_HOST'));
    for (const c of ['proxy', 'DNS', 'TCP', 'TLS handshake', '/qrs/about', 'X-Qlik-User rights', 'monitor connections']) results.push(skip(c, 'no host'));
    return results;
  }
  let tlsOptions;
  if (certs.folder) {
    const transport = createTransport(cfg, certs.folder);
    tlsOptions = transport.tlsOptions;
    transport.agent.destroy();
  }
  const network = await checkNetwork(cfg, input.proxy, tlsOptions);
  results.push(...network.results);
  if (!network.reachable || !certs.folder) {
    for (const c of ['/qrs/about', 'X-Qlik-User rights', 'monitor connections']) results.push(skip(c, network.reachable ? 'the certificates did not open' : 'no TLS connection'));
    return results;
  }
  const client = new QrsClient(cfg, certs.folder, { userAgent: 'qrsfix doctor', maxTries: 1 });
  try {
    results.push(...(await checkQrs(client)));
  } finally {
    client.close();
  }
  return results;
}
