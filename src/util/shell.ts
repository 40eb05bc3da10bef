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
}

/**
 * How the tool was started: `qrsfix` (an npm bin link or an executable), or `node dist/cli.js`
 * (relative to the current folder when it lies below it, so the line still works from there).
 */
export function invokedAs(inv: Invocation = { argv: process.argv, execPath: process.execPath, cwd: process.cwd() }): string[] {
  const script = inv.argv[1];
  const isScript = !!script && script !== inv.execPath && /\.[cm]?js$/i.test(script);
  if (!isScript) {
    // An npm bin link (argv[1] is the link, no .js) or a single executable (argv[1] is the executable).
    const name = path.basename(script && script !== inv.execPath ? script : inv.execPath).replace(/\.cmd$/i, '');
    return [/^node(\.exe)?$/i.test(name) ? 'qrsfix' : name];
  }
  // Installed by npm (Windows runs the script itself from its shim): on PATH as qrsfix.
  if (/[\\/]node_modules[\\/]/.test(script)) return ['qrsfix'];
  const rel = path.relative(inv.cwd, script);
  return ['node', rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : script];
}

export type Word = string | false | undefined | null;

/** The words given (false/undefined left out), after the tool's own name, quoted and joined. */
export function commandLine(words: readonly Word[], invocation: readonly string[] = invokedAs()): string {
  return [...invocation, ...words.filter((w): w is string => typeof w === 'string')].map((w) => shellQuote(w)).join(' ');
}
