/**
 * Script logs as the engine writes them (qrs-api.md §12): a BOM, CRLF line ends, a timestamp on each
 * line in one of two forms (`20210510T101402.549-0500` or `2019-10-23 10:09:05`), then a statement number
 * or blanks; a long statement wraps onto lines without a timestamp; row counts with a space as thousands
 * separator ("2 403 Lines fetched"); a failure ends in `Error: …`, `Execution Failed`, `Execution finished.`.
 */

export type TimestampForm = 'compact' | 'spaced';

export interface ConnectionRead {
  name: string;
  rows: number;
  /** The HTTP failure the REST connector met, if any. */
  error?: { status: number; reason: string; text: string };
}

export interface ScriptLogInput {
  form: TimestampForm;
  start: Date;
  taskId: string;
  sessionId: string;
  appName: string;
  reads: ConnectionRead[];
  /** A connection the script names but the site does not have. */
  missingConnection?: string;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function stamp(form: TimestampForm, t: Date): string {
  // The engine writes local time with the node's offset; the sim's node runs at UTC-05:00.
  const local = new Date(t.getTime() - 5 * 3_600_000);
  const d = `${local.getUTCFullYear()}${pad(local.getUTCMonth() + 1)}${pad(local.getUTCDate())}`;
  const h = `${pad(local.getUTCHours())}${pad(local.getUTCMinutes())}${pad(local.getUTCSeconds())}`;
  if (form === 'compact') return `${d}T${h}.${pad(local.getUTCMilliseconds(), 3)}-0500`;
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)} ${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4)}`;
}

/** "2403" → "2 403", as the engine formats row counts. */
export function spacedThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

export function scriptLogText(input: ScriptLogInput): string {
  const lines: string[] = [];
  let ms = input.start.getTime();
  let statement = 1;
  const at = () => stamp(input.form, new Date((ms += 37)));
  const msg = (text: string) => lines.push(`${at()}      ${text}`);
  const stmt = (text: string) => lines.push(`${at()} ${pad(statement++, 4)}  ${text}`);

  msg('Execution started.');
  msg('Qlik Sense Server Version 14.187.4');
  msg('CPU Target                    x64');
  msg('Operating System              Windows Server 2019 Datacenter  (64 bit edition)');
  msg('Reload Executed By            UserDirectory=INTERNAL; UserId=sa_scheduler');
  msg(`Reload Task ID                ${input.taskId}`);
  msg(`Reload ID                     ${input.sessionId}`);
  msg(`Document: ${input.appName}`);
  stmt("SET ThousandSep=' ';");
  let failed: ConnectionRead | undefined;
  if (input.missingConnection) {
    stmt(`LIB CONNECT TO '${input.missingConnection}'`);
    msg(`Error: Connection '${input.missingConnection}' not found`);
    msg('Execution Failed');
    msg('Execution finished.');
    return `\uFEFF${lines.join('\r\n')}\r\n`;
  }
  for (const read of input.reads) {
    stmt(`LIB CONNECT TO '${read.name}'`);
    msg('Connected.');
    stmt('RestConnectorMasterTable:');
    // A long statement wraps: the continuation carries no timestamp.
    lines.push(`${at()} ${pad(statement++, 4)}  SQL SELECT "id", "name", "modifiedDate", "privileges", "__KEY_root",`);
    lines.push('\t(SELECT "@Value", "__FK_privileges" FROM "privileges" FK "__FK_privileges" ArrayValueAlias "@Value")');
    lines.push('\tFROM JSON (wrap on) "root" PK "__KEY_root"');
    if (read.error) {
      msg(`HTTP protocol error ${read.error.status} (${read.error.reason}):`);
      lines.push(read.error.text);
      msg(`Error: HTTP protocol error ${read.error.status} (${read.error.reason}):`);
      lines.push(read.error.text);
      failed = read;
      break;
    }
    msg(`${spacedThousands(read.rows)} Lines fetched`);
  }
  if (failed) {
    msg('Execution Failed');
  } else {
    msg('Creating search index');
    msg('Search index creation completed successfully');
  }
  msg('Execution finished.');
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
