/**
 * The KB site's apps, reload tasks and license rules. The two monitoring apps are published with their
 * default tasks; around them what verify must never start: an unpublished copy named "Operations
 * Monitor", other apps' tasks, a disabled task. One license rule grants the service accounts (qv*) a user
 * access pass, so a removed pass comes back at the next login; the others cover nobody qrsfix cares
 * about, one is disabled, and a security rule is not a license rule at all.
 */
import { stableId } from './seed-ids.js';
import { ZERO_GUID, type AppEntity, type ReloadTaskEntity } from './reload-state.js';
import { LICENSE_RESOURCE_TYPES, type LicenseResourceKind, type SystemRuleEntity } from './license-state.js';
import type { AllocationKind, SimState, UserEntity } from './state.js';

const LICENSE_MONITOR_READS = ['license_access', 'license_login', 'license_user', 'license_analyzer', 'license_professional', 'license_overview', 'user'];
const OPERATIONS_MONITOR_READS = ['app', 'appobject', 'event', 'task', 'user', 'license_access'];

interface SeedApp {
  key: string;
  name: string;
  stream: string | null;
  reads: string[];
  task: string;
  enabled?: boolean;
}

const STREAMS: Record<string, string> = { monitoring: 'Monitoring apps', everyone: 'Everyone' };

const SEED_APPS: SeedApp[] = [
  { key: 'licenseMonitor', name: 'License Monitor', stream: 'monitoring', reads: LICENSE_MONITOR_READS, task: 'Reload License Monitor' },
  { key: 'operationsMonitor', name: 'Operations Monitor', stream: 'monitoring', reads: OPERATIONS_MONITOR_READS, task: 'Reload Operations Monitor' },
  // A copy someone made to edit: same name, not published; its task must never be started by verify.
  { key: 'operationsMonitorCopy', name: 'Operations Monitor', stream: null, reads: OPERATIONS_MONITOR_READS, task: 'Reload Operations Monitor(1)' },
  { key: 'logMonitor', name: 'Log Monitor', stream: 'monitoring', reads: [], task: 'Reload Log Monitor' },
  { key: 'salesDashboard', name: 'Sales Dashboard', stream: 'everyone', reads: [], task: 'Reload Sales Dashboard' },
  { key: 'financeForecast', name: 'Finance Forecast', stream: 'everyone', reads: [], task: 'Reload Finance Forecast', enabled: false },
];

export const KB_APP_IDS = Object.fromEntries(SEED_APPS.map((a) => [a.key, stableId(`app:${a.key}`)])) as Record<string, string>;
export const KB_TASK_IDS = Object.fromEntries(SEED_APPS.map((a) => [a.key, stableId(`task:${a.key}`)])) as Record<string, string>;

interface SeedRule {
  key: string;
  name: string;
  kind: LicenseResourceKind | 'security';
  group: string;
  rule: string;
  disabled?: boolean;
}

const SEED_RULES: SeedRule[] = [
  // Someone once gave the service accounts a pass on purpose: the KB case's cause, and it comes back.
  { key: 'serviceAccountsUserAccess', name: 'Service accounts get user access', kind: 'user', group: 'Service accounts', rule: '((user.userDirectory="DOMAIN" and user.userId like "qv*"))' },
  { key: 'contentAdminsProfessional', name: 'Content admins get professional access', kind: 'professional', group: 'Content creators', rule: '((user.roles="ContentAdmin"))' },
  { key: 'domainAnalyzer', name: 'Everyone in DOMAIN gets analyzer access', kind: 'analyzer', group: 'Analyzers', rule: '((user.userDirectory="DOMAIN"))', disabled: true },
  { key: 'externalLogin', name: 'External visitors use login passes', kind: 'login', group: 'Visitors', rule: '((user.userDirectory="EXTERNAL"))' },
  { key: 'streamAccess', name: 'Stream access for admins', kind: 'security', group: '', rule: '((user.roles="RootAdmin"))' },
];

export const KB_RULE_IDS = Object.fromEntries(SEED_RULES.map((r) => [r.key, stableId(`rule:${r.key}`)])) as Record<string, string>;

const CREATED = '2018-06-26T14:10:00.000Z';

function base(id: string, schemaPath: string) {
  return { id, createdDate: CREATED, modifiedDate: CREATED, modifiedByUserName: 'INTERNAL\\sa_repository', schemaPath, privileges: null };
}

export function seedReloads(state: SimState, owners: { repository: UserEntity; jdoe: UserEntity }): void {
  for (const a of SEED_APPS) {
    const id = KB_APP_IDS[a.key]!;
    const published = a.stream !== null;
    const app: AppEntity = {
      ...base(id, 'App'),
      name: a.name,
      appId: '',
      publishTime: published ? '2018-06-26T14:12:00.000Z' : '1753-01-01T00:00:00.000Z',
      published,
      stream: a.stream ? { id: stableId(`stream:${a.stream}`), name: STREAMS[a.stream]!, privileges: null } : null,
      owner: state.condensed(a.key === 'operationsMonitorCopy' ? owners.jdoe : owners.repository),
      fileSize: 4_211_812,
      lastReloadTime: '2026-11-30T03:00:12.000Z',
      description: '',
      tags: [],
      customProperties: [],
      savedInProductVersion: '14.187.4',
      scriptConnections: a.reads.map((r) => `monitor_apps_REST_${r}`),
    };
    state.reloads.apps.set(id, app);
    const task: ReloadTaskEntity = {
      ...base(KB_TASK_IDS[a.key]!, 'ReloadTask'),
      name: a.task,
      taskType: 0,
      enabled: a.enabled ?? true,
      taskSessionTimeout: 1440,
      maxRetries: 0,
      tags: [],
      customProperties: [],
      appId: id,
      isManuallyTriggered: false,
      isPartialReload: false,
      lastResultId: null,
    };
    state.reloads.tasks.set(task.id, task);
  }

  for (const r of SEED_RULES) {
    let resourceFilter = 'Stream_*';
    if (r.kind !== 'security') {
      const groupId = stableId(`group:${r.key}`);
      const entity = { ...base(groupId, r.kind === 'login' ? 'License.LoginAccessType' : `${LICENSE_RESOURCE_TYPES[r.kind]}`), name: r.group };
      if (r.kind === 'login') state.license.loginTypes.set(groupId, { ...entity, assignedTokens: 10, usedAccessTypes: 0, remainingAccessTypes: 100, assignedAccessTypes: 100 });
      else state.license.groups[r.kind as AllocationKind].set(groupId, entity);
      resourceFilter = `${LICENSE_RESOURCE_TYPES[r.kind]}_${groupId}`;
    }
    const rule: SystemRuleEntity = {
      ...base(KB_RULE_IDS[r.key]!, 'SystemRule'),
      category: r.kind === 'security' ? 'Security' : 'License',
      subcategory: '',
      type: 'Custom',
      name: r.name,
      rule: r.rule,
      resourceFilter,
      actions: r.kind === 'security' ? 2 : 1,
      comment: '',
      disabled: r.disabled ?? false,
      ruleContext: r.kind === 'security' ? 0 : 1,
      seedId: ZERO_GUID,
      version: 0,
      tags: [],
    };
    state.license.rules.set(rule.id, rule);
  }
}

/** Adds a license rule that grants `kind` to whoever `condition` matches, in a new group of its own. */
export function addLicenseRule(state: SimState, kind: LicenseResourceKind, name: string, condition: string): SystemRuleEntity {
  const groupId = state.newId();
  const stamp = state.stamp();
  const entity = { id: groupId, createdDate: stamp, modifiedDate: stamp, modifiedByUserName: 'INTERNAL\\sa_repository', schemaPath: LICENSE_RESOURCE_TYPES[kind], privileges: null, name };
  if (kind === 'login') state.license.loginTypes.set(groupId, { ...entity, assignedTokens: 10, usedAccessTypes: 0, remainingAccessTypes: 100, assignedAccessTypes: 100 });
  else state.license.groups[kind].set(groupId, entity);
  const rule: SystemRuleEntity = {
    ...entity,
    id: state.newId(),
    schemaPath: 'SystemRule',
    category: 'License',
    subcategory: '',
    type: 'Custom',
    rule: condition,
    resourceFilter: `${LICENSE_RESOURCE_TYPES[kind]}_${groupId}`,
    actions: 1,
    comment: '',
    disabled: false,
    ruleContext: 1,
    seedId: ZERO_GUID,
    version: 0,
    tags: [],
  };
  state.license.rules.set(rule.id, rule);
  return rule;
}
