/**
 * A saved plan (`--plan-out`): the exact change, written for a change ticket and applied later by
 * `qrsfix apply`. Versioned JSON checked by a zod schema, mode 0600, created exclusively, with a digest
 * (sha256 over its canonical content) so a plan edited after it was written is refused. It holds no
 * secret: a password is given again at apply time.
 *
 * Steps are kept generic (any member of the Step union): a step kind is valid when touchedObjects
 * knows it, so a new kind needs no change here.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { z } from 'zod';
import { QrsfixError } from '../errors.js';
import { scrub } from '../secrets.js';
import { touchedObjects, type SavedRead, type TouchedObject } from './plan-objects.js';
import type { Plan, Step } from './steps.js';
import { readBoundedFile, readErrorText } from '../util/read-bounded.js';

export const PLAN_FORMAT = 'qrsfix-plan';
export const PLAN_VERSION = 1;
export const PLAN_COMMANDS = ['fix', 'remove-pass', 'create-user', 'repoint-connections'] as const;
const MAX_PLAN_BYTES = 16 * 1024 * 1024;

const line = z.string().max(4000);
/** A QRS path the check re-reads: no empty, `.` or `..` segment (a forged plan must not point the reads elsewhere). */
const qrsPath = z.string().regex(/^\/qrs(\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)+$/, 'not a QRS path').max(300);
const stamp = z.string().max(64);
const entity = z.strictObject({ id: z.string().max(100), modifiedDate: stamp, label: line });
/** Flat data only: a step is names, ids, flags and lists of names. */
const stepValue = z.union([z.string().max(4000), z.number(), z.boolean(), z.null(), z.array(z.string().max(4000)).max(1000)]);
const stepSchema = z.record(z.string().max(64), stepValue).refine((s) => typeof s.kind === 'string', { error: 'a step without a kind' });

const objectSchema = z.union([
  z.strictObject({ type: z.string().max(100), id: z.string().max(100), label: line, path: qrsPath, modifiedDate: stamp }),
  z.strictObject({ type: z.string().max(100), label: line, absent: z.strictObject({ path: qrsPath, filter: z.string().max(10_000) }) }),
]);

const planFileSchema = z.strictObject({
  format: z.literal(PLAN_FORMAT),
  version: z.number().int().min(1),
  tool: z.strictObject({ name: z.literal('qrsfix'), version: z.string().max(64) }),
  createdAt: stamp,
  command: z.enum(PLAN_COMMANDS),
  /** The command that made the plan, to make a new one when it is stale. */
  commandLine: line,
  title: line,
  site: z.strictObject({ host: z.string().max(300), port: z.number().int(), buildVersion: z.string().max(100) }),
  passwordOf: line.optional(),
  serviceAccount: line.optional(),
  objects: z.array(objectSchema).max(100_000),
  reads: z
    .array(z.strictObject({ path: qrsPath, filter: z.string().max(10_000).optional(), query: z.record(z.string().max(100), z.string().max(1000)).optional(), entities: z.array(entity).max(100_000) }))
    .max(1000),
  plan: z.strictObject({ steps: z.array(stepSchema).max(100_000), unchanged: z.array(line).max(100_000), notes: z.array(line).max(10_000), held: z.array(line).max(10_000).optional() }),
  nextSteps: z.array(line).max(100),
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
});

export type PlannedObject = TouchedObject & { modifiedDate?: string };
export type PlanFile = Omit<z.infer<typeof planFileSchema>, 'plan' | 'objects'> & { plan: Plan; objects: PlannedObject[] };
export type PlanFileContent = Omit<PlanFile, 'digest'>;

/** JSON with object keys sorted at every level: the same content always gives the same digest. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function planDigest(content: PlanFileContent | Record<string, unknown>): string {
  const { digest: _ignored, ...rest } = content as Record<string, unknown>;
  return `sha256:${createHash('sha256').update(canonicalJson(rest)).digest('hex')}`;
}

/** The objects the steps touch, each with the modifiedDate the plan's reads saw (first occurrence kept). */
export function plannedObjects(steps: readonly Step[], reads: readonly SavedRead[]): PlannedObject[] {
  const seen = new Map<string, string>();
  for (const r of reads) for (const e of r.entities) seen.set(e.id.toLowerCase(), e.modifiedDate);
  const out = new Map<string, PlannedObject>();
  for (const step of steps) {
    for (const o of touchedObjects(step)) {
      const key = 'id' in o ? o.id.toLowerCase() : `${o.absent.path} ${o.absent.filter}`;
      if (out.has(key)) continue;
      const modifiedDate = 'id' in o ? seen.get(o.id.toLowerCase()) : undefined;
      out.set(key, modifiedDate ? { ...o, modifiedDate } : o);
    }
  }
  return [...out.values()];
}

export function sealPlan(content: PlanFileContent): PlanFile {
  return { ...content, digest: planDigest(content) };
}

/** Created exclusively with mode 0600: an approved plan is never overwritten by the next one. */
export function writePlanFile(file: string, plan: PlanFile): void {
  const text = scrub(JSON.stringify(plan, null, 2)) + '\n';
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new QrsfixError('refused', `${file} exists already; a saved plan is never overwritten`, 'give --plan-out a new file name');
    throw new QrsfixError('input', `cannot create the plan file ${file}: ${code ?? String(err)}`, 'give --plan-out a file in a writable folder');
  }
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function refused(file: string, why: string, hint = 'make a new plan with --plan-out; a saved plan is never edited'): QrsfixError {
  return new QrsfixError('refused', `${file}: ${why}`, hint);
}

export function readPlanFile(file: string): PlanFile {
  let text: string;
  try {
    text = readBoundedFile(file, MAX_PLAN_BYTES).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EFBIG') throw refused(file, 'larger than 16 MiB: not a qrsfix plan');
    throw new QrsfixError('input', `cannot read the plan ${file}: ${readErrorText(err, MAX_PLAN_BYTES)}`, 'give the file --plan-out wrote');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw refused(file, 'not a complete JSON document (truncated, or not a plan)');
  }
  if (!json || typeof json !== 'object' || (json as { format?: unknown }).format !== PLAN_FORMAT) throw refused(file, 'not a qrsfix plan', 'give the file --plan-out wrote');
  const version = (json as { version?: unknown }).version;
  if (typeof version === 'number' && version > PLAN_VERSION) throw refused(file, `written by a newer qrsfix (plan version ${version})`, 'use that qrsfix version to show or apply it');
  const parsed = planFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw refused(file, `a damaged plan (${issue?.path.join('.') || 'top level'}: ${issue?.message})`);
  }
  if (planDigest(parsed.data) !== parsed.data.digest) throw refused(file, 'its digest does not match its content: the plan was changed after it was written');
  const plan = parsed.data as unknown as PlanFile;
  // Every step must be one this qrsfix knows and can say what it touches.
  for (const step of plan.plan.steps) touchedObjects(step);
  return plan;
}
