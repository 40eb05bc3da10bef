/**
 * Named sites (qrsfix.config.json, --config, QRSFIX_CONFIG, --site) as processes against the simulator:
 * which value wins (flag > site > environment > default), relative certificate folders, the errors
 * that name the field, and no secrets in the file.
 */
import { mkdtemp, mkdir, rm, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimHandle } from '../src/sim/index.js';
import { qrsfix } from './helpers/cli.js';

let sim: SimHandle;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ site: 'kb' });
  dir = await mkdtemp(path.join(tmpdir(), 'qrsfix-sites-'));
  // The certificates next to the sites file, named relatively.
  await cp(sim.certsDir, path.join(dir, 'lab-certs'), { recursive: true });
});
afterAll(async () => {
  await sim?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function writeConfig(file: string, value: unknown): Promise<string> {
  const p = path.join(dir, file);
  await mkdir(path.dirname(p), { recursive: true });
  await writeFile(p, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return p;
}

const lab = () => ({ host: 'localhost', port: sim.port, certs: 'lab-certs' });

describe('--site from qrsfix.config.json', () => {
  it('reaches the site by name from the working folder, with certs relative to the file', async () => {
    await writeConfig('qrsfix.config.json', { sites: { lab: lab(), other: { host: 'qlik2.example' } } });
    const r = await qrsfix(['audit', '--site', 'lab', '--json'], { cwd: dir });
    expect(r.stderr).not.toContain('error:');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).site).toMatchObject({ host: 'localhost', port: sim.port });
  });

  it('the "default" site is used without --site; --config and QRSFIX_CONFIG name another file, relative certs from its folder', async () => {
    const file = await writeConfig('conf/fleet.json', { sites: { lab: { ...lab(), certs: '../lab-certs' } }, default: 'lab' });
    const byFlag = await qrsfix(['audit', '--config', file, '--quiet'], { cwd: tmpdir() });
    expect(byFlag.code).toBe(2);
    expect(byFlag.stdout).toContain(`site localhost:${sim.port}`);
    const byEnv = await qrsfix(['audit', '--quiet'], { cwd: tmpdir(), env: { QRSFIX_CONFIG: file } });
    expect(byEnv.code).toBe(2);
    expect(byEnv.stdout).toContain(`site localhost:${sim.port}`);
  });

  it('an explicit flag wins over the site, and the site over the environment', async () => {
    await writeConfig('qrsfix.config.json', { sites: { lab: { ...lab(), port: 1 } } });
    // The site's port 1 is wrong; --port on the command line wins.
    const flagWins = await qrsfix(['audit', '--site', 'lab', '--port', String(sim.port), '--quiet'], { cwd: dir });
    expect(flagWins.code).toBe(2);
    const siteLoses = await qrsfix(['audit', '--site', 'lab', '--quiet'], { cwd: dir });
    expect(siteLoses.code).toBe(1);
    expect(siteLoses.stderr).toContain('localhost:1');
    // The environment's host and port are wrong; the site's win.
    await writeConfig('qrsfix.config.json', { sites: { lab: lab() } });
    const envLoses = await qrsfix(['audit', '--site', 'lab', '--quiet'], { cwd: dir, env: { QRS_HOST: 'nowhere.invalid', QRS_PORT: '1', QRS_CERTS: '/nonexistent' } });
    expect(envLoses.code).toBe(2);
    // Without --site the environment applies as before.
    const envOnly = await qrsfix(['audit', '--quiet'], { cwd: dir, env: { QRS_HOST: 'localhost', QRS_PORT: String(sim.port), QRS_CERTS: sim.certsDir } });
    expect(envOnly.code).toBe(2);
  });

  it('suggested commands name the site, with the flags given beside it, so they can be pasted', async () => {
    await writeConfig('qrsfix.config.json', { sites: { lab: lab() }, default: 'lab' });
    const r = await qrsfix(['audit', '--site', 'lab', '--quiet'], { cwd: dir });
    expect(r.stdout).toContain("fix --service-account 'DOMAIN\\qvservice' --site lab\n");
    expect(r.stdout).not.toContain('--certs');
    const beside = await qrsfix(['audit', '--timeout', '20000', '--quiet'], { cwd: dir });
    expect(beside.stdout).toContain("fix --service-account 'DOMAIN\\qvservice' --site lab --timeout 20000\n");
    const file = await writeConfig('other/sites.json', { sites: { lab: { ...lab(), certs: '../lab-certs' } } });
    const named = await qrsfix(['audit', '--config', file, '--site', 'lab', '--quiet'], { cwd: dir });
    expect(named.stdout).toContain(`fix --service-account 'DOMAIN\\qvservice' --site lab --config ${file}\n`);
  });
});

describe('errors of the sites file', () => {
  it('an unknown site lists the configured ones', async () => {
    await writeConfig('qrsfix.config.json', { sites: { prod: { host: 'a' }, test: { host: 'b' } } });
    const r = await qrsfix(['audit', '--site', 'staging'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no site "staging" in .*qrsfix\.config\.json; configured: prod, test/);
    const typo = await qrsfix(['audit', '--site', 'prd'], { cwd: dir });
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('hint: did you mean --site prod?');
  });

  it('a site name is only a name: --site constructor or __proto__ finds nothing of JavaScript\'s, and a site may be called constructor', async () => {
    await writeConfig('qrsfix.config.json', { sites: { prod: { host: 'a' } } });
    for (const name of ['constructor', '__proto__', 'toString']) {
      const r = await qrsfix(['audit', '--site', name], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`no site "${name}"`);
    }
    await writeConfig('qrsfix.config.json', { sites: { constructor: lab() }, default: 'constructor' });
    const r = await qrsfix(['audit', '--json'], { cwd: dir });
    expect(r.stderr).not.toContain('error:');
    expect(JSON.parse(r.stdout).site.port).toBe(sim.port);
  });

  it('no host, no --site and no "default": the error names the configured sites to choose from', async () => {
    await writeConfig('qrsfix.config.json', { sites: { prod: { host: 'a' }, test: { host: 'b' } } });
    const r = await qrsfix(['audit'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: no QRS host given, and the sites file names no "default" (it configures prod, test)');
    expect(r.stderr).toContain('hint: use --site prod, set "default" in the sites file, or give --host <name>');
  });

  it('--site without any sites file says where it looked', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'qrsfix-nosites-'));
    const r = await qrsfix(['audit', '--site', 'prod'], { cwd: empty });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no qrsfix.config.json in the working folder');
    await rm(empty, { recursive: true });
  });

  it('a wrong type is named by its field', async () => {
    await writeConfig('qrsfix.config.json', { sites: { prod: { host: 'qlik1', port: '4242' } } });
    const r = await qrsfix(['audit', '--site', 'prod'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('sites.prod.port: expected a number');
    await writeConfig('qrsfix.config.json', { sites: { prod: { port: 4242 } } });
    expect((await qrsfix(['audit', '--site', 'prod'], { cwd: dir })).stderr).toContain('sites.prod.host: expected a host name');
    await writeConfig('qrsfix.config.json', { sites: { prod: { host: 'a' } }, default: 'dev' });
    expect((await qrsfix(['audit'], { cwd: dir })).stderr).toContain('default: "dev" is not one of the sites (prod)');
    await writeConfig('qrsfix.config.json', '{ "sites": ');
    expect((await qrsfix(['audit'], { cwd: dir })).stderr).toContain('is not valid JSON');
  });

  it('refuses secrets in the file: a passphrase key, a password in the proxy URL', async () => {
    await writeConfig('qrsfix.config.json', { sites: { prod: { host: 'a', pfxPassphrase: 'Secret-1' } } });
    const key = await qrsfix(['audit', '--site', 'prod'], { cwd: dir });
    expect(key.code).toBe(1);
    expect(key.stderr).toContain('sites.prod.pfxPassphrase: secrets do not belong in the config file');
    expect(key.stderr).not.toContain('Secret-1');
    await writeConfig('qrsfix.config.json', { sites: { prod: { host: 'a', proxy: 'http://me:Secret-2@proxy:3128' } } });
    const proxy = await qrsfix(['audit', '--site', 'prod'], { cwd: dir });
    expect(proxy.code).toBe(1);
    expect(proxy.stderr).toContain('sites.prod.proxy: holds a password');
    expect(proxy.stderr).not.toContain('Secret-2');
  });

  it('every command that talks to QRS takes --site', async () => {
    for (const cmd of ['audit', 'fix', 'remove-pass', 'create-user', 'repoint-connections', 'rollback', 'apply']) {
      const r = await qrsfix([cmd, '--help']);
      expect(r.stdout, cmd).toContain('--site <name>');
    }
  });
});

describe('the README\'s sites file', () => {
  it('is a valid sites file', async () => {
    const { readFile } = await import('node:fs/promises');
    const { parseSitesFile } = await import('../src/site-config.js');
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const block = /### Named sites[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const parsed = parseSitesFile('/etc/qrsfix/qrsfix.config.json', block!);
    expect(Object.keys(parsed.sites)).toEqual(['eu-prod', 'eu-test', 'us-prod']);
    expect(parsed.sites['eu-prod']!.certs).toBe(path.resolve('/etc/qrsfix/certs/eu-prod'));
  });
});
