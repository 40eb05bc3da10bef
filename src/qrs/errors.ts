/**
 * QRS failures as typed errors. They extend the one error model (src/errors.ts) with what a caller
 * needs to decide: the HTTP status, and whether a write's outcome is unknown (connection lost after the
 * request was sent), in which case the caller must re-read before doing anything else.
 */
import { QrsfixError, type ErrorKind } from '../errors.js';

export class QrsError extends QrsfixError {
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  /** The request may or may not have been applied by the server. */
  readonly uncertain: boolean;
  /** A transient failure a GET may be retried on. */
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(
    kind: ErrorKind,
    message: string,
    hint: string | undefined,
    details: { method: string; path: string; status?: number; uncertain?: boolean; retryable?: boolean; retryAfterMs?: number },
  ) {
    super(kind, message, hint);
    this.name = 'QrsError';
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.uncertain = details.uncertain ?? false;
    this.retryable = details.retryable ?? false;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** A short, single-line excerpt of a response body for an error message. */
export function excerpt(body: string, max = 160): string {
  const oneLine = body.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? oneLine.slice(0, max - 1) + '…' : oneLine;
}
