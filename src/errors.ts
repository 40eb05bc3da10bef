/**
 * The one error model of qrsfix. Deep code throws a QrsfixError (or a subclass); only the entry point
 * (src/cli.ts) turns it into one line on stderr, a hint, and an exit code. Expected failures never
 * show a stack trace.
 */
export type ErrorKind =
  | 'usage' // bad flags, bad account name, missing argument
  | 'input' // a file we were asked to read is missing, unreadable or not what it should be
  | 'certificate' // certificate folder or files missing / unreadable / invalid
  | 'tls' // the TLS handshake failed (unknown CA, name mismatch, expired)
  | 'network' // host unreachable, connection refused or reset, proxy failures
  | 'timeout' // a request took longer than --timeout
  | 'http' // QRS answered with an unexpected status
  | 'response' // QRS answered 2xx with a body that is not what the endpoint returns
  | 'conflict' // 409 that did not resolve after the bounded retries
  | 'refused' // qrsfix refuses to go on (no --yes without a TTY, ambiguous target, foreign journal)
  | 'partial' // some steps of a change failed: exit 2
  | 'interrupted'; // SIGINT during a change: exit 130

export class QrsfixError extends Error {
  readonly kind: ErrorKind;
  readonly hint: string | undefined;

  constructor(kind: ErrorKind, message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'QrsfixError';
    this.kind = kind;
    this.hint = hint;
  }
}

export const EXIT = {
  ok: 0,
  error: 1,
  /** audit/diagnose-log: findings exist; change commands: partly done. */
  findings: 2,
  partial: 2,
  interrupted: 130,
} as const;

export function exitCodeFor(err: unknown): number {
  if (err instanceof QrsfixError) {
    if (err.kind === 'partial') return EXIT.partial;
    if (err.kind === 'interrupted') return EXIT.interrupted;
  }
  return EXIT.error;
}

export function usageError(message: string, hint?: string): QrsfixError {
  return new QrsfixError('usage', message, hint);
}
