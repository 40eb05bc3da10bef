/**
 * The Message column in its known wordings. Qlik changed the text between releases, so we look for
 * the labelled parts (`User:`, `SessionID:`, `SessionCount:`, `Hostname:`, `OperationType:`) wherever
 * they are, quoted or not, instead of matching whole sentences:
 *
 *  - KB (older):  User access granted for User: 'DOMAIN\x' with UsageID: '…', SessionID: '…', SessionCount: '2', Hostname: '::1', OperationType: 'UsageGranted'
 *                 Access was denied for User: 'DOMAIN\x', with AccessID '…', SessionID: '…', SessionCount: '5', Hostname: '::1', OperationType: 'UsageDenied'
 *  - newer audit: Login access denied for SessionID: '…', Hostname: "::1", OperationType: 'UsageDenied'
 *  - license trace: No available access type, SessionID: …, Hostname: "::1"
 *                   UsageID: …, SessionID: …, SessionCount: 1, Hostname: '::ffff:172.16.16.100'
 */

export type Outcome = 'granted' | 'denied';

export interface MessageFacts {
  user?: string;
  sessionId?: string;
  sessionCount?: number;
  hostname?: string;
  operationType?: string;
  /** What the wording alone says, for rows that carry no OperationType. */
  outcome?: Outcome;
}

const DENIED_WORDING = /access was denied for user|login access denied|no available access type|access denied for user/i;
const GRANTED_WORDING = /access granted for user/i;
// Module constants, not literals in the functions: a literal is a new RegExp object at every call.
const MAY_DECIDE = /denied|granted|operationtype|no available access type/i;
const ABOUT_ACCESS = /session|user:|access/i;

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `\s` of a JavaScript regex. */
function isSpace(c: number): boolean {
  return (
    c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

function isQuote(c: number): boolean {
  return c === 39 || c === 34;
}

/*
 * The value readers: what the sticky regexes in the comments matched at `at`, or undefined where they
 * did not match. By hand, because a scan of millions of rows spends more in five regex calls a row,
 * and in their match arrays, than in everything else it does with a message.
 */

/** /'([^']+)'/y */
function quotedValue(m: string, at: number): string | undefined {
  if (m.charCodeAt(at) !== 39) return undefined;
  const end = m.indexOf("'", at + 1);
  return end > at + 1 ? m.slice(at + 1, end) : undefined;
}

/** Where a value that may open with a quote starts: /['"]?/y. */
function afterQuote(m: string, at: number): number {
  return isQuote(m.charCodeAt(at)) ? at + 1 : at;
}

const isSessionIdChar = (c: number): boolean => isAlnum(c) || c === 46 || c === 95 || c === 43 || c === 47 || c === 61 || c === 45; // . _ + / = -

/*
 * One reader per label rather than one taking its character classes as functions: called with three
 * different ones, its per-character calls could not be inlined, and a session ID is 36 of them.
 */

/** /['"]?([0-9A-Za-z][0-9A-Za-z._+/=-]*)/y */
function sessionIdValue(m: string, at: number): string | undefined {
  const start = afterQuote(m, at);
  if (!isAlnum(m.charCodeAt(start))) return undefined;
  let end = start + 1;
  while (end < m.length && isSessionIdChar(m.charCodeAt(end))) end++;
  return m.slice(start, end);
}

/** /['"]?(\d+)/y, as a number. */
function countValue(m: string, at: number): number | undefined {
  const start = afterQuote(m, at);
  let end = start;
  while (end < m.length && isDigit(m.charCodeAt(end))) end++;
  return end > start ? Number(m.slice(start, end)) : undefined;
}

/** /['"]?(\w+)/y */
function wordValue(m: string, at: number): string | undefined {
  const start = afterQuote(m, at);
  let end = start;
  while (end < m.length && isWordChar(m.charCodeAt(end))) end++;
  return end > start ? m.slice(start, end) : undefined;
}

/** /'([^']*)'|"([^"]*)"|([^\s,]+)/y: quoted (possibly empty), else up to a space or comma. */
function hostValue(m: string, at: number): string | undefined {
  const c = m.charCodeAt(at);
  if (isQuote(c)) {
    const end = m.indexOf(c === 39 ? "'" : '"', at + 1);
    if (end > at) return m.slice(at + 1, end);
  }
  let end = at;
  while (end < m.length && !isSpace(m.charCodeAt(end)) && m.charCodeAt(end) !== 44) end++;
  return end > at ? m.slice(at, end) : undefined;
}

const LABELS = ['user', 'sessionid', 'sessioncount', 'hostname', 'operationtype'];
const ALL = (1 << LABELS.length) - 1;

/**
 * True when the word ending at `end` is `name` in any case, as /\bname/i sees it: ASCII letters only
 * (the Kelvin sign or a dotless ı match no letter there), and no word character right before it.
 */
function isLabelAt(message: string, end: number, name: string): boolean {
  const start = end - name.length;
  if (start < 0 || (start > 0 && isWordChar(message.charCodeAt(start - 1)))) return false;
  for (let i = 0; i < name.length; i++) if ((message.charCodeAt(start + i) | 0x20) !== name.charCodeAt(i)) return false;
  return true;
}

/** True when the message can decide an access outcome (OperationType or one of the wordings). */
export function mayDecide(message: string): boolean {
  return MAY_DECIDE.test(message);
}

/**
 * Reads the labelled parts: for each label, its first occurrence (a whole word, any case, then `: `)
 * whose value reads, as one /\bLabel: value/i search per label finds it. Done in one pass over the
 * `: ` in the message instead: a scan of millions of rows would otherwise spend most of its time in
 * case-insensitive searches.
 */
export function readMessage(message: string): MessageFacts {
  const facts: MessageFacts = {};
  // Most rows of a big log are not about access; skip the scan for them.
  if (!ABOUT_ACCESS.test(message)) return facts;
  let found = 0;
  for (let colon = message.indexOf(': '); colon >= 0 && found !== ALL; colon = message.indexOf(': ', colon + 1)) {
    // The last letter before the colon tells which label it can be (only hostname and operationtype share one).
    let i: number;
    switch (message.charCodeAt(colon - 1) | 0x20) {
      case 114: // r
        i = 0;
        break;
      case 100: // d
        i = 1;
        break;
      case 116: // t
        i = 2;
        break;
      case 101: // e
        i = isLabelAt(message, colon, LABELS[3]!) ? 3 : 4;
        break;
      default:
        continue;
    }
    if (found & (1 << i) || !isLabelAt(message, colon, LABELS[i]!)) continue;
    // A value that does not read leaves the label to a later occurrence.
    if (readValue(facts, i, message, colon + 2)) found |= 1 << i;
  }
  // Only OperationType-less rows need the wording (outcomeOf reads it last), and it costs a scan.
  if (facts.operationType === undefined) {
    if (DENIED_WORDING.test(message)) facts.outcome = 'denied';
    else if (GRANTED_WORDING.test(message)) facts.outcome = 'granted';
  }
  return facts;
}

/** Reads the value of LABELS[label] at `at` into `facts`; false when it does not read there. */
function readValue(facts: MessageFacts, label: number, m: string, at: number): boolean {
  switch (label) {
    case 0: {
      const user = quotedValue(m, at)?.trim();
      if (user) facts.user = user;
      return user !== undefined;
    }
    case 1: {
      const id = sessionIdValue(m, at);
      if (id !== undefined) facts.sessionId = id;
      return id !== undefined;
    }
    case 2: {
      const count = countValue(m, at);
      if (count !== undefined) facts.sessionCount = count;
      return count !== undefined;
    }
    case 3: {
      const host = hostValue(m, at);
      if (host) facts.hostname = host;
      return host !== undefined;
    }
    default: {
      const op = wordValue(m, at);
      if (op !== undefined) facts.operationType = op;
      return op !== undefined;
    }
  }
}

/** `UsageDenied` / `UsageGranted` (OperationType or the trace's Operation column), else the wording. */
export function outcomeOf(operation: string | undefined, facts: MessageFacts): Outcome | undefined {
  const op = (operation || facts.operationType || '').toLowerCase();
  if (op === 'usagedenied') return 'denied';
  if (op === 'usagegranted') return 'granted';
  // Timedout, Add, Update…: bookkeeping about a pass, not an access decision.
  if (op) return undefined;
  return facts.outcome;
}

/** The connectors call https://localhost/qrs/…, so the proxy, and the repository after it, see loopback. */
export function isLoopback(host: string | undefined): boolean {
  if (!host) return false;
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === '::1' || h === 'localhost' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(h);
}
