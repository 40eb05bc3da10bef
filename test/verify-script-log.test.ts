/** The script-log reader on both timestamp forms, wrapped lines, thousands separators, error lines, control characters. */
import { describe, expect, it } from 'vitest';
import { readScriptLog, stripControl } from '../src/verify/script-log.js';

const COMPACT_LOG = [
  '\uFEFF20210510T101402.549-0500      Execution started.',
  '20210510T101402.551-0500      Qlik Sense Server Version 14.187.4',
  "20210510T101402.560-0500 0002  SET ThousandSep=' ';",
  "20210510T101402.601-0500 0120  LIB CONNECT TO 'monitor_apps_REST_user'",
  '20210510T101402.640-0500      Connected.',
  '20210510T101402.700-0500 0122  SQL SELECT "id", "name",',
  '\tFROM JSON (wrap on) "root" PK "__KEY_root"',
  '20210510T101403.100-0500      2 403 Lines fetched',
  '20210510T101403.200-0500      17 Lines fetched',
  '20210510T101404.000-0500      Execution finished.',
  '',
].join('\r\n');

const SPACED_FAIL = [
  "2019-10-23 10:09:05 0210  LIB CONNECT TO 'monitor_apps_REST_license_user'",
  '2019-10-23 10:09:05      Connected.',
  '2019-10-23 10:09:06      1 204 311 Lines fetched',
  '2019-10-23 10:09:07      HTTP protocol error 403 (Forbidden):',
  'You cannot access Qlik Sense because you have no access pass.',
  '2019-10-23 10:09:07      Error: HTTP protocol error 403 (Forbidden):',
  'You cannot access Qlik Sense because you have no access pass.',
  '2019-10-23 10:09:07      Execution Failed',
  '2019-10-23 10:09:07      Execution finished.',
].join('\r\n');

describe('readScriptLog', () => {
  it('reads the compact timestamp form: rows with a space as thousands separator are rows, not an HTTP status', () => {
    const s = readScriptLog(COMPACT_LOG);
    expect(s.rowsFetched).toBe(2_420);
    expect(s.errorLines).toEqual([]);
    expect(s.finished).toBe(true);
    expect(s.firstTimestamp).toBe('20210510T101402.549-0500');
    expect(s.lastTimestamp).toBe('20210510T101404.000-0500');
    // The wrapped continuation joins its statement: 9 entries, not 10.
    expect(s.entries).toBe(9);
  });

  it('reads the spaced form with a statement number, joins wrapped error text, and finds every error line', () => {
    const s = readScriptLog(SPACED_FAIL);
    expect(s.rowsFetched).toBe(1_204_311);
    expect(s.errorLines).toEqual([
      'HTTP protocol error 403 (Forbidden): You cannot access Qlik Sense because you have no access pass.',
      'Error: HTTP protocol error 403 (Forbidden): You cannot access Qlik Sense because you have no access pass.',
      'Execution Failed',
    ]);
    expect(s.firstTimestamp).toBe('2019-10-23 10:09:05');
  });

  it('takes LF or lone CR line ends and lines without any timestamp', () => {
    const s = readScriptLog('Execution started.\n12 Lines fetched\rError: Field not found <x>\n');
    expect(s.rowsFetched).toBe(0); // one entry: untimestamped lines continue the first
    expect(s.entries).toBe(1);
    const t = readScriptLog('20210510T101402.549-0500      12 Lines fetched\n20210510T101402.549-0500      Error: Field not found <x>');
    expect(t.rowsFetched).toBe(12);
    expect(t.errorLines).toEqual(['Error: Field not found <x>']);
    expect(t.finished).toBe(false);
  });

  it('strips terminal control characters and bidi overrides from what it reports', () => {
    const s = readScriptLog('20210510T101402.549-0500      Error: \u001b[2J\u001b]0;pwned\u0007 bad \u202eevil\r\n');
    expect(s.errorLines).toEqual(['Error: [2J]0;pwned bad evil']);
    expect(stripControl('a\u0000b\u009bc\td')).toBe('abc d');
  });

  it('keeps at most 20 error lines, counts the rest, and clips long ones', () => {
    const lines = Array.from({ length: 25 }, (_, i) => `20210510T101402.549-0500      Error: number ${i} ${'x'.repeat(i === 0 ? 900 : 1)}`);
    const s = readScriptLog(lines.join('\r\n'));
    expect(s.errorLines.length).toBe(20);
    expect(s.moreErrors).toBe(5);
    expect(s.errorLines[0]!.length).toBe(500);
  });
});
