/**
 * A new password goes into the form the connection keeps its password in (src/qrs/credential-bag.ts),
 * other items of a REST connection's bag unchanged, so the connector reads it as before.
 */
import { usageError } from '../errors.js';
import { BAG_START, ITEM_END, KEY_VALUE, isRestConnection, parseBag } from '../qrs/credential-bag.js';

/** A password the REST connector's credential bag cannot hold is refused before any write, not half-way. */
export function checkConnectionPassword(password: string): void {
  if (password.includes(ITEM_END) || password.includes(KEY_VALUE)) {
    throw usageError(
      'the password contains "%1" or "%2", which the REST connector\'s credential format uses as separators',
      'set this password in the QMC (Data connections → Edit), or choose a password without those sequences',
    );
  }
}

export function connectionPassword(connection: { type?: string | null; password?: string | null }, password: string): string {
  const current = connection.password ?? '';
  const bag = parseBag(current) ?? (isRestConnection(connection.type) ? [] : undefined);
  if (!bag) return password;
  checkConnectionPassword(password);
  const i = bag.findIndex(([k]) => k.toLowerCase() === 'password');
  const next: Array<[string, string]> = i >= 0 ? bag.map(([k, v], j) => [k, j === i ? password : v]) : [['password', password], ...bag];
  return BAG_START + next.map(([k, v]) => `${k}${KEY_VALUE}${v}${ITEM_END}`).join('');
}
