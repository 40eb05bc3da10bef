/**
 * The QLIK-88038 site: the monitoring apps' REST connections run as the service account DOMAIN\qvservice
 * through the proxy, and that account's user access pass was used two hours ago (so deallocating it
 * would quarantine it). Around it, the things a fix must leave alone: other connections running as the
 * same account, a name that only differs in case, users whose ids need escaping in filters.
 *
 * Ids are stable across runs (derived from names), so tests and snapshots can name them.
 */
import { stableId } from './seed-ids.js';
import { seedReloads } from './seed-reloads.js';
import { QMC_EDITOR, type AllocationKind, type SimState, type UserEntity } from './state.js';

/** Secrets held by the seed's data connections; tests scan the CLI's output and files for them. */
export const KB_SECRETS = {
  /** The service account's Windows password, inside every monitor_apps_REST_* connection's blob. */
  monitorPassword: 'S3rv1ce#Acct17',
  /** Plain text, as ODBC connections hold it. */
  odbcPassword: 'SalesDW-r3ad0nly!',
  /** Finance REST API's blob secret. */
  restPassword: 'Fin-API-7731x',
  /** MONITOR_APPS_REST_legacy_export's blob secret. */
  legacyPassword: 'Legacy#Export2016',
} as const;

export { stableId };

export const KB_SERVICE_ACCOUNT = { directory: 'DOMAIN', userId: 'qvservice' } as const;

/** As on real sites, the connections carry the account in lower case. */
export const KB_CONNECTION_USERNAME = 'domain\\qvservice';

/** The eleven monitoring-app connections and the QRS endpoint each one calls (qrs-api.md §4.3). */
export const KB_MONITOR_CONNECTIONS = [
  { name: 'monitor_apps_REST_app', endpoint: 'app/full' },
  { name: 'monitor_apps_REST_appobject', endpoint: 'app/object/full' },
  { name: 'monitor_apps_REST_event', endpoint: 'event/full' },
  { name: 'monitor_apps_REST_license_access', endpoint: 'license/accesstypeinfo' },
  { name: 'monitor_apps_REST_license_login', endpoint: 'license/loginaccesstype/full' },
  { name: 'monitor_apps_REST_license_user', endpoint: 'license/useraccesstype/full' },
  { name: 'monitor_apps_REST_task', endpoint: 'task/full' },
  { name: 'monitor_apps_REST_user', endpoint: 'user/full' },
  { name: 'monitor_apps_REST_license_analyzer', endpoint: 'license/analyzeraccesstype/full' },
  { name: 'monitor_apps_REST_license_professional', endpoint: 'license/professionalaccesstype/full' },
  { name: 'monitor_apps_REST_license_overview', endpoint: 'license/accesstypeoverview' },
] as const satisfies ReadonlyArray<{ name: string; endpoint: string }>;

export type KbConnectionName = (typeof KB_MONITOR_CONNECTIONS)[number]['name'] | (typeof KB_OTHER_CONNECTIONS)[keyof typeof KB_OTHER_CONNECTIONS];

/** Connections a fix must never touch, although three of them run as the service account too. */
export const KB_OTHER_CONNECTIONS = {
  serverLogFolder: 'ServerLogFolder',
  archivedLogsFolder: 'ArchivedLogsFolder',
  salesDw: 'Sales DW',
  financeRest: 'Finance REST API',
  /** Matches `name sw 'monitor_apps_REST_'` (QRS compares case-insensitively) but is not a monitor connection. */
  legacyExport: 'MONITOR_APPS_REST_legacy_export',
} as const;

interface SeedUser {
  key: string;
  directory: string;
  userId: string;
  name: string;
  roles: string[];
  created: string;
  email?: string;
}

const SEED_USERS: SeedUser[] = [
  { key: 'saRepository', directory: 'INTERNAL', userId: 'sa_repository', name: 'sa_repository', roles: [], created: '2017-12-19T10:42:17.101Z' },
  { key: 'saApi', directory: 'INTERNAL', userId: 'sa_api', name: 'sa_api', roles: [], created: '2017-12-19T10:42:17.214Z' },
  { key: 'saScheduler', directory: 'INTERNAL', userId: 'sa_scheduler', name: 'sa_scheduler', roles: [], created: '2017-12-19T10:42:17.333Z' },
  { key: 'saProxy', directory: 'INTERNAL', userId: 'sa_proxy', name: 'sa_proxy', roles: [], created: '2017-12-19T10:42:17.452Z' },
  { key: 'qvservice', directory: 'DOMAIN', userId: 'qvservice', name: 'Qlik Sense Service Account', roles: ['RootAdmin'], created: '2017-12-19T10:51:03.877Z' },
  { key: 'jdoe', directory: 'DOMAIN', userId: 'jdoe', name: 'John Doe', roles: ['RootAdmin'], created: '2017-12-19T11:20:45.016Z', email: 'john.doe@domain.local' },
  { key: 'asmith', directory: 'DOMAIN', userId: 'asmith', name: 'Anna Smith', roles: [], created: '2018-01-08T08:02:11.530Z', email: 'anna.smith@domain.local' },
  { key: 'obrien', directory: 'DOMAIN', userId: "o'brien", name: "Siobhán O'Brien", roles: [], created: '2018-02-14T09:15:40.002Z', email: 'siobhan.obrien@domain.local' },
  { key: 'jurgen', directory: 'DOMAIN', userId: 'Jürgen Müller', name: 'Jürgen Müller', roles: [], created: '2018-03-01T13:44:09.781Z', email: 'juergen.mueller@domain.local' },
  { key: 'bwilson', directory: 'DOMAIN', userId: 'bwilson', name: 'Ben Wilson', roles: ['ContentAdmin'], created: '2018-03-12T07:30:00.120Z', email: 'ben.wilson@domain.local' },
  { key: 'kchen', directory: 'DOMAIN', userId: 'kchen', name: 'Kim Chen', roles: [], created: '2018-04-03T10:05:27.640Z', email: 'kim.chen@domain.local' },
  { key: 'mgarcia', directory: 'DOMAIN', userId: 'mgarcia', name: 'María García', roles: [], created: '2018-04-20T15:12:52.909Z', email: 'maria.garcia@domain.local' },
  { key: 'rpatel', directory: 'DOMAIN', userId: 'rpatel', name: 'Ravi Patel', roles: ['AuditAdmin'], created: '2018-05-02T08:58:31.455Z', email: 'ravi.patel@domain.local' },
];

interface SeedAllocation {
  key: string;
  kind: AllocationKind;
  user: string;
  /** Hours before "now" of the last use; undefined = never used. */
  lastUsedHoursAgo?: number;
  quarantined?: boolean;
}

const SEED_ALLOCATIONS: SeedAllocation[] = [
  // The KB case: a pass the service account used two hours ago; removing it would quarantine it.
  { key: 'qvserviceUserAccess', kind: 'user', user: 'qvservice', lastUsedHoursAgo: 2 },
  { key: 'jdoeUserAccess', kind: 'user', user: 'jdoe', lastUsedHoursAgo: 30 * 24 },
  { key: 'bwilsonUserAccess', kind: 'user', user: 'bwilson', lastUsedHoursAgo: 26 },
  { key: 'kchenUserAccessQuarantined', kind: 'user', user: 'kchen', lastUsedHoursAgo: 3 * 24, quarantined: true },
  { key: 'asmithProfessional', kind: 'professional', user: 'asmith', lastUsedHoursAgo: 20 },
  { key: 'jurgenProfessional', kind: 'professional', user: 'jurgen', lastUsedHoursAgo: 4 },
  { key: 'mgarciaProfessional', kind: 'professional', user: 'mgarcia', lastUsedHoursAgo: 10 * 24 },
  { key: 'obrienAnalyzer', kind: 'analyzer', user: 'obrien', lastUsedHoursAgo: 5 * 24 },
];

function idsOf<T extends { key: string }>(items: readonly T[], prefix: string): Record<string, string> {
  return Object.fromEntries(items.map((i) => [i.key, stableId(`${prefix}:${i.key}`)]));
}

const ALL_CONNECTION_NAMES: KbConnectionName[] = [...KB_MONITOR_CONNECTIONS.map((c) => c.name), ...Object.values(KB_OTHER_CONNECTIONS)];

/** Stable ids of the seed's entities: users and allocations by key (see SEED_USERS / SEED_ALLOCATIONS), connections by name. */
export const KB_IDS = {
  users: idsOf(SEED_USERS, 'user') as Record<
    'saRepository' | 'saApi' | 'saScheduler' | 'saProxy' | 'qvservice' | 'jdoe' | 'asmith' | 'obrien' | 'jurgen' | 'bwilson' | 'kchen' | 'mgarcia' | 'rpatel',
    string
  >,
  allocations: idsOf(SEED_ALLOCATIONS, 'allocation') as Record<
    | 'qvserviceUserAccess'
    | 'jdoeUserAccess'
    | 'bwilsonUserAccess'
    | 'kchenUserAccessQuarantined'
    | 'asmithProfessional'
    | 'jurgenProfessional'
    | 'mgarciaProfessional'
    | 'obrienAnalyzer',
    string
  >,
  connections: Object.fromEntries(ALL_CONNECTION_NAMES.map((n) => [n, stableId(`connection:${n}`)])) as Record<KbConnectionName, string>,
};

/** The default REST connection string the monitoring apps ship with, for one QRS endpoint. */
export function monitorConnectionString(endpoint: string): string {
  return (
    'CUSTOM CONNECT TO "provider=QvRestConnector.exe;' +
    `url=https://localhost/qrs/${endpoint};timeout=900;method=GET;autoDetectResponseType=true;keyGenerationStrategy=0;` +
    'authSchema=ntlm;skipServerCertificateValidation=true;useCertificate=No;certificateStoreLocation=LocalMachine;' +
    'certificateStoreName=My;trustedLocations=qrs-proxy%2https://localhost:4244;queryParameters=xrfkey%20000000000000000;' +
    'addMissingQueryParametersToFinalRequest=false;queryHeaders=X-Qlik-XrfKey%20000000000000000%1User-Agent%2Windows;' +
    'PaginationType=None;"'
  );
}

function restBlob(secret: string): string {
  return `%%password%2${secret}%1`;
}

function addMs(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}

export function seedKb(state: SimState): void {
  const now = state.now().getTime();
  const users: Record<string, UserEntity> = {};
  for (const u of SEED_USERS) {
    const id = stableId(`user:${u.key}`);
    users[u.key] = state.addUser({
      id,
      userDirectory: u.directory,
      userId: u.userId,
      name: u.name,
      roles: u.roles,
      userDirectoryConnectorName: u.directory,
      createdDate: u.created,
      modifiedDate: addMs(u.created, 37_000),
      modifiedByUserName: u.directory === 'INTERNAL' ? 'INTERNAL\\bootstrap' : 'INTERNAL\\sa_repository',
      attributes: u.email
        ? [
            {
              id: stableId(`attribute:${u.key}:email`),
              createdDate: u.created,
              modifiedDate: u.created,
              modifiedByUserName: 'INTERNAL\\sa_repository',
              attributeType: 'Email',
              attributeValue: u.email,
              externalId: u.email,
            },
          ]
        : [],
    });
  }

  for (const a of SEED_ALLOCATIONS) {
    const lastUsed = a.lastUsedHoursAgo === undefined ? undefined : new Date(now - a.lastUsedHoursAgo * 3_600_000);
    const allocation = state.addAllocation(a.kind, users[a.user]!, {
      id: stableId(`allocation:${a.key}`),
      lastUsed,
      quarantined: a.quarantined,
      createdDate: '2018-05-14T09:00:00.000Z',
    });
    allocation.modifiedDate = lastUsed ? lastUsed.toISOString() : allocation.createdDate;
    allocation.modifiedByUserName = a.quarantined ? 'DOMAIN\\jdoe' : 'INTERNAL\\sa_repository';
  }

  const repository = users.saRepository!;
  KB_MONITOR_CONNECTIONS.forEach((m, i) => {
    // The first eight came with the 2017 install; the last three arrived with the June 2018 monitoring apps.
    const created = i < 8 ? addMs('2017-12-19T10:55:12.000Z', i * 1_013) : addMs('2018-06-26T14:03:40.000Z', i * 977);
    state.addConnection({
      id: stableId(`connection:${m.name}`),
      name: m.name,
      connectionstring: monitorConnectionString(m.endpoint),
      type: 'QvRestConnector.exe',
      owner: repository,
      username: KB_CONNECTION_USERNAME,
      password: restBlob(KB_SECRETS.monitorPassword),
      createdDate: created,
      modifiedDate: addMs(created, 2_500),
      modifiedByUserName: QMC_EDITOR,
    });
  });

  const other = (name: string, fields: { connectionstring: string; type: string; owner: UserEntity; username?: string; password?: string; created: string }) =>
    state.addConnection({
      id: stableId(`connection:${name}`),
      name,
      connectionstring: fields.connectionstring,
      type: fields.type,
      owner: fields.owner,
      username: fields.username ?? '',
      password: fields.password ?? '',
      createdDate: fields.created,
      modifiedDate: addMs(fields.created, 60_000),
      modifiedByUserName: fields.owner.userDirectory === 'INTERNAL' ? QMC_EDITOR : `${fields.owner.userDirectory}\\${fields.owner.userId}`,
    });
  other(KB_OTHER_CONNECTIONS.serverLogFolder, {
    connectionstring: 'C:\\ProgramData\\Qlik\\Sense\\Log\\',
    type: 'folder',
    owner: repository,
    created: '2017-12-19T10:55:01.250Z',
  });
  other(KB_OTHER_CONNECTIONS.archivedLogsFolder, {
    connectionstring: '\\\\QLIKSERVER1\\QlikShare\\ArchivedLogs\\',
    type: 'folder',
    owner: repository,
    created: '2017-12-19T10:55:01.480Z',
  });
  other(KB_OTHER_CONNECTIONS.salesDw, {
    connectionstring:
      'CUSTOM CONNECT TO "provider=QvOdbcConnectorPackage.exe;driver=sqlserver;host=sqlprod01.domain.local;port=1433;' +
      'database=SalesDW;useBulkReader=true;maxStringLength=4096;logonMode=0;"',
    type: 'QvOdbcConnectorPackage.exe',
    owner: users.jdoe!,
    username: 'DOMAIN\\qvservice',
    password: KB_SECRETS.odbcPassword,
    created: '2018-02-02T16:20:00.000Z',
  });
  other(KB_OTHER_CONNECTIONS.financeRest, {
    connectionstring: monitorConnectionString('x')
      .replace('url=https://localhost/qrs/x', 'url=https://erp.domain.local/api/finance/v2/ledger')
      .replace('skipServerCertificateValidation=true', 'skipServerCertificateValidation=false')
      .replace(';trustedLocations=qrs-proxy%2https://localhost:4244', ''),
    type: 'QvRestConnector.exe',
    owner: users.jdoe!,
    username: KB_CONNECTION_USERNAME,
    password: restBlob(KB_SECRETS.restPassword),
    created: '2018-03-20T11:11:11.000Z',
  });
  other(KB_OTHER_CONNECTIONS.legacyExport, {
    connectionstring: monitorConnectionString('app/full'),
    type: 'QvRestConnector.exe',
    owner: users.bwilson!,
    username: KB_CONNECTION_USERNAME,
    password: restBlob(KB_SECRETS.legacyPassword),
    created: '2018-04-11T08:45:00.000Z',
  });

  state.setDirectoryPassword(`${KB_SERVICE_ACCOUNT.directory}\\${KB_SERVICE_ACCOUNT.userId}`, KB_SECRETS.monitorPassword);
  seedReloads(state, { repository, jdoe: users.jdoe! });
}
