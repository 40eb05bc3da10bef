/**
 * Apps, reload tasks, execution results and execution sessions as QRS serves them: read-only here (the
 * QMC edits them; qrsfix only reads and starts). A task carries its app condensed and its
 * `operational.lastExecutionResult`; a session exists only while its run lasts, then 404.
 */
import { APP_SHAPE, EXECUTION_RESULT_SHAPE, EXECUTION_SESSION_SHAPE, RELOAD_TASK_SHAPE } from './schema.js';
import type { BaseEntity, SimState } from './state.js';
import { pick, refreshUser, type EntityType, type Row } from './entity-kit.js';
import { advanceRuns } from './reload-runs.js';
import { SCHEDULER_NODE, type AppEntity, type ExecutionResultEntity, type ReloadTaskEntity } from './reload-state.js';

const NO_DATE = '1753-01-01T00:00:00.000Z';

function appCondensed(app: AppEntity | undefined): Row | null {
  if (!app) return null;
  return pick(app as unknown as Row, ['id', 'privileges', 'name', 'appId', 'publishTime', 'published', 'stream', 'savedInProductVersion']);
}

const RESULT_CONDENSED_KEYS = ['id', 'privileges', 'executingNodeName', 'status', 'startTime', 'stopTime', 'duration', 'fileReferenceID', 'scriptLogAvailable', 'details', 'scriptLogLocation', 'scriptLogSize'];

function resultCondensed(r: ExecutionResultEntity | undefined): Row {
  if (r) return pick({ ...r, details: r.details.map((d) => ({ ...d })) } as unknown as Row, RESULT_CONDENSED_KEYS);
  // A task that never ran: QRS shows a result of status NeverStarted with "no dates".
  return { id: '00000000-0000-0000-0000-000000000000', privileges: null, executingNodeName: '', status: 0, startTime: NO_DATE, stopTime: NO_DATE, duration: 0, fileReferenceID: '00000000-0000-0000-0000-000000000000', scriptLogAvailable: false, details: [], scriptLogLocation: '', scriptLogSize: 0 };
}

const advance = (s: SimState) => advanceRuns(s);

export const appType: EntityType<AppEntity> = {
  shape: APP_SHAPE,
  store: (s) => s.reloads.apps,
  full: (s, a) => {
    const { scriptConnections: _hidden, ...served } = a;
    return { ...served, owner: refreshUser(s, a.owner) };
  },
  condensed: (full) => pick(full, ['id', 'privileges', 'name', 'appId', 'publishTime', 'published', 'stream', 'savedInProductVersion']),
};

export const reloadTaskType: EntityType<ReloadTaskEntity> = {
  shape: RELOAD_TASK_SHAPE,
  store: (s) => s.reloads.tasks,
  beforeRequest: advance,
  full: (s, t) => {
    const { appId, lastResultId, ...rest } = t;
    const last = lastResultId ? s.reloads.results.get(lastResultId) : undefined;
    return {
      ...rest,
      app: appCondensed(s.reloads.apps.get(appId)),
      operational: { id: t.id.replace(/^.{8}/, 'a0a0a0a0'), privileges: null, lastExecutionResult: resultCondensed(last), nextExecution: NO_DATE },
    };
  },
  condensed: (full) => pick(full, ['id', 'privileges', 'name', 'taskType', 'enabled', 'taskSessionTimeout', 'maxRetries', 'isManuallyTriggered', 'isPartialReload']),
};

export const executionResultType: EntityType<ExecutionResultEntity> = {
  shape: EXECUTION_RESULT_SHAPE,
  store: (s) => s.reloads.results,
  beforeRequest: advance,
  full: (_s, r) => ({ ...r, details: r.details.map((d) => ({ ...d })) }),
  condensed: (full) => pick(full, ['id', 'privileges', 'taskID', 'executionID', 'appID', 'status', 'startTime', 'stopTime']),
};

/** Sessions are views of the runs still going, built when served. */
function sessions(s: SimState): Map<string, BaseEntity> {
  const out = new Map<string, BaseEntity>();
  for (const run of s.reloads.runs.values()) {
    if (run.ended) continue;
    const task = s.reloads.tasks.get(run.taskId);
    const result = s.reloads.results.get(run.resultId);
    out.set(run.sessionId, {
      id: run.sessionId,
      createdDate: result?.startTime ?? NO_DATE,
      modifiedDate: result?.modifiedDate ?? NO_DATE,
      modifiedByUserName: 'INTERNAL\\sa_scheduler',
      schemaPath: 'ExecutionSession',
      privileges: null,
      executingNode: { id: SCHEDULER_NODE.id, name: SCHEDULER_NODE.name, hostName: SCHEDULER_NODE.hostName, privileges: null },
      executionResult: resultCondensed(result),
      abortAt: NO_DATE,
      retries: 0,
      abortReason: 0,
      app: appCondensed(task ? s.reloads.apps.get(task.appId) : undefined),
      user: 'INTERNAL\\sa_scheduler',
      reloadTask: task ? { id: task.id, name: task.name, taskType: task.taskType, enabled: task.enabled, privileges: null } : null,
      userSyncTask: null,
      externalProgramTask: null,
    });
  }
  return out;
}

export const executionSessionType: EntityType<BaseEntity> = {
  shape: EXECUTION_SESSION_SHAPE,
  store: sessions,
  beforeRequest: advance,
  full: (_s, e) => ({ ...e }),
  condensed: (full) => pick(full, ['id', 'privileges', 'user', 'retries']),
};

export const RELOAD_ENTITY_TYPES: Array<[string, EntityType<BaseEntity>]> = [
  ['app', appType as unknown as EntityType<BaseEntity>],
  ['reloadtask', reloadTaskType as unknown as EntityType<BaseEntity>],
  ['executionresult', executionResultType as unknown as EntityType<BaseEntity>],
  ['executionsession', executionSessionType],
];
