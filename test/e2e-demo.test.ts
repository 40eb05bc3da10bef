/** `qrsfix demo` and the program's own help, as a newcomer meets them. */
import { describe, expect, it } from 'vitest';
import { qrsfix } from './helpers/cli.js';

describe('qrsfix demo', () => {
  it('shows audit → fix (option 2) → verify on the simulator, ending proven, and exits 0', async () => {
    const r = await qrsfix(['demo']);
    expect(r.code).toBe(0);
    const audit1 = r.stdout.indexOf('1. Audit');
    const fix = r.stdout.indexOf('2. Fix, KB option 2');
    const audit2 = r.stdout.indexOf('3. Verify');
    expect(audit1).toBeGreaterThan(-1);
    expect(fix).toBeGreaterThan(audit1);
    expect(audit2).toBeGreaterThan(fix);
    // The pass, and the license rule that would hand it back at the next login.
    expect(r.stdout.slice(audit1, fix)).toContain('Findings (2)');
    expect(r.stdout.slice(audit1, fix)).toContain('Service accounts get user access');
    expect(r.stdout.slice(fix, audit2)).toContain('Summary: 12 changed');
    expect(r.stdout.slice(audit2)).toMatch(/Reload License Monitor +│ License Monitor +│ FinishedSuccess/);
    expect(r.stdout.slice(audit2)).toMatch(/Reload Operations Monitor +│ Operations Monitor +│ FinishedSuccess/);
    expect(r.stdout.slice(audit2)).toContain('Audit after the reloads: nothing to fix');
    expect(r.stdout.slice(audit2)).toContain('Verdict: PROVEN');
    // The demo password (demo-<random>) never shows; the temporary folder qrsfix-demo-XXXXXX may.
    expect(r.stdout).not.toMatch(/(?<!qrsfix-)demo-[a-z0-9]{6,}/);
  });
});

describe('qrsfix help', () => {
  it('--version prints the package version; --help lists every command; an unknown command is exit 1', async () => {
    const v = await qrsfix(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = await qrsfix(['--help']);
    expect(h.code).toBe(0);
    for (const c of ['audit', 'verify', 'fix', 'remove-pass', 'create-user', 'repoint-connections', 'rollback', 'diagnose-log', 'demo']) expect(h.stdout).toContain(c);
    const bad = await qrsfix(['frobnicate']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("unknown command 'frobnicate'");
  });
});
