/**
 * The form a data connection keeps its password in. REST connections (the monitor_apps_REST_* ones)
 * hold a credential bag `%%password%2<secret>%1` (more `key%2value%1` items may follow, e.g. a
 * certificateKey); ODBC and others hold the password as is (reference §4). A new password goes into
 * the same form, other items of the bag unchanged, so the connector reads it as before.
 */
import { usageError } from '../errors.js';
import { registerSecret } from '../output/secrets.js';

const BAG_START = '%%';
const ITEM_END = '%1';
const KEY_VALUE = '%2';

function isRestConnection(type: string | null | undefined): boolean {
  return (type ?? '').toLowerCase().includes('qvrestconnector');
}

function parseBag(value: string): Array<[string, string]> | undefined {
  if (!value.startsWith(BAG_START) || !value.endsWith(ITEM_END)) return undefined;
  const items = value.slice(BAG_START.length, -ITEM_END.length).split(ITEM_END);
  const pairs: Array<[string, string]> = [];
  for (const item of items) {
    const at = item.indexOf(KEY_VALUE);
    if (at <= 0) return undefined;
    pairs.push([item.slice(0, at), item.slice(at + KEY_VALUE.length)]);
  }
  return pairs;
}

export function connectionPassword(connection: { type?: string | null; password?: string | null }, password: string): string {
  const current = connection.password ?? '';
  const bag = parseBag(current) ?? (isRestConnection(connection.type) ? [] : undefined);
  if (!bag) return password;
  if (password.includes(ITEM_END) || password.includes(KEY_VALUE)) {
    throw usageError(
      'the password contains "%1" or "%2", which the REST connector\'s credential format uses as separators',
      'set this password in the QMC (Data connections → Edit), or choose a password without those sequences',
    );
  }
  const i = bag.findIndex(([k]) => k.toLowerCase() === 'password');
  const next: Array<[string, string]> = i >= 0 ? bag.map(([k, v], j) => [k, j === i ? password : v]) : [['password', password], ...bag];
  return BAG_START + next.map(([k, v]) => `${k}${KEY_VALUE}${v}${ITEM_END}`).join('');
}

/**
 * QRS returns connection passwords in clear. Field redaction hides the `password` field; registering
 * the values too means they are scrubbed wherever else they might surface (an error text, say).
 */
export function rememberConnectionSecret<T extends { password?: string | null }>(connection: T): T {
  const value = connection.password ?? '';
  registerSecret(value);
  for (const [, v] of parseBag(value) ?? []) registerSecret(v);
  return connection;
}
