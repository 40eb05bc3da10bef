/**
 * Qlik log timestamps (`20190201T045901.678+0100`) carry the server's UTC offset. Admins correlate
 * with server time, so we keep the offset next to the instant and show times in it; JSON gets ISO
 * 8601 with that same offset, which is still an unambiguous instant.
 */
import { usageError } from '../errors.js';

export interface Stamp {
  /** The instant, ms since the epoch (UTC). */
  at: number;
  /** The log's offset from UTC in minutes (+60 for `+0100`). */
  offsetMin: number;
}

function daysInMonth(year: number, month: number): number {
  return month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const LOG_STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

function offsetMinutes(text: string | undefined): number {
  if (!text || text === 'Z') return 0;
  const sign = text.startsWith('-') ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
}

/**
 * Consecutive rows share the minute and the offset (`20190201T0459` … `+0100`), so a scan of millions
 * of rows parses each minute once and only reads seconds and milliseconds for the rest.
 */
let lastMinute: { prefix: string; suffix: string; base: number; offsetMin: number } | undefined;

function digit(text: string, i: number): number {
  const d = text.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
}

/** Parses a log timestamp; undefined when the text is not one (the row is then malformed). */
export function parseLogStamp(text: string): Stamp | undefined {
  const usual = text.length === 24 && text.charCodeAt(8) === 84 /* T */ && text.charCodeAt(15) === 46; /* . */
  if (usual && lastMinute && text.startsWith(lastMinute.prefix) && text.endsWith(lastMinute.suffix)) {
    const sec = digit(text, 13) * 10 + digit(text, 14);
    const ms = digit(text, 16) * 100 + digit(text, 17) * 10 + digit(text, 18);
    if (sec <= 60 && ms >= 0) return { at: lastMinute.base + sec * 1000 + ms, offsetMin: lastMinute.offsetMin };
  }
  const stamp = parseStampSlowly(text);
  if (stamp && usual) {
    const sec = digit(text, 13) * 10 + digit(text, 14);
    const ms = digit(text, 16) * 100 + digit(text, 17) * 10 + digit(text, 18);
    lastMinute = { prefix: text.slice(0, 13), suffix: text.slice(19), base: stamp.at - sec * 1000 - ms, offsetMin: stamp.offsetMin };
  }
  return stamp;
}

function parseStampSlowly(text: string): Stamp | undefined {
  const m = LOG_STAMP.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, off] = m;
  const ms = frac ? Number(frac.padEnd(3, '0').slice(0, 3)) : 0;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  // Date.UTC would roll 2019-02-30 over to March; a log never writes that, so treat it as garbage.
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return undefined;
  const wall = Date.UTC(year, month - 1, day, Number(h), Number(mi), Number(s), ms);
  const offsetMin = offsetMinutes(off);
  return { at: wall - offsetMin * 60_000, offsetMin };
}

/** The wall-clock time of the stamp in its own offset, as a Date whose UTC fields are that wall time. */
function wall(s: Stamp): Date {
  return new Date(s.at + s.offsetMin * 60_000);
}

function offsetText(offsetMin: number, colon: boolean): string {
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${sign}${hh}${colon ? ':' : ''}${mm}`;
}

/** `2019-02-01 04:59:01 +0100`: server time, as the admin sees it in the log. */
export function formatServerTime(s: Stamp): string {
  const iso = wall(s).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} ${offsetText(s.offsetMin, false)}`;
}

/** `2019-02-01T04:59:01.678+01:00`. */
export function formatIso(s: Stamp): string {
  return `${wall(s).toISOString().slice(0, 23)}${offsetText(s.offsetMin, true)}`;
}

/** Hour of day (0–23) and minute of hour in the log's own offset. */
export function serverHour(s: Stamp): number {
  return wall(s).getUTCHours();
}

export function serverMinute(s: Stamp): number {
  return wall(s).getUTCMinutes();
}

/**
 * `--since`. A date or a time without an offset means server time (the same wall clock the logs are
 * written in, whatever the admin's laptop is set to); a time with `Z` or an offset is an instant.
 */
export type Since = { kind: 'instant'; at: number; text: string } | { kind: 'wall'; wall: number; text: string };

const SINCE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function parseSince(text: string): Since {
  const m = SINCE.exec(text.trim());
  const bad = () =>
    usageError(`--since "${text}" is not a date`, 'write it as YYYY-MM-DD (server time) or an ISO time such as 2019-02-01T04:00 or 2019-02-01T03:00Z');
  if (!m) throw bad();
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac, off] = m;
  const ms = frac ? Number(frac.padEnd(3, '0').slice(0, 3)) : 0;
  const wallMs = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(wallMs);
  if (
    Number.isNaN(wallMs) ||
    check.getUTCFullYear() !== Number(y) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  ) {
    throw bad();
  }
  if (off !== undefined) return { kind: 'instant', at: wallMs - offsetMinutes(off) * 60_000, text };
  return { kind: 'wall', wall: wallMs, text };
}

export function isAtOrAfter(s: Stamp, since: Since): boolean {
  return since.kind === 'instant' ? s.at >= since.at : s.at + s.offsetMin * 60_000 >= since.wall;
}
