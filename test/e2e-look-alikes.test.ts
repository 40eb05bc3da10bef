/**
 * Connections named monitor_apps_REST_* that are not Qlik's (qrs-api.md §14): a genuine one is a REST
 * connection owned by INTERNAL\sa_repository or a RootAdmin that calls this site's QRS. Look-alikes are
 * shown as warnings with owner and address, never given a password unless named with
 * --include-connection, and a rollback never sets a password on a connection that had none.
 */
import { describe, expect, it } from 'vitest';
import { HARVEST_URL, KB_IDS, KB_SECRETS, addLookAlike, addServerNode, type SimState } from '../src/sim/index.js';
import { freshSitePerTest } from './helpers/site.js';

const NEW_PASSWORD = 'n3w-Monitor-pw';
const site = freshSitePerTest('e2e-look-alikes');
const connection = (name: string) => [...site.sim.state.connections.values()].find((c) => c.name === name)!;
const putsTo = (id: string) => site.writes().filter((q) => q.method === 'PUT' && q.path.toLowerCase() === `/qrs/dataconnection/${id}`);

interface PlanJson {
  plan: { steps: Array<{ kind: string; connectionName?: string }>; notes: string[]; unchanged: string[] };
}
/** Someone re-aims the connection at another host just before our PUT lands: it gets 409, and we read it again. */
function reaimOnFirstPut(id: string): void {
  const reaim = (state: SimState) => {
    const c = state.connections.get(id)!;
    c.connectionstring = c.connectionstring.replace('url=https://localhost/qrs/', 'url=https://harvest.attacker.example/qrs/');
    state.touch(c);
  };
  site.sim.faults.add({ method: 'PUT', path: `/qrs/dataconnection/${id}`, action: { kind: 'edit', apply: reaim } });
}
const repointed = (stdout: string) =>
  (JSON.parse(stdout) as PlanJson).plan.steps.filter((s) => s.kind === 'repoint-connection').map((s) => s.connectionName!);

describe('look-alike monitor connections', () => {
  it('audit: a harvesting look-alike is a warning with its owner and address; the identities are those of the genuine ones', async () => {
    addLookAlike(site.sim.state, { username: 'DOMAIN\\asmith' });
    const r = await site.run(['audit']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('Monitor connections (monitor_apps_REST_*): 11');
    expect(r.stdout).toMatch(/Warning: 1 look-alike connection/);
    const row = r.stdout.split('\n').find((l) => l.includes('monitor_apps_REST_zz_harvest'))!;
    expect(row).toContain('DOMAIN\\asmith');
    expect(row).toContain(HARVEST_URL);
    // asmith runs no genuine monitor connection, so it is no identity of the audit.
    expect(r.stdout).not.toMatch(/^│?\s*DOMAIN\\asmith\s*│/m);
    const json = await site.run(['audit', '--json']);
    const report = JSON.parse(json.stdout) as { lookAlikes: Array<{ name: string; owner: string; address: string; reasons: string[] }>; monitorConnections: unknown[] };
    expect(report.monitorConnections).toHaveLength(11);
    expect(report.lookAlikes).toEqual([
      expect.objectContaining({ name: 'monitor_apps_REST_zz_harvest', owner: 'DOMAIN\\asmith', address: HARVEST_URL }),
    ]);
    expect(report.lookAlikes[0]!.reasons.join(' ')).toMatch(/neither INTERNAL\\sa_repository nor a RootAdmin.*does not call the QRS of this site/);
  });

  it('fix --monitor-user: the look-alike gets no password and no PUT; the plan warns with owner, address and --include-connection', async () => {
    const harvest = addLookAlike(site.sim.state);
    const r = await site.run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--yes'], { env: { QRSFIX_PASSWORD: NEW_PASSWORD } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('data connection monitor_apps_REST_zz_harvest is named like a monitor connection but is not one (owner DOMAIN\\asmith, calls ' + HARVEST_URL);
    expect(r.stdout).toContain('--include-connection monitor_apps_REST_zz_harvest');
    expect(putsTo(harvest.id)).toEqual([]);
    expect(connection('monitor_apps_REST_zz_harvest')).toMatchObject({ username: '', password: '' });
    expect(connection('monitor_apps_REST_app').username).toBe('DOMAIN\\qlikmonitor');
  });

  it('genuine or not: RootAdmin re-imports and rim nodes of the site are genuine; foreign hosts, user-info tricks, foreign trust, a proxy and plain owners are not', async () => {
    const state = site.sim.state;
    addLookAlike(state, { name: 'monitor_apps_REST_reimported', owner: 'DOMAIN\\jdoe', url: 'https://localhost/qrs/app/full' });
    addLookAlike(state, { name: 'monitor_apps_REST_rim', owner: 'INTERNAL\\sa_repository', url: 'https://qlikrim2.domain.local/qrs/app/full' });
    addServerNode(state, 'Rim 2', 'qlikrim2.domain.local');
    addLookAlike(state, { name: 'monitor_apps_REST_not_a_node', owner: 'INTERNAL\\sa_repository', url: 'https://qlikrim3.domain.local/qrs/app/full' });
    addLookAlike(state, { name: 'monitor_apps_REST_userinfo', owner: 'INTERNAL\\sa_repository', url: 'https://localhost@attacker.example/qrs/app/full' });
    addLookAlike(state, { name: 'monitor_apps_REST_trust', owner: 'INTERNAL\\sa_repository', url: 'https://localhost/qrs/app/full', trustedLocation: 'qrs-proxy%2https://attacker.example:4244' });
    addLookAlike(state, { name: 'monitor_apps_REST_plain_owner', owner: 'DOMAIN\\bwilson', url: 'https://localhost/qrs/app/full' });
    const proxied = addLookAlike(state, { name: 'monitor_apps_REST_proxied', owner: 'INTERNAL\\sa_repository', url: 'https://localhost/qrs/app/full' });
    proxied.connectionstring = proxied.connectionstring.replace('method=GET;', 'method=GET;useProxy=true;proxyHost=harvest.attacker.example;');
    addLookAlike(state, { name: 'monitor_apps_REST_odbc', owner: 'INTERNAL\\sa_repository', url: 'https://localhost/qrs/app/full', type: 'QvOdbcConnectorPackage.exe' });
    const r = await site.run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--dry-run', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const names = repointed(r.stdout);
    expect(names).toContain('monitor_apps_REST_reimported');
    expect(names).toContain('monitor_apps_REST_rim');
    expect(names).toHaveLength(13);
    for (const n of ['not_a_node', 'userinfo', 'trust', 'plain_owner', 'odbc', 'proxied']) expect(names).not.toContain(`monitor_apps_REST_${n}`);
    const report = JSON.parse((await site.run(['audit', '--json'])).stdout) as { lookAlikes: Array<{ name: string; reasons: string[] }> };
    expect(report.lookAlikes.find((l) => l.name === 'monitor_apps_REST_proxied')!.reasons).toEqual(['it sends its requests through a proxy (useproxy, proxyhost)']);
    // The owners and the nodes were read because the connections needed them, not on a default site.
    expect(site.sim.requests.some((q) => q.path === '/qrs/servernodeconfiguration/full')).toBe(true);
  });

  it('a default site reads neither owners nor nodes: every monitor connection is sa_repository\'s and calls localhost', async () => {
    const r = await site.run(['audit']);
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain('look-alike');
    expect(site.sim.requests.map((q) => q.path)).not.toContain('/qrs/servernodeconfiguration/full');
    expect(site.sim.requests.filter((q) => q.path === '/qrs/user/full')).toHaveLength(1);
  });

  it('--include-connection repoints a named look-alike; its rollback gives back its identity and sets no password on it, as it had none', async () => {
    const harvest = addLookAlike(site.sim.state, { username: 'DOMAIN\\asmith' });
    const fixed = await site.run(['fix', '--service-account', 'DOMAIN\\qvservice', '--monitor-user', 'DOMAIN\\qlikmonitor', '--include-connection', 'monitor_apps_REST_zz_harvest', '--yes', '--journal', 'fix.json'], {
      env: { QRSFIX_PASSWORD: NEW_PASSWORD },
    });
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.stdout).toContain('it is changed all the same because --include-connection names it');
    expect(connection('monitor_apps_REST_zz_harvest').username).toBe('DOMAIN\\qlikmonitor');
    const back = await site.run(['rollback', 'fix.json', '--yes', '--password-stdin'], { input: KB_SECRETS.monitorPassword });
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toContain('data connection monitor_apps_REST_zz_harvest/' + harvest.id + ': username DOMAIN\\qlikmonitor → DOMAIN\\asmith\n');
    expect(connection('monitor_apps_REST_zz_harvest')).toMatchObject({ username: 'DOMAIN\\asmith', password: '' });
    expect(site.sim.state.connections.get(KB_IDS.connections.monitor_apps_REST_app)!.password).toContain(KB_SECRETS.monitorPassword);
  });

  it('--include-connection naming no matching connection: refused before any write', async () => {
    const r = await site.run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--include-connection', 'monitor_apps_REST_nope', '--yes'], { env: { QRSFIX_PASSWORD: NEW_PASSWORD } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--include-connection monitor_apps_REST_nope: no data connection of that name matches monitor_apps_REST_*');
    expect(site.writes()).toEqual([]);
  });

  it('repoint-connections leaves the look-alike alone too', async () => {
    const harvest = addLookAlike(site.sim.state);
    const r = await site.run(['repoint-connections', '--user', 'DOMAIN\\jdoe', '--yes'], { env: { QRSFIX_PASSWORD: NEW_PASSWORD } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('monitor_apps_REST_zz_harvest: not a genuine monitor connection, left alone');
    expect(putsTo(harvest.id)).toEqual([]);
  });
  it('a genuine connection re-aimed at another host while the fix runs (a 409, then a fresh read): no username or password written to it, exit 2', async () => {
    const target = site.sim.state.findConnection('monitor_apps_REST_task')!;
    const passwordBefore = target.password;
    reaimOnFirstPut(target.id);
    const r = await site.run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--yes', '--journal', 'fix.json'], { env: { QRSFIX_PASSWORD: NEW_PASSWORD } });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout + r.stderr).toContain('its type, owner or connection string changed since it was checked (now owner INTERNAL\\sa_repository, calls https://harvest.attacker.example/qrs/');
    expect(putsTo(target.id).map((q) => q.status)).toEqual([409]);
    expect(connection('monitor_apps_REST_task')).toMatchObject({ username: 'domain\\qvservice', password: passwordBefore });
    expect(connection('monitor_apps_REST_app').username).toBe('DOMAIN\\qlikmonitor');
  });

  it('rollback: a connection re-aimed between the rollback\'s read and its write gets no password back', async () => {
    const fixed = await site.run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--yes', '--journal', 'fix.json'], { env: { QRSFIX_PASSWORD: NEW_PASSWORD } });
    expect(fixed.code, fixed.stderr).toBe(0);
    const target = site.sim.state.findConnection('monitor_apps_REST_user')!;
    const passwordAfterFix = target.password;
    reaimOnFirstPut(target.id);
    const back = await site.run(['rollback', 'fix.json', '--yes', '--password-stdin'], { input: KB_SECRETS.monitorPassword });
    expect(back.code, back.stderr).toBe(2);
    expect(back.stdout + back.stderr).toContain('changed since it was checked');
    expect(connection('monitor_apps_REST_user')).toMatchObject({ username: 'DOMAIN\\qlikmonitor', password: passwordAfterFix });
    expect(connection('monitor_apps_REST_user').password).not.toContain(KB_SECRETS.monitorPassword);
  });
  it('rollback --force: a connection re-aimed since the fix is not genuine any more and gets no password back; the others are rolled back', async () => {
    const fixed = await site.run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--yes', '--journal', 'fix.json'], { env: { QRSFIX_PASSWORD: NEW_PASSWORD } });
    expect(fixed.code, fixed.stderr).toBe(0);
    const target = site.sim.state.findConnection('monitor_apps_REST_event')!;
    target.connectionstring = target.connectionstring.replace('url=https://localhost/qrs/', `url=${HARVEST_URL.replace('/user/full', '/')}`);
    site.sim.state.touch(target);
    site.sim.resetRequests();
    const back = await site.run(['rollback', 'fix.json', '--yes', '--force', '--password-stdin'], { input: KB_SECRETS.monitorPassword });
    expect(back.code, back.stderr).toBe(2);
    expect(back.stdout).toContain('data connection monitor_apps_REST_event: is not a genuine monitor connection now (owner INTERNAL\\sa_repository, calls https://harvest.attacker.example/qrs/');
    expect(back.stdout).not.toContain('--force rolls them back too');
    expect(putsTo(target.id)).toEqual([]);
    expect(connection('monitor_apps_REST_event')).toMatchObject({ username: 'DOMAIN\\qlikmonitor' });
    expect(connection('monitor_apps_REST_event').password).not.toContain(KB_SECRETS.monitorPassword);
    expect(connection('monitor_apps_REST_app')).toMatchObject({ username: 'domain\\qvservice' });
    expect(back.stdout).toContain('only if you know it is yours: --include-connection monitor_apps_REST_event');
    // Named by the admin, it gets its identity and password back.
    const named = await site.run(['rollback', 'fix.json', '--yes', '--force', '--include-connection', 'monitor_apps_REST_event', '--password-stdin'], { input: KB_SECRETS.monitorPassword });
    expect(named.code, named.stderr).toBe(0);
    expect(connection('monitor_apps_REST_event')).toMatchObject({ username: 'domain\\qvservice' });
    expect(connection('monitor_apps_REST_event').password).toContain(KB_SECRETS.monitorPassword);
  });
  it('a look-alike\'s name and address are shown, not obeyed: no terminal control code, no HTML, in the audit, the plan and a saved plan', async () => {
    const name = 'monitor_apps_REST_\u001b]0;pwned\u0007<img src=x onerror=alert(1)>\u202e';
    addLookAlike(site.sim.state, { name, url: 'https://harvest.attacker.example/qrs/<script>alert(2)</script>\u001b[2J' });
    const outputs: string[] = [];
    for (const args of [['audit'], ['audit', '--format', 'markdown'], ['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--dry-run'], ['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--dry-run', '--format', 'markdown'], ['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--plan-out', 'p.json']]) {
      const r = await site.run(args, { env: { QRSFIX_PASSWORD: NEW_PASSWORD } });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBeLessThan(3);
      outputs.push(r.stdout, r.stderr);
    }
    for (const format of ['table', 'markdown']) {
      const r = await site.run(['show-plan', 'p.json', '--format', format]);
      outputs.push(r.stdout, r.stderr);
    }
    const all = outputs.join('\n');
    expect(all).toContain('pwned');
    expect(all).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    const markdown = [outputs[2], outputs[6], outputs[12]].join('\n');
    expect(markdown).not.toMatch(/<img|<script/);
  });
});
