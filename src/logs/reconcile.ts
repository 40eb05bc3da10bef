/**
 * One access decision can be written twice: as a `License user access` row in the audit security log
 * and as a UsageDenied/UsageGranted row in the license trace log. We count it once.
 *
 * Decision: an audit row and a trace row are the same decision when they name the same user, the same
 * SessionID and the same outcome, within one second of each other (the two logs are written by
 * different loggers a few milliseconds apart, which can straddle a second boundary). Rows of the same
 * file kind are never merged: "count a denial once per row of each file", and the hub really does
 * ask again and again for one session (the administrator in the samples, 8 denials, one SessionID).
 * The merged decision keeps the audit row's Origin and Context, which the trace does not have, and
 * records both sources, so the report can show audit-only / trace-only / both counts.
 *
 * Because rows arrive in time order (merge.ts), a decision waits at most HOLD_MS here for its twin:
 * memory is bounded by a couple of seconds of log, not by the size of the folder.
 */
import type { AccessRow, LogKind } from './rows.js';

export interface AccessEvent extends AccessRow {
  /** Which logs recorded this decision: one kind, or both when an audit row and a trace row matched. */
  sources: LogKind[];
}

const TWIN_MS = 1000;
const HOLD_MS = 2000;

interface Held {
  event: AccessEvent;
  key: string | undefined;
}

export class Reconciler {
  private readonly queue: Held[] = [];
  private head = 0;
  private readonly byKey = new Map<string, Held[]>();

  /**
   * @param twins false when only one kind of log is read: nothing can have a twin, so rows pass
   *   straight through (the common case of a big folder of one log kind, and the fast one).
   */
  constructor(
    private readonly emit: (event: AccessEvent) => void,
    private readonly twins = true,
  ) {}

  push(row: AccessRow): void {
    const event = row as AccessEvent;
    event.sources = [row.source];
    if (!this.twins) {
      this.emit(event);
      return;
    }
    this.flushBefore(row.stamp.at - HOLD_MS);
    const key = row.sessionId ? `${row.user.toLowerCase()}|${row.sessionId.toLowerCase()}|${row.outcome}` : undefined;
    const list = key === undefined ? undefined : this.byKey.get(key);
    if (list) {
      const twin = list.find(
        (h) => h.event.sources.length === 1 && h.event.source !== row.source && Math.abs(h.event.stamp.at - row.stamp.at) <= TWIN_MS,
      );
      if (twin) {
        mergeTwin(twin.event, row);
        return;
      }
    }
    const held: Held = { event, key };
    this.queue.push(held);
    if (key !== undefined) {
      if (list) list.push(held);
      else this.byKey.set(key, [held]);
    }
  }

  /** Emits everything still held; call once at the end of the stream. */
  end(): void {
    this.flushBefore(Infinity);
  }

  private flushBefore(at: number): void {
    while (this.head < this.queue.length && this.queue[this.head]!.event.stamp.at < at) {
      const held = this.queue[this.head++]!;
      this.forget(held);
      this.emit(held.event);
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  private forget(held: Held): void {
    if (held.key === undefined) return;
    const list = this.byKey.get(held.key);
    if (!list) return;
    if (list.length === 1) {
      this.byKey.delete(held.key);
      return;
    }
    const i = list.indexOf(held);
    if (i >= 0) list.splice(i, 1);
  }
}

function mergeTwin(kept: AccessEvent, twin: AccessRow): void {
  kept.sources.push(twin.source);
  if (twin.source === 'audit') {
    if (twin.origin) kept.origin = twin.origin;
    if (twin.context) kept.context = twin.context;
  }
  kept.host ??= twin.host;
  if (twin.sessionCount !== undefined) kept.sessionCount = Math.max(kept.sessionCount ?? 0, twin.sessionCount);
}
