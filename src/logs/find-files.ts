/**
 * Finds the Repository logs under the paths the admin gave: a copied log folder, the server's
 * `…\Log\Repository\` tree (Audit\, Trace\, ArchivedLogs\…), or single files.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { QrsfixError } from '../errors.js';

export interface FoundFile {
  path: string;
  /** Named on the command line: a file that is not a Qlik log is then an error, not skipped. */
  explicit: boolean;
}

/** Live `.txt` and archived `.log` copies; Windows names are case-insensitive. */
const LOG_NAME = /(AuditSecurity_Repository|License_Repository).*\.(txt|log)$/i;

export function isRepositoryLogName(name: string): boolean {
  return LOG_NAME.test(name);
}

/** A file or folder that could not be read: warned about, left out, and listed in the report. */
export interface Skipped {
  path: string;
  reason: string;
}

function unreadable(p: string, err: unknown): Skipped {
  const code = (err as NodeJS.ErrnoException).code;
  return { path: p, reason: code === 'EACCES' || code === 'EPERM' ? 'permission denied' : `cannot read it (${code ?? String(err)})` };
}

async function walk(dir: string, found: string[], skipped: Skipped[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    skipped.push(unreadable(dir, err));
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) await walk(full, found, skipped);
    // Symlinked folders are not followed (a link back up the tree would never end); linked files are.
    else if ((e.isFile() || e.isSymbolicLink()) && isRepositoryLogName(e.name)) {
      if (e.isSymbolicLink() && !(await stat(full).then((s) => s.isFile(), () => false))) continue;
      found.push(full);
    }
  }
}

export interface Discovery {
  files: FoundFile[];
  /** Folders among several paths that held no Repository logs: worth a warning, not a failure. */
  emptyFolders: string[];
  skipped: Skipped[];
}

export async function findLogFiles(paths: string[]): Promise<Discovery> {
  if (paths.length === 0) throw new QrsfixError('usage', 'no log file or folder given', 'qrsfix diagnose-log <file|folder>...');
  const seen = new Set<string>();
  const files: FoundFile[] = [];
  const emptyFolders: string[] = [];
  const skipped: Skipped[] = [];
  const add = (p: string, explicit: boolean) => {
    const key = path.resolve(p);
    if (seen.has(key)) return;
    seen.add(key);
    files.push({ path: p, explicit });
  };
  for (const p of paths) {
    let info;
    try {
      info = await stat(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') {
        skipped.push(unreadable(p, err));
        continue;
      }
      throw new QrsfixError(
        'input',
        code === 'ENOENT' ? `no such file or folder: ${p}` : `cannot read ${p}: ${code ?? String(err)}`,
        'give the path of a copied log folder or of the server\'s …\\Log\\Repository\\ folder',
        { cause: err },
      );
    }
    if (!info.isDirectory() && !info.isFile()) {
      // Reading a FIFO waits for a writer forever; a device may never end.
      throw new QrsfixError('input', `${p} is not a regular file or a folder (a pipe, socket or device): not read`, 'give log files or the folders holding them');
    }
    if (info.isDirectory()) {
      const found: string[] = [];
      const before = skipped.length;
      await walk(p, found, skipped);
      // An unreadable folder is reported as skipped, not as empty.
      if (found.length === 0 && skipped.length > before) continue;
      if (found.length === 0 && paths.length > 1) {
        emptyFolders.push(p);
        continue;
      }
      if (found.length === 0) {
        throw new QrsfixError(
          'input',
          `no Repository audit or license logs in ${p}`,
          'qrsfix reads *AuditSecurity_Repository*.txt/.log and *License_Repository*.txt/.log, found in subfolders too; on the server they are under C:\\ProgramData\\Qlik\\Sense\\Log\\Repository\\',
        );
      }
      for (const f of found) add(f, false);
    } else {
      add(p, true);
    }
  }
  if (files.length === 0) {
    const why = skipped.length ? ` (${skipped.length} could not be read: ${skipped.map((s) => `${s.path}: ${s.reason}`).join('; ')})` : '';
    throw new QrsfixError('input', `no Repository audit or license logs in ${paths.join(', ')}${why}`, 'point qrsfix at the Log\\Repository folder or at the log files themselves');
  }
  return { files, emptyFolders, skipped };
}
