/**
 * A command's session with QRS: flags → config → one client, with --verbose tracing (redacted) and
 * the transport's warnings on stderr, closed when the command's work is done, whatever happens.
 */
import { QrsClient, type TraceEvent } from '../qrs/client.js';
import type { QrsConnectionConfig } from '../qrs/config.js';
import { resolveConnection, type ConnectionFlags } from './options.js';
import { openCertificates } from './certificates.js';
import { configureOutput, debug, info, isVerbose, warn } from '../output/stdio.js';
import { redact, redactText, registerSecret } from '../secrets.js';
import type { OutputFlags } from '../output/report.js';

export interface CommonFlags extends ConnectionFlags, OutputFlags {
  verbose?: boolean;
  quiet?: boolean;
}

function traceLine(e: TraceEvent): string {
  let body = '';
  if (e.body !== undefined && e.body !== '') {
    let value: unknown = e.body;
    if (typeof value === 'string') {
      try {
        value = JSON.parse(value);
      } catch {
        /* not JSON: shown as text */
      }
    }
    // A body that does not parse (HTML, or JSON cut short) is shown as text, with its secrets still hidden.
    const text = typeof value === 'string' ? redactText(value) : JSON.stringify(redact(value));
    body = ' ' + (text.length > 400 ? text.slice(0, 400) + '…' : text);
  }
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
  for (const used of config.defaultsUsed ?? []) info(`using ${used}`);
  const certs = await openCertificates(config);
  const client = new QrsClient(config, certs, { onTrace: isVerbose() ? (e) => debug(traceLine(e)) : undefined, userAgent: 'qrsfix' });
  for (const w of client.warnings) warn(w);
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}
