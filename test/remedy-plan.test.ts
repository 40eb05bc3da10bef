/** The planners are pure: from a survey to a plan, tested without a server. */
import { describe, expect, it } from 'vitest';
import { planFix } from '../src/remedy/fix-plan.js';
import { planRepoint } from '../src/remedy/plan.js';
import type { Survey, IdentityState } from '../src/remedy/survey.js';
import type { DataConnection, User, Allocation } from '../src/qrs/schemas.js';

const NOW = new Date('2026-11-28T12:00:00Z');
const conn = (name: string, username: string): DataConnection => ({ id: `id-${name}`, name, connectionstring: 'CUSTOM CONNECT TO "provider=QvRestConnector.exe;…"', username, modifiedDate: '2026-01-01T00:00:00.000Z' });
const user = (directory: string, userId: string, roles: string[]): User =>
  ({ id: `u-${userId}`, userDirectory: directory, userId, name: userId, roles, modifiedDate: '2026-01-01T00:00:00.000Z' }) as unknown as User;
const pass = (id: string, lastUsed: string, quarantined = false): Allocation =>
  ({ id, lastUsed, quarantined, quarantineEnd: quarantined ? '2026-12-01T00:00:00.000Z' : '1753-01-01T00:00:00.000Z', modifiedDate: lastUsed }) as unknown as Allocation;

function survey(connections: DataConnection[], states: IdentityState[]): Survey {
  return {
    about: { buildVersion: '36.25.2.0' } as Survey['about'],
    connections,
    nearMisses: [],
    lookAlikes: [],
    identities: new Map(states.map((s) => [`${s.account.directory}\\${s.account.userId}`.toLowerCase(), s])),
    license: { rules: new Map(), grants: new Map(), notes: [] },
  };
}

const SVC = { directory: 'DOMAIN', userId: 'qvservice' };
const MON = { directory: 'DOMAIN', userId: 'qlikmonitor' };
const kb = () =>
  survey(
    [conn('monitor_apps_REST_app', 'domain\\qvservice'), conn('monitor_apps_REST_task', 'domain\\qvservice')],
    [{ account: SVC, user: user('DOMAIN', 'qvservice', ['RootAdmin']), allocations: [{ kind: 'user', entity: pass('p1', '2026-11-28T10:00:00.000Z') }] }],
  );

describe('planFix', () => {
  it('connections run as two identities: refused, the hint names each as a flag to paste', () => {
    const two = survey([conn('monitor_apps_REST_app', 'domain\\qvservice'), conn('monitor_apps_REST_task', 'DOMAIN\\other svc')], []);
    expect(() => planFix(two, { removePass: false, updatePassword: false }, NOW)).toThrow(/run as 2 identities/);
    try {
      planFix(two, { removePass: false, updatePassword: false }, NOW);
    } catch (err) {
      expect((err as { hint?: string }).hint).toBe(`name the one to fix: --service-account 'domain\\qvservice' or --service-account 'DOMAIN\\other svc'`);
    }
    expect.assertions(2);
  });

  it('option 1: one removal, with the quarantine date it will have', () => {
    const { plan, serviceAccount } = planFix(kb(), { removePass: false, updatePassword: false }, NOW);
    expect(serviceAccount).toEqual({ directory: 'domain', userId: 'qvservice' });
    expect(plan.steps).toEqual([{ kind: 'remove-allocation', allocationKind: 'user', allocationId: 'p1', account: 'DOMAIN\\qvservice', userGuid: 'u-qvservice', lastUsed: '2026-11-28T10:00:00.000Z' }]);
    expect(plan.notes.join('\n')).toContain('quarantine until about 2026-12-05T10:00:00Z');
  });

  it('option 2: create the user, repoint every connection, leave the pass unless --remove-pass', () => {
    const { plan } = planFix(kb(), { monitorUser: MON, removePass: false, updatePassword: false }, NOW);
    expect(plan.steps.map((s) => s.kind)).toEqual(['create-user', 'repoint-connection', 'repoint-connection']);
    expect(plan.notes.join('\n')).toContain('keeps its access allocation');
    const both = planFix(kb(), { monitorUser: MON, removePass: true, updatePassword: false }, NOW);
    expect(both.plan.steps.map((s) => s.kind)).toContain('remove-allocation');
  });

  it('plans nothing on a fixed site', () => {
    const fixed = survey(
      [conn('monitor_apps_REST_app', 'DOMAIN\\qlikmonitor')],
      [{ account: MON, user: user('DOMAIN', 'qlikmonitor', ['RootAdmin']), allocations: [] }],
    );
    expect(planFix(fixed, { monitorUser: MON, removePass: false, updatePassword: false }, NOW).plan.steps).toEqual([]);
  });

  it('refuses to guess among several identities, and rejects contradictory choices', () => {
    const mixed = survey([conn('monitor_apps_REST_app', 'DOMAIN\\a'), conn('monitor_apps_REST_task', 'DOMAIN\\b')], []);
    expect(() => planFix(mixed, { removePass: false, updatePassword: false })).toThrow(/2 identities: DOMAIN\\a, DOMAIN\\b/);
    expect(() => planFix(kb(), { removePass: true, updatePassword: false })).toThrow(/--remove-pass goes with --monitor-user/);
    expect(() => planFix(kb(), { serviceAccount: SVC, monitorUser: SVC, removePass: false, updatePassword: false })).toThrow(/is the service account/);
  });
});

describe('planRepoint', () => {
  it('leaves a connection already running as the user alone, in any case, unless the password is rotated', () => {
    const cs = [conn('monitor_apps_REST_app', 'domain\\QLIKMONITOR'), conn('monitor_apps_REST_task', 'domain\\qvservice')];
    expect(planRepoint(cs, MON, false).steps.map((s) => s.kind === 'repoint-connection' && s.connectionName)).toEqual(['monitor_apps_REST_task']);
    expect(planRepoint(cs, MON, true).steps).toHaveLength(2);
  });
});
