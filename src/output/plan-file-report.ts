/**
 * A saved plan for review: a terminal view, and Markdown that reads well pasted into a change ticket
 * (the changes as object / from / to, the site, the checks apply makes, how to roll back). The file is
 * input from disk, so every text is stripped of control characters, and of HTML in Markdown.
 */
import type { PlanFile } from '../remedy/plan-file.js';
import { describeStep } from '../remedy/steps.js';
import { renderPlan } from './plan-report.js';
import { markdownTable, textTable } from './table.js';
import { commandLine } from '../util/shell.js';
import { DEFAULTS } from '../defaults.js';
import { escapeHtml, forTerminal } from '../util/sanitize.js';

/** Control characters (C0, C1, bidi overrides) shown as escapes rather than acted on by a terminal. */
const plain = forTerminal;
const md = escapeHtml;

/** `fieldA old → new; fieldB old → new` as from and to, each field named on both sides. */
export function fromTo(change: string): { from: string; to: string } {
  const from: string[] = [];
  const to: string[] = [];
  for (const part of change.split('; ')) {
    const arrow = part.indexOf(' → ');
    if (arrow < 0) {
      from.push('—');
      to.push(part);
      continue;
    }
    const left = part.slice(0, arrow);
    const right = part.slice(arrow + 3);
    const field = /^([a-z]+) (.+)$/.exec(left);
    from.push(left);
    to.push(field ? `${field[1]} ${right}` : right);
  }
  return { from: from.join('; '), to: to.join('; ') };
}

/** Object, from, to of each step, from its one-line description (`object: change`). */
export function changeRows(plan: PlanFile): string[][] {
  return plan.plan.steps.map((step, i) => {
    const d = describeStep(step);
    const colon = d.indexOf(': ');
    const object = colon < 0 ? d : d.slice(0, colon);
    const { from, to } = fromTo(colon < 0 ? '' : d.slice(colon + 2));
    return [String(i + 1), object, from, to];
  });
}

function objectRows(plan: PlanFile): string[][] {
  return plan.objects.map((o) => ('absent' in o ? [o.label, '(none)', 'must not exist'] : [o.label, o.id, `modified ${o.modifiedDate ?? '?'}`]));
}

const ROLLBACK =
  'The apply writes a journal (`--journal <file>`, default a new `qrsfix-journal-<UTC time>.json` in the journal folder, its path printed). `qrsfix rollback <journal>` with the same connection options undoes what it records as done, newest first: connections get their previous identity back (give the previous password), a created user is deleted, a RootAdmin role it added is taken away, a removed access pass is reinstated while in quarantine (7 days after its last use) or allocated anew. Preview it with `--dry-run`.';

function site(plan: PlanFile): string {
  return `${plan.site.host}:${plan.site.port}, QRS build ${plan.site.buildVersion}`;
}

/**
 * The named site the plan was made with (`--site prod` in its command line; site names are plain words),
 * if any and if it came from the usual sites file (a --config path is not parsed back out of shell text).
 */
function siteOfPlan(plan: PlanFile): string | undefined {
  if (plan.commandLine.includes(' --config ')) return undefined;
  return / --site ([A-Za-z0-9._-]+)(?: |$)/.exec(plan.commandLine)?.[1];
}

function applyLine(plan: PlanFile, file: string): string {
  const password = plan.plan.steps.some((s) => 'setsPassword' in s && s.setsPassword === true);
  const named = siteOfPlan(plan);
  const where = named ? ['--site', named] : ['--host', plan.site.host, plan.site.port !== DEFAULTS.port && '--port', plan.site.port !== DEFAULTS.port && String(plan.site.port)];
  return commandLine(['apply', file, ...where, password && '--password-stdin']);
}

/** What the apply line leaves to the admin: the certificates, unless the site names them. */
function applyNote(plan: PlanFile): string {
  return siteOfPlan(plan) ? '   # asks to confirm, or --yes' : '   # with the same certificate options (or --site); asks to confirm, or --yes';
}

export function renderPlanFileText(plan: PlanFile, file: string): string {
  const out = [
    `Saved plan ${file}`,
    `  site:    ${site(plan)}`,
    `  made:    ${plan.createdAt} by qrsfix ${plan.tool.version}: ${plan.commandLine}`,
    `  digest:  ${plan.digest}`,
    '',
    renderPlan(plan.title, plan.plan),
    '',
    `Checked before applying (apply refuses if any changed, is gone, or exists now): ${plan.objects.length} objects touched, ${plan.reads.reduce((n, r) => n + r.entities.length, 0)} read`,
    textTable(['Object', 'Id', 'As planned'], objectRows(plan)),
    '',
    `To apply (with the connection options of the plan): ${applyLine(plan, file)}`,
    `To roll back: ${ROLLBACK.replace(/`/g, '')}`,
  ];
  return plain(out.join('\n'));
}

export function renderPlanFileMarkdown(plan: PlanFile, file: string): string {
  const out = [
    `# Change: ${md(plan.title)}`,
    '',
    markdownTable(['', ''], [
      ['Site', md(site(plan))],
      ['Plan file', `\`${md(file)}\``],
      ['Digest', `\`${plan.digest}\``],
      ['Made', `${md(plan.createdAt)} by qrsfix ${md(plan.tool.version)}: \`${md(plan.commandLine)}\``],
    ]),
    '',
    `## Changes (${plan.plan.steps.length})`,
    '',
    plan.plan.steps.length ? markdownTable(['#', 'Object', 'From', 'To'], changeRows(plan).map((r) => r.map(md))) : 'None: the site is already as wanted.',
  ];
  if (plan.plan.unchanged.length) out.push('', '## Left alone', '', ...plan.plan.unchanged.map((u) => `- ${md(u)}`));
  if (plan.plan.notes.length) out.push('', '## Please note', '', ...plan.plan.notes.map((n) => `- ${md(n)}`));
  if (plan.passwordOf) out.push('', `The password of ${md(plan.passwordOf)} is not in the plan; it is given again when applying.`);
  out.push(
    '',
    '## Checks before applying',
    '',
    'qrsfix apply re-reads the site and refuses the plan, changing nothing, if the site or its QRS build differs, or any of these objects changed since (modifiedDate), is gone, or exists now:',
    '',
    markdownTable(['Object', 'Id', 'As planned'], objectRows(plan).map((r) => r.map(md))),
    '',
    '## How to apply',
    '',
    '```sh',
    plain(applyLine(plan, file)) + applyNote(plan),
    '```',
    '',
    '## How to roll back',
    '',
    ROLLBACK,
  );
  return out.join('\n');
}
