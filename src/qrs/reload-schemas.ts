/**
 * zod schemas of what verify reads: reload tasks with their app and last result, execution results,
 * and the `{"value": …}` answers of the start and script-log calls (OpenAPI: ReloadTask, ExecutionResult,
 * TaskExecutionStatus; qrs-api.md §12). Ids are GUIDs; a status outside the enum is kept as a number.
 */
import { z } from 'zod';
import { guid as guidSchema } from './schemas.js';

const guid = guidSchema();

/** TaskExecutionStatus by number (OpenAPI enum), and which of them end a run. */
export const TASK_EXECUTION_STATUS = [
  'NeverStarted',
  'Triggered',
  'Started',
  'Queued',
  'AbortInitiated',
  'Aborting',
  'Aborted',
  'FinishedSuccess',
  'FinishedFail',
  'Skipped',
  'Retry',
  'Error',
  'Reset',
  'DistributionQueue',
  'DistributionRunning',
] as const;
const FINAL = new Set([6, 7, 8, 9, 11, 12]);

export function statusName(status: number): string {
  return TASK_EXECUTION_STATUS[status] ?? `status ${status}`;
}

export function isFinalStatus(status: number): boolean {
  return FINAL.has(status);
}

export const executionResultSchema = z.looseObject({
  id: guid,
  status: z.number().int(),
  startTime: z.string().nullish(),
  stopTime: z.string().nullish(),
  fileReferenceID: z.string().nullish(),
  scriptLogAvailable: z.boolean().nullish(),
  executionID: guid.nullish(),
  taskID: guid.nullish(),
  modifiedDate: z.string().nullish(),
  details: z
    .array(z.looseObject({ detailsType: z.number().nullish(), message: z.string().nullish(), detailCreatedDate: z.string().nullish() }))
    .nullish()
    .transform((d) => d ?? []),
});
export type ExecutionResult = z.infer<typeof executionResultSchema>;

export const reloadTaskSchema = z.looseObject({
  id: guid,
  name: z.string().max(1024),
  enabled: z.boolean().nullish(),
  app: z.looseObject({ id: guid, name: z.string().max(1024), published: z.boolean().nullish() }).nullish(),
  operational: z.looseObject({ lastExecutionResult: executionResultSchema.nullish() }).nullish(),
});
export type ReloadTask = z.infer<typeof reloadTaskSchema>;

/** The OpenAPI says a bare string; sites answer `{"value": "<guid>"}`. Accept both. */
export const guidValueSchema = z.union([guid, z.looseObject({ value: guid })]).transform((v) => (typeof v === 'string' ? v : v.value));

export const ZERO_GUID = '00000000-0000-0000-0000-000000000000';

export function isRealGuid(id: string | null | undefined): id is string {
  return !!id && id !== ZERO_GUID;
}
