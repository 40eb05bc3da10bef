/**
 * `qrsfix apply <plan>`: the saved plan's steps exactly, no re-planning, through the same confirm,
 * journal, progress and summary as every change. Refused, changing nothing, when the plan was edited
 * (digest) or the site is no longer as the plan saw it: each object that differs is named.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { QrsfixError } from '../errors.js';
import { readPlanFile, type PlanFile } from '../remedy/plan-file.js';
import { differenceLine, foreignConnections, planDifferences } from '../remedy/plan-check.js';
import { info, warn } from '../output/stdio.js';
import type { QrsClient } from '../qrs/client.js';
import { shellQuote } from '../util/shell.js';
import { runChange, type ChangeFlags } from './change.js';
import { closingAudit, planRulesOfNewUser } from './fix.js';
import { parseAccount } from '../account.js';
import { applyCommandLine } from './plan-out.js';
import { withClient } from './session.js';
import { connectionArgs, suggester } from './suggest.js';

/**
 * A password step to a connection that is not genuine now is refused unless named again here, by the
 * admin who applies: the plan file alone cannot decide it.
 */
async function checkConnectionsGenuine(client: QrsClient, saved: PlanFile, include: readonly string[]): Promise<void> {
  const foreign = await foreignConnections(client, saved);
  const refused = foreign.filter((f) => !include.includes(f.name));
  for (const f of foreign) if (!refused.includes(f)) warn(`data connection ${f.name} (owner ${f.owner}, calls ${f.address}) is not a genuine monitor connection; it gets the password because --include-connection names it`);
  if (!refused.length) return;
  throw new QrsfixError(
    'refused',
    [
      `the plan gives a password to ${refused.length === 1 ? '1 data connection that is not a genuine monitor connection' : `${refused.length} data connections that are not genuine monitor connections`}; nothing was changed`,
      ...refused.map((f) => `  - ${f.name}/${f.id}: owner ${f.owner}, calls ${f.address} (${f.reasons.join('; ')})`),
    ].join('\n'),
    `only if you know ${refused.length === 1 ? 'it is' : 'they are'} yours, name ${refused.length === 1 ? 'it' : 'each'} when applying: ${refused.map((f) => `--include-connection ${shellQuote(f.name)}`).join(' ')}`,
  );
}

/** A name beside the stale plan for the new one (a hint must paste: `<new file>` would be a shell redirect). */
function freshPlanName(file: string): string {
  const ext = path.extname(file);
  const base = file.slice(0, file.length - ext.length).replace(/-replan(-\d+)?$/, '');
  for (let n = 1; ; n++) {
    const name = `${base}-replan${n === 1 ? '' : `-${n}`}${ext || '.json'}`;
    if (!existsSync(name)) return name;
  }
}

export async function run(file: string, flags: ChangeFlags & { includeConnection?: string[] }): Promise<number> {
  const saved = readPlanFile(file);
  return withClient(flags, async (client) => {
    const ensureCurrent = async () => {
      info(`checking ${client.baseUrl} against the plan ${file} (${saved.digest}) …`);
      const differences = await planDifferences(client, saved);
      if (differences.length) {
        throw new QrsfixError(
          'refused',
          [`the plan ${file} is stale: the site is not as the plan saw it (${differences.length} difference${differences.length === 1 ? '' : 's'}); nothing was changed`, ...differences.map((d) => `  - ${differenceLine(d)}`)].join('\n'),
          `make a new plan and have it approved: ${saved.commandLine} --plan-out ${shellQuote(freshPlanName(file))}`,
        );
      }
      info(`the site is as the plan saw it (${saved.objects.length} objects checked)`);
      await checkConnectionsGenuine(client, saved, flags.includeConnection ?? []);
    };
    await ensureCurrent();
    info(`the plan's ${saved.plan.steps.length} steps, exactly as saved (nothing is re-planned):`);
    // The approved plan says the license rules of the user it creates are audited once it exists: so they are.
    const created = saved.plan.steps.find((s) => s.kind === 'create-user');
    const checkRules = created && saved.plan.notes.some((n) => n.startsWith('the license rules are audited for')) ? parseAccount(created.account) : undefined;
    return await runChange(client, flags, {
      command: saved.command,
      suggest: suggester(client.config),
      // A partial apply is completed by the command that made the plan: it re-reads the site.
      rerun: saved.commandLine,
      applyCommand: applyCommandLine(file, connectionArgs(client.config)),
      title: `${saved.title} — saved plan ${file} of ${saved.createdAt}`,
      plan: { ...saved.plan, notes: [...saved.plan.notes, `applied from the saved plan ${file} (${saved.digest})`] },
      about: { buildVersion: saved.site.buildVersion },
      ...(saved.passwordOf ? { passwordOf: saved.passwordOf } : {}),
      ...(saved.command === 'fix' ? { verify: closingAudit(client, saved.serviceAccount) } : {}),
      ...(checkRules ? { followUp: () => planRulesOfNewUser(client, checkRules) } : {}),
      nextSteps: saved.nextSteps,
      // Again once confirmed and under the site lock: a prompt can wait long, and another admin may apply meanwhile.
      beforeWrites: ensureCurrent,
    });
  });
}
