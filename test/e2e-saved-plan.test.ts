/**
 * Saved plans as processes against the simulator: --plan-out writes the plan and changes nothing;
 * show-plan renders it for a ticket; apply checks the digest and the site, applies exactly the planned
 * steps, and refuses — naming each object — a plan the site has moved away from, a second apply included.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KB_IDS, KB_SECRETS, startSimulator } from '../src/sim/index.js';
import { canonicalJson, planDigest } from '../src/remedy/plan-file.js';
import { filesUnder, leakedSecrets, qrsfix, tool } from './helpers/cli.js';
import { freshSitePerTest } from './helpers/site.js';

const PASSWORD = 'Plan-t1me pw';
const site = freshSitePerTest('e2e-plan');
const run = site.run;
const planPath = () => path.join(site.dir, 'chg-1042.json');
const readPlan = async () => JSON.parse(await readFile(planPath(), 'utf8'));
/** show-plan reads no site: no connection flags. */
const show = (args: string[]) => qrsfix(['show-plan', ...args], { cwd: site.dir });
const journals = () => readdirSync(site.dir).filter((f) => /^qrsfix-journal-.*\.json$/.test(f));
const FIX2 = ['fix', '--monitor-user', 'DOMAIN\\qlikmonitor'];

async function planFix2(): Promise<void> {
  const r = await run([...FIX2, '--plan-out', 'chg-1042.json'], { env: { QRSFIX_PASSWORD: PASSWORD } });
  expect(r.code).toBe(0);
  site.sim.resetRequests();
}

/** Rewrites a plan as an attacker or an editor would, digest recomputed so only the content checks remain. */
async function forge(change: (plan: Record<string, unknown>) => void): Promise<void> {
  const plan = await readPlan();
  change(plan);
  plan.digest = planDigest(plan);
  await writeFile(planPath(), JSON.stringify(plan));
}

describe('--plan-out', () => {
  it('writes the plan (0600, versioned, site, objects with their modifiedDate, steps, digest) and changes nothing', async () => {
    const r = await run([...FIX2, '--plan-out', 'chg-1042.json'], { env: { QRSFIX_PASSWORD: PASSWORD } });
    expect(r.code).toBe(0);
    expect(site.writes()).toEqual([]);
    expect(journals()).toEqual([]);
    expect(r.stdout).toMatch(/Plan written to chg-1042\.json \(sha256:[0-9a-f]{64}\); nothing was changed/);
    expect(r.stdout).toContain(`${tool(site.dir)} show-plan chg-1042.json --format markdown`);
    expect(r.stdout).toContain(`${tool(site.dir)} apply chg-1042.json --host localhost --port ${site.sim.port}`);
    expect((await stat(planPath())).mode & 0o777).toBe(0o600);
    const plan = await readPlan();
    expect(plan).toMatchObject({ format: 'qrsfix-plan', version: 1, command: 'fix', site: { host: 'localhost', port: site.sim.port, buildVersion: '36.25.2.0' } });
    expect(plan.plan.steps).toHaveLength(12);
    expect(plan.plan.steps[0]).toMatchObject({ kind: 'create-user', account: 'DOMAIN\\qlikmonitor' });
    // The user to be created must not exist; every connection carries the modifiedDate read.
    expect(plan.objects[0]).toMatchObject({ type: 'user', label: 'user DOMAIN\\qlikmonitor', absent: { path: '/qrs/user' } });
    const app = site.sim.state.findConnection('monitor_apps_REST_app')!;
    expect(plan.objects).toContainEqual(expect.objectContaining({ type: 'dataconnection', id: app.id, modifiedDate: app.modifiedDate }));
    expect(plan.digest).toBe(planDigest(plan));
    expect(plan.digest).toMatch(/^sha256:/);
    // The password given at plan time was checked, and is in no file or output.
    expect(r.stdout).toContain('it was checked, not stored');
    expect(leakedSecrets([PASSWORD, ...Object.values(KB_SECRETS)], [r.stdout, r.stderr], filesUnder(site.dir))).toEqual([]);
  });

  it('--json: one document with the outcome "planned", the file, its digest and the plan', async () => {
    const r = await run(['remove-pass', '--user', 'DOMAIN\\qvservice', '--plan-out', 'chg-1042.json', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ command: 'remove-pass', outcome: 'planned', planFile: 'chg-1042.json', digest: (await readPlan()).digest });
    expect(doc.plan.steps[0]).toMatchObject({ kind: 'remove-allocation', allocationId: KB_IDS.allocations.qvserviceUserAccess });
  });

  it('never overwrites a plan: the file is created exclusively', async () => {
    await writeFile(planPath(), 'approved plan');
    const r = await run([...FIX2, '--plan-out', 'chg-1042.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('exists already; a saved plan is never overwritten');
    expect(await readFile(planPath(), 'utf8')).toBe('approved plan');
  });

  it('remove-pass, create-user and repoint-connections write plans that apply', async () => {
    const cases: Array<{ args: string[]; check: () => void }> = [
      { args: ['remove-pass', '--user', 'DOMAIN\\qvservice'], check: () => expect(site.sim.state.allocations.user.get(KB_IDS.allocations.qvserviceUserAccess)?.quarantined).toBe(true) },
      { args: ['create-user', '--user', 'DOMAIN\\qlikmonitor'], check: () => expect(site.sim.state.findUser('DOMAIN', 'qlikmonitor')?.roles).toContain('RootAdmin') },
      { args: ['repoint-connections', '--user', 'DOMAIN\\qlikmonitor'], check: () => expect(site.sim.state.findConnection('monitor_apps_REST_app')?.username).toBe('DOMAIN\\qlikmonitor') },
    ];
    for (const [i, c] of cases.entries()) {
      const file = `plan-${i}.json`;
      const planned = await run([...c.args, '--plan-out', file]);
      expect(planned.code, c.args[0]).toBe(0);
      expect(site.writes(), c.args[0]).toEqual([]);
      expect(JSON.parse(await readFile(path.join(site.dir, file), 'utf8')).command).toBe(c.args[0]);
      const applied = await run(['apply', file, '--yes'], { env: { QRSFIX_PASSWORD: PASSWORD } });
      expect(applied.code, `${c.args[0]}: ${applied.stderr}`).toBe(0);
      c.check();
      site.sim.resetRequests();
    }
  });
});

describe('show-plan', () => {
  it('renders the plan as a table, as Markdown for a ticket (changes, site, rollback), and as JSON', async () => {
    await planFix2();
    const table = await show(['chg-1042.json']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(`site:    localhost:${site.sim.port}, QRS build 36.25.2.0`);
    expect(table.stdout).toContain('user DOMAIN\\qlikmonitor (new): created with roles RootAdmin');
    const md = await show(['chg-1042.json', '--format', 'markdown']);
    expect(md.stdout).toMatch(/^# Change: Fix \(KB option 2\)/);
    expect(md.stdout).toContain('| # | Object | From | To |');
    expect(md.stdout).toMatch(/\| 2 \| data connection monitor_apps_REST_app\/[0-9a-f-]+ \| username domain\\qvservice; password \(set\) \| username DOMAIN\\qlikmonitor; password changed to the one of DOMAIN\\qlikmonitor you give \|/);
    expect(md.stdout).toContain(`| Site | localhost:${site.sim.port}, QRS build 36.25.2.0 |`);
    expect(md.stdout).toContain('## How to roll back');
    expect(md.stdout).toContain('qrsfix rollback <journal>');
    expect(md.stdout).toContain('| user DOMAIN\\qlikmonitor | (none) | must not exist |');
    const json = await show(['chg-1042.json', '--json']);
    expect(JSON.parse(json.stdout)).toEqual(await readPlan());
    expect(site.sim.requests).toEqual([]);
  });

  it('escapes what a forged plan carries: terminal control characters and HTML', async () => {
    await planFix2();
    await forge((p) => {
      p.title = 'Fix \u001b[2J<img src=x onerror=alert(1)>';
    });
    const table = await show(['chg-1042.json']);
    expect(table.stdout).not.toContain('\u001b');
    expect(table.stdout).toContain('\\x1b[2J');
    const md = await show(['chg-1042.json', '--format', 'markdown']);
    expect(md.stdout).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(md.stdout).not.toContain('<img');
  });
});

describe('apply', () => {
  it('applies exactly the planned steps with the journal and verdict of fix; the password is asked again, not read from the plan', async () => {
    await planFix2();
    const noPassword = await run(['apply', 'chg-1042.json', '--yes']);
    expect(noPassword.code).toBe(1);
    expect(noPassword.stderr).toContain('needs the password of DOMAIN\\qlikmonitor');
    expect(site.writes()).toEqual([]);
    const r = await run(['apply', 'chg-1042.json', '--yes', '--password-stdin', '--journal', 'chg-1042-journal.json'], { input: PASSWORD });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Summary: 12 changed');
    expect(r.stdout).toContain('Audit after the change: nothing to fix');
    const journal = JSON.parse(await readFile(path.join(site.dir, 'chg-1042-journal.json'), 'utf8'));
    expect(journal.command).toBe('fix');
    expect(journal.steps.map((s: { step: unknown }) => s.step)).toEqual((await readPlan()).plan.steps);
    expect(site.sim.state.findConnection('monitor_apps_REST_app')!.password).toContain(PASSWORD);
    expect(leakedSecrets([PASSWORD], [r.stdout, r.stderr], filesUnder(site.dir))).toEqual([]);
    // Its journal rolls back like any fix's.
    const back = await run(['rollback', 'chg-1042-journal.json', '--yes'], { env: { QRSFIX_PASSWORD: 'previous-pw' } });
    expect(back.code, back.stderr).toBe(0);
    expect(site.sim.state.findConnection('monitor_apps_REST_app')!.username).toBe('domain\\qvservice');
    expect(site.sim.state.findUser('DOMAIN', 'qlikmonitor')).toBeUndefined();
  });

  it('without a terminal and without --yes it refuses and changes nothing, as fix does', async () => {
    await planFix2();
    const r = await run(['apply', 'chg-1042.json'], { env: { QRSFIX_PASSWORD: PASSWORD } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no terminal to confirm');
    expect(site.writes()).toEqual([]);
  });

  it('refuses a second apply of the same plan, naming the objects the first one changed', async () => {
    await planFix2();
    expect((await run(['apply', 'chg-1042.json', '--yes'], { env: { QRSFIX_PASSWORD: PASSWORD } })).code).toBe(0);
    site.sim.resetRequests();
    const again = await run(['apply', 'chg-1042.json', '--yes'], { env: { QRSFIX_PASSWORD: PASSWORD } });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/the plan chg-1042\.json is stale: the site is not as the plan saw it \(12 differences\); nothing was changed/);
    expect(again.stderr).toMatch(/- data connection monitor_apps_REST_app \([0-9a-f-]+\): changed since the plan was made/);
    expect(again.stderr).toMatch(/- user DOMAIN\\qlikmonitor \([0-9a-f-]+\): new since the plan was made/);
    expect(again.stderr).toContain(`hint: make a new plan and have it approved: ${tool(site.dir)} fix --monitor-user 'DOMAIN\\qlikmonitor'`);
    expect(site.writes()).toEqual([]);
  });

  it('refuses when an object changed, is gone, or is new since the plan', async () => {
    // changed: a connection edited in the QMC
    await planFix2();
    const task = site.sim.state.findConnection('monitor_apps_REST_task')!;
    site.sim.state.touch(task);
    const changed = await run(['apply', 'chg-1042.json', '--yes'], { env: { QRSFIX_PASSWORD: PASSWORD } });
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(new RegExp(`\\(1 difference\\)[^\\n]*\\n  - data connection monitor_apps_REST_task \\(${task.id}\\): changed since the plan was made`));
    // new: the user the plan creates was created meanwhile; and a new monitor connection appeared
    site.sim.state.addUser({ userDirectory: 'DOMAIN', userId: 'qlikmonitor', roles: ['RootAdmin'] });
    const created = await run(['apply', 'chg-1042.json', '--yes'], { env: { QRSFIX_PASSWORD: PASSWORD } });
    expect(created.stderr).toMatch(/- user DOMAIN\\qlikmonitor \([0-9a-f-]+\): (new since the plan was made|exists now)/);
    expect(site.writes()).toEqual([]);
  });

  it('checks again once confirmed, just before the first write: a change made meanwhile refuses it', async () => {
    await planFix2();
    const task = site.sim.state.findConnection('monitor_apps_REST_task')!;
    let aboutReads = 0;
    // The second check starts with /qrs/about: the connection is edited just then, after the first check passed.
    site.sim.faults.add({ method: 'GET', path: '/qrs/about', times: 2, action: { kind: 'edit', apply: (state) => ++aboutReads === 2 && state.touch(task) } });
    const r = await run(['apply', 'chg-1042.json', '--yes'], { env: { QRSFIX_PASSWORD: PASSWORD } });
    expect(r.code).toBe(1);
    expect(aboutReads, r.stderr).toBe(2);
    expect(r.stderr).toContain('the site is as the plan saw it');
    expect(r.stderr).toMatch(/- data connection monitor_apps_REST_task \([0-9a-f-]+\): changed since the plan was made/);
    expect(site.writes()).toEqual([]);
    expect(journals()).toEqual([]);
  });

  it('refuses when an allocation the plan removes is gone', async () => {
    const planned = await run(['remove-pass', '--user', 'DOMAIN\\qvservice', '--plan-out', 'chg-1042.json']);
    expect(planned.code).toBe(0);
    site.sim.state.allocations.user.delete(KB_IDS.allocations.qvserviceUserAccess);
    const r = await run(['apply', 'chg-1042.json', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`user access pass of DOMAIN\\qvservice (${KB_IDS.allocations.qvserviceUserAccess}): gone since the plan was made`);
  });

  it('refuses another QRS build, and another site', async () => {
    await planFix2();
    site.sim.state.about.buildVersion = '38.22.0.0';
    const upgraded = await run(['apply', 'chg-1042.json', '--yes']);
    expect(upgraded.code).toBe(1);
    expect(upgraded.stderr).toContain('QRS build 38.22.0.0, the plan was made on 36.25.2.0');
    const other = await startSimulator();
    try {
      const r = await qrsfix(['apply', 'chg-1042.json', '--yes', ...other.flags], { cwd: site.dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`the plan is for localhost:${site.sim.port}, not localhost:${other.port}`);
      expect(other.requests.filter((q) => q.method !== 'GET')).toEqual([]);
    } finally {
      await other.stop();
    }
    expect(site.writes()).toEqual([]);
  });

  it('refuses a plan edited after it was written (digest), a damaged one, and a step it does not know', async () => {
    await planFix2();
    const text = await readFile(planPath(), 'utf8');
    await writeFile(planPath(), text.replace('DOMAIN\\\\qlikmonitor', 'DOMAIN\\\\mallory'));
    const edited = await run(['apply', 'chg-1042.json', '--yes']);
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain('its digest does not match its content: the plan was changed after it was written');
    await writeFile(planPath(), text.slice(0, 200));
    expect((await run(['apply', 'chg-1042.json', '--yes'])).stderr).toContain('not a complete JSON document');
    await writeFile(planPath(), text);
    await forge((p) => (p.plan as { steps: unknown[] }).steps.push({ kind: 'format-disk' }));
    const unknown = await show(['chg-1042.json']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('a step this qrsfix does not know: "format-disk"');
    expect(site.writes()).toEqual([]);
  });

  it('--dry-run checks and shows the plan and changes nothing; a failing step makes it partial (exit 2) with the re-run and rollback lines', async () => {
    await planFix2();
    const dry = await run(['apply', 'chg-1042.json', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`Dry run: nothing was changed. To apply: ${tool(site.dir)} apply chg-1042.json`);
    expect(site.writes()).toEqual([]);
    const broken = site.sim.state.findConnection('monitor_apps_REST_license_user')!;
    site.sim.faults.add({ method: 'PUT', path: `/qrs/dataconnection/${broken.id}`, times: Infinity, action: { kind: 'status', status: 500, body: 'Internal error' } });
    const partial = await run(['apply', 'chg-1042.json', '--yes'], { env: { QRSFIX_PASSWORD: PASSWORD } });
    expect(partial.code).toBe(2);
    expect(partial.stdout).toContain(`run the same command again (it re-reads the site): ${tool(site.dir)} fix --monitor-user 'DOMAIN\\qlikmonitor'`);
    expect(partial.stdout).toContain(`${tool(site.dir)} rollback`);
  });
});

describe('the walkthrough with a named site', () => {
  it('plan, show-plan, apply and audit, each with --site', async () => {
    await writeFile(path.join(site.dir, 'qrsfix.config.json'), JSON.stringify({ sites: { prod: { host: 'localhost', port: site.sim.port, certs: site.sim.certsDir } } }));
    const cli = (args: string[], env: Record<string, string> = {}) => qrsfix(args, { cwd: site.dir, env });
    const planned = await cli(['fix', '--site', 'prod', '--plan-out', 'chg-1042.json']);
    expect(planned.code).toBe(0);
    expect(planned.stdout).toContain(`${tool(site.dir)} apply chg-1042.json --site prod`);
    expect((await show(['chg-1042.json', '--format', 'markdown'])).code).toBe(0);
    const applied = await cli(['apply', 'chg-1042.json', '--site', 'prod', '--yes']);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('Audit after the change: nothing to fix');
    expect((await cli(['audit', '--site', 'prod'])).code).toBe(0);
  });
});

describe('the digest', () => {
  it('is sha256 over the canonical content without the digest, independent of key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: null }] })).toBe('{"a":[{"c":null,"d":2}],"b":1}');
    expect(planDigest({ b: 1, a: 2 } as never)).toBe(planDigest({ a: 2, b: 1, digest: 'x' } as never));
    expect(planDigest({ a: 1 } as never)).not.toBe(planDigest({ a: 2 } as never));
  });
});

describe('--help', () => {
  it('shows the change-ticket walkthrough and the fleet audit; the change commands take --plan-out', async () => {
    const top = await qrsfix(['--help']);
    expect(top.stdout).toContain('A change ticket (plan → show-plan → approval → apply → verify):');
    expect(top.stdout).toMatch(/--plan-out chg-1042\.json[\s\S]*show-plan chg-1042\.json --format markdown[\s\S]* apply chg-1042\.json/);
    expect(top.stdout).toContain(' audit --all-sites --format markdown');
    for (const cmd of ['fix', 'remove-pass', 'create-user', 'repoint-connections']) expect((await qrsfix([cmd, '--help'])).stdout, cmd).toContain('--plan-out <file>');
    expect((await qrsfix(['rollback', '--help'])).stdout).not.toContain('--plan-out');
    expect((await qrsfix(['apply', '--help'])).stdout).toContain('<plan>');
  });
});
