import { describe, expect, it } from 'vitest';
import { LogAnalysis, type UserReport } from '../src/logs/analyse.js';
import { Reconciler, type AccessEvent } from '../src/logs/reconcile.js';
import type { AccessRow } from '../src/logs/rows.js';
import { histogramLines, renderMarkdown, renderTable, toJson } from '../src/output/diagnose-report.js';
import type { Diagnosis } from '../src/logs/diagnose.js';
import { parseLogStamp } from '../src/logs/time.js';

function at(text: string) {
  return parseLogStamp(text)!;
}

function denial(stamp: string, extra: Partial<AccessRow> = {}): AccessRow {
  return { source: 'audit', stamp: at(stamp), user: 'DOMAIN\\qvservice', outcome: 'denied', ...extra };
}

const REST = { origin: 'ManagementAccess', context: '/qrs/requestaccesstype', host: '::1' };

function analyse(rows: AccessRow[]): UserReport[] {
  const a = new LogAnalysis();
  const r = new Reconciler((e) => a.add(e));
  for (const row of rows) r.push(row);
  r.end();
  return a.result();
}

describe('per-user analysis', () => {
  it('groups user names case-insensitively and shows the first spelling', () => {
    const users = analyse([
      denial('20190201T045901.000+0100', { user: 'DOMAIN\\qvservice' }),
      denial('20190201T045902.000+0100', { user: 'domain\\QVService' }),
      { ...denial('20190201T045903.000+0100', { user: 'Domain\\QVSERVICE' }), outcome: 'granted' },
    ]);
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ user: 'DOMAIN\\qvservice', denials: 2, grants: 1 });
  });

  it('matches QLIK-88038 for bursts from the REST connectors and explains why', () => {
    const rows = [1, 2, 4, 5, 6].map((s) => denial(`20190201T0459${String(s).padStart(2, '0')}.000+0100`, REST));
    const [u] = analyse(rows);
    expect(u!.verdict.code).toBe('matches-QLIK-88038');
    expect(u!.verdict.text).toBe('matches QLIK-88038');
    expect(u!.verdict.reason).toContain('5 denials at 04:59');
    expect(u!.verdict.reason).toContain('/qrs/requestaccesstype (ManagementAccess), the REST connectors through the proxy');
    expect(u!.restConnectorBursts).toMatchObject({ count: 1, largest: { size: 5 } });
    expect(u!.hours[4]).toBe(5);
    expect(u!.verdict.fix.map((f) => f.command)).toEqual([
      "qrsfix audit --service-account 'DOMAIN\\qvservice'",
      "qrsfix fix --service-account 'DOMAIN\\qvservice' --dry-run",
      "qrsfix fix --service-account 'DOMAIN\\qvservice' --monitor-user 'DOMAIN\\<dedicated user>' --dry-run",
    ]);
  });

  it('counts separate hourly bursts and finds the minute they share', () => {
    const rows = ['03', '04', '05'].flatMap((h) => [1, 2, 3].map((s) => denial(`20190201T${h}590${s}.000+0100`, REST)));
    const [u] = analyse(rows);
    expect(u!.bursts).toMatchObject({ count: 3, typicalMinute: 59 });
    expect(u!.verdict.reason).toContain('3 bursts');
    expect(u!.verdict.reason).toContain('mostly at :59 past the hour');
  });

  it('needs three denials within 60 s for a burst', () => {
    const [u] = analyse([
      denial('20190201T040000.000+0100', REST),
      denial('20190201T040050.000+0100', REST),
      denial('20190201T040101.000+0100', REST), // 61 s after the first
    ]);
    expect(u!.bursts.count).toBe(0);
    expect(u!.verdict.code).toBe('access-denied');
  });

  it('matches QLIK-88038 for a denial at SessionCount 5 (KB wording), even without a burst', () => {
    const [u] = analyse([
      { ...denial('20190201T040000.000+0100', { sessionCount: 4, host: '::1' }), outcome: 'granted' },
      { ...denial('20190201T040100.000+0100', { sessionCount: 5, host: '::1' }), outcome: 'granted' },
      denial('20190201T041000.000+0100', { host: '::1' }), // no count of its own: follows the 5 above
      denial('20190201T050000.000+0100', { sessionCount: 5 }),
    ]);
    expect(u).toMatchObject({ grants: 2, denials: 2, highestSessionCount: 5, denialsAtSessionCap: 2 });
    expect(u!.verdict.code).toBe('matches-QLIK-88038');
    expect(u!.verdict.reason).toContain('2 denials at SessionCount 5');
    // The session cap is the pass's own evidence: no hedge needed.
    expect(u!.verdict.advice).toBeUndefined();
    expect(u!.verdict.reason).toContain('highest SessionCount 5');
  });

  it('calls a person denied from a workstation "access denied", with advice and no fix commands', () => {
    const hub = { origin: 'AppAccess', context: '/qrs/requestaccesstype', host: '::ffff:172.16.16.100', user: 'DOMAIN\\administrator' };
    const [u] = analyse([1, 2, 3, 4].map((s) => denial(`20190201T08190${s}.000+0100`, hub)));
    expect(u!.bursts.count).toBe(1); // a burst, but not from the connectors
    expect(u!.verdict.code).toBe('access-denied');
    expect(u!.verdict.text).toBe('access denied');
    expect(u!.verdict.fix).toEqual([]);
    expect(u!.verdict.reason).toContain('::ffff:172.16.16.100');
  });

  it('reports users with grants only as "no denials"', () => {
    const [u] = analyse([{ ...denial('20190201T040000.000+0100'), outcome: 'granted' }]);
    expect(u!.verdict.code).toBe('no-denials');
  });
});

describe('audit and trace rows of one decision', () => {
  it('counts an audit row and a trace row with the same SessionID within a second once, keeping the audit context', () => {
    const sid = 'ea16b266-4dba-4468-bcc2-fe78dc120799';
    const events: AccessEvent[] = [];
    const r = new Reconciler((e) => events.push(e));
    r.push({ source: 'license', stamp: at('20190201T045901.990+0100'), user: 'DOMAIN\\qvservice', outcome: 'denied', sessionId: sid, host: '::1', context: '/qrs/requestaccesstype' });
    r.push({ source: 'audit', stamp: at('20190201T045902.010+0100'), user: 'domain\\qvservice', outcome: 'denied', sessionId: sid.toUpperCase(), ...REST });
    // Same session again from the same file kind: a new request, counted.
    r.push({ source: 'audit', stamp: at('20190201T045902.500+0100'), user: 'DOMAIN\\qvservice', outcome: 'denied', sessionId: sid, ...REST });
    // Same session in the trace much later: a new request too.
    r.push({ source: 'license', stamp: at('20190201T050000.000+0100'), user: 'DOMAIN\\qvservice', outcome: 'denied', sessionId: sid, host: '::1' });
    r.end();
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({ sources: ['license', 'audit'], origin: 'ManagementAccess' });
    const a = new LogAnalysis();
    events.forEach((e) => a.add(e));
    expect(a.result()[0]!.denialsBySource).toEqual({ audit: 1, license: 1, both: 1 });
  });

  it('does not merge without twins enabled', () => {
    const events: AccessEvent[] = [];
    const r = new Reconciler((e) => events.push(e), false);
    const row: AccessRow = { source: 'audit', stamp: at('20190201T045901.000+0100'), user: 'D\\u', outcome: 'denied', sessionId: 's' };
    r.push(row);
    r.push({ ...row, source: 'license' });
    r.end();
    expect(events).toHaveLength(2);
  });
});

describe('report', () => {
  const users = analyse([1, 2, 3].map((s) => denial(`20190201T04590${s}.000+0100`, REST)));
  const d: Diagnosis = {
    files: [{ path: 'x_AuditSecurity_Repository.txt', kind: 'audit', rows: 3, accessRows: 3, malformed: 0, signature: false, first: at('20190201T045901.000+0100'), last: at('20190201T045903.000+0100') }],
    skipped: [],
    filters: {},
    span: { first: at('20190201T045901.000+0100'), last: at('20190201T045903.000+0100') },
    users,
    totals: { grants: 0, denials: 3, users: 1, usersMatching: 1 },
  };

  it('draws the hour histogram with only the hours that have denials', () => {
    const hours = Array.from({ length: 24 }, () => 0);
    hours[4] = 10;
    hours[16] = 5;
    expect(histogramLines(hours)).toEqual([`04:00  10  ${'#'.repeat(40)}`, `16:00   5  ${'#'.repeat(20)}`]);
  });

  it('renders table and markdown with verdict, server times and quoted fix commands', () => {
    const table = renderTable(d);
    expect(table).toContain('DOMAIN\\qvservice: matches QLIK-88038');
    expect(table).toContain('2019-02-01 04:59:01 +0100');
    expect(table).toContain("qrsfix fix --service-account 'DOMAIN\\qvservice' --dry-run");
    expect(table).not.toMatch(/\u001b\[/); // no colour codes: it goes to files and tickets too
    const md = renderMarkdown(d);
    expect(md).toContain('## `DOMAIN\\qvservice`: matches QLIK-88038');
    expect(md).toContain('```sh');
  });

  it('lists every file and user up to 20, then only files with malformed rows and users with denials', () => {
    const grants = Array.from({ length: 30 }, (_, i) => ({ ...denial('20190201T045900.000+0100', { user: `DOMAIN\\hub${i}` }), outcome: 'granted' as const }));
    const rows = [...grants, ...[1, 2, 3].map((s) => denial(`20190201T04590${s}.000+0100`, REST))].sort((a, b) => a.stamp.at - b.stamp.at);
    const many = analyse(rows);
    const file = d.files[0]!;
    const files = Array.from({ length: 25 }, (_, i) => ({ ...file, path: `x${i}_AuditSecurity_Repository.log`, malformed: i === 7 ? 2 : 0 }));
    const big: Diagnosis = { ...d, files, users: many, totals: { grants: 30, denials: 3, users: 31, usersMatching: 1 } };
    for (const text of [renderTable(big), renderMarkdown(big)]) {
      expect(text).toContain('x7_AuditSecurity_Repository.log');
      expect(text).not.toContain('x8_AuditSecurity_Repository.log');
      expect(text).toContain('24 more files read without malformed rows (--json lists every file)');
      expect(text).toContain('DOMAIN\\qvservice');
      expect(text).not.toContain('DOMAIN\\hub1');
      expect(text).toContain('30 more users with grants and no denials (--json lists every user)');
    }
    // One terminal line per row: a rule under each header (files, users, denial sources), none between rows.
    expect(renderTable({ ...big, files: files.slice(0, 20), users: many.slice(0, 20) }).match(/├/g)).toHaveLength(3);
    expect(toJson(big, 2).users).toHaveLength(31);
    expect(toJson(big, 2).files).toHaveLength(25);
    // At 20 or fewer, everything is listed (the small case admins read in full).
    const small: Diagnosis = { ...big, files: files.slice(0, 20), users: many.slice(0, 20) };
    expect(renderTable(small)).toContain('x8_AuditSecurity_Repository.log');
    expect(renderTable(small)).not.toContain('more user');
  });

  it('gives ISO times in JSON', () => {
    const j = toJson(d, 2);
    expect(j.users[0]!.firstDenial).toBe('2019-02-01T04:59:01.000+01:00');
    expect(j.users[0]!.denialsByHour).toHaveLength(24);
    expect(j.exitCode).toBe(2);
  });
});
