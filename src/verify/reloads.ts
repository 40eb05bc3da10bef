/**
 * Starts the monitor apps' reload tasks together and follows each run to a final TaskExecutionStatus
 * (qrs-api.md §12). A run is followed through its execution results (one per retry: the newest counts);
 * past the wait it is left running, not aborted. Progress is handed to a callback, one call per status
 * change, so this module never prints.
 */
import type { QrsClient } from '../qrs/client.js';
import { executionSessionExists, readExecutionResults, startTaskSynchronous } from '../qrs/endpoints.js';
import { isFinalStatus, statusName, type ExecutionResult, type ReloadTask } from '../qrs/reload-schemas.js';
import { mapLimit } from '../util/concurrency.js';

export type RunState = 'not-started' | 'running' | 'timed-out' | 'ended' | 'lost';

export interface TaskRun {
  task: ReloadTask;
  state: RunState;
  executionId?: string;
  /** The newest result of the run, once there is one. */
  result?: ExecutionResult;
  /** Why it did not start, or why it is not followed to the end. */
  note?: string;
}

export interface FollowOptions {
  /** Give up waiting after this many milliseconds (the runs go on). */
  waitMs: number;
  onProgress?: (run: TaskRun, line: string) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** First poll after this long; later polls back off to maxPollMs. */
  pollMs?: number;
  maxPollMs?: number;
}

const sleeper = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function newest(results: ExecutionResult[]): ExecutionResult | undefined {
  return [...results].sort((a, b) => Date.parse(b.startTime ?? '') - Date.parse(a.startTime ?? '') || Date.parse(b.modifiedDate ?? '') - Date.parse(a.modifiedDate ?? ''))[0];
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Starts every task at once; a task QRS does not start (all-zero GUID) is reported, not retried. */
export async function startRuns(client: QrsClient, tasks: ReloadTask[]): Promise<TaskRun[]> {
  return mapLimit(tasks, 8, async (task): Promise<TaskRun> => {
    const executionId = await startTaskSynchronous(client, task.id);
    if (!executionId) {
      const why = task.enabled === false ? 'the task is disabled' : 'the scheduler did not start it (is a scheduler service running?)';
      return { task, state: 'not-started', note: `did not start: ${why}` };
    }
    return { task, state: 'running', executionId };
  });
}

/** Follows the running ones until each has a final status or the wait is over. */
export async function followRuns(client: QrsClient, runs: TaskRun[], opts: FollowOptions): Promise<void> {
  const sleep = opts.sleep ?? sleeper;
  const now = opts.now ?? Date.now;
  const started = now();
  const deadline = started + opts.waitMs;
  const lastStatus = new Map<TaskRun, number>();
  const emptyPolls = new Map<TaskRun, number>();
  let pause = opts.pollMs ?? 250;
  for (;;) {
    const running = runs.filter((r) => r.state === 'running');
    if (running.length === 0) return;
    await mapLimit(running, 8, async (run) => {
      const result = newest(await readExecutionResults(client, run.executionId!));
      if (!result) {
        // No result yet; should the session be gone too, the run ended without leaving one.
        const polls = (emptyPolls.get(run) ?? 0) + 1;
        emptyPolls.set(run, polls);
        if (polls >= 3 && !(await executionSessionExists(client, run.executionId!))) {
          run.state = 'lost';
          run.note = 'the run ended without an execution result';
        }
        return;
      }
      run.result = result;
      if (lastStatus.get(run) !== result.status) {
        lastStatus.set(run, result.status);
        opts.onProgress?.(run, `${run.task.name}: ${statusName(result.status)} (${seconds(now() - started)})`);
      }
      if (isFinalStatus(result.status)) run.state = 'ended';
    });
    if (runs.every((r) => r.state !== 'running')) return;
    const left = deadline - now();
    if (left <= 0) {
      for (const r of runs) {
        if (r.state !== 'running') continue;
        r.state = 'timed-out';
        r.note = `still ${r.result ? statusName(r.result.status) : 'starting'} after ${seconds(opts.waitMs)}; left running (not aborted)`;
      }
      return;
    }
    await sleep(Math.min(pause, left));
    pause = Math.min(opts.maxPollMs ?? 2_000, pause * 2);
  }
}
