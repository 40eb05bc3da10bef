/**
 * The audit and plan reports as an admin reads them, fixed as snapshots: a change to their wording or
 * layout shows in review (`npx vitest run -u` accepts it).
 */
import { describe, expect, it } from 'vitest';
import { buildAuditReport } from '../src/audit/findings.js';
import { renderAuditMarkdown, renderAuditText } from '../src/output/audit-report.js';
import { renderPlan, renderPlanMarkdown } from '../src/output/plan-report.js';
import { planFix } from '../src/remedy/fix-plan.js';
import type { IdentityState, Survey } from '../src/remedy/survey.js';
import type { Allocation, DataConnection, User } from '../src/qrs/schemas.js';
import { commandLine, type Word } from '../src/util/shell.js';

const NOW = new Date('2026-11-28T12:00:00Z');
const SVC = { directory: 'DOMAIN', userId: 'qvservice' };
const MON = { directory: 'DOMAIN', userId: 'qlikmonitor' };
const suggest = (words: Word[]) => commandLine([...words, '--host', 'qlik1.corp.local', '--certs', 'C:\\certs'], ['qrsfix']);

const conn = (n: number, name: string, username: string): DataConnection => ({
  id: `00000000-0000-4000-8000-00000000000${n}`,
  name,
  connectionstring: 'CUSTOM CONNECT TO "provider=QvRestConnector.exe;url=https://localhost:4242/qrs/app/full"',
  type: 'QvRestConnector.exe',
  username,
  modifiedDate: '2026-01-01T00:00:00.000Z',
});
const user = (id: string, account: typeof SVC, roles: string[]): User =>
  ({ id, userDirectory: account.directory, userId: account.userId, name: account.userId, roles, modifiedDate: '2026-01-01T00:00:00.000Z' }) as unknown as User;
const pass: Allocation = {
  id: '11111111-0000-4000-8000-000000000001',
  lastUsed: '2026-11-28T10:06:49.123Z',
  quarantined: false,
  quarantineEnd: '1753-01-01T00:00:00.000Z',
  modifiedDate: '2026-11-28T10:06:49.123Z',
} as unknown as Allocation;

function kbSurvey(): Survey {
  const states: IdentityState[] = [{ account: SVC, user: user('22222222-0000-4000-8000-000000000001', SVC, ['RootAdmin']), allocations: [{ kind: 'user', entity: pass }] }];
  return {
    about: { buildVersion: '36.25.2.0', buildDate: '2026-08-14' } as Survey['about'],
    connections: [conn(1, 'monitor_apps_REST_app', 'domain\\qvservice'), conn(2, 'monitor_apps_REST_task', 'domain\\qvservice')],
    nearMisses: [],
    lookAlikes: [],
    identities: new Map(states.map((s) => [`${s.account.directory}\\${s.account.userId}`.toLowerCase(), s])),
    license: { rules: new Map(), grants: new Map(), notes: [] },
  };
}

const report = () => buildAuditReport({ survey: kbSurvey(), host: 'qlik1.corp.local', port: 4242, match: 'monitor_apps_REST_*', serviceAccount: SVC, suggest, now: NOW });

describe('audit report', () => {
  it('as a terminal table', () => {
    expect(renderAuditText(report())).toMatchSnapshot();
  });

  it('as Markdown for a change ticket', () => {
    expect(renderAuditMarkdown(report())).toMatchSnapshot();
  });
});

describe('plan report', () => {
  const { plan } = planFix(kbSurvey(), { monitorUser: MON, removePass: true, updatePassword: false }, NOW);
  const title = 'Fix (KB option 2 and option 1): monitor connections run as DOMAIN\\qlikmonitor';

  it('as terminal text', () => {
    expect(renderPlan(title, plan)).toMatchSnapshot();
  });

  it('as Markdown', () => {
    expect(renderPlanMarkdown(title, plan)).toMatchSnapshot();
  });
});
