/** `qrsfix rollback <journal>`: each step kind undone, idempotent, and refusals of journals not to trust. */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KB_SECRETS, KB_IDS, KB_RULE_IDS } from '../src/sim/index.js';
import { filesUnder, leakedSecrets, toolPattern } from './helpers/cli.js';
import { freshSitePerTest } from './helpers/site.js';

const NEW_PASSWORD = 'n3w-Monitor-pw';
const site = freshSitePerTest('e2e-rollback');
const run = site.run;
const writes = site.writes;
const monitor = () => [...site.sim.state.connections.values()].filter((c) => c.name.startsWith('monitor_apps_REST_'));

describe('rollback', () => {
  it('undoes option 2 with --remove-pass: connections get their identity and previous password back, the user goes, the pass returns', async () => {
    const before = monitor().map((c) => ({ ...c, owner: c.owner?.id, modifiedDate: undefined }));
    const ruleBefore = site.sim.state.license.rules.get(KB_RULE_IDS.serviceAccountsUserAccess!)!.rule;
    const fixed = await run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--remove-pass', '--yes', '--journal', 'fix.json'], { env: { QRSFIX_PASSWORD: NEW_PASSWORD } });
    expect(fixed.code).toBe(0);
    expect(site.sim.state.allocations.user.get(KB_IDS.allocations.qvserviceUserAccess)!.quarantined).toBe(true);

    const dry = await run(['rollback', 'fix.json', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('user access pass');
    expect(dry.stdout).toContain('quarantined → reinstated');
    expect(dry.stdout).toMatch(/user DOMAIN\\qlikmonitor\/[0-9a-f-]+: deleted/);
    expect(dry.stdout).toContain('username DOMAIN\\qlikmonitor → domain\\qvservice');
    // The dry run says a password will be needed, before the real run asks for it.
    expect(dry.stdout).toContain('the connections get the password of domain\\qvservice back: qrsfix asks for it');

    site.sim.resetRequests();
    const back = await run(['rollback', 'fix.json', '--yes', '--password-stdin', '--journal', 'rollback.json'], { input: KB_SECRETS.monitorPassword });
    expect(back.code).toBe(0);
    expect(back.stdout).toContain('Summary: 14 changed');
    // The license rule has its exact old condition back.
    expect(site.sim.state.license.rules.get(KB_RULE_IDS.serviceAccountsUserAccess!)!.rule).toBe(ruleBefore);
    // The problem is back with the old state: the next step is to look, not to reload and expect success.
    expect(back.stdout).toMatch(new RegExp(`the site is as before that fix, the QLIK-88038 problem included if it was there: ${toolPattern(site.dir)} audit --host localhost`));
    expect(back.stdout).not.toContain('check they succeed');
    // A rollback's journal is not rolled back (rollback refuses it): no "To undo it" line that would fail.
    expect(back.stdout).not.toContain('To undo it');
    expect(back.stdout).toContain('To redo what this rolled back, run the command that made that change again');
    expect((await run(['rollback', 'rollback.json', '--yes'])).stderr).toContain('is the journal of a rollback');
    expect(site.sim.state.findUser('DOMAIN', 'qlikmonitor')).toBeUndefined();
    expect(site.sim.state.allocations.user.get(KB_IDS.allocations.qvserviceUserAccess)!.quarantined).toBe(false);
    const after = monitor().map((c) => ({ ...c, owner: c.owner?.id, modifiedDate: undefined }));
    expect(after.map((c) => ({ ...c, modifiedByUserName: undefined }))).toEqual(before.map((c) => ({ ...c, modifiedByUserName: undefined })));
    // Connections are restored before the user they ran as is deleted.
    const order = writes().map((q) => `${q.method} ${q.path.split('/')[2]}`);
    expect(order.lastIndexOf('PUT dataconnection')).toBeLessThan(order.indexOf('DELETE user'));
    expect(leakedSecrets([NEW_PASSWORD, ...Object.values(KB_SECRETS)], [fixed.stdout, fixed.stderr, back.stdout, back.stderr], filesUnder(site.dir))).toEqual([]);

    site.sim.resetRequests();
    const twice = await run(['rollback', 'fix.json', '--yes'], {});
    expect(twice.code).toBe(0);
    expect(twice.stdout).toContain('Nothing to change');
    expect(twice.stdout).toContain('no longer exists');
    expect(writes()).toEqual([]);
  });

  it('allocates anew a pass that was freed at once, and removes a RootAdmin role it added', async () => {
    const a = await run(['remove-pass', '--user', 'DOMAIN\\jdoe', '--yes', '--journal', 'pass.json']);
    expect(a.code).toBe(0);
    expect(site.sim.state.allocations.user.has(KB_IDS.allocations.jdoeUserAccess)).toBe(false);
    const b = await run(['rollback', 'pass.json', '--yes']);
    expect(b.code).toBe(0);
    expect(b.stdout).toContain('none → allocated');
    const jdoe = site.sim.state.findUser('DOMAIN', 'jdoe')!;
    expect([...site.sim.state.allocations.user.values()].filter((x) => x.user?.id === jdoe.id && !x.quarantined)).toHaveLength(1);

    const c = await run(['create-user', '--user', 'DOMAIN\\asmith', '--yes', '--journal', 'role.json']);
    expect(c.code).toBe(0);
    expect(site.sim.state.findUser('DOMAIN', 'asmith')!.roles).toEqual(['RootAdmin']);
    const d = await run(['rollback', 'role.json', '--yes']);
    expect(d.code).toBe(0);
    expect(site.sim.state.findUser('DOMAIN', 'asmith')!.roles).toEqual([]);
  });

  it('keeps a created user while connections still run as it: rolling back create-user alone breaks no reload', async () => {
    expect((await run(['create-user', '--user', 'DOMAIN\\qlikmonitor', '--yes', '--journal', 'user.json'])).code).toBe(0);
    const repointed = await run(['repoint-connections', '--user', 'DOMAIN\\qlikmonitor', '--yes', '--journal', 'repoint.json'], { env: { QRSFIX_PASSWORD: NEW_PASSWORD } });
    expect(repointed.code).toBe(0);
    site.sim.resetRequests();
    const early = await run(['rollback', 'user.json', '--yes']);
    expect(early.code).toBe(0);
    expect(early.stdout).toContain('user DOMAIN\\qlikmonitor: kept, with its roles: 11 data connections still run as it (monitor_apps_REST_app,');
    expect(early.stdout).toContain('Move them first');
    expect(early.stdout).toContain('Nothing to change');
    expect(writes()).toEqual([]);
    expect(site.sim.state.findUser('DOMAIN', 'qlikmonitor')).toBeDefined();
    // In the right order, both go.
    expect((await run(['rollback', 'repoint.json', '--yes'], { env: { QRSFIX_PASSWORD: KB_SECRETS.monitorPassword } })).code).toBe(0);
    const late = await run(['rollback', 'user.json', '--yes']);
    expect(late.code).toBe(0);
    expect(late.stdout).toMatch(/user DOMAIN\\qlikmonitor\/[0-9a-f-]+: deleted/);
    expect(site.sim.state.findUser('DOMAIN', 'qlikmonitor')).toBeUndefined();
  });

  it('leaves alone a connection someone changed since the fix, and says so', async () => {
    const fixed = await run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--yes', '--journal', 'fix.json'], { env: { QRSFIX_PASSWORD: NEW_PASSWORD } });
    expect(fixed.code).toBe(0);
    const moved = monitor()[0]!;
    moved.username = 'DOMAIN\\jdoe';
    site.sim.state.touch(moved);
    const back = await run(['rollback', 'fix.json', '--yes'], { env: { QRSFIX_PASSWORD: KB_SECRETS.monitorPassword } });
    expect(back.code).toBe(0);
    expect(back.stdout).toContain(`data connection ${moved.name}: now runs as DOMAIN\\jdoe, changed since the fix; left alone`);
    expect(site.sim.state.connections.get(moved.id)!.username).toBe('DOMAIN\\jdoe');
    expect(monitor().filter((c) => c.username === 'domain\\qvservice')).toHaveLength(10);
  });

  it('undoes a run that was killed before it recorded its last steps: unrecorded steps are checked against the site', async () => {
    const fixed = await run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--yes', '--journal', 'fix.json'], { env: { QRSFIX_PASSWORD: NEW_PASSWORD } });
    expect(fixed.code).toBe(0);
    // As if killed (kill -9, power loss) right after the POST landed and one PUT was sent.
    const file = path.join(site.dir, 'fix.json');
    const j = JSON.parse(await readFile(file, 'utf8'));
    j.outcome = 'in-progress';
    for (const s of j.steps) if (s.step.kind === 'create-user' || s.n === 2) {
      s.status = 'pending';
      delete s.result;
      delete s.detail;
    }
    await writeFile(file, JSON.stringify(j));
    const back = await run(['rollback', 'fix.json', '--yes'], { env: { QRSFIX_PASSWORD: KB_SECRETS.monitorPassword } });
    expect(back.code).toBe(0);
    expect(back.stdout).toContain('never finished');
    expect(site.sim.state.findUser('DOMAIN', 'qlikmonitor')).toBeUndefined();
    expect(monitor().every((c) => c.username === 'domain\\qvservice')).toBe(true);
  });

  describe('refuses a journal it cannot trust, changing nothing', () => {
    async function journalOf(): Promise<{ file: string; text: string }> {
      const r = await run(['remove-pass', '--user', 'DOMAIN\\jdoe', '--yes', '--journal', 'j.json']);
      expect(r.code).toBe(0);
      const file = path.join(site.dir, 'j.json');
      return { file, text: await readFile(file, 'utf8') };
    }

    it('for another host', async () => {
      const { file, text } = await journalOf();
      const j = JSON.parse(text);
      j.site.host = 'qlikprod.domain.local';
      await writeFile(file, JSON.stringify(j));
      site.sim.resetRequests();
      const r = await run(['rollback', file, '--yes']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`records a change on qlikprod.domain.local:${site.sim.port}, not on localhost:${site.sim.port}`);
      expect(writes()).toEqual([]);
    });

    it('truncated, not ours, or missing', async () => {
      const { file, text } = await journalOf();
      site.sim.resetRequests();
      await writeFile(file, text.slice(0, text.length / 2));
      const truncated = await run(['rollback', file, '--yes']);
      expect(truncated.code).toBe(1);
      expect(truncated.stderr).toContain('not a complete JSON document');
      await writeFile(file, JSON.stringify({ name: 'some-package', version: '1.0.0' }));
      const foreign = await run(['rollback', file, '--yes']);
      expect(foreign.code).toBe(1);
      expect(foreign.stderr).toContain('is not a qrsfix journal');
      const missing = await run(['rollback', path.join(site.dir, 'nope.json'), '--yes']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('file not found');
      expect(writes()).toEqual([]);
    });
  });
  it('--json of a rollback offers no rollback of itself (rollback refuses a rollback\'s journal)', async () => {
    const fixed = await run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--yes', '--journal', 'fix.json'], { env: { QRSFIX_PASSWORD: NEW_PASSWORD } });
    expect(fixed.code, fixed.stderr).toBe(0);
    expect((JSON.parse((await run(['rollback', 'fix.json', '--dry-run', '--json'])).stdout) as { outcome: string }).outcome).toBe('dry-run');
    const json = await run(['rollback', 'fix.json', '--yes', '--json', '--password-stdin'], { input: KB_SECRETS.monitorPassword });
    expect(json.code, json.stderr).toBe(0);
    expect((JSON.parse(json.stdout) as { rollback: unknown }).rollback).toBeNull();
  });
});
