/**
 * Is a saved plan still the plan for this site? Re-reads everything it was computed from and every
 * object it touches; any difference (an object changed since — its modifiedDate —, gone, or new; another
 * site or QRS build) makes it stale, and each difference is named.
 */
import { z } from 'zod';
import type { QrsClient } from '../qrs/client.js';
import { QrsError } from '../qrs/errors.js';
import { readAbout, readConnection } from '../qrs/endpoints.js';
import { judgeConnections } from './survey.js';
import { stepNeedsPassword } from './steps.js';
import type { ConnectionVerdict } from './genuine.js';
import { mapLimit } from '../util/concurrency.js';
import { entitiesIn, type SeenEntity } from './plan-objects.js';
import type { PlanFile } from './plan-file.js';

export interface PlanDifference {
  label: string;
  id?: string;
  what: 'changed' | 'gone' | 'new' | 'site';
  detail: string;
}

/** Refuses a plan made for another host or port before anything is read. */
export function siteDifference(plan: PlanFile, host: string, port: number): PlanDifference | undefined {
  if (plan.site.host.toLowerCase() === host.toLowerCase() && plan.site.port === port) return undefined;
  return { label: 'site', what: 'site', detail: `the plan is for ${plan.site.host}:${plan.site.port}, not ${host}:${port}` };
}

async function readNow(client: QrsClient, path: string, opts: { filter?: string; query?: Record<string, string> }): Promise<unknown | null> {
  try {
    return await client.get(path, z.unknown(), { ...(opts.filter !== undefined ? { filter: { text: opts.filter } } : {}), ...(opts.query ? { query: opts.query } : {}) });
  } catch (err) {
    if (err instanceof QrsError && err.status === 404) return null;
    throw err;
  }
}

function compare(before: readonly SeenEntity[], now: readonly SeenEntity[], out: PlanDifference[]): void {
  const nowById = new Map(now.map((e) => [e.id.toLowerCase(), e]));
  const beforeIds = new Set(before.map((e) => e.id.toLowerCase()));
  for (const e of before) {
    const n = nowById.get(e.id.toLowerCase());
    if (!n) out.push({ label: e.label, id: e.id, what: 'gone', detail: 'gone since the plan was made' });
    else if (n.modifiedDate !== e.modifiedDate) out.push({ label: e.label, id: e.id, what: 'changed', detail: `changed since the plan was made (modified ${n.modifiedDate}; the plan read ${e.modifiedDate})` });
  }
  for (const n of now) if (!beforeIds.has(n.id.toLowerCase())) out.push({ label: n.label, id: n.id, what: 'new', detail: 'new since the plan was made' });
}

export async function planDifferences(client: QrsClient, plan: PlanFile): Promise<PlanDifference[]> {
  const site = siteDifference(plan, client.config.host, client.config.port);
  if (site) return [site];
  const found: PlanDifference[] = [];
  const about = await readAbout(client);
  if (about.buildVersion !== plan.site.buildVersion) {
    found.push({ label: 'site', what: 'site', detail: `QRS build ${about.buildVersion}, the plan was made on ${plan.site.buildVersion} (upgraded since?)` });
  }
  const covered = new Set(plan.reads.flatMap((r) => r.entities.map((e) => e.id.toLowerCase())));
  // /qrs/about was just read: its build is what counts, and it has no entities.
  await mapLimit(plan.reads.filter((r) => r.path !== '/qrs/about'), 4, async (r) => {
    const now = await readNow(client, r.path, r);
    compare(r.entities, now === null ? [] : entitiesIn(now, r.path), found);
  });
  await mapLimit(plan.objects, 4, async (o) => {
    if ('absent' in o) {
      const now = await readNow(client, o.absent.path, { filter: o.absent.filter });
      for (const e of now === null ? [] : entitiesIn(now, o.absent.path)) found.push({ label: o.label, id: e.id, what: 'new', detail: 'exists now; the plan was made when it did not' });
    } else if (!covered.has(o.id.toLowerCase())) {
      const now = await readNow(client, o.path, {});
      const seen = o.modifiedDate ? [{ id: o.id, modifiedDate: o.modifiedDate, label: o.label }] : [];
      compare(seen, now === null ? [] : entitiesIn(now, o.path).map((e) => ({ ...e, label: o.label })), found);
    }
  });
  // One line per object, however many reads saw it.
  const unique = new Map<string, PlanDifference>();
  for (const d of found) unique.set(`${d.what} ${d.id ?? d.detail}`.toLowerCase(), d);
  return [...unique.values()].sort((a, b) => a.label.localeCompare(b.label));
}

export function differenceLine(d: PlanDifference): string {
  return d.what === 'site' ? d.detail : `${d.label}${d.id ? ` (${d.id})` : ''}: ${d.detail}`;
}

/**
 * The connections a plan's steps give a password to that are not genuine monitor connections now. A
 * plan file is a file: anyone who may write it can add a look-alike's id and recompute the digest, so
 * the site, not the file, says which connections are Qlik's.
 */
export async function foreignConnections(client: QrsClient, plan: PlanFile): Promise<Array<ConnectionVerdict & { name: string; id: string }>> {
  const ids = [...new Set(plan.plan.steps.flatMap((s) => (stepNeedsPassword(s) && 'connectionId' in s ? [s.connectionId] : [])))];
  const connections = (await mapLimit(ids, 4, (id) => readConnection(client, id).catch((err: unknown) => {
    if (err instanceof QrsError && err.status === 404) return null; // gone: planDifferences names it
    throw err;
  }))).filter((c) => c !== null);
  const verdicts = await judgeConnections(client, connections);
  return connections.flatMap((c) => {
    const v = verdicts.get(c.id)!;
    return v.genuine ? [] : [{ ...v, name: c.name, id: c.id }];
  });
}
