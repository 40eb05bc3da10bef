/**
 * `verify` as a computation over the site: find the published monitor apps' reload tasks, run them (or,
 * with reload off, take each one's last run), read each run's script log, audit again, and decide.
 * Proven means every reload ended FinishedSuccess, its log has no error line, and the audit is clean:
 * FinishedSuccess alone proves little, since a reload can succeed while its account is being denied.
 */
import type { QrsClient } from '../qrs/client.js';
import { findPublishedAppTasks } from '../qrs/endpoints.js';
import { isRealGuid, statusName, type ExecutionResult, type ReloadTask } from '../qrs/reload-schemas.js';
import { mapLimit } from '../util/concurrency.js';
import { fetchScriptLog, type FetchLogOptions } from './fetch-log.js';
import { followRuns, startRuns, type TaskRun } from './reloads.js';
import { readScriptLog } from './script-log.js';

export const DEFAULT_MONITOR_APPS = ['License Monitor', 'Operations Monitor'];

export type TaskOutcome = 'ended' | 'not-started' | 'timed-out' | 'lost' | 'never-ran';

export interface TaskVerdict {
  taskId: string;
  task: string;
  appId: string | null;
  app: string | null;
  outcome: TaskOutcome;
  /** The TaskExecutionStatus name (FinishedSuccess, …), null when there is no result. */
  status: string | null;
  startTime: string | null;
  stopTime: string | null;
  rowsFetched: number | null;
  errorLines: string[];
  scriptLog: 'read' | 'unavailable' | 'none';
  /** What keeps this task from proving the fix, if anything. */
  problem: string | null;
}

export interface AuditOutcome {
  verdict: 'ok' | 'findings';
  summary: string;
  findings: Array<{ account: string; code: string; message: string; fixes: string[] }>;
}

export interface VerifyInput {
  apps: string[];
  reload: boolean;
  waitMs: number;
  /** The newest change qrsfix made on this site (from a journal), to judge a last run by. */
  newestChange?: { at: string; journal: string };
  audit: () => Promise<AuditOutcome>;
  onProgress?: (line: string) => void;
  logOptions?: FetchLogOptions;
  pollMs?: number;
}

export interface VerifyReport {
  reloaded: boolean;
  apps: string[];
  missingApps: string[];
  tasks: TaskVerdict[];
  newestChange: { at: string; journal: string } | null;
  audit: AuditOutcome;
  problems: string[];
  verdict: 'proven' | 'not-proven';
}

function sameName(a: string, b: string): boolean {
  return a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;
}

/** Only tasks of published apps named as asked: the server's filter is checked, not trusted. */
export async function findMonitorTasks(client: QrsClient, apps: string[]): Promise<{ tasks: ReloadTask[]; missingApps: string[] }> {
  const found = (await findPublishedAppTasks(client, apps)).filter((t) => t.app?.published === true && apps.some((a) => sameName(a, t.app!.name)));
  found.sort((a, b) => (a.app?.name ?? '').localeCompare(b.app?.name ?? '') || a.name.localeCompare(b.name));
  const missingApps = apps.filter((a) => !found.some((t) => sameName(a, t.app!.name)));
  return { tasks: found, missingApps };
}

function outcomeOf(run: TaskRun): TaskOutcome {
  return run.state === 'running' ? 'timed-out' : run.state;
}

function problemOf(v: Omit<TaskVerdict, 'problem'>, note: string | undefined): string | null {
  if (v.outcome === 'not-started') return note ?? 'did not start';
  if (v.outcome === 'timed-out') return note ?? 'still running';
  if (v.outcome === 'lost') return note ?? 'no result';
  if (v.outcome === 'never-ran') return 'has never run';
  if (v.status !== 'FinishedSuccess') return `ended ${v.status}`;
  if (v.errorLines.length) return `ended FinishedSuccess, but its script log has ${v.errorLines.length} error line${v.errorLines.length === 1 ? '' : 's'}`;
  return null;
}

async function judge(client: QrsClient, task: ReloadTask, outcome: TaskOutcome, result: ExecutionResult | undefined, note: string | undefined, input: VerifyInput): Promise<TaskVerdict> {
  const base = {
    taskId: task.id,
    task: task.name,
    appId: task.app?.id ?? null,
    app: task.app?.name ?? null,
    outcome,
    status: result ? statusName(result.status) : null,
    startTime: result?.startTime ?? null,
    stopTime: result?.stopTime ?? null,
    rowsFetched: null as number | null,
    errorLines: [] as string[],
    scriptLog: 'none' as TaskVerdict['scriptLog'],
  };
  if (result && outcome === 'ended') {
    const log = await fetchScriptLog(client, task.id, result, input.logOptions);
    if (log.text !== null) {
      const summary = readScriptLog(log.text);
      base.rowsFetched = summary.rowsFetched;
      base.errorLines = summary.moreErrors ? [...summary.errorLines, `… and ${summary.moreErrors} more`] : summary.errorLines;
      base.scriptLog = 'read';
    } else {
      base.scriptLog = 'unavailable';
    }
  }
  let problem = problemOf(base, note);
  if (!problem && input.newestChange && !input.reload && base.startTime && Date.parse(base.startTime) < Date.parse(input.newestChange.at)) {
    problem = `its last run (${base.startTime}) is older than the newest change qrsfix made (${input.newestChange.at}): it proves nothing about the fix`;
  }
  return { ...base, problem };
}

export async function verifySite(client: QrsClient, input: VerifyInput): Promise<VerifyReport> {
  const { tasks, missingApps } = await findMonitorTasks(client, input.apps);
  let verdicts: TaskVerdict[];
  if (input.reload) {
    const runs = await startRuns(client, tasks);
    for (const r of runs) if (r.state === 'not-started') input.onProgress?.(`${r.task.name}: ${r.note}`);
    await followRuns(client, runs, { waitMs: input.waitMs, pollMs: input.pollMs, onProgress: (_r, line) => input.onProgress?.(line) });
    verdicts = await mapLimit(runs, 4, (r) => judge(client, r.task, outcomeOf(r), r.result, r.note, input));
  } else {
    verdicts = await mapLimit(tasks, 4, (t) => {
      const last = t.operational?.lastExecutionResult ?? undefined;
      const ran = last && isRealGuid(last.id) && last.status !== 0;
      return judge(client, t, ran ? 'ended' : 'never-ran', ran ? last : undefined, undefined, input);
    });
  }
  const audit = await input.audit();
  const problems = [
    ...missingApps.map((a) => `no reload task of a published app named "${a}" was found`),
    ...verdicts.filter((v) => v.problem).map((v) => `${v.task}: ${v.problem}`),
    ...(audit.verdict === 'ok' ? [] : [`the audit has ${audit.findings.length} finding${audit.findings.length === 1 ? '' : 's'}`]),
  ];
  if (tasks.length === 0 && missingApps.length === 0) problems.push('no app was named');
  return {
    reloaded: input.reload,
    apps: input.apps,
    missingApps,
    tasks: verdicts,
    newestChange: input.newestChange ?? null,
    audit,
    problems,
    verdict: problems.length === 0 ? 'proven' : 'not-proven',
  };
}
