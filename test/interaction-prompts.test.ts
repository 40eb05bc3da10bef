/**
 * The prompts at a terminal, with the prompt libraries replaced: Ctrl-C at the confirmation or at a
 * password means exit 130 with nothing changed, and two passwords that differ are asked for again.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const answers: Array<string | boolean | Error> = [];
const next = async () => {
  const a = answers.shift();
  if (a === undefined) throw new Error('no answer scripted');
  if (a instanceof Error) throw a;
  return a;
};
vi.mock('@inquirer/confirm', () => ({ default: vi.fn(next) }));
vi.mock('@inquirer/password', () => ({ default: vi.fn(next) }));

const { confirmChange, obtainPassword } = await import('../src/commands/interaction.js');
const { exitCodeFor, QrsfixError } = await import('../src/errors.js');

function ctrlC(): Error {
  const e = new Error('User force closed the prompt with SIGINT');
  e.name = 'ExitPromptError';
  return e;
}

const lines = { dryRun: 'qrsfix fix --dry-run', apply: 'qrsfix fix --yes' };
let tty: { stdin: boolean | undefined; stderr: boolean | undefined };
let written = '';

beforeEach(() => {
  tty = { stdin: process.stdin.isTTY, stderr: process.stderr.isTTY };
  process.stdin.isTTY = true;
  process.stderr.isTTY = true;
  answers.length = 0;
  written = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((written += String(chunk)), true));
});
afterEach(() => {
  process.stdin.isTTY = tty.stdin as boolean;
  process.stderr.isTTY = tty.stderr as boolean;
  vi.restoreAllMocks();
});

async function failure(p: Promise<unknown>): Promise<InstanceType<typeof QrsfixError>> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(QrsfixError);
  return err as InstanceType<typeof QrsfixError>;
}

describe('the confirmation', () => {
  it('yes and no are the answers given', async () => {
    answers.push(true, false);
    expect(await confirmChange('Apply these 3 changes?', false, lines)).toBe(true);
    expect(await confirmChange('Apply these 3 changes?', false, lines)).toBe(false);
  });

  it('Ctrl-C at it: exit 130, nothing changed', async () => {
    answers.push(ctrlC());
    const err = await failure(confirmChange('Apply these 3 changes?', false, lines));
    expect(exitCodeFor(err)).toBe(130);
    expect(err.message).toContain('nothing was changed');
  });
});

describe('the password, typed twice', () => {
  it('two that differ are asked for again, and the third pair that matches is taken', async () => {
    answers.push('one', 'onw', 'two', 'tw0', 'three', 'three');
    expect(await obtainPassword({}, 'DOMAIN\\qlikmonitor')).toBe('three');
    expect(written).toContain('The two passwords differ: again (try 2 of 3).');
    expect(written).toContain('(try 3 of 3)');
  });

  it('three pairs that differ: a usage error, nothing changed', async () => {
    answers.push('a', 'b', 'c', 'd', 'e', 'f');
    const err = await failure(obtainPassword({}, 'DOMAIN\\qlikmonitor'));
    expect(exitCodeFor(err)).toBe(1);
    expect(err.message).toBe('the two passwords differed 3 times; nothing was changed');
  });

  it('Ctrl-C at it: exit 130', async () => {
    answers.push('first', ctrlC());
    expect(exitCodeFor(await failure(obtainPassword({}, 'DOMAIN\\qlikmonitor')))).toBe(130);
  });
});
