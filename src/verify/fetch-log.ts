/**
 * Fetches the script log of one execution result: a ticket from `scriptlogfile` (the QMC's way), else
 * from the deprecated `scriptlog` with the result's fileReferenceID (older sites), then the download.
 * Right after a run ends both can answer 404 for a moment ("not archived yet", as Butler found), so a
 * 404 is retried a few times with a growing pause before the log is called unavailable.
 */
import type { QrsClient } from '../qrs/client.js';
import { downloadScriptLog, requestLegacyScriptLogTicket, requestScriptLogTicket } from '../qrs/endpoints.js';
import { isRealGuid, type ExecutionResult } from '../qrs/reload-schemas.js';

export interface FetchLogOptions {
  tries?: number;
  pauseMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export type FetchedLog = { text: string; via: 'scriptlogfile' | 'scriptlog' } | { text: null; reason: string };

export async function fetchScriptLog(client: QrsClient, taskId: string, result: ExecutionResult, opts: FetchLogOptions = {}): Promise<FetchedLog> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const tries = opts.tries ?? 5;
  let pause = opts.pauseMs ?? 300;
  for (let attempt = 1; attempt <= tries; attempt++) {
    const ticket = await requestScriptLogTicket(client, taskId, result.id);
    if (ticket) return { text: await downloadScriptLog(client, ticket), via: 'scriptlogfile' };
    if (isRealGuid(result.fileReferenceID)) {
      const legacy = await requestLegacyScriptLogTicket(client, taskId, result.fileReferenceID);
      if (legacy) return { text: await downloadScriptLog(client, legacy), via: 'scriptlog' };
    }
    if (attempt < tries) {
      await sleep(pause);
      pause *= 2;
    }
  }
  return { text: null, reason: `QRS had no script log for result ${result.id} after ${tries} tries (not archived, or removed)` };
}
