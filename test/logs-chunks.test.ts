/**
 * Parsing in runs (in worker threads for big inputs) must give what parsing line by line gave: the
 * same access rows, counts and first/last times, whatever the run size.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { addCounts, forEachLine, parseChunk, unpackRows, type ChunkCounts } from '../src/logs/chunk-parse.js';
import { BufferPool, ChunkReader } from '../src/logs/chunk-reader.js';
import { Fields, parseLine, type AccessRow } from '../src/logs/rows.js';
import { prng } from '../src/util/prng.js';
import { sniffLogFile } from '../src/logs/sniff.js';

const SAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/samples');

/** Line by line, as the reader did before runs: header and blank lines before it skipped. */
async function lineByLine(file: string): Promise<{ counts: ChunkCounts; rows: AccessRow[] }> {
  const sniffed = await sniffLogFile(file);
  if (sniffed.status !== 'log') throw new Error('not a log');
  const counts: ChunkCounts = { rows: 0, accessRows: 0, malformed: 0, signature: false };
  const rows: AccessRow[] = [];
  let sawHeader = false;
  forEachLine((await readFile(file)).toString('utf8'), true, (line) => {
    if (!sawHeader) {
      sawHeader = line.trim().length > 0;
      return;
    }
    const p = parseLine(sniffed.header, line);
    if (p.type === 'signature') counts.signature = true;
    if (p.type === 'malformed') counts.malformed++;
    if (p.type !== 'access' && p.type !== 'other') return;
    const stamp = p.type === 'access' ? p.row.stamp : p.stamp;
    counts.rows++;
    if (!counts.first || stamp.at < counts.first.at) counts.first = stamp;
    if (!counts.last || stamp.at > counts.last.at) counts.last = stamp;
    if (p.type === 'access') {
      counts.accessRows++;
      rows.push(p.row);
    }
  });
  return { counts, rows };
}

async function inRuns(file: string, runBytes: number): Promise<{ counts: ChunkCounts; rows: AccessRow[] }> {
  const sniffed = await sniffLogFile(file);
  if (sniffed.status !== 'log') throw new Error('not a log');
  const counts: ChunkCounts = { rows: 0, accessRows: 0, malformed: 0, signature: false };
  const rows: AccessRow[] = [];
  const reader = new ChunkReader(file, new BufferPool(runBytes));
  for (let run = await reader.next(); run; run = await reader.next()) {
    const c = parseChunk(run.bytes, sniffed.header, run.first);
    addCounts(counts, c);
    rows.push(...unpackRows(c, sniffed.header.kind));
  }
  reader.close();
  return { counts, rows };
}

describe('parsing in runs', () => {
  it.each([4096, 16 * 1024, 64 * 1024])('reads the samples in runs of %i bytes as line by line', async (runBytes) => {
    const files = (await readdir(SAMPLES)).filter((f) => /Repository/.test(f));
    expect(files.length).toBe(2);
    for (const f of files) {
      const file = path.join(SAMPLES, f);
      const want = await lineByLine(file);
      expect(want.rows.length).toBeGreaterThan(0);
      expect(await inRuns(file, runBytes)).toEqual(want);
    }
  });

  it('keeps every optional field of a row, and its absence', () => {
    const header = 'Timestamp\tUserDirectory\tUserId\tOrigin\tContext\tProxySessionId\tMessage';
    const lines = [
      header,
      "20240301T085900.000+0100\tDOMAIN\tqvservice\tManagementAccess\t/qrs/requestaccesstype\t0\tAccess was denied for User: 'DOMAIN\\qvservice', SessionID: 's1', SessionCount: '5', Hostname: '::1', OperationType: 'UsageDenied'",
      "20240301T085901.000-0330\tDOMAIN\talice\tNot available\t\t0\tLogin access denied for SessionID: 's2', OperationType: 'UsageDenied'",
      '20240301T085902.000Z\tDOMAIN\tbob\tAppAccess\t/hub\tp3\tUser access granted, OperationType: UsageGranted',
      'not a row',
      '20240301T085903.000+0100\tDOMAIN\tcarol\tAppAccess\t/x\t0\tUser synced',
    ];
    const text = Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`);
    const h = (() => {
      let got;
      forEachLine(text.toString('utf8'), true, (l) => (got ??= l));
      return got!;
    })();
    expect(h).toBe(header);
    const parsedHeader = { kind: 'audit' as const, width: 7, col: { timestamp: 0, userDirectory: 1, userId: 2, origin: 3, context: 4, proxySessionId: 5, message: 6 }, needed: 6 };
    const chunk = parseChunk(text, parsedHeader, true);
    const want = lines.slice(1).map((l) => parseLine(parsedHeader, l)).flatMap((p) => (p.type === 'access' ? [p.row] : []));
    expect(want).toHaveLength(3);
    expect(unpackRows(chunk, 'audit')).toEqual(want);
    expect(chunk).toMatchObject({ rows: 4, accessRows: 3, malformed: 1, signature: false });
  });
});

describe('fields of a line', () => {
  /** As they were read before: split at every tab, the extra ones counted into the Message. */
  function bySplit(line: string, width: number, message: number): { count: number; get(i: number): string | undefined } {
    const parts = line.split('\t');
    const extra = Math.max(0, parts.length - width);
    return {
      count: parts.length - extra,
      get: (i) => (i < message ? parts[i] : i === message ? parts.slice(message, message + extra + 1).join('\t') : parts[i + extra]),
    };
  }

  it('finds each column as splitting at every tab did, with tabs in the Message and columns missing', () => {
    const rand = prng(5);
    const pick = <T,>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
    for (let t = 0; t < 5000; t++) {
      const width = 1 + Math.floor(rand() * 12);
      const message = Math.floor(rand() * width);
      const header = { kind: 'audit' as const, width, col: { message }, needed: message };
      const n = Math.floor(rand() * (width + 4));
      const line = Array.from({ length: n + 1 }, () => pick(['', 'a', 'bc d', ' x ', 'Not available'])).join('\t');
      const fields = new Fields();
      const want = bySplit(line, width, message);
      expect(fields.scan(line, header), `${JSON.stringify(line)} width ${width} message ${message}`).toBe(want.count);
      for (let i = 0; i < width + 2; i++) expect(fields.get(i), `${JSON.stringify(line)} width ${width} message ${message} field ${i}`).toBe(i < want.count ? want.get(i) : undefined);
    }
  });
});
