/**
 * `--plan-out <file>` of the change commands: the plan as computed, with what it was computed from,
 * written for a change ticket; nothing on the site is changed. A password given now (to check it) is
 * not kept: `qrsfix apply` asks for it again.
 */
import { z } from 'zod';
import { MAX_READ_RECORDS, type QrsClient } from '../qrs/client.js';
import { EXIT, QrsfixError } from '../errors.js';
import { PLAN_COMMANDS, PLAN_FORMAT, PLAN_VERSION, plannedObjects, sealPlan, writePlanFile, type PlannedObject } from '../remedy/plan-file.js';
import { entitiesIn, savedReads } from '../remedy/plan-objects.js';
import { connectionPassword } from '../remedy/credential.js';
import { stepNeedsPassword } from '../remedy/steps.js';
import { mapLimit } from '../util/concurrency.js';
import { commandLine } from '../util/shell.js';
import type { ReportWriter } from '../output/report.js';
import { mdCode } from '../output/table.js';
import { obtainPassword } from './interaction.js';
import { lines, planJsonOf, type ChangeFlags, type ChangeRequest } from './change.js';
import { VERSION } from '../version.js';
import { connectionArgs } from './suggest.js';

type PlanCommand = (typeof PLAN_COMMANDS)[number];

/** A touched object no survey read (a kind added later, say) gets its modifiedDate read now. */
async function withDates(client: QrsClient, objects: PlannedObject[]): Promise<PlannedObject[]> {
  return mapLimit(objects, 4, async (o) => {
    if (!('id' in o) || o.modifiedDate) return o;
    const [now] = entitiesIn(await client.get(o.path, z.unknown()), o.path);
    if (!now) throw new QrsfixError('response', `QRS answered ${o.path} without a modifiedDate`, 'a saved plan needs the modifiedDate of every object it touches');
    return { ...o, modifiedDate: now.modifiedDate };
  });
}

export function applyCommandLine(file: string, connection: string[]): string {
  return commandLine(['apply', file, ...connection]);
}

export async function savePlan(client: QrsClient, flags: ChangeFlags, req: ChangeRequest, report: ReportWriter): Promise<number> {
  const file = flags.planOut!;
  if (!(PLAN_COMMANDS as readonly string[]).includes(req.command)) throw new QrsfixError('usage', `${req.command} does not write saved plans`);
  // Everything read so far is what the plan was computed from.
  if (client.reads.length >= MAX_READ_RECORDS) throw new QrsfixError('refused', `the plan was computed from more than ${MAX_READ_RECORDS} reads, too many to record and check`, 'apply the change directly (without --plan-out)');
  const reads = savedReads(client.reads);
  const objects = await withDates(client, plannedObjects(req.plan.steps, reads));
  const needsPassword = req.plan.steps.some(stepNeedsPassword);
  let passwordChecked = false;
  if (needsPassword && (flags.passwordStdin || flags.envQrsfixPassword)) {
    connectionPassword({ type: 'QvRestConnector.exe' }, await obtainPassword(flags, req.passwordOf ?? 'the account'));
    passwordChecked = true;
  }
  const site = { host: client.config.host, port: client.config.port, buildVersion: req.about.buildVersion };
  const plan = sealPlan({
    format: PLAN_FORMAT,
    version: PLAN_VERSION,
    tool: { name: 'qrsfix', version: VERSION },
    createdAt: new Date().toISOString(),
    command: req.command as PlanCommand,
    commandLine: req.rerun,
    title: req.title,
    site,
    ...(req.passwordOf ? { passwordOf: req.passwordOf } : {}),
    ...(req.serviceAccount ? { serviceAccount: req.serviceAccount } : {}),
    objects,
    reads,
    plan: req.plan,
    nextSteps: req.nextSteps ?? [],
  });
  writePlanFile(file, plan);
  const apply = applyCommandLine(file, connectionArgs(client.config)) + (needsPassword && flags.passwordStdin ? ' --password-stdin' : '');
  const show = commandLine(['show-plan', file, '--format', 'markdown']);
  const text = [
    `Plan written to ${file} (${plan.digest}); nothing was changed.`,
    ...(needsPassword
      ? [`The password of ${req.passwordOf ?? 'the account'} is not in the plan${passwordChecked ? ' (it was checked, not stored)' : ''}: give it again when applying (--password-stdin, QRSFIX_PASSWORD, or the prompt).`]
      : []),
    `apply refuses the plan, changing nothing, if any of its ${objects.length} objects or what it was computed from has changed by then.`,
  ];
  report.part(
    lines(
      [...text, `  For the change ticket: ${show}`, `  In the window:         ${apply}`],
      [...text, 'For the change ticket:', mdCode(show), 'In the window:', mdCode(apply)],
    ),
  );
  report.end(() => ({ command: req.command, site, outcome: 'planned', planFile: file, digest: plan.digest, objects: objects.length, plan: planJsonOf(req.plan), apply }));
  return EXIT.ok;
}
