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

async function walk(dir: string, found: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) await walk(full, found);
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
}

export async function findLogFiles(paths: string[]): Promise<Discovery> {
  if (paths.length === 0) throw new QrsfixError('usage', 'no log file or folder given', 'qrsfix diagnose-log <file|folder>...');
  const seen = new Set<string>();
  const files: FoundFile[] = [];
  const emptyFolders: string[] = [];
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
      throw new QrsfixError(
        'input',
        code === 'ENOENT' ? `no such file or folder: ${p}` : `cannot read ${p}: ${code ?? String(err)}`,
        'give the path of a copied log folder or of the server\'s …\\Log\\Repository\\ folder',
        { cause: err },
      );
    }
    if (info.isDirectory()) {
      const found: string[] = [];
      try {
        await walk(p, found);
      } catch (err) {
        throw new QrsfixError('input', `cannot read the folder ${p}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, undefined, { cause: err });
      }
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
    throw new QrsfixError('input', `no Repository audit or license logs in ${paths.join(', ')}`, 'point qrsfix at the Log\\Repository folder or at the log files themselves');
  }
  return { files, emptyFolders };
}
