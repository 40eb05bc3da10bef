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

const USER = /\bUser: '([^']+)'/i;
const SESSION_ID = /\bSessionID: ['"]?([0-9A-Za-z][0-9A-Za-z._+/=-]*)/i;
const SESSION_COUNT = /\bSessionCount: ['"]?(\d+)/i;
const HOSTNAME = /\bHostname: (?:'([^']*)'|"([^"]*)"|([^\s,]+))/i;
const OPERATION_TYPE = /\bOperationType: ['"]?(\w+)/i;
const DENIED_WORDING = /access was denied for user|login access denied|no available access type|access denied for user/i;
const GRANTED_WORDING = /access granted for user/i;

export function readMessage(message: string): MessageFacts {
  const facts: MessageFacts = {};
  // Most rows of a big log are not about access; skip the regexes for them.
  if (!/session|user:|access/i.test(message)) return facts;
  const user = USER.exec(message)?.[1]?.trim();
  if (user) facts.user = user;
  const sid = SESSION_ID.exec(message)?.[1];
  if (sid) facts.sessionId = sid;
  const count = SESSION_COUNT.exec(message)?.[1];
  if (count !== undefined) facts.sessionCount = Number(count);
  const host = HOSTNAME.exec(message);
  const hostname = host?.[1] ?? host?.[2] ?? host?.[3];
  if (hostname) facts.hostname = hostname;
  const op = OPERATION_TYPE.exec(message)?.[1];
  if (op) facts.operationType = op;
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
