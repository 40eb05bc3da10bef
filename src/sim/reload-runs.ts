/**
 * Starting a reload task and letting its run play out. A run's status is worked out lazily from the real
 * time since its start whenever anything about runs is served; at its end the app's script "reads" its
 * monitor_apps_REST_* connections, each logging in as the connection's account (license-grant.ts), and
 * the result and script log follow from what those logins met.
 */
import { SESSIONS_PER_PASS, loginAs, type LoginOutcome } from './license-grant.js';
import { scriptLogText, type ConnectionRead } from './script-log-text.js';
import { SCHEDULER_NODE, TASK_STATUS, ZERO_GUID, type ExecutionResultEntity, type ReloadRun, type ReloadTaskEntity } from './reload-state.js';
import type { SimState } from './state.js';

const NO_DATE = '1753-01-01T00:00:00.000Z';

function bagPassword(value: string): string {
  const m = /^%%(?:.*?%1)?password%2(.*?)%1/i.exec(value);
  return m ? m[1]! : value;
}

function rowsOf(name: string, i: number): number {
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return (h % 4_800) + 17 + i;
}

const REASONS: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden' };

/** POST /qrs/task/{id}/start/synchronous: the new run's session id, or the all-zero GUID when it does not start. */
export function startTask(state: SimState, task: ReloadTaskEntity): string {
  const store = state.reloads;
  store.startCalls.push(task.id);
  advanceRuns(state);
  if (!task.enabled || store.schedulerDown) return ZERO_GUID;
  // A task already running is not started twice (the scheduler answers with the running session).
  for (const run of store.runs.values()) if (run.taskId === task.id && !run.ended) return run.sessionId;
  const sessionId = state.newId();
  const resultId = state.newId();
  const stamp = state.stamp();
  const result: ExecutionResultEntity = {
    id: resultId,
    createdDate: stamp,
    modifiedDate: stamp,
    modifiedByUserName: 'INTERNAL\\sa_scheduler',
    schemaPath: 'ExecutionResult',
    privileges: null,
    taskID: task.id,
    executionID: sessionId,
    appID: task.appId,
    executingNodeID: SCHEDULER_NODE.id,
    executingNodeName: SCHEDULER_NODE.name,
    status: TASK_STATUS.Triggered,
    startTime: stamp,
    stopTime: NO_DATE,
    duration: 0,
    fileReferenceID: ZERO_GUID,
    scriptLogAvailable: false,
    details: [{ id: state.newId(), privileges: null, detailsType: 2, message: 'Changing task state from NeverStarted to Triggered', detailCreatedDate: stamp }],
    scriptLogLocation: '',
    scriptLogSize: 0,
  };
  store.results.set(resultId, result);
  task.lastResultId = resultId;
  const run: ReloadRun = { sessionId, resultId, taskId: task.id, startedAtMs: Date.now(), durationMs: store.reloadMs, ended: false, log: null, logMisses: store.logMissesAfterEnd };
  store.runs.set(sessionId, run);
  return sessionId;
}

function setStatus(state: SimState, result: ExecutionResultEntity, status: number, name: string): void {
  const from = Object.entries(TASK_STATUS).find(([, v]) => v === result.status)?.[0] ?? 'Triggered';
  result.status = status;
  result.modifiedDate = state.stamp();
  result.details.push({ id: state.newId(), privileges: null, detailsType: 2, message: `Changing task state from ${from} to ${name}`, detailCreatedDate: result.modifiedDate });
}

/** Moves every run on to where the clock says it is; ends those whose time is up. */
export function advanceRuns(state: SimState): void {
  const store = state.reloads;
  const now = Date.now();
  for (const run of store.runs.values()) {
    if (run.ended) continue;
    const result = store.results.get(run.resultId);
    if (!result) continue;
    const elapsed = now - run.startedAtMs;
    // One step per look: a client that follows the run sees Started before the end, however fast the clock.
    if (result.status === TASK_STATUS.Triggered) {
      if (elapsed >= run.durationMs * 0.15) setStatus(state, result, TASK_STATUS.Started, 'Started');
      continue;
    }
    if (elapsed >= run.durationMs && !store.hangTasks.has(run.taskId)) endRun(state, run, result);
  }
}

function endRun(state: SimState, run: ReloadRun, result: ExecutionResultEntity): void {
  const store = state.reloads;
  const task = store.tasks.get(run.taskId);
  const app = task ? store.apps.get(task.appId) : undefined;
  const reads: ConnectionRead[] = [];
  let missing: string | undefined;
  const logins = new Map<string, LoginOutcome>();
  const sessions = new Map<string, number>();
  (app?.scriptConnections ?? []).forEach((name, i) => {
    if (missing || reads.some((r) => r.error)) return;
    const c = state.findConnection(name);
    if (!c) {
      missing = name;
      return;
    }
    const account = c.username.trim().toLowerCase();
    let login = logins.get(account);
    if (!login) {
      login = account.includes('\\') ? loginAs(state, account, bagPassword(c.password)) : { refused: { status: 401, text: 'The remote server returned an error: (401) Unauthorized.' } };
      logins.set(account, login);
    }
    const open = (sessions.get(account) ?? 0) + 1;
    sessions.set(account, open);
    let error: ConnectionRead['error'];
    if (login.refused) error = { status: login.refused.status, reason: REASONS[login.refused.status]!, text: login.refused.text };
    else if (login.holds && open > SESSIONS_PER_PASS) {
      error = { status: 403, reason: 'Forbidden', text: 'You cannot access Qlik Sense because you have no access pass.' };
    }
    reads.push({ name, rows: rowsOf(name, i), ...(error ? { error } : {}) });
  });
  if (!app?.scriptConnections.length) reads.push({ name: 'Sales DW', rows: 2_403 });
  const failed = !!missing || reads.some((r) => r.error);
  const stop = state.stamp();
  run.log = scriptLogText({
    form: app?.name === 'Operations Monitor' ? 'spaced' : 'compact',
    start: new Date(result.startTime),
    taskId: run.taskId,
    sessionId: run.sessionId,
    appName: app?.name ?? 'app',
    reads,
    ...(missing ? { missingConnection: missing } : {}),
  });
  run.ended = true;
  setStatus(state, result, failed ? TASK_STATUS.FinishedFail : TASK_STATUS.FinishedSuccess, failed ? 'FinishedFail' : 'FinishedSuccess');
  if (failed) result.details.push({ id: state.newId(), privileges: null, detailsType: 0, message: 'Task finished with error', detailCreatedDate: stop });
  result.stopTime = stop;
  result.duration = Date.parse(stop) - Date.parse(result.startTime);
  result.fileReferenceID = state.newId();
  result.scriptLogAvailable = true;
  result.scriptLogSize = Buffer.byteLength(run.log);
  result.scriptLogLocation = `${SCHEDULER_NODE.hostName}\\Script\\${task?.appId ?? ''}.${stop.replace(/[-:.]/g, '')}.${run.sessionId.slice(0, 8)}.log`;
  if (app && !failed) app.lastReloadTime = stop;
}

/** The run of an execution result, for the script-log endpoints. */
export function runOfResult(state: SimState, resultId: string): ReloadRun | undefined {
  const id = resultId.toLowerCase();
  for (const run of state.reloads.runs.values()) if (run.resultId === id) return run;
  return undefined;
}

export function runOfFileReference(state: SimState, fileReferenceId: string): ReloadRun | undefined {
  const id = fileReferenceId.toLowerCase();
  for (const r of state.reloads.results.values()) if (r.fileReferenceID.toLowerCase() === id && id !== ZERO_GUID) return runOfResult(state, r.id);
  return undefined;
}
