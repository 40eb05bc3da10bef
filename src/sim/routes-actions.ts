/**
 * The QRS calls that are not an entity's generic routes: starting a task, the two script-log ticket
 * calls and the download they lead to (qrs-api.md §12), and the license audit (§13), which reads only.
 */
import { HttpError, getById } from './entity-kit.js';
import { json, methodNotAllowed, param, parseJsonBody, text, type ParsedQuery, type SimRequest, type SimResponse } from './http-kit.js';
import { licenseAudit } from './license-entities.js';
import { runOfFileReference, runOfResult, startTask } from './reload-runs.js';
import type { ReloadRun } from './reload-state.js';
import type { SimState } from './state.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Requests that use POST but change nothing; tests and load counters do not count them as writes. */
export function isReadOnlyPost(method: string, pathname: string): boolean {
  return method.toUpperCase() === 'POST' && /^\/qrs\/systemrule\/license\/audit\/?$/i.test(pathname);
}

function needGuid(q: ParsedQuery, name: string): string {
  const v = param(q, name);
  if (v === undefined) throw new HttpError(400, `Missing parameter value(s): ${name}`);
  if (!GUID.test(v)) throw new HttpError(400, `Bad request: '${v}' is not a valid ${name}.`);
  return v.toLowerCase();
}

/** A ticket for the run's log; 404 while the run is going or its log not archived yet. */
function logTicket(state: SimState, taskId: string, run: ReloadRun | undefined): SimResponse {
  if (!run || run.taskId !== taskId.toLowerCase()) return text(404, 'Not Found: no script log for that execution of this task');
  if (!run.ended || run.log === null) return text(404, 'Not Found: the script log is not available');
  if (run.logMisses > 0) {
    run.logMisses--;
    return text(404, 'Not Found: the script log is not available');
  }
  const ticket = state.newId();
  state.reloads.tickets.set(ticket, run.log);
  return json(200, { value: ticket });
}

export function routeAction(state: SimState, req: SimRequest, q: ParsedQuery, rest: string): SimResponse | undefined {
  const { method } = req;
  let m = /^task\/([^/]+)\/start(\/synchronous)?$/.exec(rest);
  if (m) {
    if (method !== 'POST') return methodNotAllowed(method);
    const task = GUID.test(m[1]!) ? getById(state.reloads.tasks, m[1]!) : undefined;
    if (!task) return text(404, `Not Found: no task with id ${m[1]}`);
    const session = startTask(state, task);
    return m[2] ? json(201, { value: session }) : { status: 204, headers: {}, body: '' };
  }
  m = /^reloadtask\/([^/]+)\/(scriptlogfile|scriptlog)$/.exec(rest);
  if (m) {
    if (method !== 'GET') return methodNotAllowed(method);
    if (!GUID.test(m[1]!) || !getById(state.reloads.tasks, m[1]!)) return text(404, `Not Found: no reload task with id ${m[1]}`);
    if (m[2] === 'scriptlogfile') {
      if (state.reloads.legacyScriptLogOnly) return text(404, 'Not Found');
      return logTicket(state, m[1]!, runOfResult(state, needGuid(q, 'executionresultid')));
    }
    return logTicket(state, m[1]!, runOfFileReference(state, needGuid(q, 'filereferenceid')));
  }
  m = /^download\/reloadtask\/([^/]+)\/([^/]+)$/.exec(rest);
  if (m) {
    if (method !== 'GET') return methodNotAllowed(method);
    const log = state.reloads.tickets.get(m[1]!);
    if (log === undefined) return text(404, 'Not Found: the download ticket is unknown or used');
    state.reloads.tickets.delete(m[1]!);
    return { status: 200, headers: { 'Content-Type': 'application/octet-stream', 'Content-Disposition': `attachment; filename="${m[2]}"` }, body: log };
  }
  if (rest === 'systemrule/license/audit') {
    if (method !== 'POST') return methodNotAllowed(method);
    return json(201, licenseAudit(state, parseJsonBody(req.body)));
  }
  return undefined;
}
