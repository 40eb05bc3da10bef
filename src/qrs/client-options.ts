/** What a QRS client is told to do besides its connection: tracing, retries, and what it counts. */

export interface TraceEvent {
  phase: 'request' | 'response' | 'retry' | 'error';
  method: string;
  url: string;
  status?: number;
  ms?: number;
  bytes?: number;
  body?: unknown;
  note?: string;
}

export interface QrsClientOptions {
  onTrace?: (event: TraceEvent) => void;
  /** GET attempts, including the first. */
  maxTries?: number;
  /** Base of the exponential backoff between GET attempts. */
  backoffMs?: number;
  userAgent?: string;
  /** Told before each retry, so that waiting is visible (the command shows it on stderr). */
  onWait?: (note: string) => void;
}

export interface QrsStats {
  requests: number;
  bytesReceived: number;
}
