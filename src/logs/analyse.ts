/**
 * Per-user aggregation of access decisions, fed one event at a time in time order, and the verdict.
 * Pure: no I/O, O(users) memory whatever the number of rows.
 */
import type { AccessEvent } from './reconcile.js';
import { isFromRestConnectors } from './rows.js';
import { serverHour, serverMinute, type Stamp } from './time.js';
import { verdictFor } from './verdict.js';

/** An access pass allows 5 parallel sessions per user; the 6th request is denied. */
export const SESSION_CAP = 5;
/** "A burst": at least BURST_SIZE denials for the user within BURST_MS. */
export const BURST_SIZE = 3;
export const BURST_MS = 60_000;
/** Distinct origins/hosts kept per user; more are summed as "other" (a scan must not grow without bound). */
const MAX_DISTINCT = 50;

export type VerdictCode = 'matches-QLIK-88038' | 'access-denied' | 'no-denials';

export interface FixStep {
  command: string;
  why: string;
}

export interface Verdict {
  code: VerdictCode;
  /** "matches QLIK-88038" | "access denied" | "no denials" */
  text: string;
  reason: string;
  fix: FixStep[];
  advice?: string;
}

export interface Bursts {
  count: number;
  largest?: { start: Stamp; size: number };
  /** Minute of the hour most bursts start in, when at least half of them do (the hourly reloads). */
  typicalMinute?: number;
}

export interface DenialSource {
  /** null: the row came from the license trace, which has no Origin column. */
  origin: string | null;
  context: string;
  count: number;
  restConnectors: boolean;
}

export interface UserReport {
  user: string;
  grants: number;
  denials: number;
  /** Denials recorded only in the audit log, only in the license trace, or in both (counted once). */
  denialsBySource: { audit: number; license: number; both: number };
  highestSessionCount?: number;
  firstDenial?: Stamp;
  lastDenial?: Stamp;
  denialSources: DenialSource[];
  clientHosts: { host: string; count: number }[];
  /** Denials per hour of day, server time, index 0–23. */
  hours: number[];
  restConnectorDenials: number;
  /** Denials whose own SessionCount, or the user's last one logged before them, was at the cap. */
  denialsAtSessionCap: number;
  bursts: Bursts;
  restConnectorBursts: Bursts;
  verdict: Verdict;
}

class BurstTracker {
  count = 0;
  largest: { start: Stamp; size: number } | undefined;
  private readonly minutes = new Map<number, number>();
  private prev: Stamp[] = [];
  private current: { start: Stamp; end: number; size: number } | undefined;

  add(stamp: Stamp): void {
    // A denial within BURST_MS of the running burst's last one belongs to it: the connectors of one
    // reload keep failing for as long as the reload runs.
    if (this.current && stamp.at - this.current.end <= BURST_MS) {
      this.current.size++;
      this.current.end = Math.max(this.current.end, stamp.at);
      this.noteLargest();
    } else {
      const oldest = this.prev[0];
      if (this.prev.length === BURST_SIZE - 1 && oldest && stamp.at - oldest.at <= BURST_MS) {
        this.current = { start: oldest, end: stamp.at, size: BURST_SIZE };
        this.count++;
        const minute = serverMinute(oldest);
        this.minutes.set(minute, (this.minutes.get(minute) ?? 0) + 1);
        this.noteLargest();
      }
    }
    this.prev.push(stamp);
    if (this.prev.length > BURST_SIZE - 1) this.prev.shift();
  }

  private noteLargest(): void {
    const c = this.current!;
    if (!this.largest || c.size > this.largest.size) this.largest = { start: c.start, size: c.size };
  }

  result(): Bursts {
    const r: Bursts = { count: this.count };
    if (this.largest) r.largest = this.largest;
    let best: [number, number] | undefined;
    for (const [m, n] of this.minutes) if (!best || n > best[1]) best = [m, n];
    if (best && best[1] * 2 >= this.count && this.count > 1) r.typicalMinute = best[0];
    return r;
  }
}

const OTHER = 'other';

/**
 * A copy of a string that shares nothing with the line it was cut from. V8 cuts substrings as views
 * of their parent, so a user name kept for the report would keep the whole chunk of log it was read
 * from alive: memory would grow with the size of the folder instead of with the number of users.
 * Only strings kept beyond the row are copied, once each.
 */
export function detach(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

function boundedKey(map: Map<string, unknown>, key: string): string {
  return map.has(key) || map.size < MAX_DISTINCT - 1 ? key : OTHER;
}

class UserStats {
  grants = 0;
  denials = 0;
  bySource = { audit: 0, license: 0, both: 0 };
  highestSessionCount: number | undefined;
  lastSessionCount: number | undefined;
  firstDenial: Stamp | undefined;
  lastDenial: Stamp | undefined;
  sources = new Map<string, DenialSource>();
  hosts = new Map<string, number>();
  hours: number[] = Array.from({ length: 24 }, () => 0);
  restDenials = 0;
  atCap = 0;
  bursts = new BurstTracker();
  restBursts = new BurstTracker();

  constructor(readonly user: string) {}

  add(e: AccessEvent): void {
    if (e.sessionCount !== undefined) this.highestSessionCount = Math.max(this.highestSessionCount ?? 0, e.sessionCount);
    if (e.outcome === 'granted') {
      this.grants++;
    } else {
      this.addDenial(e);
    }
    if (e.sessionCount !== undefined) this.lastSessionCount = e.sessionCount;
  }

  private addDenial(e: AccessEvent): void {
    this.denials++;
    if (e.sources.length > 1) this.bySource.both++;
    else this.bySource[e.sources[0]!]++;
    if (!this.firstDenial || e.stamp.at < this.firstDenial.at) this.firstDenial = e.stamp;
    if (!this.lastDenial || e.stamp.at >= this.lastDenial.at) this.lastDenial = e.stamp;
    this.hours[serverHour(e.stamp)]!++;
    if ((e.sessionCount ?? this.lastSessionCount ?? 0) >= SESSION_CAP) this.atCap++;
    const rest = isFromRestConnectors(e);
    // The license trace has no Origin column: say so (null) rather than guess.
    const origin = e.origin ?? (e.sources.includes('audit') ? 'Not available' : null);
    const context = e.context ?? 'Not available';
    const key = boundedKey(this.sources, `${origin ?? ''}\u0000${context}`);
    let source = this.sources.get(key);
    if (!source) {
      source =
        key === OTHER
          ? { origin: OTHER, context: OTHER, count: 0, restConnectors: false }
          : { origin: origin === null ? null : detach(origin), context: detach(context), count: 0, restConnectors: rest };
      this.sources.set(detach(key), source);
    }
    source.count++;
    if (e.host) {
      const host = boundedKey(this.hosts, e.host);
      const seen = this.hosts.get(host);
      if (seen === undefined) this.hosts.set(detach(host), 1);
      else this.hosts.set(host, seen + 1);
    }
    this.bursts.add(e.stamp);
    if (rest) {
      this.restDenials++;
      this.restBursts.add(e.stamp);
    }
  }

  report(): UserReport {
    const r: UserReport = {
      user: this.user,
      grants: this.grants,
      denials: this.denials,
      denialsBySource: { ...this.bySource },
      denialSources: [...this.sources.values()].sort((a, b) => b.count - a.count),
      clientHosts: [...this.hosts].map(([host, count]) => ({ host, count })).sort((a, b) => b.count - a.count),
      hours: [...this.hours],
      restConnectorDenials: this.restDenials,
      denialsAtSessionCap: this.atCap,
      bursts: this.bursts.result(),
      restConnectorBursts: this.restBursts.result(),
      verdict: { code: 'no-denials', text: 'no denials', reason: '', fix: [] },
    };
    if (this.highestSessionCount !== undefined) r.highestSessionCount = this.highestSessionCount;
    if (this.firstDenial) r.firstDenial = this.firstDenial;
    if (this.lastDenial) r.lastDenial = this.lastDenial;
    r.verdict = verdictFor(r);
    return r;
  }
}

/** Groups by user case-insensitively (`DOMAIN\qvservice` = `domain\QVService`), first spelling shown. */
export class LogAnalysis {
  private readonly users = new Map<string, UserStats>();

  add(e: AccessEvent): void {
    const key = e.user.toLowerCase();
    let s = this.users.get(key);
    if (!s) {
      s = new UserStats(detach(e.user));
      this.users.set(detach(key), s);
    }
    s.add(e);
  }

  /** Users with denials first (most first), then the rest by name. */
  result(): UserReport[] {
    return [...this.users.values()]
      .map((s) => s.report())
      .sort((a, b) => b.denials - a.denials || a.user.toLowerCase().localeCompare(b.user.toLowerCase()));
  }
}
