/**
 * The simulator's apps, reload tasks and their runs (qrs-api.md §12). A run is an ExecutionSession
 * while it lasts and leaves an ExecutionResult whose status moves Triggered → Started → a final status;
 * how long that takes is `reloadMs` of real time (fast in tests), and a task in `hangTasks` never ends.
 */
import type { BaseEntity, TagCondensed, UserCondensed } from './state.js';

/** TaskExecutionStatus of the OpenAPI description. */
export const TASK_STATUS = {
  NeverStarted: 0,
  Triggered: 1,
  Started: 2,
  Queued: 3,
  AbortInitiated: 4,
  Aborting: 5,
  Aborted: 6,
  FinishedSuccess: 7,
  FinishedFail: 8,
  Skipped: 9,
  Retry: 10,
  Error: 11,
  Reset: 12,
} as const;

export const ZERO_GUID = '00000000-0000-0000-0000-000000000000';

export interface StreamCondensed {
  id: string;
  name: string;
  privileges: string[] | null;
}

export interface AppEntity extends BaseEntity {
  name: string;
  appId: string;
  publishTime: string;
  published: boolean;
  stream: StreamCondensed | null;
  owner: UserCondensed;
  fileSize: number;
  lastReloadTime: string;
  description: string;
  tags: TagCondensed[];
  customProperties: unknown[];
  savedInProductVersion: string;
  /** The monitor_apps_REST_* connections the app's load script reads through (simulator-only). */
  scriptConnections: string[];
}

export interface ExecutionResultDetail {
  id: string;
  privileges: null;
  detailsType: number;
  message: string;
  detailCreatedDate: string;
}

export interface ExecutionResultEntity extends BaseEntity {
  taskID: string;
  executionID: string;
  appID: string;
  executingNodeID: string;
  executingNodeName: string;
  status: number;
  startTime: string;
  stopTime: string;
  duration: number;
  fileReferenceID: string;
  scriptLogAvailable: boolean;
  details: ExecutionResultDetail[];
  scriptLogLocation: string;
  scriptLogSize: number;
}

export interface ReloadTaskEntity extends BaseEntity {
  name: string;
  taskType: number;
  enabled: boolean;
  taskSessionTimeout: number;
  maxRetries: number;
  tags: TagCondensed[];
  customProperties: unknown[];
  appId: string;
  isManuallyTriggered: boolean;
  isPartialReload: boolean;
  /** The ExecutionResult of the last run, if any. */
  lastResultId: string | null;
}

/** A run in progress or done: what the sim needs beyond the served entities. */
export interface ReloadRun {
  sessionId: string;
  resultId: string;
  taskId: string;
  startedAtMs: number;
  durationMs: number;
  /** Set once the run has ended (lazily, when anything about runs is served). */
  ended: boolean;
  /** The script log, CRLF, once the run has ended. */
  log: string | null;
  /** scriptlogfile / scriptlog requests still answered 404 ("not archived yet"). */
  logMisses: number;
}

export const SCHEDULER_NODE = { id: '8f1b7a4c-2f0e-4b77-9a51-3c1d0e6a9b20', name: 'Central', hostName: 'qlikserver1.domain.local' } as const;

export class ReloadStore {
  readonly apps = new Map<string, AppEntity>();
  readonly tasks = new Map<string, ReloadTaskEntity>();
  readonly results = new Map<string, ExecutionResultEntity>();
  /** By session (execution) id. */
  readonly runs = new Map<string, ReloadRun>();
  /** Download tickets → the log text; a ticket is good for one download. */
  readonly tickets = new Map<string, string>();
  /** Real milliseconds a reload lasts. */
  reloadMs = 400;
  /** Tasks whose runs never end (a hung reload). */
  readonly hangTasks = new Set<string>();
  /** How many script-log requests right after a run's end answer 404. */
  logMissesAfterEnd = 1;
  /** An older site: only the deprecated `/scriptlog?filereferenceid=` exists. */
  legacyScriptLogOnly = false;
  /** No scheduler is running: starts answer the all-zero GUID. */
  schedulerDown = false;

  /** Task ids in the order their start calls arrived (started or not), for tests. */
  readonly startCalls: string[] = [];
}
