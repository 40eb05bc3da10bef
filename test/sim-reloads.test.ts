/**
 * The simulator's reloads and license rules through its request handler (no sockets): tasks start and
 * run out, sessions 404 once done, script logs come by ticket after a moment, logins follow the
 * connections' accounts, license rules grant and are edited with modifiedDate.
 */
import { describe, expect, it } from 'vitest';
import { SimState } from '../src/sim/state.js';
import { seedKb } from '../src/sim/seed-kb.js';
import { handle } from '../src/sim/routes.js';
import { KB_IDS, KB_RULE_IDS, KB_TASK_IDS, ZERO_GUID, addLicenseRule } from '../src/sim/index.js';

const KEY = 'abcdefghij012345';

function site(reloadMs = 0) {
  const state = new SimState();
  seedKb(state);
  state.reloads.reloadMs = reloadMs;
  const call = (method: string, path: string, query: Record<string, string> = {}, body?: unknown) => {
    const qs = new URLSearchParams({ xrfkey: KEY, ...query }).toString().replace(/\+/g, '%20');
    const r = handle(state, {
      method,
      pathname: path,
      rawQuery: qs,
      headers: { 'x-qlik-xrfkey': KEY, 'x-qlik-user': 'UserDirectory=INTERNAL; UserId=sa_repository' },
      body: body === undefined ? '' : JSON.stringify(body),
    });
    return { ...r, json: () => JSON.parse(r.body) };
  };
  return { state, call };
}

async function runToEnd(s: ReturnType<typeof site>, taskId: string) {
  const start = s.call('POST', `/qrs/task/${taskId}/start/synchronous`);
  expect(start.status).toBe(201);
  const session = start.json().value as string;
  // Each look moves a run one status on (Triggered → Started → final).
  const seen: number[] = [];
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 2));
    const [result] = s.call('GET', '/qrs/executionresult/full', { filter: `ExecutionId eq ${session}` }).json();
    if (seen.at(-1) !== result.status) seen.push(result.status);
    if (result.status >= 6) {
      expect(seen.slice(0, -1)).toEqual([2]);
      return { session, result };
    }
  }
  throw new Error('the run did not end');
}

describe('simulator: reload tasks', () => {
  it('finds the published monitor apps\' tasks by a nested filter, not the copy', () => {
    const s = site();
    const tasks = s.call('GET', '/qrs/reloadtask/full', { filter: "app.published eq true and (app.name eq 'License Monitor' or app.name eq 'Operations Monitor')" }).json();
    expect(tasks.map((t: { name: string }) => t.name).sort()).toEqual(['Reload License Monitor', 'Reload Operations Monitor']);
    expect(tasks[0].operational.lastExecutionResult.status).toBe(0);
  });

  it('a pass holder hits the 5-session cap: FinishedFail, 403 no access pass in the log; the session 404s once done', async () => {
    const s = site(0);
    const { session, result } = await runToEnd(s, KB_TASK_IDS.licenseMonitor!);
    expect(result.status).toBe(8);
    expect(s.call('GET', `/qrs/executionsession/${session}`).status).toBe(404);
    const miss = s.call('GET', `/qrs/reloadtask/${KB_TASK_IDS.licenseMonitor}/scriptlogfile`, { executionresultid: result.id });
    expect(miss.status).toBe(404); // not archived yet
    const ticket = s.call('GET', `/qrs/reloadtask/${KB_TASK_IDS.licenseMonitor}/scriptlogfile`, { executionresultid: result.id }).json().value;
    const log = s.call('GET', `/qrs/download/reloadtask/${ticket}/scriptlog.txt`);
    expect(log.status).toBe(200);
    expect(log.body).toContain('\r\n');
    expect(log.body).toContain('HTTP protocol error 403 (Forbidden):');
    expect(log.body).toContain('no access pass');
    expect(log.body).toMatch(/^\uFEFF\d{8}T\d{6}\.\d{3}-0500/);
    expect(s.call('GET', `/qrs/download/reloadtask/${ticket}/scriptlog.txt`).status).toBe(404); // one use
  });

  it('a disabled task does not start: the all-zero GUID', () => {
    const s = site();
    const start = s.call('POST', `/qrs/task/${KB_TASK_IDS.financeForecast}/start/synchronous`);
    expect(start.json()).toEqual({ value: ZERO_GUID });
  });

  it('a wrong password gives 401; without RootAdmin 403; without a pass and a rule it succeeds', async () => {
    const s = site(0);
    s.state.setDirectoryPassword('DOMAIN\\qvservice', 'changed');
    expect((await runToEnd(s, KB_TASK_IDS.operationsMonitor!)).result.status).toBe(8);
    s.state.setDirectoryPassword('DOMAIN\\qvservice', 'S3rv1ce#Acct17');
    const qv = s.state.users.get(KB_IDS.users.qvservice)!;
    s.state.allocations.user.delete(KB_IDS.allocations.qvserviceUserAccess);
    s.state.license.rules.delete(KB_RULE_IDS.serviceAccountsUserAccess!);
    qv.roles = [];
    expect((await runToEnd(s, KB_TASK_IDS.operationsMonitor!)).result.status).toBe(8);
    qv.roles = ['RootAdmin'];
    expect((await runToEnd(s, KB_TASK_IDS.operationsMonitor!)).result.status).toBe(7);
  });

  it('a login turns a granting rule into a new allocation', async () => {
    const s = site(0);
    s.state.allocations.user.delete(KB_IDS.allocations.qvserviceUserAccess);
    expect(s.state.allocationOf('user', KB_IDS.users.qvservice)).toBeUndefined();
    await runToEnd(s, KB_TASK_IDS.licenseMonitor!);
    expect(s.state.allocationOf('user', KB_IDS.users.qvservice)).toBeDefined();
  });
});

describe('simulator: license rules', () => {
  it('reads license rules by category and audits which rule grants a user', () => {
    const s = site();
    const rules = s.call('GET', '/qrs/systemrule/full', { filter: "category eq 'License'" }).json();
    expect(rules.length).toBe(4);
    const audit = s.call('POST', '/qrs/systemrule/license/audit', {}, { resourceType: 'License.UserAccessGroup', userFilter: `id eq ${KB_IDS.users.qvservice}` });
    expect(audit.status).toBe(201);
    expect(audit.json().ruleApplication.map((a: { ruleID: string }) => a.ruleID)).toEqual([KB_RULE_IDS.serviceAccountsUserAccess]);
  });

  it('PUT needs the current modifiedDate (409 stale), and a condition the editor accepts', () => {
    const s = site();
    const id = KB_RULE_IDS.serviceAccountsUserAccess!;
    const rule = s.call('GET', `/qrs/systemrule/${id}`).json();
    const next = { ...rule, rule: `(${rule.rule}) and (user.userDirectory!="DOMAIN" or user.userId!="qvservice")` };
    expect(s.call('PUT', `/qrs/systemrule/${id}`, {}, { ...next, rule: '((user.roles=))' }).status).toBe(400);
    expect(s.call('PUT', `/qrs/systemrule/${id}`, {}, next).status).toBe(200);
    expect(s.call('PUT', `/qrs/systemrule/${id}`, {}, next).status).toBe(409);
    const audit = s.call('POST', '/qrs/systemrule/license/audit', {}, { resourceType: 'License.UserAccessGroup', userFilter: `id eq ${KB_IDS.users.qvservice}` });
    expect(audit.json().ruleApplication).toEqual([]);
    // Every other user the rule matched keeps its grant.
    const other = s.state.addUser({ userDirectory: 'DOMAIN', userId: 'qvbackup', roles: [] });
    const kept = s.call('POST', '/qrs/systemrule/license/audit', {}, { resourceType: 'License.UserAccessGroup', userFilter: `id eq ${other.id}` });
    expect(kept.json().ruleApplication.length).toBe(1);
  });

  it('a login access rule is audited as License.LoginAccessType', () => {
    const s = site();
    addLicenseRule(s.state, 'login', 'Service logins', '((user.userId="qvservice"))');
    const audit = s.call('POST', '/qrs/systemrule/license/audit', {}, { resourceType: 'License.LoginAccessType', userFilter: `id eq ${KB_IDS.users.qvservice}` });
    expect(audit.json().ruleApplication.length).toBe(1);
  });
});
