/**
 * Header-driven rows of the two Repository logs that record access decisions. Columns are found by
 * name in the header row, because Qlik has added columns between releases (ProductVersion, ProxySessionId
 * hashes) and copies made by log shippers do not always keep the order.
 */
import { isLoopback, mayDecide, outcomeOf, readMessage, type Outcome } from './messages.js';
import { parseLogStamp, type Stamp } from './time.js';

/** `audit`: <MACHINE>_AuditSecurity_Repository; `license`: <MACHINE>_License_Repository (trace). */
export type LogKind = 'audit' | 'license';

export const KIND_LABEL: Record<LogKind, string> = { audit: 'audit security log', license: 'license trace log' };

type Column =
  | 'timestamp'
  | 'message'
  | 'userDirectory'
  | 'userId'
  | 'userName'
  | 'operation'
  | 'origin'
  | 'context'
  | 'proxySessionId'
  | 'logger';

const NAMES: Record<string, Column> = {
  timestamp: 'timestamp',
  message: 'message',
  userdirectory: 'userDirectory',
  userid: 'userId',
  username: 'userName',
  operation: 'operation',
  origin: 'origin',
  context: 'context',
  proxysessionid: 'proxySessionId',
  logger: 'logger',
};

export interface Header {
  kind: LogKind;
  width: number;
  col: Partial<Record<Column, number>>;
  /** The highest index a row must reach to be usable. */
  needed: number;
}

/** Recognises the header row; undefined when the line is not the header of a log we read. */
export function readHeader(line: string): Header | undefined {
  const names = line.replace(/^\uFEFF/, '').split('\t').map((n) => n.trim().toLowerCase());
  const col: Partial<Record<Column, number>> = {};
  names.forEach((n, i) => {
    const c = NAMES[n];
    if (c !== undefined && col[c] === undefined) col[c] = i;
  });
  const has = (...cs: Column[]) => cs.every((c) => col[c] !== undefined);
  if (!has('timestamp', 'message')) return undefined;
  // The license trace also has a UserId column (a GUID), so look for its own columns first.
  let kind: LogKind;
  if (has('operation', 'userName')) kind = 'license';
  else if (has('userDirectory', 'userId')) kind = 'audit';
  else return undefined;
  const required: Column[] = kind === 'audit' ? ['timestamp', 'message', 'userDirectory', 'userId'] : ['timestamp', 'message', 'operation', 'userName'];
  const needed = Math.max(...required.map((c) => col[c] ?? 0));
  return { kind, width: names.length, col, needed };
}

/** One access decision: a grant or a denial of an access type to a user. */
export interface AccessRow {
  source: LogKind;
  stamp: Stamp;
  user: string;
  outcome: Outcome;
  sessionId?: string;
  sessionCount?: number;
  /** The client as the repository saw it (`::1` for the connectors on the central node). */
  host?: string;
  /** Audit only: ManagementAccess (QRS/QMC) or AppAccess (hub). */
  origin?: string;
  /** The QRS route that asked, e.g. /qrs/requestaccesstype. */
  context?: string;
}

export type ParsedLine =
  | { type: 'access'; row: AccessRow }
  | { type: 'other'; stamp: Stamp }
  | { type: 'signature' }
  | { type: 'blank' }
  | { type: 'malformed' };

const SIGNATURE = 'Signature:\t';
const USAGE_OPERATION = /^usage(denied|granted)$/i;

/**
 * The field boundaries of one line, so that only the columns we read become strings: a multi-gigabyte
 * scan would otherwise spend most of its time creating and collecting 22 strings per row.
 *
 * A tab inside the free-text Message would shift every later column, so the Message is what lies
 * between the columns before it, found from the start, and those after it, found from the end. That
 * also spares scanning the Message for tabs: it is most of the bytes of a big audit log.
 */
export class Fields {
  /** ends[i]: where field i ends (a tab, or the end of the line). */
  private ends = new Int32Array(64);
  /** The tabs after the Message, found from the end of the line: the rightmost first. */
  private back = new Int32Array(64);
  private count = 0;
  private line = '';

  /** Returns the number of fields, a Message with tabs counting as one. */
  scan(line: string, header: Header): number {
    this.line = line;
    const message = header.col.message!;
    if (this.ends.length < header.width + 1) {
      this.ends = new Int32Array(header.width + 1);
      this.back = new Int32Array(header.width + 1);
    }
    const { ends, back } = this;
    let n = 0;
    let at = -1;
    while (n < message) {
      at = line.indexOf('\t', at + 1);
      if (at < 0) {
        // Fewer fields than the header: all of them before the Message.
        ends[n] = line.length;
        return (this.count = n + 1);
      }
      ends[n++] = at;
    }
    const start = at + 1;
    // The columns after the Message, from the end of the line, none of them reaching into it.
    const after = header.width - message - 1;
    let k = 0;
    for (let end = line.length; k < after && end > start; k++) {
      const tab = line.lastIndexOf('\t', end - 1);
      if (tab < start) break;
      back[k] = end = tab;
    }
    // The leftmost of them ends the Message; each one after ends the field before it.
    for (let j = 0; j < k; j++) ends[message + j] = back[k - 1 - j]!;
    ends[message + k] = line.length;
    return (this.count = message + 1 + k);
  }

  get(index: number | undefined): string | undefined {
    if (index === undefined || index >= this.count) return undefined;
    const start = index === 0 ? 0 : this.ends[index - 1]! + 1;
    return this.line.slice(start, this.ends[index]);
  }

  value(index: number | undefined): string | undefined {
    const v = this.get(index)?.trim();
    return v && v !== 'Not available' ? v : undefined;
  }
}

const fields = new Fields();

export function parseLine(header: Header, line: string): ParsedLine {
  if (line.length === 0 || line.trim().length === 0) return { type: 'blank' };
  // Archived files end with `Signature:<TAB><sha1>` over the file; it is not a row.
  if (line.startsWith(SIGNATURE)) return { type: 'signature' };
  if (fields.scan(line, header) <= header.needed) return { type: 'malformed' };
  const stamp = parseLogStamp(fields.get(header.col.timestamp) ?? '');
  if (!stamp) return { type: 'malformed' };
  const message = fields.get(header.col.message) ?? '';
  const operation = header.kind === 'license' ? fields.value(header.col.operation) : undefined;
  // Most rows are not access decisions: tell them cheaply (outcomeOf would say undefined for them too).
  if (operation ? !USAGE_OPERATION.test(operation) : !mayDecide(message)) return { type: 'other', stamp };
  const facts = readMessage(message);
  const outcome = outcomeOf(operation, facts);
  if (!outcome) return { type: 'other', stamp };

  let user: string | undefined;
  if (header.kind === 'license') {
    // Not ServiceUser: that is the account the repository service runs as, on every row.
    user = fields.value(header.col.userName) ?? facts.user;
  } else {
    // The KB wording names the user in the message; it is the subject of the decision.
    user = facts.user;
    if (user === undefined) {
      const dir = fields.value(header.col.userDirectory);
      const id = fields.value(header.col.userId);
      if (dir && id) user = `${dir}\\${id}`;
    }
  }
  if (!user || !user.includes('\\')) return { type: 'malformed' };

  const row: AccessRow = { source: header.kind, stamp, user, outcome };
  let sessionId = facts.sessionId;
  if (sessionId === undefined) {
    const proxySession = fields.value(header.col.proxySessionId);
    if (proxySession !== '0') sessionId = proxySession;
  }
  if (sessionId) row.sessionId = sessionId;
  if (facts.sessionCount !== undefined) row.sessionCount = facts.sessionCount;
  if (facts.hostname) row.host = facts.hostname;
  if (header.kind === 'audit') {
    const origin = fields.value(header.col.origin);
    const context = fields.value(header.col.context);
    if (origin) row.origin = origin;
    if (context) row.context = context;
  } else if ((fields.get(header.col.logger) ?? '').endsWith('RequestAccessTypeResource')) {
    // The trace has no Context column; this logger is the class behind /qrs/requestaccesstype.
    row.context = '/qrs/requestaccesstype';
  }
  return { type: 'access', row };
}

/**
 * The monitoring apps' REST connectors call QRS through the local proxy as the service account: the
 * repository logs /qrs/requestaccesstype from loopback, as ManagementAccess. A person opening the hub
 * or the QMC from a workstation comes from elsewhere (AppAccess, or a remote address).
 */
export function isFromRestConnectors(row: Pick<AccessRow, 'context' | 'origin' | 'host'>): boolean {
  const context = row.context;
  if (context !== '/qrs/requestaccesstype' && context?.toLowerCase() !== '/qrs/requestaccesstype') return false;
  if (row.origin === 'AppAccess') return false;
  if (row.host !== undefined) return isLoopback(row.host);
  return row.origin === 'ManagementAccess';
}
