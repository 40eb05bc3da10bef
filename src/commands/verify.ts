/**
 * `qrsfix verify [--apps <names>] [--wait <s>] [--no-reload]`: proves the fix on the site by reloading
 * the published monitoring apps and auditing again. Exit 0 proven, 2 not proven, 1 tool error.
 */
import { EXIT, usageError } from '../errors.js';
import type { QrsClient } from '../qrs/client.js';
import { journalDir } from './journal-dir.js';
import { reportFormat, writeReport, type Renderers } from '../output/report.js';
import { info } from '../output/stdio.js';
import { renderVerifyMarkdown, renderVerifyText } from '../output/verify-report.js';
import { DEFAULT_MONITOR_APPS, verifySite, type VerifyReport } from '../verify/verify.js';
import { journalsIn, newestChangeIn } from '../verify/newest-change.js';
import { runAudit } from './audit.js';
import { withClient, type CommonFlags } from './session.js';

export interface VerifyFlags extends CommonFlags {
  apps?: string;
  wait?: string;
  reload?: boolean;
  journal?: string;
  serviceAccount?: string;
  /** QRSFIX_JOURNAL_DIR, read through commander. */
  envQrsfixJournalDir?: string;
}

export const DEFAULT_WAIT_SECONDS = 900;

function appNames(text: string | undefined): string[] {
  if (text === undefined) return DEFAULT_MONITOR_APPS;
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!names.length) throw usageError('--apps needs at least one app name', "e.g. --apps 'License Monitor,Operations Monitor,Log Monitor'");
  if (names.some((n) => n.length > 256 || /[\u0000-\u001f]/.test(n))) throw usageError('--apps: an app name is at most 256 characters, without control characters');
  return names;
}

function waitMs(text: string | undefined): number {
  if (text === undefined) return DEFAULT_WAIT_SECONDS * 1000;
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || Number(text) > 86_400) throw usageError(`--wait must be a whole number of seconds from 1 to 86400, not "${text}"`);
  return Number(text) * 1000;
}

/** Checks the flags before anything is read; throws a usage error. */
export function checkVerifyFlags(flags: Pick<VerifyFlags, 'apps' | 'wait'>): void {
  appNames(flags.apps);
  waitMs(flags.wait);
}

export async function runVerify(client: QrsClient, flags: VerifyFlags): Promise<VerifyReport> {
  const { host, port } = client.config;
  const reload = flags.reload !== false;
  const apps = appNames(flags.apps);
  const newestChange = newestChangeIn(flags.journal ? [flags.journal] : journalsIn(journalDir(flags.envQrsfixJournalDir)), host, port);
  info(reload ? `starting the reload tasks of the published apps ${apps.join(', ')} on ${client.baseUrl} …` : `reading the last runs of ${apps.join(', ')} on ${client.baseUrl} …`);
  return verifySite(client, {
    apps,
    reload,
    waitMs: waitMs(flags.wait),
    ...(newestChange ? { newestChange } : {}),
    onProgress: info,
    audit: async () => {
      const report = await runAudit(client, flags.serviceAccount);
      return { verdict: report.verdict, summary: report.summary, findings: report.findings };
    },
  });
}

export function verifyRenderers(report: VerifyReport, client: QrsClient): Renderers {
  const site = `${client.config.host}:${client.config.port}`;
  return {
    table: () => renderVerifyText(report, site),
    markdown: () => renderVerifyMarkdown(report, site),
    json: () => ({ command: 'verify', site: { host: client.config.host, port: client.config.port }, ...report }),
  };
}

export function verifyExit(report: VerifyReport): number {
  return report.verdict === 'proven' ? EXIT.ok : EXIT.findings;
}

export async function run(flags: VerifyFlags): Promise<number> {
  reportFormat(flags);
  checkVerifyFlags(flags);
  return withClient(flags, async (client) => {
    const report = await runVerify(client, flags);
    writeReport(flags, verifyRenderers(report, client));
    return verifyExit(report);
  });
}
