/**
 * Every command line qrsfix prints is built here, so that it can be pasted as is: it starts with the
 * name the tool was run by, and each word is quoted for the shell (a bare `DOMAIN\x` loses its
 * backslash in a POSIX shell).
 */
import path from 'node:path';

const SAFE = /^[A-Za-z0-9_./:=@,+%-]+$/;

/** One word for POSIX shells and PowerShell: single quotes, which keep `\` as it is in both. */
export function shellQuote(value: string, platform: NodeJS.Platform = process.platform): string {
  if (SAFE.test(value)) return value;
  // A quote inside: PowerShell doubles it; POSIX shells close, escape and reopen.
  const inner = platform === 'win32' ? value.replace(/'/g, "''") : value.replace(/'/g, "'\\''");
  return `'${inner}'`;
}

export interface Invocation {
  argv: readonly string[];
  execPath: string;
  cwd: string;
  /** PATH, to tell whether a single executable can be named bare. */
  pathEnv?: string;
  platform?: NodeJS.Platform;
}

function current(): Invocation {
  return { argv: process.argv, execPath: process.execPath, cwd: process.cwd(), pathEnv: process.env.PATH ?? process.env.Path, platform: process.platform };
}

/**
 * A single executable as a shell finds it: bare when its folder is on PATH; `.\name` (`./name`) when
 * it is in the current folder, which PowerShell and POSIX shells do not search; else its full path.
 */
function executableWord(file: string, inv: Invocation): string {
  const p = inv.platform === 'win32' ? path.win32 : path.posix;
  const dir = p.dirname(file);
  const same = (a: string, b: string) => (inv.platform === 'win32' ? p.resolve(a).toLowerCase() === p.resolve(b).toLowerCase() : p.resolve(a) === p.resolve(b));
  const onPath = (inv.pathEnv ?? '').split(inv.platform === 'win32' ? ';' : ':').some((d) => d !== '' && p.isAbsolute(d) && same(d, dir));
  if (onPath) return p.basename(file);
  if (same(dir, inv.cwd)) return `.${p.sep}${p.basename(file)}`;
  return file;
}

/**
 * How the tool was started: `qrsfix` (an npm bin link), a single executable as the shell finds it, or
 * `node dist/cli.js` (relative to the current folder when it lies below it, so the line still works from there).
 */
export function invokedAs(given: Invocation = current()): string[] {
  const inv = { platform: process.platform, ...given };
  // A single executable is not Node: its argv[1] is itself, spelled as it was typed.
  if (!/^node(\.exe)?$/i.test((inv.platform === 'win32' ? path.win32 : path.posix).basename(inv.execPath))) return [executableWord(inv.execPath, inv)];
  const script = inv.argv[1];
  const isScript = !!script && script !== inv.execPath && /\.[cm]?js$/i.test(script);
  if (!isScript) {
    // An npm bin link: argv[1] is the link, not .js, and npm put it on PATH.
    return [script && script !== inv.execPath ? path.basename(script).replace(/\.cmd$/i, '') : 'qrsfix'];
  }
  // Installed by npm (Windows runs the script itself from its shim): on PATH as qrsfix.
  if (/[\\/]node_modules[\\/]/.test(script)) return ['qrsfix'];
  const rel = path.relative(inv.cwd, script);
  return ['node', rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : script];
}

export type Word = string | false | undefined | null;

/** The program's own word: PowerShell runs a quoted path only after `&`. */
function programWord(word: string, platform: NodeJS.Platform): string {
  if (platform === 'win32' && /^[A-Za-z0-9_.\\:/-]+$/.test(word)) return word;
  const quoted = shellQuote(word, platform);
  return platform === 'win32' && quoted !== word ? `& ${quoted}` : quoted;
}

/** The words given (false/undefined left out), after the tool's own name, quoted and joined. */
export function commandLine(words: readonly Word[], invocation: readonly string[] = invokedAs(), platform: NodeJS.Platform = process.platform): string {
  const [program, ...rest] = invocation;
  const given = words.filter((w): w is string => typeof w === 'string');
  return [...(program === undefined ? [] : [programWord(program, platform)]), ...[...rest, ...given].map((w) => shellQuote(w, platform))].join(' ');
}
