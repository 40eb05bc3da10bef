/**
 * The form a data connection keeps its password in. REST connections (the monitor_apps_REST_* ones)
 * hold a credential bag `%%password%2<secret>%1` (more `key%2value%1` items may follow, e.g. a
 * certificateKey); ODBC and others hold the password as is (reference §4).
 */
import { registerSecret } from '../secrets.js';

export const BAG_START = '%%';
export const ITEM_END = '%1';
export const KEY_VALUE = '%2';

export function isRestConnection(type: string | null | undefined): boolean {
  return (type ?? '').toLowerCase().includes('qvrestconnector');
}

export function parseBag(value: string): Array<[string, string]> | undefined {
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
