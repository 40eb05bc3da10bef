/**
 * The update every step makes: GET, change, PUT with the modifiedDate just read; on 409 (someone edited
 * it meanwhile) or a lost answer, start over from a fresh GET so their edit survives and ours lands once.
 */
import { QrsError } from '../qrs/errors.js';

export function isStatus(err: unknown, status: number): boolean {
  return err instanceof QrsError && err.status === status;
}

export function isUncertain(err: unknown): boolean {
  return err instanceof QrsError && err.uncertain && err.kind !== 'interrupted';
}

/** GET, change, PUT with the read modifiedDate; on 409 start over from a fresh GET. `modifiedDate`: what the write left. */
export async function updateEntity<T extends { modifiedDate: string }>(
  read: () => Promise<T>,
  change: (entity: T) => T | 'unchanged',
  write: (entity: T) => Promise<{ modifiedDate: string }>,
  maxConflictRetries: number,
): Promise<{ changed: boolean; conflicts: number; modifiedDate?: string }> {
  for (let conflicts = 0; ; conflicts++) {
    const fresh = await read();
    const next = change(fresh);
    if (next === 'unchanged') return { changed: false, conflicts };
    try {
      const written = await write(next);
      return { changed: true, conflicts, modifiedDate: written.modifiedDate };
    } catch (err) {
      if (isStatus(err, 409) && conflicts < maxConflictRetries) continue;
      // A PUT whose answer was lost: the next loop's GET shows whether it landed.
      if (isUncertain(err) && conflicts < maxConflictRetries) continue;
      throw err;
    }
  }
}
