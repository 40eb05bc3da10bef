/**
 * Named sites: `qrsfix.config.json` (or --config / QRSFIX_CONFIG) maps a name to a QRS connection, so a
 * consultant with many sites types `--site prod` instead of five flags. The file holds no secret: a
 * passphrase or a proxy password stays in the environment, and a key that looks like one is refused.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { QrsfixError, usageError } from './errors.js';
import { nearest } from './util/nearest.js';
import { shellQuote } from './util/shell.js';
import { readBoundedFile, readErrorText } from './util/read-bounded.js';

export const DEFAULT_CONFIG_FILE = 'qrsfix.config.json';
const MAX_CONFIG_BYTES = 1024 * 1024;
const SITE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const text = (what: string) => z.string({ error: `expected ${what}` }).trim().min(1, { error: `expected ${what}, not an empty string` }).max(1000);

const siteSchema = z.strictObject({
  host: text('a host name'),
  port: z.number({ error: 'expected a number' }).int({ error: 'expected a whole number' }).min(1, { error: 'expected 1 to 65535' }).max(65535, { error: 'expected 1 to 65535' }).optional(),
  certs: text('a folder').optional(),
  servername: text('a host name').optional(),
  qrsUser: text('an account like INTERNAL\\sa_repository').optional(),
  proxy: text('a proxy URL')
    .refine((u) => !/^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(u), { error: 'holds a password: keep it in HTTPS_PROXY, not in the config file' })
    .optional(),
  description: z.string({ error: 'expected text' }).max(1000).optional(),
});
export type SiteConfig = z.infer<typeof siteSchema>;

const configSchema = z.strictObject({
  $schema: z.string().optional(),
  sites: z.record(z.string().regex(SITE_NAME, { error: 'a site name is letters, digits, ".", "_" and "-"' }), siteSchema, { error: 'expected an object of named sites' }),
  default: z.string({ error: 'expected a site name' }).optional(),
});

export interface SitesFile {
  file: string;
  sites: Record<string, SiteConfig>;
  default?: string;
}

/** `sites.prod.port: expected a number`; an unknown key that looks like a secret says where secrets go. */
function issueText(issue: z.core.$ZodIssue): string {
  const at = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys;
    const where = [...at, keys[0] ?? ''].join('.');
    if (keys.some((k) => /pass|secret|token|key|pwd/i.test(k))) {
      return `${where}: secrets do not belong in the config file (a pfx passphrase goes in QRS_PFX_PASSPHRASE, a proxy password in HTTPS_PROXY)`;
    }
    return `${where}: unknown setting (a site has host, port, certs, servername, qrsUser, proxy, description)`;
  }
  return `${at.join('.') || '(top level)'}: ${issue.message}`;
}

/** Which file to read: --config / QRSFIX_CONFIG (must exist), else ./qrsfix.config.json if there. */
export function locateConfig(given: string | undefined, cwd = process.cwd()): string | undefined {
  if (given) return path.resolve(cwd, given);
  const local = path.resolve(cwd, DEFAULT_CONFIG_FILE);
  try {
    statSync(local);
    return local;
  } catch {
    return undefined;
  }
}

export function parseSitesFile(file: string, textOfFile: string): SitesFile {
  let json: unknown;
  try {
    json = JSON.parse(textOfFile);
  } catch (err) {
    throw new QrsfixError('input', `${file} is not valid JSON: ${(err as Error).message}`, 'the sites file is JSON: { "sites": { "prod": { "host": "qlikserver1.domain.local" } } }');
  }
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new QrsfixError('input', `${file}: ${issueText(first)}`, 'fix the sites file; see "Named sites" in the README');
  }
  const dir = path.dirname(file);
  // No prototype: a site named "__proto__" or "constructor" is a name like any other.
  const sites: Record<string, SiteConfig> = Object.create(null) as Record<string, SiteConfig>;
  for (const [name, site] of Object.entries(parsed.data.sites)) {
    // A relative folder means the same thing wherever qrsfix is started from: next to the file.
    sites[name] = site.certs ? { ...site, certs: path.resolve(dir, site.certs) } : site;
  }
  const def = parsed.data.default;
  if (def !== undefined && !Object.hasOwn(sites, def)) {
    throw new QrsfixError('input', `${file}: default: "${def}" is not one of the sites (${siteNames(sites)})`, 'name one of the sites, or leave "default" out');
  }
  return { file, sites, ...(def !== undefined ? { default: def } : {}) };
}

export function readSitesFile(file: string): SitesFile {
  let content: string;
  try {
    content = readBoundedFile(file, MAX_CONFIG_BYTES).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EFBIG') throw new QrsfixError('input', `${file} is larger than 1 MiB: not a sites file`, 'give the qrsfix.config.json that lists your sites');
    throw new QrsfixError('input', `cannot read the sites file ${file}: ${readErrorText(err, MAX_CONFIG_BYTES)}`, 'check --config / QRSFIX_CONFIG, or create qrsfix.config.json in the working folder');
  }
  return parseSitesFile(file, content);
}

function siteNames(sites: Record<string, unknown>): string {
  const names = Object.keys(sites);
  return names.length ? names.join(', ') : 'none';
}

export function pickSite(config: SitesFile | undefined, name: string): SiteConfig {
  if (!config) {
    throw usageError(`--site ${name}: there is no sites file (no ${DEFAULT_CONFIG_FILE} in the working folder)`, 'create qrsfix.config.json, or point --config / QRSFIX_CONFIG at one');
  }
  // Own names only: `--site constructor` must not find Object's.
  const site = Object.hasOwn(config.sites, name) ? config.sites[name] : undefined;
  if (!site) {
    const near = nearest(name, Object.keys(config.sites), 1);
    throw usageError(
      `no site "${name}" in ${config.file}; configured: ${siteNames(config.sites)}`,
      near.length ? `did you mean --site ${shellQuote(near[0]!)}?` : `add it to ${config.file}, or use one of the configured names with --site`,
    );
  }
  return site;
}

/** The connection flags a site sets (in commander's attribute names, as strings like argv gives them). */
export function siteFlagValues(site: SiteConfig): Record<string, string> {
  const values: Record<string, string> = { host: site.host };
  if (site.port !== undefined) values.port = String(site.port);
  if (site.certs !== undefined) values.certs = site.certs;
  if (site.servername !== undefined) values.servername = site.servername;
  if (site.qrsUser !== undefined) values.qrsUser = site.qrsUser;
  if (site.proxy !== undefined) values.proxy = site.proxy;
  return values;
}
