/**
 * Is a data connection one of Qlik's monitor connections, or only named like one? Anyone who may create
 * a data connection can call it `monitor_apps_REST_zz`, point it at their own host, and wait for a fix to
 * write a RootAdmin password into it. A genuine one (qrs-api.md §14) is a REST connection owned by
 * INTERNAL\sa_repository (or by a RootAdmin who re-imported the monitoring apps) that calls this site's
 * QRS: `url=https://localhost/qrs/…` or a node of the site, and trusted locations of the site only.
 * Pure: the caller reads the owners' roles and the site's node names.
 */
import { createHash } from 'node:crypto';
import { accountKey, formatAccount } from '../account.js';
import type { DataConnection } from '../qrs/schemas.js';

export interface ConnectionVerdict {
  genuine: boolean;
  /** Why it is not genuine, one short phrase each; empty when genuine. */
  reasons: string[];
  /** The owner as DIR\id, or '(none)'. */
  owner: string;
  /** The url the connection calls, or '(no url)'. */
  address: string;
}

export interface SiteFacts {
  /** Host names that are this site: localhost forms, --host, the nodes' hostName (lower case). */
  hosts: ReadonlySet<string>;
  /** Owner user ids (lower case) known to hold RootAdmin. */
  rootAdminIds: ReadonlySet<string>;
}

const REPOSITORY = 'internal\\sa_repository';
/** Connection-string keys that name a proxy to go through (REST connector: useProxy=true, or a proxy host or address given). */
const PROXY_TARGET = /^proxy(host|hostname|address|url|server)$/;
export const LOCAL_HOSTS = ['localhost', '127.0.0.1', '[::1]', '::1'];

/** The `key=value;` pairs inside `CUSTOM CONNECT TO "…"`; keys lower-cased; a key given twice keeps every value. */
export function connectionStringPairs(text: string): Map<string, string[]> {
  const inner = /^\s*CUSTOM\s+CONNECT\s+TO\s+"([\s\S]*)"\s*$/i.exec(text)?.[1] ?? text;
  const pairs = new Map<string, string[]>();
  for (const part of inner.split(';')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const key = part.slice(0, at).trim().toLowerCase();
    pairs.set(key, [...(pairs.get(key) ?? []), part.slice(at + 1).trim()]);
  }
  return pairs;
}

/** The host of an https URL without user info, lower case; undefined for anything else. */
function httpsHost(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:' || u.username || u.password) return undefined;
    return u.hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

function isQrsPath(url: string): boolean {
  try {
    return new URL(url).pathname.toLowerCase().startsWith('/qrs/');
  } catch {
    return false;
  }
}

/** `trustedLocations=name%2url%1name%2url`: the urls. */
function trustedUrls(value: string): string[] {
  return value
    .split('%1')
    .map((item) => item.slice(item.indexOf('%2') + 2))
    .filter((u) => u.trim() !== '');
}

/** The url a connection calls, for display (one line, capped). */
export function connectionAddress(c: Pick<DataConnection, 'connectionstring'>): string {
  const urls = connectionStringPairs(c.connectionstring).get('url') ?? [];
  const shown = urls.join(' and ');
  if (!shown) return '(no url)';
  return shown.length > 200 ? shown.slice(0, 199) + '…' : shown;
}

/** The owner as DIR\\id, or '(none)'. */
export function connectionOwner(c: Pick<DataConnection, 'owner'>): string {
  return c.owner ? formatAccount({ directory: c.owner.userDirectory, userId: c.owner.userId }) : '(none)';
}

export function judgeConnection(c: DataConnection, site: SiteFacts): ConnectionVerdict {
  const reasons: string[] = [];
  const owner = connectionOwner(c);
  const ownerOk = !!c.owner && (accountKey({ directory: c.owner.userDirectory, userId: c.owner.userId }) === REPOSITORY || site.rootAdminIds.has(c.owner.id.toLowerCase()));
  if (!ownerOk) reasons.push(`owner ${owner} is neither INTERNAL\\sa_repository nor a RootAdmin`);
  if ((c.type ?? '').toLowerCase() !== 'qvrestconnector.exe') reasons.push(`type ${c.type || '(none)'} is not QvRestConnector.exe`);
  const pairs = connectionStringPairs(c.connectionstring);
  const provider = pairs.get('provider') ?? [];
  if (provider.length !== 1 || provider[0]!.toLowerCase() !== 'qvrestconnector.exe') reasons.push('its connection string is not for QvRestConnector.exe');
  const urls = pairs.get('url') ?? [];
  const onSite = (url: string) => {
    const host = httpsHost(url);
    return host !== undefined && site.hosts.has(host);
  };
  if (urls.length !== 1) reasons.push(urls.length ? 'it names more than one url' : 'it names no url');
  else if (!onSite(urls[0]!) || !isQrsPath(urls[0]!)) reasons.push('it does not call the QRS of this site (https://localhost/qrs/… or a node of the site)');
  const trusted = (pairs.get('trustedlocations') ?? []).flatMap(trustedUrls);
  if (trusted.some((u) => !onSite(u))) reasons.push('it trusts a location outside this site');
  // Through a proxy of someone's choosing, with the monitor strings' skipServerCertificateValidation=true, the NTLM login can be read on the way.
  const viaProxy = [...pairs].filter(([key, values]) => (key === 'useproxy' ? values.some((v) => v.toLowerCase() === 'true') : PROXY_TARGET.test(key) && values.some((v) => v !== '')));
  if (viaProxy.length) reasons.push(`it sends its requests through a proxy (${viaProxy.map(([key]) => key).join(', ')})`);
  return { genuine: reasons.length === 0, reasons, owner, address: connectionAddress(c) };
}

/** What to read before judging: owners other than sa_repository, and whether any url names a host not known to be local. */
export function factsNeeded(connections: DataConnection[], knownHosts: ReadonlySet<string>): { ownerIds: string[]; nodes: boolean } {
  const ownerIds = new Set<string>();
  let nodes = false;
  for (const c of connections) {
    if (c.owner && accountKey({ directory: c.owner.userDirectory, userId: c.owner.userId }) !== REPOSITORY) ownerIds.add(c.owner.id);
    const pairs = connectionStringPairs(c.connectionstring);
    const urls = [...(pairs.get('url') ?? []), ...(pairs.get('trustedlocations') ?? []).flatMap(trustedUrls)];
    if (urls.some((u) => {
      const h = httpsHost(u);
      return h !== undefined && !knownHosts.has(h);
    })) nodes = true;
  }
  return { ownerIds: [...ownerIds], nodes };
}

/** Connection-string keys an admin may edit (in the QMC) without changing where the credentials go. */
const HARMLESS_KEYS = new Set(['timeout', 'paginationtype', 'keygenerationstrategy', 'autodetectresponsetype']);
const SECRET_KEY = /^(pwd|passwd|password)$|secret|token/i;

/**
 * What a connection was judged on (type, owner, the connection string but for harmless keys), as a
 * digest: a step that sets a password carries the one of its plan, and the write is refused when a
 * fresh read differs, so a connection re-aimed meanwhile (after a 409, or while the prompt waited) never
 * gets the password. A digest, not the text: a connection string can hold a secret, and steps go into
 * journals and plans.
 */
export function connectionGuard(c: Pick<DataConnection, 'connectionstring' | 'type' | 'owner'>): string {
  // Secret-looking keys are left out too: they do not say where credentials go, and even their digest stays out of journals.
  const pairs = [...connectionStringPairs(c.connectionstring)].filter(([key]) => !HARMLESS_KEYS.has(key) && !SECRET_KEY.test(key)).sort(([a], [b]) => a.localeCompare(b));
  const what = JSON.stringify([(c.type ?? '').toLowerCase(), (c.owner?.id ?? '').toLowerCase(), pairs.length ? pairs : c.connectionstring]);
  return 'sha256:' + createHash('sha256').update(what).digest('hex');
}
