/**
 * Runs the built CLI (dist/, built by `npm test` before vitest) as a child process, with a clean
 * environment (no QRS_* or proxy settings leak in from the machine) and no terminal on stdin. Journals
 * go to the working folder (QRSFIX_JOURNAL_DIR), not the user's state folder, unless a test says otherwise.
 * QRSFIX_BIN=<executable> runs a single-file build (`npm run package`) instead, e.g.
 * `QRSFIX_BIN=dist/qrsfix-linux-x64 npx vitest run test/e2e-audit.test.ts`.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '../..');
export const CLI = path.join(REPO, 'dist/cli.js');
/** The single-file executable under test, if any (read before cleanEnv drops QRSFIX_* variables). */
export const BIN = process.env.QRSFIX_BIN ? path.resolve(REPO, process.env.QRSFIX_BIN) : undefined;

/** The command that starts qrsfix: the executable, or this Node with dist/cli.js. */
export function qrsfixCommand(): [string, string[]] {
  return BIN ? [BIN, []] : [process.execPath, [CLI]];
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Written to stdin, then closed; stdin is closed at once without it. */
  input?: string;
  cwd?: string;
  /** Kill after this long (a hung CLI fails the test instead of hanging it). */
  killAfterMs?: number;
  /** Called once the process has started, e.g. to send it a signal later. */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void;
}

const SCRUBBED_ENV = /^(QRS_|QRSFIX_|HTTPS?_PROXY$|https?_proxy$|NO_PROXY$|no_proxy$|ALL_PROXY$|all_proxy$)/;

export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!SCRUBBED_ENV.test(k)) env[k] = v;
  env.NO_COLOR = '1';
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function qrsfix(args: string[], opts: RunOptions = {}): Promise<Run> {
  const [command, prefix] = qrsfixCommand();
  if (!existsSync(BIN ?? CLI)) throw new Error(`${BIN ?? CLI} is missing: run \`${BIN ? 'npm run package' : 'npm run build'}\` first`);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...prefix, ...args], { cwd: opts.cwd ?? REPO, env: cleanEnv({ QRSFIX_JOURNAL_DIR: opts.cwd ?? REPO, ...opts.env }), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    const killer = setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs ?? 45_000);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
    child.stdin.on('error', () => {
      /* the CLI may exit before reading stdin */
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
    opts.onSpawn?.(child);
  });
}

/** Every file under dir (recursively), for secret scans of what a run wrote. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** The secrets found in any of the texts or files; [] when none leaked. */
export function leakedSecrets(secrets: string[], texts: string[], files: string[] = []): string[] {
  const haystacks = [...texts, ...files.map((f) => readFileSync(f, 'utf8'))];
  return secrets.filter((s) => s && haystacks.some((h) => h.includes(s)));
}

/** How the CLI names itself in the command lines it prints when qrsfix() runs it from cwd. */
export function tool(cwd = REPO): string {
  // An executable names itself as a shell finds it: the tests run it from another folder, not on PATH.
  if (BIN) return path.dirname(BIN) === path.resolve(cwd) ? `./${path.basename(BIN)}` : BIN;
  const rel = path.relative(cwd, CLI);
  return `node ${rel.startsWith('..') || path.isAbsolute(rel) ? CLI : rel}`;
}

/** The same, escaped for a RegExp. */
export function toolPattern(cwd = REPO): string {
  return tool(cwd).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
