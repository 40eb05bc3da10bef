/** The one shell quoter and command-line builder: every command line qrsfix prints can be pasted. */
import { describe, expect, it } from 'vitest';
import { commandLine, invokedAs, shellQuote } from '../src/util/shell.js';

describe('shellQuote', () => {
  it('leaves plain words bare and single-quotes the rest: POSIX shells, and PowerShell on Windows', () => {
    expect(shellQuote('plain-word_1.2', 'linux')).toBe('plain-word_1.2');
    expect(shellQuote('DOMAIN\\qvservice', 'linux')).toBe("'DOMAIN\\qvservice'");
    expect(shellQuote("DOMAIN\\o'brien", 'linux')).toBe("'DOMAIN\\o'\\''brien'");
    expect(shellQuote("DOMAIN\\o'brien", 'win32')).toBe("'DOMAIN\\o''brien'");
    expect(shellQuote('my change.json', 'linux')).toBe("'my change.json'");
    expect(shellQuote('$HOME', 'linux')).toBe("'$HOME'");
    expect(shellQuote('', 'linux')).toBe("''");
  });
});

describe('invokedAs', () => {
  const execPath = '/usr/bin/node';
  it('names the tool as it was started', () => {
    expect(invokedAs({ argv: [execPath, '/repo/dist/cli.js'], execPath, cwd: '/repo' })).toEqual(['node', 'dist/cli.js']);
    expect(invokedAs({ argv: [execPath, '/repo/dist/cli.js'], execPath, cwd: '/elsewhere' })).toEqual(['node', '/repo/dist/cli.js']);
    expect(invokedAs({ argv: [execPath, '/usr/local/bin/qrsfix'], execPath, cwd: '/x' })).toEqual(['qrsfix']);
    expect(invokedAs({ argv: [execPath, 'C:\\Users\\a\\AppData\\Roaming\\npm\\node_modules\\qrsfix\\dist\\cli.js'], execPath, cwd: 'C:\\x' })).toEqual(['qrsfix']);
    expect(invokedAs({ argv: ['/opt/qrsfix/qrsfix-linux-x64', '/opt/qrsfix/qrsfix-linux-x64'], execPath: '/opt/qrsfix/qrsfix-linux-x64', cwd: '/x' })).toEqual(['qrsfix-linux-x64']);
  });
});

describe('commandLine', () => {
  it('starts with the name given, leaves out false and undefined words, quotes the rest', () => {
    expect(commandLine(['fix', '--service-account', 'DOMAIN\\x', false, undefined, '--dry-run'], ['node', 'dist/cli.js'])).toBe("node dist/cli.js fix --service-account 'DOMAIN\\x' --dry-run");
  });
});
