/**
 * What qrsfix accepts from a server, whatever it sends: an answer of at most 64 MiB (QRS's biggest
 * filtered lists are a fraction of that; a 200 MB answer took 1.7 GB of memory), JSON nested at most
 * 64 levels deep (QRS entities are about five; a deeper answer would overflow the stack when written
 * back or traced), and one overall deadline per command, so that an answer that never ends cannot run
 * the per-request timeout three times over.
 */
import { QrsError } from './errors.js';
import type { RequestContext } from './error-mapping.js';

export const MAX_BODY_BYTES = 64 * 1024 * 1024;
export const MAX_JSON_DEPTH = 64;

/** axios reports a body over maxContentLength with this message. */
export function isBodyTooLarge(err: unknown): boolean {
  return /maxContentLength size of \d+ exceeded/.test((err as { message?: string }).message ?? '');
}

export function bodyTooLarge(ctx: RequestContext): QrsError {
  return new QrsError(
    'response',
    `QRS answered ${ctx.method} ${ctx.path} with more than ${MAX_BODY_BYTES / 1024 / 1024} MiB: answer too large, not read further`,
    'QRS sends far less for this request: check that --host and --port reach QRS (4242) itself, not something in front of it',
    { method: ctx.method, path: ctx.path, uncertain: ctx.sent },
  );
}

export function deadlinePassed(ctx: RequestContext, deadlineMs: number, during: boolean): QrsError {
  return new QrsError(
    'timeout',
    `${during ? `no complete answer to ${ctx.method} ${ctx.path}` : `no time left for ${ctx.method} ${ctx.path}`} within the overall deadline of ${Math.round(deadlineMs / 1000)} s (--deadline)`,
    'the server answers too slowly, or its answer never ends; check the Repository service, or raise --deadline (and --timeout)',
    { method: ctx.method, path: ctx.path, uncertain: during && ctx.sent },
  );
}

/** True when the parsed value nests deeper than `max` (checked without recursion). */
export function nestedDeeperThan(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
