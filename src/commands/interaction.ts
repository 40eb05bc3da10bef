/**
 * Talking to the admin: passwords (never from argv) and the confirmation of a change. Prompts write
 * to stderr so stdout stays data. The prompt libraries load only when a prompt is shown.
 */
import { QrsfixError } from '../errors.js';
import { registerSecret } from '../secrets.js';

export function hasTerminal(): boolean {
  return process.stdin.isTTY === true && process.stderr.isTTY === true;
}

/** A password is short: an endless stream (`< /dev/zero`, `yes |`) must not be read until memory runs out. */
const MAX_STDIN_BYTES = 64 * 1024;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += bytes.length;
    if (size > MAX_STDIN_BYTES) {
      process.stdin.destroy();
      throw new QrsfixError('usage', '--password-stdin: more than 64 KiB on standard input, which is no password; nothing was changed', 'pipe in the password alone, e.g. printf \'%s\' "$PW" | qrsfix …');
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface PasswordSource {
  passwordStdin?: boolean;
  /** QRSFIX_PASSWORD, read by commander (an environment option). */
  envQrsfixPassword?: string;
}

/**
 * The password from --password-stdin, QRSFIX_PASSWORD, or a hidden prompt on a terminal, in that
 * order. Registered as a secret at once, so no output can carry it.
 */
export async function obtainPassword(flags: PasswordSource, what: string): Promise<string> {
  let password: string | undefined;
  if (flags.passwordStdin) {
    // Only the line ending a pipe or here-string adds is removed; other whitespace may be part of it.
    password = (await readStdin()).replace(/\r?\n$/, '');
    if (!password) throw new QrsfixError('usage', '--password-stdin was given but standard input was empty', `pipe the password of ${what} in, e.g. from a secrets manager`);
  } else if (flags.envQrsfixPassword !== undefined && flags.envQrsfixPassword !== '') {
    password = flags.envQrsfixPassword;
  } else if (hasTerminal()) {
    password = await promptTwice(what);
  } else {
    throw new QrsfixError('usage', `this change needs the password of ${what}, and there is no terminal to ask on`, 'use --password-stdin or set QRSFIX_PASSWORD (a password is never taken from the command line)');
  }
  registerSecret(password);
  return password;
}

/** How many times a password typed twice may differ before qrsfix gives up. */
const PASSWORD_TRIES = 3;

async function promptTwice(what: string): Promise<string> {
  const { default: passwordPrompt } = await import('@inquirer/password');
  try {
    for (let attempt = 1; ; attempt++) {
      const password = await passwordPrompt({ message: `Password of ${what}:`, mask: '*' }, { output: process.stderr });
      if (!password) throw new QrsfixError('usage', 'no password entered; nothing was changed', undefined);
      // A typo here would only show as failed reloads later: ask twice.
      const again = await passwordPrompt({ message: 'The same password again:', mask: '*' }, { output: process.stderr });
      if (again === password) return password;
      if (attempt >= PASSWORD_TRIES) throw new QrsfixError('usage', `the two passwords differed ${PASSWORD_TRIES} times; nothing was changed`, 'run the command again');
      process.stderr.write(`The two passwords differ: again (try ${attempt + 1} of ${PASSWORD_TRIES}).\n`);
    }
  } catch (err) {
    if (err instanceof Error && err.name === 'ExitPromptError') throw new QrsfixError('interrupted', 'cancelled at the password prompt; nothing was changed', undefined);
    throw err;
  }
}

/** The two command lines for a run without a terminal: see the plan, then apply it. */
export interface NoTerminalLines {
  dryRun: string;
  apply: string;
}

/** True to go ahead. Without a terminal, only --yes goes ahead. Ctrl-C at the prompt: exit 130. */
export async function confirmChange(message: string, yes: boolean | undefined, lines: NoTerminalLines): Promise<boolean> {
  if (yes) return true;
  if (!hasTerminal()) {
    throw new QrsfixError('refused', 'not changing anything: there is no terminal to confirm on', `review the plan: ${lines.dryRun}\nhint: then apply it: ${lines.apply}`);
  }
  const { default: confirm } = await import('@inquirer/confirm');
  try {
    return await confirm({ message, default: false }, { output: process.stderr });
  } catch (err) {
    // Ctrl-C at the prompt: nothing has been written yet.
    if (err instanceof Error && err.name === 'ExitPromptError') throw new QrsfixError('interrupted', 'cancelled at the confirmation; nothing was changed', undefined);
    throw err;
  }
}

/** A secret typed at the terminal (hidden), e.g. a certificate export's passphrase; registered at once. */
export async function promptSecret(message: string): Promise<string> {
  const { default: passwordPrompt } = await import('@inquirer/password');
  try {
    const value = await passwordPrompt({ message, mask: '*' }, { output: process.stderr });
    registerSecret(value);
    return value;
  } catch (err) {
    if (err instanceof Error && err.name === 'ExitPromptError') throw new QrsfixError('interrupted', 'cancelled at the passphrase prompt', undefined);
    throw err;
  }
}
