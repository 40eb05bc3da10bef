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

/**
 * The labels, found in one pass over the message (a scan of millions of rows would otherwise run one
 * regex per label); each label's value is read where the label ends. As with one regex per label, the
 * first occurrence whose value reads is the one that counts.
 */
const LABEL = /\b(user|sessionid|sessioncount|hostname|operationtype): /gi;
const USER_VALUE = /'([^']+)'/y;
const SESSION_ID_VALUE = /['"]?([0-9A-Za-z][0-9A-Za-z._+/=-]*)/y;
const SESSION_COUNT_VALUE = /['"]?(\d+)/y;
const HOSTNAME_VALUE = /'([^']*)'|"([^"]*)"|([^\s,]+)/y;
const OPERATION_TYPE_VALUE = /['"]?(\w+)/y;
const DENIED_WORDING = /access was denied for user|login access denied|no available access type|access denied for user/i;
const GRANTED_WORDING = /access granted for user/i;

const USER = 1;
const SESSION_ID = 2;
const SESSION_COUNT = 4;
const HOSTNAME = 8;
const OPERATION_TYPE = 16;
const ALL = 31;

function valueAt(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

/** True when the message can decide an access outcome (OperationType or one of the wordings). */
export function mayDecide(message: string): boolean {
  return /denied|granted|operationtype|no available access type/i.test(message);
}

export function readMessage(message: string): MessageFacts {
  const facts: MessageFacts = {};
  // Most rows of a big log are not about access; skip the scan for them.
  if (!/session|user:|access/i.test(message)) return facts;
  let found = 0;
  LABEL.lastIndex = 0;
  for (let m = LABEL.exec(message); m && found !== ALL; m = LABEL.exec(message)) {
    const at = LABEL.lastIndex;
    switch (m[1]!.length) {
      case 4: {
        if (found & USER) break;
        const v = valueAt(USER_VALUE, message, at);
        if (!v) break;
        found |= USER;
        const user = v[1]!.trim();
        if (user) facts.user = user;
        break;
      }
      case 9: {
        if (found & SESSION_ID) break;
        const v = valueAt(SESSION_ID_VALUE, message, at);
        if (!v) break;
        found |= SESSION_ID;
        facts.sessionId = v[1]!;
        break;
      }
      case 12: {
        if (found & SESSION_COUNT) break;
        const v = valueAt(SESSION_COUNT_VALUE, message, at);
        if (!v) break;
        found |= SESSION_COUNT;
        facts.sessionCount = Number(v[1]);
        break;
      }
      case 8: {
        if (found & HOSTNAME) break;
        const v = valueAt(HOSTNAME_VALUE, message, at);
        if (!v) break;
        found |= HOSTNAME;
        const hostname = v[1] ?? v[2] ?? v[3];
        if (hostname) facts.hostname = hostname;
        break;
      }
      case 13: {
        if (found & OPERATION_TYPE) break;
        const v = valueAt(OPERATION_TYPE_VALUE, message, at);
        if (!v) break;
        found |= OPERATION_TYPE;
        facts.operationType = v[1]!;
        break;
      }
    }
    // The next label may start inside this one's value, as with a separate search per label.
    LABEL.lastIndex = at;
  }
  if (DENIED_WORDING.test(message)) facts.outcome = 'denied';
  else if (GRANTED_WORDING.test(message)) facts.outcome = 'granted';
  return facts;
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
