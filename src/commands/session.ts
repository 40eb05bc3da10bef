/**
 * A command's session with QRS: flags → config → one client, with --verbose tracing (redacted) and
 * the transport's warnings on stderr, closed when the command's work is done, whatever happens.
 */
import { QrsClient, type TraceEvent } from '../qrs/client.js';
import type { QrsConnectionConfig } from '../qrs/config.js';
import { resolveConnection, type ConnectionFlags } from './options.js';
import { openCertificates } from './certificates.js';
import { configureOutput, debug, info, isVerbose, warn } from '../output/stdio.js';
import { registerSecret, summarizeBody } from '../secrets.js';
import type { OutputFlags } from '../output/report.js';

export interface CommonFlags extends ConnectionFlags, OutputFlags {
  verbose?: boolean;
  quiet?: boolean;
}

function traceLine(e: TraceEvent): string {
  // Bounded: a huge or deeply nested answer is summarised, not parsed or serialised whole.
  const body = e.body !== undefined && e.body !== '' ? ' ' + summarizeBody(e.body) : '';
  if (e.phase === 'request') return `→ ${e.method} ${e.url}${body}`;
  if (e.phase === 'response') return `← ${e.status} ${e.method} ${e.url} (${e.bytes} bytes, ${e.ms} ms)${body}`;
  return `${e.phase}: ${e.method} ${e.url} ${e.note ?? ''}`;
}

function registerConfigSecrets(config: QrsConnectionConfig): void {
  registerSecret(config.pfxPassphrase);
  registerSecret(config.keyPassphrase);
  if (config.proxy) {
    try {
      const u = new URL(config.proxy);
      registerSecret(decodeURIComponent(u.password));
      registerSecret(u.password);
    } catch {
      /* validated earlier */
    }
  }
}

/** Opens a client from the flags, hands it to fn, and closes it after fn, however fn ends. */
export async function withClient<T>(flags: CommonFlags, fn: (client: QrsClient) => Promise<T>): Promise<T> {
  configureOutput({ verbose: flags.verbose === true, quiet: flags.quiet === true });
  const config = resolveConnection(flags);
  registerConfigSecrets(config);
  if (flags.proxy && /^[a-z]+:\/\/[^/@]*:[^/@]*@/i.test(flags.proxy)) {
    warn('the proxy password given with --proxy can be read by other users in the process list; set HTTPS_PROXY=http://user:password@proxy:3128 instead');
  }
  for (const used of config.defaultsUsed ?? []) info(`using ${used}`);
  const certs = await openCertificates(config);
  const client = new QrsClient(config, certs, { onTrace: isVerbose() ? (e) => debug(traceLine(e)) : undefined, onWait: (note) => info(note), userAgent: 'qrsfix' });
  for (const w of client.warnings) warn(w);
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}
