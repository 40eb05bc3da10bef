/**
 * `qrsfix verify` as a process against the simulator: the reloads of exactly the published monitor apps'
 * tasks, once each; what a hang, a disabled task, a wrong password and a license rule do to the verdict;
 * script logs by ticket (with the deprecated fallback), --no-reload against the journal, fix --verify.
 */
import { describe, expect, it } from 'vitest';
import { KB_TASK_IDS, addLicenseRule } from '../src/sim/index.js';
import { freshSitePerTest } from './helpers/site.js';

const site = freshSitePerTest('e2e-verify');
const run = site.run;
const PASSWORD = 'M0nitor-pw!';
const MONITOR_TASKS = [KB_TASK_IDS.licenseMonitor, KB_TASK_IDS.operationsMonitor].sort();

/** The task ids of every start call, in order. */
function started(): string[] {
  return site.sim.requests.filter((q) => q.method === 'POST' && /^\/qrs\/task\/[^/]+\/start/i.test(q.path)).map((q) => q.path.split('/')[3]!.toLowerCase());
}

/** Option 2 applied, with the monitor user known to the simulated directory under `password`. */
async function fixOption2(password = PASSWORD, extra: string[] = []) {
  site.sim.state.setDirectoryPassword('DOMAIN\\qlikmonitor', password);
  const r = await run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--yes', ...extra], { env: { QRSFIX_PASSWORD: PASSWORD } });
  expect(r.code, r.stderr).toBe(0);
  site.sim.resetRequests();
  return r;
}

describe('verify', () => {
  it('on the unfixed KB site: both reloads FinishedFail with "no access pass" error lines, the audit finding, exit 2', async () => {
    const r = await run(['verify', '--json']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.verdict).toBe('not-proven');
    expect(doc.tasks.map((t: { task: string; app: string; status: string }) => [t.task, t.app, t.status])).toEqual([
      ['Reload License Monitor', 'License Monitor', 'FinishedFail'],
      ['Reload Operations Monitor', 'Operations Monitor', 'FinishedFail'],
    ]);
    for (const t of doc.tasks) {
      expect(t.errorLines).toContain('HTTP protocol error 403 (Forbidden): You cannot access Qlik Sense because you have no access pass.');
      expect(t.rowsFetched).toBeGreaterThan(1_000);
      expect(t.startTime).toMatch(/^\d{4}-/);
    }
    expect(doc.audit.findings.map((f: { code: string }) => f.code)).toContain('holds-allocation');
    // Exactly the two published monitor apps' tasks, once each: not the unpublished copy, no other app's.
    expect(started().sort()).toEqual(MONITOR_TASKS);
    expect(site.sim.state.reloads.startCalls.sort()).toEqual(MONITOR_TASKS);
    // One progress line per status change, with the elapsed time (how many changes a poll sees depends on timing).
    const progress = r.stderr.split('\n').filter((l) => l.startsWith('Reload '));
    for (const l of progress) expect(l).toMatch(/^Reload (License|Operations) Monitor: (Triggered|Started|FinishedFail) \(\d+\.\d s\)$/);
    expect(progress.filter((l) => l.startsWith('Reload License Monitor: FinishedFail'))).toHaveLength(1);
    expect(new Set(progress).size).toBe(progress.length);
  });

  it('after fix (option 1, rule excluded): proven, exit 0; fix --verify does the same in one run', async () => {
    const fixed = await run(['fix', '--yes']);
    expect(fixed.code, fixed.stderr).toBe(0);
    site.sim.resetRequests();
    const r = await run(['verify']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('Verdict: PROVEN');
    expect(r.stdout).toMatch(/Reload License Monitor +│ License Monitor +│ FinishedSuccess/);
    expect(started().sort()).toEqual(MONITOR_TASKS);
    // The license rule no longer hands the pass back: still quarantined after the reloads.
    expect([...site.sim.state.allocations.user.values()].filter((a) => a.user?.userId === 'qvservice' && !a.quarantined)).toEqual([]);

    const again = await run(['fix', '--yes', '--verify', '--json']);
    expect(again.code).toBe(0);
    const doc = JSON.parse(again.stdout);
    expect(doc.outcome).toBe('nothing-to-do');
    expect(doc.verify.verdict).toBe('proven');
  });

  it('a hang: --wait stops waiting, names the task still running, does not abort it, exit 2', async () => {
    await fixOption2();
    site.sim.state.reloads.hangTasks.add(KB_TASK_IDS.licenseMonitor!);
    const r = await run(['verify', '--wait', '1']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/Reload License Monitor: still Started after 1\.0 s; left running \(not aborted\)/);
    expect(r.stdout).toMatch(/Reload Operations Monitor +│ Operations Monitor +│ FinishedSuccess/);
    expect(site.sim.requests.some((q) => /abort/i.test(q.path))).toBe(false);
    expect(started().sort()).toEqual(MONITOR_TASKS);
  });

  it('a disabled task: reported as not started (all-zero session), the other still runs, exit 2', async () => {
    await fixOption2();
    site.sim.state.reloads.tasks.get(KB_TASK_IDS.operationsMonitor!)!.enabled = false;
    const r = await run(['verify', '--json']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    const ops = doc.tasks.find((t: { task: string }) => t.task === 'Reload Operations Monitor');
    expect(ops).toMatchObject({ outcome: 'not-started', status: null, problem: 'did not start: the task is disabled' });
    expect(doc.tasks.find((t: { task: string }) => t.task === 'Reload License Monitor').status).toBe('FinishedSuccess');
  });

  it('a wrong password on the monitor connections: FinishedFail with the 401 in the script log', async () => {
    await fixOption2('the-directory-has-another');
    const r = await run(['verify']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('HTTP protocol error 401 (Unauthorized): The remote server returned an error: (401) Unauthorized.');
    expect(r.stdout).toMatch(/Reload License Monitor +│ License Monitor +│ FinishedFail/);
  });

  it('a rule that covers the new monitor user: excluded right after the user exists, every other user keeps it; proven', async () => {
    const rule = addLicenseRule(site.sim.state, 'professional', 'Every DOMAIN user gets professional access', '((user.userDirectory="DOMAIN"))');
    const dry = await run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--dry-run']);
    expect(dry.stdout).toContain('the license rules are audited for DOMAIN\\qlikmonitor right after it is created');
    const fixed = await fixOption2();
    expect(fixed.stderr).toContain('planned now that the first steps are done:');
    expect(fixed.stdout).toContain('Summary: 13 changed');
    expect(site.sim.state.license.rules.get(rule.id)!.rule).toBe('(((user.userDirectory="DOMAIN"))) and (user.userDirectory!="DOMAIN" or user.userId!="qlikmonitor")');
    const r = await run(['verify']);
    expect(r.code, r.stdout).toBe(0);
    expect(site.sim.state.allocationOf('professional', site.sim.state.findUser('DOMAIN', 'qlikmonitor')!.id)).toBeUndefined();
  });

  it('a saved plan for a new monitor user: apply audits its license rules once the user exists, as the plan says', async () => {
    const rule = addLicenseRule(site.sim.state, 'user', 'RootAdmins get user access', '((user.roles="RootAdmin"))');
    site.sim.state.setDirectoryPassword('DOMAIN\\qlikmonitor', PASSWORD);
    const planned = await run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--plan-out', 'chg.json'], { env: { QRSFIX_PASSWORD: PASSWORD } });
    expect(planned.code, planned.stderr).toBe(0);
    const applied = await run(['apply', 'chg.json', '--yes'], { env: { QRSFIX_PASSWORD: PASSWORD } });
    expect(applied.code, applied.stderr).toBe(0);
    expect(site.sim.state.license.rules.get(rule.id)!.rule).toContain('user.userId!="qlikmonitor"');
    expect((await run(['verify'])).code).toBe(0);
  });

  it('--keep-rules warns, and the next reload hands the monitor user a pass: not proven', async () => {
    addLicenseRule(site.sim.state, 'user', 'RootAdmins get user access', '((user.roles="RootAdmin"))');
    const fixed = await fixOption2(PASSWORD, ['--keep-rules']);
    expect(fixed.stderr).toContain('warning: --keep-rules: the license rules are not checked for DOMAIN\\qlikmonitor');
    const r = await run(['verify']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('no access pass');
    expect(r.stdout).toContain('is granted license rule "RootAdmins get user access"');
  });

  it('--no-reload starts nothing and judges the last runs against the newest change in the journal', async () => {
    const first = await run(['verify', '--no-reload']);
    expect(first.code).toBe(2);
    expect(first.stdout).toContain('has never run');
    await fixOption2();
    await run(['verify']);
    site.sim.resetRequests();
    const after = await run(['verify', '--no-reload', '--json']);
    expect(started()).toEqual([]);
    expect(JSON.parse(after.stdout).verdict).toBe('proven');
    // A change made after those runs: they prove nothing about it.
    await run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--update-password', '--yes'], { env: { QRSFIX_PASSWORD: PASSWORD } });
    const stale = await run(['verify', '--no-reload']);
    expect(stale.code).toBe(2);
    expect(stale.stdout).toContain('is older than the newest change qrsfix made');
    expect(site.writes().filter((q) => /start/.test(q.path))).toEqual([]);
  });

  it('script logs: a 404 right after the end is retried; an older site is read through the deprecated endpoint', async () => {
    await fixOption2();
    site.sim.state.reloads.logMissesAfterEnd = 2;
    site.sim.state.reloads.legacyScriptLogOnly = true;
    const r = await run(['verify', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    for (const t of doc.tasks) expect(t).toMatchObject({ scriptLog: 'read', errorLines: [] });
    expect(site.sim.requests.some((q) => /\/scriptlog$/.test(q.path) && q.status === 200)).toBe(true);
  });

  it('--apps names other apps: only their published tasks start', async () => {
    const r = await run(['verify', '--apps', 'Log Monitor', '--json']);
    expect(JSON.parse(r.stdout).tasks.map((t: { task: string }) => t.task)).toEqual(['Reload Log Monitor']);
    expect(started()).toEqual([KB_TASK_IDS.logMonitor]);
    const missing = await run(['verify', '--apps', 'No Such App']);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain('no reload task of a published app named "No Such App" was found');
  });
});
