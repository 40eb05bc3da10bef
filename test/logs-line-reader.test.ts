/**
 * The reading in runs of lines and the run-at-a-time merge, which replaced node:readline and a
 * row-by-row async generator for speed: they must split and order exactly as those did.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachLine } from '../src/logs/chunk-parse.js';
import { BufferPool, ChunkReader } from '../src/logs/chunk-reader.js';
import { mergeByTime, type LogFile } from '../src/logs/merge.js';
import { inThreadParser } from '../src/logs/parse-pool.js';
import { readHeader, type AccessRow } from '../src/logs/rows.js';
import { prng } from '../src/util/prng.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'qrsfix-lines-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What the reader did before: node:readline, BOM dropped from the first line. */
async function viaReadline(file: string): Promise<string[]> {
  const lines: string[] = [];
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of rl) lines.push(lines.length === 0 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line);
  return lines;
}

/** Runs of `runBytes` (small, so that lines straddle many of them), each split on its own. */
async function viaReader(file: string, runBytes = 4096): Promise<string[]> {
  const reader = new ChunkReader(file, new BufferPool(runBytes));
  const lines: string[] = [];
  for (let run = await reader.next(); run; run = await reader.next()) {
    const text = run.bytes.toString('utf8');
    forEachLine(text, run.first, (line) => lines.push(line));
  }
  reader.close();
  return lines;
}

describe('line reader', () => {
  const cases: Array<[string, string | Buffer]> = [
    ['empty', ''],
    ['one line without an end', 'abc'],
    ['BOM, CRLF', '\uFEFFhead\r\nrow 1\r\nrow 2\r\n'],
    ['blank lines and a lone CR', 'a\r\n\r\nb\rc\n\nd\r'],
    ['CR at the very end', 'a\r\nb\r'],
    ['a line longer than a chunk', `short\r\n${'x'.repeat(200_000)}\r\nend`],
    ['multi-byte characters', 'Jürgen Müller\r\n日本語\r\n🙂\r\n'.repeat(20_000)],
  ];
  it.each(cases)('splits %s as node:readline does', async (name, content) => {
    const file = path.join(dir, `${name.replace(/\W+/g, '_')}.txt`);
    await writeFile(file, content);
    expect(await viaReader(file)).toEqual(await viaReadline(file));
  });

  it('splits random text with line ends and multi-byte characters at every chunk boundary as node:readline does', async () => {
    const rand = prng(7);
    const pieces = ['a', 'bc', 'ü', '€', '🙂', '\t', ' ', '\r\n', '\n', '\r', 'Signature:\t', '\uFEFF'];
    for (let round = 0; round < 4; round++) {
      const parts: string[] = [];
      let size = 0;
      while (size < 300_000) {
        const p = pieces[Math.floor(rand() * pieces.length)]!;
        // Long runs without a line end too.
        const n = rand() < 0.01 ? 5000 : 1 + Math.floor(rand() * 40);
        parts.push(p.repeat(n));
        size += p.length * n;
      }
      const file = path.join(dir, `random-${round}.txt`);
      await writeFile(file, parts.join(''));
      expect(await viaReader(file)).toEqual(await viaReadline(file));
    }
  });

  it('reads runs of the default size the same way', async () => {
    const file = path.join(dir, 'big-runs.txt');
    await writeFile(file, `\uFEFFone\r\n${'two\r\n'.repeat(500_000)}x`);
    expect(await viaReader(file, undefined)).toEqual(await viaReadline(file));
  });

  it('ends each run after a line end, except the last one of a file without it', async () => {
    const file = path.join(dir, 'runs.txt');
    await writeFile(file, `${'a'.repeat(10)}\n${'b'.repeat(5000)}\r\nc\rd\nlast`);
    const reader = new ChunkReader(file, new BufferPool(4096));
    const runs: string[] = [];
    for (let run = await reader.next(); run; run = await reader.next()) runs.push(run.bytes.toString('latin1'));
    reader.close();
    expect(runs).toEqual([`${'a'.repeat(10)}\n`, `${'b'.repeat(5000)}\r\nc\rd\n`, 'last']);
  });

  it('rejects a file that cannot be opened', async () => {
    const reader = new ChunkReader(path.join(dir, 'missing.txt'));
    await expect(reader.next()).rejects.toMatchObject({ code: 'ENOENT' });
    reader.close();
  });
});

describe('merge by time', () => {
  const HEADER =
    'Sequence#\tProductVersion\tTimestamp\tHostname\tId\tDescription\tProxySessionId\tProxyPackageId\tRequestSequenceId\tUserDirectory\tUserId\tObjectId\tObjectName\tSecurityClass\tClientHostAddress\tService\tOrigin\tContext\tCommand\tResult\tMessage\tChecksum';
  const header = readHeader(HEADER)!;
  const columns = HEADER.split('\t');

  function stampText(ms: number): string {
    const d = new Date(ms);
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}T${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}+0000`;
  }

  function line(at: number, id: string): string {
    const v: Record<string, string> = {
      Timestamp: stampText(at),
      UserDirectory: 'DOMAIN',
      UserId: id,
      Origin: 'AppAccess',
      Context: '/qrs/requestaccesstype',
      Message: `Login access denied for SessionID: '${id}', Hostname: "::1", OperationType: 'UsageDenied'`,
    };
    return columns.map((c) => v[c] ?? '0').join('\t');
  }

  /** The merge as it was: one row at a time, the earliest head first (ties: the file opened first). */
  function reference(files: Array<{ firstAt: number; rows: Array<{ at: number; id: string }> }>): string[] {
    const pending = files.map((f, i) => ({ ...f, i })).sort((a, b) => a.firstAt - b.firstAt);
    const active: Array<{ rows: Array<{ at: number; id: string }>; k: number }> = [];
    const out: string[] = [];
    const earliest = () => {
      let min: (typeof active)[number] | undefined;
      for (const a of active) if (!min || a.rows[a.k]!.at < min.rows[min.k]!.at) min = a;
      return min;
    };
    for (;;) {
      let min = earliest();
      while (pending.length > 0 && (min === undefined || pending[0]!.firstAt <= min.rows[min.k]!.at)) {
        const f = pending.shift()!;
        if (f.rows.length > 0) active.push({ rows: f.rows, k: 0 });
        min = earliest();
      }
      if (!min) return out;
      out.push(min.rows[min.k]!.id);
      min.k++;
      if (min.k >= min.rows.length) active.splice(active.indexOf(min), 1);
    }
  }

  it('emits rows in the order the row-by-row merge did, overlapping files, ties and all', async () => {
    const rand = prng(11);
    for (let round = 0; round < 5; round++) {
      const files: Array<{ firstAt: number; rows: Array<{ at: number; id: string }> }> = [];
      const logs: LogFile[] = [];
      const count = 2 + Math.floor(rand() * 4);
      for (let f = 0; f < count; f++) {
        // Overlapping ranges with coarse times, so equal stamps across files are common.
        let at = Date.UTC(2024, 0, 1) + Math.floor(rand() * 50) * 1000;
        const rows: Array<{ at: number; id: string }> = [];
        const n = Math.floor(rand() * 3000);
        for (let k = 0; k < n; k++) {
          at += Math.floor(rand() * 3) * 1000;
          rows.push({ at, id: `r${round}f${f}k${k}` });
        }
        const file = path.join(dir, `merge-${round}-${f}.log`);
        await writeFile(file, `\uFEFF${HEADER}\r\n${rows.map((r) => line(r.at, r.id)).join('\r\n')}\r\n`);
        files.push({ firstAt: rows[0]?.at ?? Infinity, rows });
        logs.push({ path: file, header, firstAt: rows[0]?.at ?? Infinity });
      }
      const got: string[] = [];
      const done: string[] = [];
      await mergeByTime(logs, () => true, (s) => done.push(s.path), (row: AccessRow) => got.push(row.user.split('\\')[1]!), inThreadParser());
      expect(got).toEqual(reference(files));
      expect(done.sort()).toEqual(logs.map((l) => l.path).sort());
    }
  });
});
