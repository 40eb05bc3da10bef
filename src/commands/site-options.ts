/**
 * `--site <name>` and `--config <file>`: before a command runs, the named site's settings fill in every
 * connection option the command line did not give. Explicit flags win over the site, the site over
 * the environment (commander's `.env()` values) and the defaults: commander records where each value
 * came from, and a site's values are set with source 'config'.
 */
import type { Command } from 'commander';
import { usageError } from '../errors.js';
import { suggestWithSite } from './suggest.js';
import { locateConfig, pickSite, readSitesFile, siteFlagValues, type SiteConfig, type SitesFile } from '../site-config.js';

type Opts = Record<string, unknown>;

/** The options with the site's values where the command line gave none. */
export function withSite(opts: Opts, sourceOf: (key: string) => string | undefined, site: SiteConfig): Opts {
  const merged: Opts = { ...opts };
  for (const [key, value] of Object.entries(siteFlagValues(site))) {
    if (sourceOf(key) !== 'cli') merged[key] = value;
  }
  return merged;
}

export interface FleetSite {
  name: string;
  flags: Opts;
}

function loadConfig(given: unknown): SitesFile | undefined {
  const file = locateConfig(typeof given === 'string' && given ? given : undefined);
  return file ? readSitesFile(file) : undefined;
}

/** commander's preAction hook for every command that has --site. */
export function applySiteOptions(cmd: Command): void {
  if (!cmd.options.some((o) => o.long === '--site')) return;
  const opts = cmd.opts() as Opts;
  const sourceOf = (key: string) => cmd.getOptionValueSource(key) as string | undefined;
  const config = loadConfig(opts.config);
  if (opts.allSites) {
    if (opts.site !== undefined) throw usageError('--all-sites and --site go separately', 'leave --site out to audit every configured site');
    if (sourceOf('host') === 'cli') throw usageError('--all-sites and --host go separately', 'the sites file gives each site its host');
    if (!config || Object.keys(config.sites).length === 0) {
      throw usageError('--all-sites: no sites are configured', 'list them in qrsfix.config.json (or --config / QRSFIX_CONFIG)');
    }
    const fleet: FleetSite[] = Object.entries(config.sites).map(([name, site]) => ({ name, flags: withSite(opts, sourceOf, site) }));
    cmd.setOptionValueWithSource('fleet', fleet, 'config');
    return;
  }
  const name = typeof opts.site === 'string' ? opts.site : config?.default;
  if (name === undefined) {
    if (config && Object.keys(config.sites).length) cmd.setOptionValueWithSource('sitesUnchosen', Object.keys(config.sites), 'config');
    return;
  }
  for (const [key, value] of Object.entries(siteFlagValues(pickSite(config, name)))) {
    if (sourceOf(key) !== 'cli') cmd.setOptionValueWithSource(key, value, 'config');
  }
  cmd.setOptionValueWithSource('site', name, opts.site === undefined ? 'config' : 'cli');
  suggestWithSite({
    name,
    ...(sourceOf('config') === 'cli' && typeof opts.config === 'string' ? { configFile: opts.config } : {}),
    given: new Set(cmd.options.map((o) => o.attributeName()).filter((key) => sourceOf(key) === 'cli')),
  });
}
