/** What apply and show-plan tell the admin to do next: lines that paste and places that are true. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshSitePerTest } from './helpers/site.js';
import { qrsfix } from './helpers/cli.js';

const site = freshSitePerTest('e2e-plan-hints');

describe('saved plan hints', () => {
  it('a stale plan\'s hint makes the new plan when pasted into a shell (a concrete new name, no <placeholder>)', async () => {
    const made = await site.run(['remove-pass', '--user', 'DOMAIN\\jdoe', '--plan-out', 'chg-1042.json']);
    expect(made.code, made.stderr).toBe(0);
    expect((await site.run(['remove-pass', '--user', 'DOMAIN\\jdoe', '--yes'])).code).toBe(0);
    const stale = await site.run(['apply', 'chg-1042.json', '--yes']);
    expect(stale.code).toBe(1);
    const hint = /^hint: make a new plan and have it approved: (.*)$/m.exec(stale.stderr)?.[1];
    expect(hint).toMatch(/--plan-out chg-1042-replan\.json$/);
    // Asynchronously: the simulator answers from this process.
    await promisify(execFile)('sh', ['-c', hint!], { cwd: site.dir });
    expect(existsSync(path.join(site.dir, 'chg-1042-replan.json'))).toBe(true);
  });

  it('show-plan tells the ticket where the apply\'s journal goes: the journal folder, not the working folder', async () => {
    const made = await site.run(['remove-pass', '--user', 'DOMAIN\\jdoe', '--plan-out', 'chg-1042.json']);
    expect(made.code, made.stderr).toBe(0);
    const md = await qrsfix(['show-plan', 'chg-1042.json', '--format', 'markdown'], { cwd: site.dir });
    expect(md.stdout).toContain('default a new `qrsfix-journal-<UTC time>.json` in the journal folder, its path printed');
    expect(md.stdout).not.toContain('./qrsfix-journal-');
  });
  it('a plan made with --site: the ticket\'s apply line names the site, which carries host, port and certificates', async () => {
    writeFileSync(path.join(site.dir, 'qrsfix.config.json'), JSON.stringify({ sites: { lab: { host: 'localhost', port: site.sim.port, certs: site.sim.certsDir } } }));
    try {
      const made = await qrsfix(['remove-pass', '--user', 'DOMAIN\\jdoe', '--site', 'lab', '--plan-out', 'lab.json'], { cwd: site.dir });
      expect(made.code, made.stderr).toBe(0);
      const md = await qrsfix(['show-plan', 'lab.json', '--format', 'markdown'], { cwd: site.dir });
      expect(md.stdout).toMatch(/apply lab\.json --site lab {3}# asks to confirm, or --yes/);
      const text = await qrsfix(['show-plan', 'lab.json'], { cwd: site.dir });
      expect(text.stdout).toMatch(/To apply \(with the connection options of the plan\): .* apply lab\.json --site lab$/m);
    } finally {
      rmSync(path.join(site.dir, 'qrsfix.config.json'));
    }
  });
});
