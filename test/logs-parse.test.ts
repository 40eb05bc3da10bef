import { describe, expect, it } from 'vitest';
import { isLoopback, outcomeOf, readMessage } from '../src/logs/messages.js';
import { isFromRestConnectors, parseLine, readHeader, type Header } from '../src/logs/rows.js';
import { formatIso, formatServerTime, isAtOrAfter, parseLogStamp, parseSince, serverHour } from '../src/logs/time.js';
import { isRepositoryLogName } from '../src/logs/find-files.js';
import { QrsfixError } from '../src/errors.js';

const AUDIT_HEADER =
  'Sequence#\tProductVersion\tTimestamp\tHostname\tId\tDescription\tProxySessionId\tProxyPackageId\tRequestSequenceId\tUserDirectory\tUserId\tObjectId\tObjectName\tSecurityClass\tClientHostAddress\tService\tOrigin\tContext\tCommand\tResult\tMessage\tChecksum';
const LICENSE_HEADER =
  'Sequence#\tTimestamp\tLevel\tHostname\tLogger\tThread\tId\tServiceUser\tMessage\tProxySessionId\tAccessTypeId\tAccessType\tOperation\tUserName\tUserId\tChecksum';

function row(header: string, values: Record<string, string>): string {
  return header
    .split('\t')
    .map((c) => values[c] ?? '')
    .join('\t');
}

const SID = '8f1983c6-5bd6-4e25-bd53-b5029d8de01c';

describe('message wordings', () => {
  it('reads the KB denial wording', () => {
    const f = readMessage(
      `Access was denied for User: 'Domain\\USER', with AccessID '1a2b', SessionID: '${SID}', SessionCount: '5', Hostname: '::1', OperationType: 'UsageDenied'`,
    );
    expect(f).toMatchObject({ user: 'Domain\\USER', sessionId: SID, sessionCount: 5, hostname: '::1', operationType: 'UsageDenied' });
    expect(outcomeOf(undefined, f)).toBe('denied');
  });

  it('reads the KB grant wording', () => {
    const f = readMessage(
      `User access granted for User: 'DOMAIN\\qvservice' with UsageID: 'u1', SessionID: '${SID}', SessionCount: '3', Hostname: '::1', OperationType: 'UsageGranted'`,
    );
    expect(f).toMatchObject({ user: 'DOMAIN\\qvservice', sessionCount: 3, operationType: 'UsageGranted' });
    expect(outcomeOf(undefined, f)).toBe('granted');
  });

  it('reads the newer "Login access denied" wording (double-quoted host, no user, no count)', () => {
    const f = readMessage(`Login access denied for SessionID: '${SID}', Hostname: "::1", OperationType: 'UsageDenied'`);
    expect(f.user).toBeUndefined();
    expect(f.sessionCount).toBeUndefined();
    expect(f).toMatchObject({ sessionId: SID, hostname: '::1' });
    expect(outcomeOf(undefined, f)).toBe('denied');
  });

  it('reads the license trace wordings (unquoted values)', () => {
    const denied = readMessage(`No available access type, SessionID: ${SID}, Hostname: "::ffff:172.16.16.100"`);
    expect(denied).toMatchObject({ sessionId: SID, hostname: '::ffff:172.16.16.100', outcome: 'denied' });
    const granted = readMessage(`UsageID: u1, SessionID: ${SID}, SessionCount: 1, Hostname: '::ffff:172.16.16.100'`);
    expect(granted).toMatchObject({ sessionId: SID, sessionCount: 1 });
    expect(outcomeOf('UsageGranted', granted)).toBe('granted');
  });

  it('lets OperationType win over the wording, and ignores bookkeeping operations', () => {
    expect(outcomeOf('UsageDenied', {})).toBe('denied');
    expect(outcomeOf('Timedout', { outcome: 'granted' })).toBeUndefined();
    expect(outcomeOf(undefined, readMessage("User 'DOMAIN\\qvservice' was synced"))).toBeUndefined();
  });

  it('knows loopback', () => {
    expect(['::1', '127.0.0.1', '::ffff:127.0.0.1', '[::1]', 'localhost'].every(isLoopback)).toBe(true);
    expect(['::ffff:172.16.16.100', '10.0.0.1', undefined].some(isLoopback)).toBe(false);
  });
});

describe('header and rows', () => {
  it('recognises both headers by column names, with a BOM, and rejects others', () => {
    expect(readHeader('\uFEFF' + AUDIT_HEADER)?.kind).toBe('audit');
    expect(readHeader(LICENSE_HEADER)?.kind).toBe('license');
    expect(readHeader('Timestamp\tSeverity\tMessage')).toBeUndefined();
    expect(readHeader('{"name": "qrsfix"}')).toBeUndefined();
  });

  it('finds columns by name when the order differs', () => {
    const reordered = 'Message\tUserId\tTimestamp\tContext\tUserDirectory\tOrigin';
    const h = readHeader(reordered)!;
    const line = row(reordered, {
      Message: `Login access denied for SessionID: '${SID}', Hostname: "::1", OperationType: 'UsageDenied'`,
      UserId: 'QVService',
      Timestamp: '20190201T045901.678+0100',
      Context: '/qrs/requestaccesstype',
      UserDirectory: 'domain',
      Origin: 'ManagementAccess',
    });
    const p = parseLine(h, line);
    expect(p.type).toBe('access');
    if (p.type !== 'access') return;
    expect(p.row).toMatchObject({ user: 'domain\\QVService', outcome: 'denied', sessionId: SID, origin: 'ManagementAccess', context: '/qrs/requestaccesstype', host: '::1' });
    expect(isFromRestConnectors(p.row)).toBe(true);
  });

  it('takes the trace user from UserName, not ServiceUser', () => {
    const h = readHeader(LICENSE_HEADER)!;
    const p = parseLine(
      h,
      row(LICENSE_HEADER, {
        Timestamp: '20190201T080842.468+0100',
        Logger: 'License.Repository.Repository.Core.Resource.RequestAccessTypeResource',
        ServiceUser: 'DOMAIN\\qvservice',
        Message: `No available access type, SessionID: ${SID}, Hostname: "::ffff:172.16.16.100"`,
        Operation: 'UsageDenied',
        UserName: 'DOMAIN\\administrator',
      }),
    );
    expect(p.type === 'access' && p.row).toMatchObject({ user: 'DOMAIN\\administrator', context: '/qrs/requestaccesstype', source: 'license' });
    expect(p.type === 'access' && isFromRestConnectors(p.row)).toBe(false);
  });

  it('skips the Signature trailer and counts broken rows as malformed', () => {
    const h = readHeader(AUDIT_HEADER)!;
    expect(parseLine(h, 'Signature:\t7cf3e4768228884815499e917185bf1fd7f1008d').type).toBe('signature');
    expect(parseLine(h, '').type).toBe('blank');
    expect(parseLine(h, '143\t20.4.2.0\t2019020').type).toBe('malformed');
    expect(parseLine(h, row(AUDIT_HEADER, { Timestamp: 'yesterday', UserDirectory: 'D', UserId: 'u', Message: 'x' })).type).toBe('malformed');
  });

  it('keeps a tab inside the Message from shifting the later columns', () => {
    const h: Header = readHeader(AUDIT_HEADER)!;
    const line = row(AUDIT_HEADER, {
      Timestamp: '20190201T045901.678+0100',
      UserDirectory: 'DOMAIN',
      UserId: 'qvservice',
      Origin: 'ManagementAccess',
      Context: '/qrs/requestaccesstype',
      Message: `Login access denied\tfor SessionID: '${SID}', Hostname: "::1", OperationType: 'UsageDenied'`,
      Checksum: 'abc',
    });
    const p = parseLine(h, line);
    expect(p.type === 'access' && p.row).toMatchObject({ user: 'DOMAIN\\qvservice', sessionId: SID, outcome: 'denied' });
  });

  it('treats other audit rows as rows, not as decisions', () => {
    const h = readHeader(AUDIT_HEADER)!;
    const p = parseLine(h, row(AUDIT_HEADER, { Timestamp: '20190131T163833.130+0100', UserDirectory: 'INTERNAL', UserId: 'sa_proxy', Message: "User 'DOMAIN\\administrator' was synced" }));
    expect(p.type).toBe('other');
  });
});

describe('timestamps and --since', () => {
  it('parses the log offset and shows server time', () => {
    const s = parseLogStamp('20190201T045901.678+0100')!;
    expect(new Date(s.at).toISOString()).toBe('2019-02-01T03:59:01.678Z');
    expect(formatServerTime(s)).toBe('2019-02-01 04:59:01 +0100');
    expect(formatIso(s)).toBe('2019-02-01T04:59:01.678+01:00');
    expect(serverHour(s)).toBe(4);
    // The fast path for the same minute must agree with the full parse.
    expect(formatIso(parseLogStamp('20190201T045959.001+0100')!)).toBe('2019-02-01T04:59:59.001+01:00');
    expect(formatIso(parseLogStamp('20190201T045901.678-0530')!)).toBe('2019-02-01T04:59:01.678-05:30');
    expect(parseLogStamp('20190230T045901.678+0100')).toBeUndefined();
    expect(parseLogStamp('20190201T0459x1.678+0100')).toBeUndefined();
  });

  it('reads a date as server time and an ISO time with an offset as an instant', () => {
    const s = parseLogStamp('20190201T003000.000+0100')!; // 2019-01-31T23:30Z
    expect(isAtOrAfter(s, parseSince('2019-02-01'))).toBe(true); // midnight server time
    expect(isAtOrAfter(s, parseSince('2019-02-01T00:30'))).toBe(true);
    expect(isAtOrAfter(s, parseSince('2019-02-01T00:31'))).toBe(false);
    expect(isAtOrAfter(s, parseSince('2019-02-01T00:00Z'))).toBe(false);
    expect(isAtOrAfter(s, parseSince('2019-01-31T23:30:00.000Z'))).toBe(true);
    expect(isAtOrAfter(s, parseSince('2019-02-01T00:30+01:00'))).toBe(true);
  });

  it('rejects a bad --since as a usage error', () => {
    for (const bad of ['yesterday', '2019-13-01', '2019-02-30', '01.02.2019', '2019-02-01T25:00']) {
      expect(() => parseSince(bad), bad).toThrow(QrsfixError);
      try {
        parseSince(bad);
      } catch (e) {
        expect((e as QrsfixError).kind).toBe('usage');
      }
    }
  });
});

describe('file names', () => {
  it('matches live and archived Repository logs in any case', () => {
    expect(isRepositoryLogName('QLIKSERVER1_AuditSecurity_Repository.txt')).toBe(true);
    expect(isRepositoryLogName('QLIKSERVER1_AuditSecurity_Repository_2019-02-01T03.59.01Z.log')).toBe(true);
    expect(isRepositoryLogName('qlikserver1_license_repository.TXT')).toBe(true);
    expect(isRepositoryLogName('QLIKSERVER1_System_Repository.txt')).toBe(false);
    expect(isRepositoryLogName('QLIKSERVER1_AuditSecurity_Repository.zip')).toBe(false);
  });
});
