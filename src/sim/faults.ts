/**
 * Scripted misbehaviour for tests of retries, timeouts, conflicts and half-applied writes. Rules are
 * consulted in the order added, after the TLS handshake and before the xrfkey check, so a fault fires
 * even for a request the server would otherwise reject.
 */
import type { SimState } from './state.js';

export type FaultAction =
  /** Answer with this status instead of handling the request (e.g. 503 with Retry-After). */
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  /** Destroy the socket without answering: the client sees ECONNRESET / socket hang up. */
  | { kind: 'drop' }
  /** Never answer; stop() still closes the socket. */
  | { kind: 'hang' }
  /** 200 text/html login page instead of JSON (a proxy or an expired session in front of QRS). */
  | { kind: 'html' }
  /** Handle the request (writes apply), then answer 200 application/json with the body cut short. */
  | { kind: 'truncate' }
  /** Handle the request (writes apply), then destroy the socket: the client cannot know the outcome. */
  | { kind: 'dropAfterApply' }
  /** Run apply(state) first (a concurrent QMC edit, e.g. state.touch(entity)), then handle normally. */
  | { kind: 'edit'; apply: (state: SimState) => void }
  /** 200 with a JSON body of about this many bytes, streamed (see stream-faults.ts). */
  | { kind: 'oversized'; bytes: number }
  /** 200 with a JSON body that never ends. */
  | { kind: 'endless' };

export interface FaultRule {
  /** HTTP method, any case; absent = any. */
  method?: string;
  /**
   * Matched against the pathname without query, e.g. `/qrs/dataconnection/<id>`. A string must equal it
   * (case-insensitively, trailing slash ignored); a RegExp is tested against it. Absent = any path.
   */
  path?: string | RegExp;
  /** How many requests the rule applies to; default 1; Infinity allowed. */
  times?: number;
  action: FaultAction;
}

export interface FaultController {
  add(rule: FaultRule): void;
  clear(): void;
}

function normalizePath(p: string): string {
  const lower = p.toLowerCase();
  return lower.length > 1 && lower.endsWith('/') ? lower.slice(0, -1) : lower;
}

export class Faults implements FaultController {
  private rules: Array<{ rule: FaultRule; remaining: number }> = [];

  add(rule: FaultRule): void {
    const times = rule.times ?? 1;
    if (!(times > 0)) throw new Error(`fault rule times must be > 0 (got ${times})`);
    this.rules.push({ rule, remaining: times });
  }

  clear(): void {
    this.rules = [];
  }

  /** The action of the first rule that matches, using up one of its times; undefined when none does. */
  take(method: string, pathname: string): FaultAction | undefined {
    for (let i = 0; i < this.rules.length; i++) {
      const entry = this.rules[i]!;
      const { rule } = entry;
      if (rule.method !== undefined && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (rule.path !== undefined) {
        if (typeof rule.path === 'string') {
          if (normalizePath(rule.path) !== normalizePath(pathname)) continue;
        } else {
          rule.path.lastIndex = 0; // a /g or /y RegExp keeps state between test() calls
          if (!rule.path.test(pathname)) continue;
        }
      }
      entry.remaining -= 1;
      if (entry.remaining <= 0) this.rules.splice(i, 1);
      return rule.action;
    }
    return undefined;
  }
}
