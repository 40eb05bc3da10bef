import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAccount } from '../src/account.js';
import { QrsfixError } from '../src/errors.js';
import { diagnoseLogs, type Diagnosis } from '../src/logs/diagnose.js';
import { parseSince } from '../src/logs/time.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SAMPLES = path.resolve(here, 'fixtures/samples');

const AUDIT_COLS =
  'Sequence#\tProductVersion\tTimestamp\tHostname\tId\tDescription\tProxySessionId\tProxyPackageId\tRequestSequenceId\tUserDirectory\tUserId\tObjectId\tObjectName\tSecurityClass\tClientHostAddress\tService\tOrigin\tContext\tCommand\tResult\tMessage\tChecksum'.split('\t');
const LICENSE_COLS = 'Sequence#\tTimestamp\tLevel\tHostname\tLogger\tThread\tId\tServiceUser\tMessage\tProxySessionId\tAccessTypeId\tAccessType\tOperation\tUserName\tUserId\tChecksum'.split('\t');

interface LogSpec {
  cols: string[];
  rows: Record<string, string>[];
  bom?: boolean;
  eol?: '\r\n' | '\n';
  signature?: boolean;
}

function logText({ cols, rows, bom = true, eol = '\r\n', signature = false }: LogSpec): string {
  const lines = [cols.join('\t'), ...rows.map((r) => cols.map((c) => r[c] ?? '').join('\t'))];
  if (signature) lines.push('Signature:\t7cf3e4768228884815499e917185bf1fd7f1008d');
  return (bom ? '\uFEFF' : '') + lines.join(eol) + eol;
}

/** An audit row in the newer wording (user from the columns) or the KB wording (user in the message). */
function auditDenial(stamp: string, sid: string, opts: { kb?: boolean; dir?: string; id?: string; count?: number } = {}): Record<string, string> {
  const { kb = false, dir = 'DOMAIN', id = 'qvservice', count = 5 } = opts;
  return {
    'Sequence#': '1',
    Timestamp: stamp,
    Description: 'Command=License user access;Result=403;ResultText=Error: Access denied',
    ProxySessionId: sid,
    UserDirectory: dir,
    UserId: id,
    Origin: 'ManagementAccess',
    Context: '/qrs/requestaccesstype',
    Command: 'License user access',
    Result: '403',
    Message: kb
      ? `Access was denied for User: '${dir}\\${id}', with AccessID 'a1', SessionID: '${sid}', SessionCount: '${count}', Hostname: '::1', OperationType: 'UsageDenied'`
      : `Login access denied for SessionID: '${sid}', Hostname: "::1", OperationType: 'UsageDenied'`,
  };
}

function auditGrant(stamp: string, sid: string, user: string, count: number): Record<string, string> {
  const [dir, id] = user.split('\\');
  return {
    Timestamp: stamp,
    UserDirectory: dir!,
    UserId: id!,
    Origin: 'ManagementAccess',
    Context: '/qrs/requestaccesstype',
    Command: 'License user access',
    Result: '0',
    Message: `User access granted for User: '${user}' with UsageID: 'u1', SessionID: '${sid}', SessionCount: '${count}', Hostname: '::1', OperationType: 'UsageGranted'`,
  };
}

function traceDenial(stamp: string, sid: string, user = 'DOMAIN\\qvservice', host = '::1'): Record<string, string> {
  return {
    Timestamp: stamp,
    Level: 'INFO',
    Logger: 'License.Repository.Repository.Core.Resource.RequestAccessTypeResource',
    ServiceUser: 'DOMAIN\\qvservice',
    Message: `No available access type, SessionID: ${sid}, Hostname: "${host}"`,
    ProxySessionId: sid,
    Operation: 'UsageDenied',
    UserName: user,
  };
}

const quiet = { info: () => {}, warn: () => {} };
function recording() {
  const lines: string[] = [];
  return { lines, notes: { info: (t: string) => lines.push(`info: ${t}`), warn: (t: string) => lines.push(`warn: ${t}`) } };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'qrsfix-logs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, text: string | Buffer): Promise<string> {
  const p = path.join(dir, name);
  await mkdir(path.dirname(p), { recursive: true });
  await writeFile(p, text);
  return p;
}

function user(d: Diagnosis, name: string) {
  return d.users.find((u) => u.user.toLowerCase() === name.toLowerCase());
}

describe('diagnoseLogs on the real samples', () => {
  it('finds the service account denials from the REST connectors: matches QLIK-88038', async () => {
    const { lines, notes } = recording();
    const d = await diagnoseLogs([SAMPLES], {}, notes);
    expect(d.files.map((f) => [path.basename(f.path), f.kind, f.malformed])).toEqual([
      ['QLIKSERVER1_AuditSecurity_Repository_2019-02-01T03.59.01Z.log', 'audit', 0],
      ['QLIKSERVER1_License_Repository.txt', 'license', 0],
    ]);
    expect(d.files[0]!.signature).toBe(true);
    const q = user(d, 'DOMAIN\\qvservice')!;
    // 120 audit rows (2019-01-31 16:59 … 02-01 03:59) + 100 trace rows (04:59 … 13:59): no overlap, no twins.
    expect(q).toMatchObject({ user: 'DOMAIN\\qvservice', grants: 0, denials: 220, denialsBySource: { audit: 120, license: 100, both: 0 } });
    expect(q.verdict.code).toBe('matches-QLIK-88038');
    // Bursts alone, no SessionCount in these rows: the verdict says to confirm the pass with the audit.
    expect(q.verdict.advice).toContain('run the audit first');
    expect(q.restConnectorBursts.typicalMinute).toBe(59);
    expect(q.hours.filter((n) => n > 0)).toHaveLength(22);
    const admin = user(d, 'DOMAIN\\administrator')!;
    expect(admin).toMatchObject({ grants: 3, denials: 9, highestSessionCount: 1 });
    expect(admin.verdict.code).toBe('access-denied');
    expect(lines).toContain('info: reading 2 files (1 audit security log, 1 license trace log)…');
    // The archive's Signature trailer is normal: neither a malformed row nor a note.
    expect(lines.some((l) => /signature/i.test(l))).toBe(false);
  });

  it('filters by --user in any case and by --since (server time)', async () => {
    const d = await diagnoseLogs([SAMPLES], { user: parseAccount('domain\\QVSERVICE'), since: parseSince('2019-02-01T10:00') }, quiet);
    expect(d.users.map((u) => u.user)).toEqual(['DOMAIN\\qvservice']);
    expect(d.users[0]!.denials).toBe(40); // 10:59, 11:59, 12:59, 13:59
    expect(d.filters).toEqual({ user: 'domain\\QVSERVICE', since: '2019-02-01T10:00' });
  });
});

describe('diagnoseLogs on logs written here', () => {
  it('reads both wordings, BOM/CRLF and LF, reordered columns, names in any case, and a signature', async () => {
    const reordered = [...AUDIT_COLS].reverse();
    await write(
      'site/Audit/NODE1_AuditSecurity_Repository.txt',
      logText({
        cols: reordered,
        eol: '\n',
        bom: false,
        rows: [
          auditGrant('20240301T085900.100+0200', 's1', 'DOMAIN\\QVService', 4),
          auditGrant('20240301T085900.200+0200', 's2', 'domain\\qvservice', 5),
          auditDenial('20240301T085901.000+0200', 's3', { kb: true, dir: 'domain', id: 'QVSERVICE' }),
        ],
      }),
    );
    await write(
      'site/ArchivedLogs/NODE1_AuditSecurity_Repository_2024-03-01T06.00.00Z.log',
      logText({
        cols: AUDIT_COLS,
        signature: true,
        rows: [auditDenial('20240301T075901.000+0200', 's4'), auditDenial('20240301T075902.000+0200', 's5'), auditDenial('20240301T075903.000+0200', 's6')],
      }),
    );
    await write('site/Audit/notes.txt', 'not a log, and not named like one: skipped silently\n');
    const { lines, notes } = recording();
    const d = await diagnoseLogs([path.join(dir, 'site')], {}, notes);
    expect(d.files).toHaveLength(2);
    expect(lines.join('\n')).not.toContain('notes.txt');
    const q = d.users[0]!;
    expect(d.users).toHaveLength(1);
    expect(q).toMatchObject({ user: 'DOMAIN\\qvservice', grants: 2, denials: 4, highestSessionCount: 5, denialsAtSessionCap: 1 });
    expect(q.firstDenial?.offsetMin).toBe(120);
    expect(q.hours[7]).toBe(3);
    expect(q.hours[8]).toBe(1);
    expect(q.verdict.code).toBe('matches-QLIK-88038');
    expect(d.files.find((f) => f.signature)?.malformed).toBe(0);
  });

  it('counts a denial in both the audit log and the license trace once', async () => {
    await write(
      'twins/N_AuditSecurity_Repository.txt',
      logText({ cols: AUDIT_COLS, rows: [auditDenial('20240301T085901.998+0100', 'abc'), auditDenial('20240301T085903.000+0100', 'def')] }),
    );
    await write(
      'twins/N_License_Repository.txt',
      logText({ cols: LICENSE_COLS, rows: [traceDenial('20240301T085902.003+0100', 'abc'), traceDenial('20240301T085910.000+0100', 'xyz')] }),
    );
    const d = await diagnoseLogs([path.join(dir, 'twins')], {}, quiet);
    expect(d.users[0]).toMatchObject({ denials: 3, denialsBySource: { audit: 1, license: 1, both: 1 } });
  });

  it('notes malformed rows and reports none for a clean log', async () => {
    const p = await write(
      'clean/N_License_Repository.txt',
      logText({
        cols: LICENSE_COLS,
        rows: [{ Timestamp: '20240301T085900.000+0100', Operation: 'UsageGranted', UserName: 'DOMAIN\\alice', Message: 'UsageID: u, SessionID: s, SessionCount: 1' }],
      }) + 'garbage without tabs\r\n',
    );
    const { lines, notes } = recording();
    const d = await diagnoseLogs([p], {}, notes);
    expect(d.totals).toMatchObject({ denials: 0, grants: 1 });
    expect(d.files[0]!.malformed).toBe(1);
    expect(lines.some((l) => l.startsWith('warn:') && l.includes('1 malformed row'))).toBe(true);
  });

  async function inputError(paths: string[]): Promise<QrsfixError> {
    try {
      await diagnoseLogs(paths, {}, quiet);
    } catch (e) {
      expect(e).toBeInstanceOf(QrsfixError);
      expect((e as QrsfixError).kind).toBe('input');
      return e as QrsfixError;
    }
    throw new Error('expected an input error');
  }

  it('names a missing path, a non-log file, a binary file and a folder without logs', async () => {
    expect((await inputError([path.join(dir, 'nope')])).message).toContain('nope');
    const json = await write('other/package.json', '{"name":"x"}\n');
    expect((await inputError([json])).message).toContain('package.json');
    const bin = await write('bin/N_AuditSecurity_Repository.log', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x01]));
    expect((await inputError([bin])).message).toMatch(/N_AuditSecurity_Repository\.log.*binary/);
    expect((await inputError([path.join(dir, 'other')])).message).toContain('no Repository audit or license logs');
  });
});
