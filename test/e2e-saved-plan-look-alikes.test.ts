/**
 * A saved plan is a file: whoever may write it can add a look-alike connection's id and recompute the
 * digest. apply asks the site, not the file, which connections are genuine, and gives a password to
 * another only when the admin applying names it with --include-connection.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HARVEST_URL, addLookAlike } from '../src/sim/index.js';
import { planDigest } from '../src/remedy/plan-file.js';
import { freshSitePerTest } from './helpers/site.js';

const PASSWORD = 'Plan-t1me pw';
const site = freshSitePerTest('e2e-plan-look-alikes');
const planPath = () => path.join(site.dir, 'chg-1042.json');
const harvestPuts = (id: string) => site.sim.requests.filter((q) => q.method === 'PUT' && q.path.toLowerCase() === `/qrs/dataconnection/${id}`);

interface RepointStep { kind: string; connectionId?: string; connectionName?: string; guard?: string }

describe('apply and look-alike connections', () => {
  it('a plan forged to repoint a look-alike (digest recomputed): refused, naming it with owner and address; nothing written', async () => {
    const harvest = addLookAlike(site.sim.state);
    const made = await site.run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--plan-out', 'chg-1042.json'], { env: { QRSFIX_PASSWORD: PASSWORD } });
    expect(made.code, made.stderr).toBe(0);
    const plan = JSON.parse(await readFile(planPath(), 'utf8'));
    const steps = plan.plan.steps as RepointStep[];
    const sample = steps.find((s) => s.kind === 'repoint-connection')!;
    steps.push({ ...sample, connectionId: harvest.id, connectionName: harvest.name });
    plan.digest = planDigest(plan);
    await writeFile(planPath(), JSON.stringify(plan));
    site.sim.resetRequests();
    const r = await site.run(['apply', 'chg-1042.json', '--yes'], { env: { QRSFIX_PASSWORD: PASSWORD } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the plan gives a password to 1 data connection that is not a genuine monitor connection; nothing was changed');
    expect(r.stderr).toContain(`monitor_apps_REST_zz_harvest/${harvest.id}: owner DOMAIN\\asmith, calls ${HARVEST_URL}`);
    expect(r.stderr).toContain('hint: only if you know it is yours, name it when applying: --include-connection monitor_apps_REST_zz_harvest');
    expect(site.writes()).toEqual([]);
  });

  it('a plan made with --include-connection: apply names it again or refuses; named, it is applied with a warning', async () => {
    const harvest = addLookAlike(site.sim.state);
    const made = await site.run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--include-connection', harvest.name, '--plan-out', 'chg-1042.json'], { env: { QRSFIX_PASSWORD: PASSWORD } });
    expect(made.code, made.stderr).toBe(0);
    site.sim.resetRequests();
    const refused = await site.run(['apply', 'chg-1042.json', '--yes'], { env: { QRSFIX_PASSWORD: PASSWORD } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--include-connection monitor_apps_REST_zz_harvest');
    expect(site.writes()).toEqual([]);
    const applied = await site.run(['apply', 'chg-1042.json', '--yes', '--include-connection', harvest.name], { env: { QRSFIX_PASSWORD: PASSWORD } });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).toContain(`warning: data connection monitor_apps_REST_zz_harvest (owner DOMAIN\\asmith, calls ${HARVEST_URL}) is not a genuine monitor connection; it gets the password because --include-connection names it`);
    expect(harvestPuts(harvest.id).map((q) => q.status)).toEqual([200]);
  });
});
