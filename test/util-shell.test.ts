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
  });

  it('names a single executable as the shell finds it: bare on PATH, .\\ or ./ in the current folder, else its full path', () => {
    const exe = 'C:\\Tools\\qrsfix\\qrsfix-win-x64.exe';
    const win = (cwd: string, pathEnv: string) => invokedAs({ argv: [exe, exe], execPath: exe, cwd, pathEnv, platform: 'win32' });
    expect(win('C:\\Windows\\System32', 'C:\\Windows;c:\\tools\\QRSFIX')).toEqual(['qrsfix-win-x64.exe']);
    expect(win('C:\\Tools\\qrsfix', 'C:\\Windows')).toEqual(['.\\qrsfix-win-x64.exe']);
    expect(win('C:\\Windows\\System32', 'C:\\Windows')).toEqual([exe]);
    const lin = '/opt/qrsfix/qrsfix-linux-x64';
    expect(invokedAs({ argv: [lin, lin], execPath: lin, cwd: '/x', pathEnv: '/usr/bin:/opt/qrsfix', platform: 'linux' })).toEqual(['qrsfix-linux-x64']);
    expect(invokedAs({ argv: [lin, lin], execPath: lin, cwd: '/opt/qrsfix', pathEnv: '/usr/bin', platform: 'linux' })).toEqual(['./qrsfix-linux-x64']);
    expect(invokedAs({ argv: [lin, lin], execPath: lin, cwd: '/x', pathEnv: '/usr/bin', platform: 'linux' })).toEqual([lin]);
    // argv[1] as it was typed, not the full path
    expect(invokedAs({ argv: [lin, './qrsfix-linux-x64'], execPath: lin, cwd: '/opt/qrsfix', pathEnv: '/usr/bin', platform: 'linux' })).toEqual(['./qrsfix-linux-x64']);
  });
});

describe('commandLine', () => {
  it('starts with the name given, leaves out false and undefined words, quotes the rest', () => {
    expect(commandLine(['fix', '--service-account', 'DOMAIN\\x', false, undefined, '--dry-run'], ['node', 'dist/cli.js'])).toBe("node dist/cli.js fix --service-account 'DOMAIN\\x' --dry-run");
  });

  it('in PowerShell a program path that must be quoted is run with &; one that need not stays bare', () => {
    expect(commandLine(['audit'], ['.\\qrsfix-win-x64.exe'], 'win32')).toBe('.\\qrsfix-win-x64.exe audit');
    expect(commandLine(['audit', '--user', 'DOMAIN\\x'], ['C:\\Program Files\\qrsfix\\qrsfix-win-x64.exe'], 'win32')).toBe("& 'C:\\Program Files\\qrsfix\\qrsfix-win-x64.exe' audit --user 'DOMAIN\\x'");
    expect(commandLine(['audit'], ['/opt/my tools/qrsfix-linux-x64'], 'linux')).toBe("'/opt/my tools/qrsfix-linux-x64' audit");
  });
});
