/**
 * `npm run bench -- --executable`: the single-file Linux executable (`npm run package` first) against
 * the same Node 24 started bare, and `audit` through it against `node dist/cli.js`, on the in-process
 * simulator. Writes its section of docs/performance.md (between the executable markers), or prints only
 * with --no-write.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { NODE_VERSION, nodeBinary } from './package/node-binary.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXE = path.join(REPO, 'dist', 'qrsfix-linux-x64');
const WIN = path.join(REPO, 'dist', 'qrsfix-win-x64.exe');
const CLI = path.join(REPO, 'dist', 'cli.js');
export const MARK_START = '<!-- executable: written by npm run bench -- --executable -->';
export const MARK_END = '<!-- /executable -->';

const log = (text) => process.stderr.write(`${text}\n`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const mib = (file) => (fs.existsSync(file) ? `${(fs.statSync(file).size / 1048576).toFixed(1)} MiB` : 'not built');

function wall(command, argv, env = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, argv, { cwd: REPO, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, ms: Number(process.hrtime.bigint() - started) / 1e6, stderr }));
  });
}

/** Medians of interleaved runs (so that a busy moment of the machine hits every case alike). */
async function interleaved(cases, runs) {
  const times = cases.map(() => []);
  for (const c of cases) await wall(c.command, c.argv, c.env); // warm-up: the page cache
  for (let i = 0; i < runs; i++) {
    for (const [k, c] of cases.entries()) {
      const r = await wall(c.command, c.argv, c.env);
      if (r.code !== c.expect) throw new Error(`${c.name} exited ${r.code}, expected ${c.expect}: ${r.stderr}`);
      times[k].push(r.ms);
    }
  }
  return cases.map((c, k) => ({ name: c.name, ms: median(times[k]) }));
}

export async function benchExecutable({ startRuns = 31, auditRuns = 7, write = true, outFile = path.join(REPO, 'docs', 'performance.md') } = {}) {
  if (!fs.existsSync(EXE)) throw new Error(`${EXE} is missing: run npm run package first`);
  const node24 = nodeBinary('linux-x64', path.join(REPO, 'node_modules', '.cache', 'qrsfix-node'));
  log(`executable: ${startRuns} interleaved starts of node ${NODE_VERSION} -e 0 and the executable's --version …`);
  const [bare, exe, nodeCli] = await interleaved(
    [
      { name: `node -e 0 (Node ${NODE_VERSION})`, command: node24, argv: ['-e', '0'], expect: 0 },
      { name: 'qrsfix-linux-x64 --version', command: EXE, argv: ['--version'], expect: 0 },
      { name: `node dist/cli.js --version (Node ${process.versions.node})`, command: process.execPath, argv: [CLI, '--version'], expect: 0 },
    ],
    startRuns,
  );

  const { startSimulator } = await import(pathToFileURL(path.join(REPO, 'dist', 'sim', 'index.js')).href);
  const sim = await startSimulator({ site: { kind: 'large', users: 20_000, allocations: 14_000, connections: 400 }, latencyMs: 25 });
  let audits;
  try {
    log(`executable: ${auditRuns} interleaved audits each against the simulator (20,000 users, 25 ms latency) …`);
    audits = await interleaved(
      [
        { name: 'qrsfix-linux-x64 audit', command: EXE, argv: ['audit', ...sim.flags], expect: 2 },
        { name: `node dist/cli.js audit (Node ${process.versions.node})`, command: process.execPath, argv: [CLI, 'audit', ...sim.flags], expect: 2 },
      ],
      auditRuns,
    );
  } finally {
    await sim.stop();
  }
  const ratio = exe.ms / bare.ms;
  const auditRatio = audits[0].ms / audits[1].ms;
  const ms = (x) => `${x.toFixed(1)} ms`;
  const text = [
    MARK_START,
    '## Single-file executable',
    '',
    `Measured with \`npm run package && npm run bench -- --executable\` on ${new Date().toISOString().slice(0, 10)} (Node ${NODE_VERSION} inside the executable); medians of interleaved runs.`,
    '',
    '| What | Runs | Wall (median) |',
    '|---|---|---|',
    `| \`${bare.name}\` | ${startRuns} | ${ms(bare.ms)} |`,
    `| \`${exe.name}\` | ${startRuns} | ${ms(exe.ms)} |`,
    `| \`${nodeCli.name}\` | ${startRuns} | ${ms(nodeCli.ms)} |`,
    `| \`${audits[0].name}\` | ${auditRuns} | ${ms(audits[0].ms)} |`,
    `| \`${audits[1].name}\` | ${auditRuns} | ${ms(audits[1].ms)} |`,
    '',
    `Sizes: dist/qrsfix-linux-x64 ${mib(EXE)}, dist/qrsfix-win-x64.exe ${mib(WIN)} (each is Node ${NODE_VERSION} plus the ${mib(path.join(REPO, 'dist', 'sea', 'qrsfix.cjs'))} bundle).`,
    '',
    '| Budget | Measured | |',
    '|---|---|---|',
    `| executable --version within 1.3× of \`node -e 0\` of the same Node | ${ratio.toFixed(2)}× | ${ratio <= 1.3 ? 'met' : '**not met**'} |`,
    `| executable audit no slower than \`node dist/cli.js\` | ${auditRatio.toFixed(2)}× | ${auditRatio <= 1.0 ? 'met' : auditRatio <= 1.05 ? 'met (within noise)' : '**not met**'} |`,
    MARK_END,
    '',
  ].join('\n');
  process.stdout.write(`\n${text}`);
  if (write) {
    const old = fs.existsSync(outFile) ? fs.readFileSync(outFile, 'utf8') : '';
    fs.writeFileSync(outFile, withSection(old, text));
    log(`written to ${path.relative(REPO, outFile)}`);
  }
}

/** The document with its executable section replaced (or appended): the main bench keeps it too. */
export function withSection(doc, section) {
  const a = doc.indexOf(MARK_START);
  const b = doc.indexOf(MARK_END);
  if (a >= 0 && b > a) return doc.slice(0, a) + section.trimEnd() + doc.slice(b + MARK_END.length);
  return `${doc.trimEnd()}\n\n${section}`;
}

/** The executable section of a document, to carry over when the main bench rewrites it. */
export function sectionOf(doc) {
  const a = doc.indexOf(MARK_START);
  const b = doc.indexOf(MARK_END);
  return a >= 0 && b > a ? doc.slice(a, b + MARK_END.length) + '\n' : undefined;
}
