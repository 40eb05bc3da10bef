/**
 * diagnose-log's fast paths must say what the slow ones said: the box table drawn like cli-table3,
 * the one-pass message reader like one regex per label, the early "not an access row" exit like the
 * full parse.
 */
import Table from 'cli-table3';
import { describe, expect, it } from 'vitest';
import { boxTable, displayWidth } from '../src/output/text-table.js';
import { mayDecide, outcomeOf, readMessage, type MessageFacts } from '../src/logs/messages.js';

describe('box table', () => {
  const samples: Array<string | number> = [
    'a',
    '',
    'DOMAIN\\qvservice',
    '—',
    '— (license trace)',
    '2019-02-01 00:00:01 +0100',
    'über',
    '日本語',
    'x🙂y',
    'two\nlines',
    'e\u0301',
    42,
    0,
    '…',
    '⚠️ warn',
    'ＡＢ',
    '한국',
  ];

  it('draws exactly what cli-table3 draws', () => {
    let seed = 3;
    const pick = () => samples[(seed = (seed * 1103515245 + 12345) % 2147483648) % samples.length]!;
    for (let t = 0; t < 200; t++) {
      const cols = 1 + (t % 5);
      const head = Array.from({ length: cols }, () => String(pick()));
      const rows = Array.from({ length: 1 + (t % 4) }, () => Array.from({ length: cols }, pick));
      const ref = new Table({ head, style: { head: [], border: [] } });
      for (const r of rows) ref.push(r);
      expect(boxTable(head, rows)).toBe(ref.toString());
    }
  });

  it('draws 10,000 rows in linear time', () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => [`DOMAIN\\user${i}`, i, '—', 'no denials']);
    const started = Date.now();
    const text = boxTable(['User', 'Grants', 'First denial', 'Verdict'], rows);
    expect(text.split('\n')).toHaveLength(3 + 2 * 10_000);
    expect(Date.now() - started).toBeLessThan(5_000); // cli-table3 takes minutes here
  });

  it('counts terminal columns', () => {
    expect([displayWidth('abc'), displayWidth('—'), displayWidth('日本'), displayWidth('e\u0301'), displayWidth('🙂')]).toEqual([3, 1, 4, 1, 2]);
  });
});

/** The reader as it was: one case-insensitive regex per label, anywhere in the message. */
function readMessageSlowly(message: string): MessageFacts {
  const facts: MessageFacts = {};
  if (!/session|user:|access/i.test(message)) return facts;
  const user = /\bUser: '([^']+)'/i.exec(message)?.[1]?.trim();
  if (user) facts.user = user;
  const sid = /\bSessionID: ['"]?([0-9A-Za-z][0-9A-Za-z._+/=-]*)/i.exec(message)?.[1];
  if (sid) facts.sessionId = sid;
  const count = /\bSessionCount: ['"]?(\d+)/i.exec(message)?.[1];
  if (count !== undefined) facts.sessionCount = Number(count);
  const host = /\bHostname: (?:'([^']*)'|"([^"]*)"|([^\s,]+))/i.exec(message);
  const hostname = host?.[1] ?? host?.[2] ?? host?.[3];
  if (hostname) facts.hostname = hostname;
  const op = /\bOperationType: ['"]?(\w+)/i.exec(message)?.[1];
  if (op) {
    facts.operationType = op;
    return facts; // the wording is for rows without an OperationType
  }
  if (/access was denied for user|login access denied|no available access type|access denied for user/i.test(message)) facts.outcome = 'denied';
  else if (/access granted for user/i.test(message)) facts.outcome = 'granted';
  return facts;
}

describe('message reader', () => {
  const messages = [
    "Access was denied for User: 'Domain\\USER', with AccessID '1a2b', SessionID: 'abc', SessionCount: '5', Hostname: '::1', OperationType: 'UsageDenied'",
    "User access granted for User: 'DOMAIN\\qvservice' with UsageID: 'u1', SessionID: 's-1', SessionCount: '3', Hostname: '::1', OperationType: 'UsageGranted'",
    `Login access denied for SessionID: 'f3c8', Hostname: "::ffff:172.16.16.100", OperationType: 'UsageDenied'`,
    'No available access type, SessionID: s2, Hostname: "::1"',
    "UsageID: u1, SessionID: s3, SessionCount: 1, Hostname: '::ffff:172.16.16.100'",
    "User 'DOMAIN\\qvservice' was synced",
    // A label whose value does not read, then one that does; a label inside another's value; odd case.
    "user: nobody, USER: 'DOMAIN\\late', sessionid: , SESSIONID: 'x9', Hostname: , hostname: 'h'",
    "User: 'SessionID: inner', SessionCount: 'n', SessionCount: 7",
    "User: ' ', User: 'DOMAIN\\second'",
    "Access denied for User: 'DOMAIN\\x', access granted for user too, OperationType: 'Timedout'",
    'OperationType: ',
    '',
    // Characters whose lower case is longer (İ) or ASCII (the Kelvin sign K): labels stay where they were.
    "Hostİname: 'a', User: 'DOMAİN\\İsmail', SESSİONID: 'no', SessionID: 'yes', OperatİonType: 'No', operationtype: 'UsageDenied'",
    "\u212Aelvin İİİ Login access denied for SessionID: 'k1', Hostname: \"::1\"",
    'Login AccesS DENIED for sessionID:"q", hostname:x',
  ];
  it.each(messages)('reads %j as the regex per label did', (m) => {
    expect(readMessage(m)).toEqual(readMessageSlowly(m));
  });

  it('reads 20,000 random messages as the regex per label did', () => {
    let seed = 88038;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pick = <T,>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const labels = ['User', 'user', 'USER', 'SessionID', 'sessionid', 'SessionCount', 'Hostname', 'HOSTNAME', 'OperationType', 'xUser', '_user', 'İser', 'Sessİonid'];
    const values = ["'DOMAIN\\x'", "''", "' '", "'", '"', '"::1"', '""', "'::ffff:10.0.0.1'", 'abc', '12', "'7'", '"x9"', '-1', 'a.b+c/d=e-f', ',', ' ', '\u00a0x', '\u2028', 'Usage_Denied', "'unterminated", '日本', 'K'];
    const glue = [': ', ':', ' : ', ', ', ' ', '', "'", 'access ', 'Login access denied for ', 'access granted for user ', 'session '];
    for (let t = 0; t < 20_000; t++) {
      let m = '';
      const parts = 1 + Math.floor(rand() * 8);
      for (let p = 0; p < parts; p++) m += pick(glue) + (rand() < 0.7 ? pick(labels) + pick([': ', ': ', ':', ' ']) : '') + pick(values);
      expect(readMessage(m), JSON.stringify(m)).toEqual(readMessageSlowly(m));
    }
  });

  it.each(messages)('skips %j early only when no outcome could come of it', (m) => {
    if (!mayDecide(m)) expect(outcomeOf(undefined, readMessage(m))).toBeUndefined();
  });
});
