/**
 * Names from the server reach the terminal and reports only escaped: control codes (title, clear
 * screen, backspace, carriage return, C1) and bidi overrides as visible escapes, HTML in Markdown as
 * text; JSON keeps the exact data, escaped as JSON. Error messages quoting the server, too.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KB_IDS } from '../src/sim/index.js';
import { freshSitePerTest } from './helpers/site.js';

const site = freshSitePerTest('e2e-hostile-text');
// No line end in it: the name glob (like Qlik's names) spans one line, so one with a CR would not match.
const NAME = 'monitor_apps_REST_x\x1b]0;pwned\x07\x1b[2J\b\u009b\u202eevil<img src=x onerror=alert(1)>';
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function hostileConnection(): void {
  const c = site.sim.state.connections.get(KB_IDS.connections.monitor_apps_REST_app)!;
  c.name = NAME;
}

describe('hostile text from the server', () => {
  it('audit as a table: no raw control code or bidi override on stdout or stderr; the name is shown escaped', async () => {
    hostileConnection();
    const r = await site.run(['audit']);
    expect(r.code).toBe(2);
    expect(r.stdout).not.toMatch(RAW_CONTROL);
    expect(r.stderr).not.toMatch(RAW_CONTROL);
    expect(r.stdout).toContain('monitor_apps_REST_x\\x1b]0;pwned\\x07\\x1b[2J\\x08\\x9b\\u202eevil<img');
  });

  it('audit as Markdown (--out): the HTML is text, no control code', async () => {
    hostileConnection();
    const r = await site.run(['audit', '--format', 'markdown', '--out', 'audit.md']);
    expect(r.code).toBe(2);
    const md = await readFile(path.join(site.dir, 'audit.md'), 'utf8');
    expect(md).toContain('evil&lt;img src=x onerror=alert(1)&gt;');
    expect(md).not.toContain('<img');
    expect(md).not.toMatch(RAW_CONTROL);
    expect(r.stdout).not.toContain('<img');
  });

  it('audit --json: the exact name survives, escaped as JSON', async () => {
    hostileConnection();
    const r = await site.run(['audit', '--json']);
    expect(r.stdout).not.toMatch(RAW_CONTROL);
    const report = JSON.parse(r.stdout) as { monitorConnections: Array<{ name: string }> };
    expect(report.monitorConnections.map((c) => c.name)).toContain(NAME);
  });

  it('a plan and its progress lines: escaped, each step on its one line', async () => {
    hostileConnection();
    const r = await site.run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--yes'], { env: { QRSFIX_PASSWORD: 'n3w-Monitor-pw' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(RAW_CONTROL);
    expect(r.stdout).toMatch(/data connection monitor_apps_REST_x\\x1b\]0;pwned\\x07.*username domain\\qvservice → DOMAIN\\qlikmonitor/);
  });

  it('an error quoting the server: the one error line carries no control code', async () => {
    site.sim.faults.add({ method: 'GET', path: '/qrs/about', times: Infinity, action: { kind: 'status', status: 500, body: 'boom\x1b[2J\r\x1b]0;owned\x07\u202e' } });
    const r = await site.run(['audit']);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(RAW_CONTROL);
    expect(r.stderr).toContain('boom\\x1b[2J \\x1b]0;owned\\x07\\u202e');
  });
});

describe('audit --out', () => {
  it('an existing file: refused before any request; --force replaces it; a symlink is never written through', async () => {
    const { symlink, writeFile: write } = await import('node:fs/promises');
    const file = path.join(site.dir, 'audit.txt');
    await write(file, 'old');
    const refused = await site.run(['audit', '--out', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`--out ${file} exists already`);
    expect(site.sim.requests).toEqual([]);
    const forced = await site.run(['audit', '--out', file, '--force']);
    expect(forced.code).toBe(2);
    expect(await readFile(file, 'utf8')).toContain('Monitor connections');
    const victim = path.join(site.dir, 'victim.txt');
    await write(victim, 'precious');
    await symlink(victim, path.join(site.dir, 'link.md'));
    const linked = await site.run(['audit', '--out', 'link.md', '--force']);
    expect(linked.code).toBe(1);
    expect(linked.stderr).toContain('--out link.md is a symbolic link');
    expect(await readFile(victim, 'utf8')).toBe('precious');
  });
});
