/**
 * Rollback does not trust the journal: every id must be a GUID and every object still what the journal
 * says (a user's directory and id, a connection's name, an allocation's user), else nothing is done.
 * An object modified since the change left it is named and left alone (exit 2) unless --force.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KB_IDS, KB_SECRETS } from '../src/sim/index.js';
import { freshSitePerTest } from './helpers/site.js';

const NEW_PASSWORD = 'n3w-Monitor-pw';
const site = freshSitePerTest('e2e-rollback-checks');

interface JournalFile {
  steps: Array<{ n: number; step: Record<string, unknown>; result?: Record<string, string> }>;
}

async function fixed(): Promise<string> {
  const r = await site.run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--yes', '--journal', 'fix.json'], { env: { QRSFIX_PASSWORD: NEW_PASSWORD } });
  expect(r.code, r.stderr).toBe(0);
  site.sim.resetRequests();
  return path.join(site.dir, 'fix.json');
}

async function edit(file: string, change: (j: JournalFile) => void): Promise<void> {
  const j = JSON.parse(await readFile(file, 'utf8')) as JournalFile;
  change(j);
  await writeFile(file, JSON.stringify(j, null, 2));
}

const stepOf = (j: JournalFile, kind: string) => j.steps.find((s) => s.step.kind === kind)!;
const rollback = (extra: string[] = []) => site.run(['rollback', 'fix.json', '--yes', '--password-stdin', ...extra], { input: KB_SECRETS.monitorPassword });

describe('rollback checks the journal against the site', () => {
  it('records the modifiedDate each write left', async () => {
    const file = await fixed();
    const j = JSON.parse(await readFile(file, 'utf8')) as JournalFile;
    const repoint = stepOf(j, 'repoint-connection');
    const conn = site.sim.state.connections.get(repoint.step.connectionId as string)!;
    expect(repoint.result?.modifiedDate).toBe(conn.modifiedDate);
    expect(stepOf(j, 'create-user').result?.modifiedDate).toBe(site.sim.state.findUser('DOMAIN', 'qlikmonitor')!.modifiedDate);
  });

  it("a journal edited to carry another user's GUID: refused, that user kept, nothing written", async () => {
    const file = await fixed();
    await edit(file, (j) => (stepOf(j, 'create-user').result!.userGuid = KB_IDS.users.jdoe));
    const r = await rollback();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/step \d+ names user DOMAIN\\qlikmonitor\/[0-9a-f-]+, but QRS has DOMAIN\\jdoe under that id/);
    expect(site.sim.state.findUser('DOMAIN', 'jdoe')).toBeDefined();
    expect(site.writes()).toEqual([]);
  });

  it('an id that is not a GUID (a path in disguise): refused before any request', async () => {
    const file = await fixed();
    await edit(file, (j) => (stepOf(j, 'create-user').result!.userGuid = `../user/${KB_IDS.users.jdoe}`));
    const r = await rollback();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/step \d+ has a result.userGuid that is not a GUID/);
    expect(site.sim.requests).toEqual([]);
  });

  it('a connection id pointing at another connection: refused', async () => {
    const file = await fixed();
    await edit(file, (j) => (stepOf(j, 'repoint-connection').step.connectionId = KB_IDS.connections['Sales DW']));
    const r = await rollback();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`but QRS has "Sales DW" under that id`);
    expect(site.writes()).toEqual([]);
  });

  it('a password rotated by an admin since: that connection is named and left alone, exit 2; the rest is rolled back; --force then overwrites it', async () => {
    await fixed();
    const rotated = site.sim.state.connections.get(KB_IDS.connections.monitor_apps_REST_task)!;
    rotated.password = '%%password%2rotated-by-admin%1';
    site.sim.state.touch(rotated);
    const r = await rollback();
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toContain('Changed since, left alone:');
    expect(r.stdout).toMatch(/✗ data connection monitor_apps_REST_task: modified at .*, after the change left it at .*; not rolled back \(--force overwrites it\)/);
    expect(rotated.password).toContain('rotated-by-admin');
    expect(site.sim.state.connections.get(KB_IDS.connections.monitor_apps_REST_app)!.username).toBe('domain\\qvservice');
    // The user it runs as is kept, since a connection still runs as it.
    expect(site.sim.state.findUser('DOMAIN', 'qlikmonitor')).toBeDefined();

    const forced = await rollback(['--force', '--journal', 'forced.json']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(site.sim.state.connections.get(KB_IDS.connections.monitor_apps_REST_task)!.password).toContain(KB_SECRETS.monitorPassword);
    expect(site.sim.state.findUser('DOMAIN', 'qlikmonitor')).toBeUndefined();
  });

  it('a role added to the created user since: it is not deleted, exit 2', async () => {
    await fixed();
    const user = site.sim.state.findUser('DOMAIN', 'qlikmonitor')!;
    user.roles = [...user.roles, 'AuditAdmin'];
    site.sim.state.touch(user);
    const r = await rollback();
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toMatch(/✗ user DOMAIN\\qlikmonitor: modified at/);
    expect(site.sim.state.findUser('DOMAIN', 'qlikmonitor')).toBeDefined();
    expect(site.sim.state.connections.get(KB_IDS.connections.monitor_apps_REST_app)!.username).toBe('domain\\qvservice');
  });
});
