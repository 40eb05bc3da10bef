/** `qrsfix show-plan <plan> [--format table|markdown|json] [--out <file>]`: a saved plan for review; reads no site. */
import { readPlanFile } from '../remedy/plan-file.js';
import { renderPlanFileMarkdown, renderPlanFileText } from '../output/plan-file-report.js';
import { reportFormat, writeReport, type OutputFlags } from '../output/report.js';

export async function run(file: string, flags: OutputFlags): Promise<number> {
  reportFormat(flags);
  const plan = readPlanFile(file);
  writeReport(flags, { table: () => renderPlanFileText(plan, file), markdown: () => renderPlanFileMarkdown(plan, file), json: () => plan });
  return 0;
}
