/**
 * The remedy under faults: a concurrent QMC edit (409), a write failing half-way, answers lost after
 * the server applied a write, and Ctrl-C during a fix. Nothing may be lost or applied twice.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KB_SECRETS, isReadOnlyPost } from '../src/sim/index.js';
import { filesUnder, leakedSecrets, tool } from './helpers/cli.js';
import { freshSitePerTest } from './helpers/site.js';

const PASSWORD = 'Fault-t0lerant pw';
const ENV = { QRSFIX_PASSWORD: PASSWORD };
const site = freshSitePerTest('e2e-faults', ENV);
const run = site.run;
const monitor = () => [...site.sim.state.connections.values()].filter((c) => c.name.startsWith('monitor_apps_REST_'));
const fixArgs = ['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--yes', '--journal', 'fix.json'];
const readJournal = async () => JSON.parse(await readFile(path.join(site.dir, 'fix.json'), 'utf8'));

describe('remedy under faults', () => {
  it('a connection edited in the QMC between our GET and PUT: 409, re-read, re-applied, and the edit survives', async () => {
    const target = site.sim.state.findConnection('monitor_apps_REST_task')!;
    const edited = target.connectionstring.replace('timeout=900', 'timeout=1800');
    expect(edited).not.toBe(target.connectionstring);
    site.sim.faults.add({
      method: 'PUT',
      path: `/qrs/dataconnection/${target.id}`,
      action: { kind: 'edit', apply: (state) => {
        const c = state.connections.get(target.id)!;
        c.connectionstring = edited;
        state.touch(c);
      } },
    });
    const r = await run(fixArgs);
    expect(r.code).toBe(0);
    const after = site.sim.state.connections.get(target.id)!;
    expect(after.connectionstring).toBe(edited);
    expect(after.username).toBe('DOMAIN\\qlikmonitor');
    expect(site.sim.requests.filter((q) => q.method === 'PUT' && q.path.endsWith(target.id)).map((q) => q.status)).toEqual([409, 200]);
    expect(r.stdout).toContain('re-applied after 1 concurrent edit');
  });

  it('a write failing half-way: exit 2, the journal says which steps are done, the summary how to go on, and a re-run converges', async () => {
    const broken = site.sim.state.findConnection('monitor_apps_REST_license_user')!;
    site.sim.faults.add({ method: 'PUT', path: `/qrs/dataconnection/${broken.id}`, times: Infinity, action: { kind: 'status', status: 500, body: 'Internal error' } });
    const r = await run(fixArgs);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('1 failed');
    expect(r.stdout).toContain('Not complete. To finish it, run the same command again');
    // The journal's path is absolute, so the line works from any folder.
    expect(r.stdout).toContain(`To undo it: ${tool(site.dir)} rollback ${path.join(site.dir, 'fix.json')} --host localhost`);
    const j = await readJournal();
    expect(j.outcome).toBe('partial');
    const failed = j.steps.filter((s: { status: string }) => s.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0].step.connectionId).toBe(broken.id);
    expect(failed[0].detail).toContain('500');
    // The journal's "done" is the truth on the server.
    for (const s of j.steps.filter((s: { status: string; step: { kind: string } }) => s.status === 'done' && s.step.kind === 'repoint-connection')) {
      expect(site.sim.state.connections.get(s.step.connectionId)!.username).toBe('DOMAIN\\qlikmonitor');
    }
    for (const s of j.steps.filter((s: { status: string; step: { kind: string } }) => s.status === 'pending' && s.step.kind === 'repoint-connection')) {
      expect(site.sim.state.connections.get(s.step.connectionId)!.username).toBe('domain\\qvservice');
    }
    expect(site.sim.state.connections.get(broken.id)!.username).toBe('domain\\qvservice');

    site.sim.faults.clear();
    const again = await run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--yes', '--journal', 'fix2.json']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Audit after the change: nothing to fix');
    expect(monitor().every((c) => c.username === 'DOMAIN\\qlikmonitor')).toBe(true);
    expect(site.sim.state.findUser('DOMAIN', 'qlikmonitor')).toBeDefined();
    expect(leakedSecrets([PASSWORD, ...Object.values(KB_SECRETS)], [r.stdout, r.stderr, again.stdout, again.stderr], filesUnder(site.dir))).toEqual([]);
  });

  it('a POST and a DELETE whose answers are lost are settled by reading back, never sent twice', async () => {
    site.sim.faults.add({ method: 'POST', path: '/qrs/user', action: { kind: 'dropAfterApply' } });
    site.sim.faults.add({ method: 'DELETE', path: /^\/qrs\/license\/useraccesstype\//, action: { kind: 'dropAfterApply' } });
    const r = await run([...fixArgs, '--remove-pass']);
    expect(r.code).toBe(0);
    expect(site.sim.requests.filter((q) => q.method === 'POST' && !isReadOnlyPost(q.method, q.path))).toHaveLength(1);
    expect(site.sim.requests.filter((q) => q.method === 'DELETE')).toHaveLength(1);
    expect([...site.sim.state.users.values()].filter((u) => u.userId === 'qlikmonitor')).toHaveLength(1);
    expect(r.stdout).toContain('confirmed by reading back');
    expect(r.stdout).toContain('quarantined until');
  });

  it('Ctrl-C during a fix abandons the request in flight, writes the journal, exits 130; a re-run converges', async () => {
    const slow = site.sim.state.findConnection('monitor_apps_REST_event')!;
    site.sim.faults.add({ method: 'PUT', path: `/qrs/dataconnection/${slow.id}`, action: { kind: 'hang' } });
    let sent = false;
    const r = await run(fixArgs, {
      onSpawn: (child) => {
        const poll = setInterval(() => {
          if (!sent && site.sim.requests.some((q) => q.method === 'PUT' && q.path.endsWith(slow.id))) {
            sent = true;
            setTimeout(() => child.kill('SIGINT'), 200);
            clearInterval(poll);
          }
        }, 20);
        child.on('exit', () => clearInterval(poll));
      },
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('interrupted');
    const j = await readJournal();
    expect(j.outcome).toBe('interrupted');
    const hung = j.steps.find((s: { step: { connectionId?: string } }) => s.step.connectionId === slow.id);
    expect(['unknown', 'pending']).toContain(hung.status);
    expect(r.stdout).toContain('Not complete');

    const again = await run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--yes', '--journal', 'fix2.json']);
    expect(again.code).toBe(0);
    expect(monitor().every((c) => c.username === 'DOMAIN\\qlikmonitor')).toBe(true);
  });
});
