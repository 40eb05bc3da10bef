/**
 * Shared plumbing of the commands that talk to QRS: flags → config → one client per run, with
 * --verbose tracing (redacted) and the transport's warnings shown on stderr.
 */
import { writeFileSync } from 'node:fs';
import { QrsClient, type TraceEvent } from '../qrs/client.js';
import type { QrsConnectionConfig } from '../qrs/config.js';
import { resolveConnection, type ConnectionFlags } from './options.js';
import { configureOutput, debug, isVerbose, warn } from '../output/stdio.js';
import { redact, redactText, registerSecret, scrub } from '../output/secrets.js';
import { usageError, QrsfixError } from '../errors.js';
import type { ReportFormat } from '../output/audit-report.js';

export interface CommonFlags extends ConnectionFlags {
  json?: boolean;
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

export function openClient(flags: CommonFlags): QrsClient {
  configureOutput({ verbose: flags.verbose === true, quiet: flags.quiet === true });
  const config = resolveConnection(flags);
  registerConfigSecrets(config);
  const client = new QrsClient(config, { onTrace: isVerbose() ? (e) => debug(traceLine(e)) : undefined, userAgent: 'qrsfix' });
  for (const w of client.warnings) warn(w);
  return client;
}

function registerConfigSecrets(config: QrsConnectionConfig): void {
  registerSecret(config.pfxPassphrase);
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

/** The connection flags to repeat in a suggested command line, so it can be pasted as is. */
export function connectionArgs(config: QrsConnectionConfig): string[] {
  const args = ['--host', config.host];
  if (config.port !== 4242) args.push('--port', String(config.port));
  if (config.certsDir !== './certs') args.push('--certs', config.certsDir);
  if (config.servername) args.push('--servername', config.servername);
  if (config.insecure) args.push('--insecure');
  const user = `${config.user.directory}\\${config.user.userId}`;
  if (user.toLowerCase() !== 'internal\\sa_repository') args.push('--qrs-user', user);
  return args;
}

export function reportFormat(flags: { json?: boolean; format?: string }): ReportFormat {
  if (flags.json) return 'json';
  const f = (flags.format ?? 'table').toLowerCase();
  if (f === 'table' || f === 'json' || f === 'markdown') return f;
  throw usageError(`--format must be table, json or markdown, not "${flags.format}"`);
}

export function writeReportFile(file: string, text: string): void {
  try {
    writeFileSync(file, scrub(text.endsWith('\n') ? text : text + '\n'), { encoding: 'utf8' });
  } catch (err) {
    throw new QrsfixError('input', `cannot write the report to ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, 'check the folder exists and is writable');
  }
}
