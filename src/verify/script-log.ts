/**
 * Reads a reload's script log (text from the server, so untrusted): the rows fetched and every error
 * line. A line starts with a timestamp in one of two forms (`20210510T101402.549-0500` or
 * `2019-10-23 10:09:05`), then a statement number or blanks; a line without a timestamp continues the one
 * before (a wrapped statement or message). "2 403 Lines fetched" is 2,403 rows: the engine separates
 * thousands with the script's ThousandSep, a space by default. Control characters are stripped, so a log
 * cannot drive the terminal it is shown on.
 */

export interface ScriptLogSummary {
  /** Lines read (after joining wrapped ones). */
  entries: number;
  /** Sum of every `N Lines fetched`. */
  rowsFetched: number;
  /** `Error: …`, `Execution Failed`, `HTTP protocol error …`, with their wrapped continuation; at most MAX_ERROR_LINES. */
  errorLines: string[];
  /** Error lines beyond the ones kept. */
  moreErrors: number;
  /** The log ends with `Execution finished.`. */
  finished: boolean;
  /** The first and last timestamps as written, if any line had one. */
  firstTimestamp: string | null;
  lastTimestamp: string | null;
}

export const MAX_ERROR_LINES = 20;
const MAX_LINE_CHARS = 500;

const COMPACT = /^(\d{8}T\d{6}(?:\.\d{1,6})?(?:[+-]\d{4}|Z)?)(?=\s|$)/;
const SPACED = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:[.,]\d{1,6})?)(?=\s|$)/;
/** A statement number after the timestamp: four digits or more, then blanks. */
const STATEMENT = /^\s+\d{4,}(?=\s|$)/;
const ROWS = /^(\d{1,3}(?:[ \u00a0\u202f,.']\d{3})+|\d+) (?:Lines|lines) fetched\b/;
const ERROR = /^(Error:|Execution Failed\b|HTTP protocol error\b|General Script Error\b|Script Error\b)/;

/** Control characters (C0 but tab, DEL, C1), bidi overrides and the BOM removed; tabs become spaces. */
export function stripControl(text: string): string {
  return text.replace(/\t/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '');
}

function clip(text: string): string {
  return text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS - 1)}…` : text;
}

interface Entry {
  timestamp: string | null;
  text: string;
}

function splitEntries(log: string): Entry[] {
  const entries: Entry[] = [];
  for (const raw of log.split(/\r\n|\n|\r/)) {
    const line = stripControl(raw);
    if (line.trim() === '') continue;
    const m = COMPACT.exec(line) ?? SPACED.exec(line);
    if (m) {
      let rest = line.slice(m[1]!.length);
      const s = STATEMENT.exec(rest);
      if (s) rest = rest.slice(s[0].length);
      entries.push({ timestamp: m[1]!, text: rest.trim() });
    } else if (entries.length > 0) {
      const last = entries[entries.length - 1]!;
      last.text = last.text ? `${last.text} ${line.trim()}` : line.trim();
    } else {
      entries.push({ timestamp: null, text: line.trim() });
    }
  }
  return entries;
}

export function readScriptLog(log: string): ScriptLogSummary {
  const entries = splitEntries(log);
  let rowsFetched = 0;
  const errorLines: string[] = [];
  let moreErrors = 0;
  for (const e of entries) {
    const rows = ROWS.exec(e.text);
    if (rows) rowsFetched += Number(rows[1]!.replace(/[^0-9]/g, ''));
    if (ERROR.test(e.text)) {
      if (errorLines.length < MAX_ERROR_LINES) errorLines.push(clip(e.text));
      else moreErrors++;
    }
  }
  const stamped = entries.filter((e) => e.timestamp !== null);
  return {
    entries: entries.length,
    rowsFetched,
    errorLines,
    moreErrors,
    finished: entries.length > 0 && /^Execution finished\.?$/.test(entries[entries.length - 1]!.text),
    firstTimestamp: stamped[0]?.timestamp ?? null,
    lastTimestamp: stamped[stamped.length - 1]?.timestamp ?? null,
  };
}
