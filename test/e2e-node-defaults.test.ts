/**
 * On a Qlik Sense node qrsfix finds what Qlik already wrote under %ProgramData% (read on every OS, so a
 * folder with spaces stands in for it here): the host name in Qlik\Sense\Host.cfg and the node's own
 * certificate export, says so on stderr, and lets flags and QRS_* win. `--host` takes name:port and
 * URLs. Journals go to a per-user state folder unless QRSFIX_JOURNAL_DIR or --journal says otherwise.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { qrsfix } from './helpers/cli.js';
import { sharedSitePerFile } from './helpers/site.js';

const site = sharedSitePerFile('e2e-node-defaults');
let programData: string;
let hostCfg: string;
let local: string;
let noCerts: string;

const port = () => ['--port', String(site.sim.port)];

beforeAll(() => {
  programData = path.join(site.dir, 'Program Data');
  hostCfg = path.join(programData, 'Qlik', 'Sense', 'Host.cfg');
  local = path.join(programData, 'Qlik', 'Sense', 'Repository', 'Exported Certificates', '.Local Certificates');
  mkdirSync(local, { recursive: true });
  cpSync(site.sim.certsDir, local, { recursive: true });
  writeFileSync(hostCfg, Buffer.from('localhost', 'utf8').toString('base64'));
  noCerts = path.join(site.dir, 'working folder');
  mkdirSync(noCerts, { recursive: true });
});

describe("the node's defaults", () => {
  it('Host.cfg gives the host and .Local Certificates the certificates, each said on stderr', async () => {
    const r = await qrsfix(['audit', ...port()], { cwd: noCerts, env: { ProgramData: programData } });
    expect(r.stderr).not.toMatch(/^error:/m);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`using the host localhost from ${hostCfg}`);
    expect(r.stderr).toContain(`using the certificates in ${local} (there is no ./certs here)`);
    expect(r.stdout).toContain('monitor_apps_REST_');
  });

  it('explicit flags and QRS_* variables win, and nothing is said about defaults', async () => {
    writeFileSync(path.join(site.dir, 'bogus.cfg'), '');
    const other = path.join(site.dir, 'PD other');
    mkdirSync(path.join(other, 'Qlik', 'Sense'), { recursive: true });
    writeFileSync(path.join(other, 'Qlik', 'Sense', 'Host.cfg'), Buffer.from('no-such-host.invalid').toString('base64'));
    const byFlag = await qrsfix(['audit', '--host', 'localhost', '--certs', site.sim.certsDir, ...port()], { cwd: noCerts, env: { ProgramData: other } });
    expect(byFlag.code).toBe(2);
    expect(byFlag.stderr).not.toContain('using the');
    const byEnv = await qrsfix(['audit', ...port()], { cwd: noCerts, env: { ProgramData: other, QRS_HOST: 'localhost', QRS_CERTS: site.sim.certsDir } });
    expect(byEnv.code).toBe(2);
    expect(byEnv.stderr).not.toContain('using the');
  });

  it('a ./certs folder in the working folder wins over the node export', async () => {
    const withCerts = path.join(site.dir, 'with certs');
    cpSync(site.sim.certsDir, path.join(withCerts, 'certs'), { recursive: true });
    const r = await qrsfix(['audit', ...port()], { cwd: withCerts, env: { ProgramData: programData } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('using the host localhost');
    expect(r.stderr).not.toContain('using the certificates');
  });

  it('a Host.cfg that is no base64 host name: no host, and the hint says why', async () => {
    const bad = path.join(site.dir, 'PD bad');
    mkdirSync(path.join(bad, 'Qlik', 'Sense'), { recursive: true });
    writeFileSync(path.join(bad, 'Qlik', 'Sense', 'Host.cfg'), Buffer.from('not a host; rm -rf /').toString('base64'));
    const r = await qrsfix(['audit', ...port()], { cwd: noCerts, env: { ProgramData: bad } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: no QRS host given');
    expect(r.stderr).toContain(`${path.join(bad, 'Qlik', 'Sense', 'Host.cfg')} was no help: it does not hold a base64-encoded host name`);
  });
});

describe('--host forms', () => {
  const certs = () => ['--certs', site.sim.certsDir];
  it('name:port and https://name:port/… carry the port', async () => {
    for (const host of [`localhost:${site.sim.port}`, `https://localhost:${site.sim.port}/qrs/about`]) {
      const r = await qrsfix(['audit', '--host', host, ...certs()]);
      expect(r.stderr).not.toMatch(/^error:/m);
      expect(r.code).toBe(2);
    }
  });

  it('a port in --host that differs from --port is an error; http:// is refused', async () => {
    const r = await qrsfix(['audit', '--host', 'localhost:4242', '--port', '4243', ...certs()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: --host "localhost:4242" says port 4242 and --port says 4243');
    const http = await qrsfix(['audit', '--host', 'http://localhost:4242', ...certs()]);
    expect(http.code).toBe(1);
    expect(http.stderr).toContain('QRS is reached over https, not http');
  });
});

describe('the journal folder', () => {
  // Each call makes a change: a new user (a journal is written only when something changes).
  let n = 0;
  const change = (env: Record<string, string | undefined>, extra: string[] = [], cwd = noCerts) =>
    site.run(['create-user', '--user', `DOMAIN\\journaltest${++n}`, '--yes', ...extra], { cwd, env });

  it('by default a per-user state folder, made when missing, its absolute path printed', async () => {
    const state = path.join(site.dir, 'state home');
    const r = await change({ QRSFIX_JOURNAL_DIR: undefined, XDG_STATE_HOME: state });
    expect(r.code).toBe(0);
    const folder = path.join(state, 'qrsfix', 'journals');
    const journals = readdirSync(folder).filter((n) => n.startsWith('qrsfix-journal-'));
    expect(journals).toHaveLength(1);
    expect(r.stderr).toContain(`journal: ${path.join(folder, journals[0]!)}`);
    expect(readdirSync(noCerts).some((n) => n.startsWith('qrsfix-journal-'))).toBe(false);
  });

  it('QRSFIX_JOURNAL_DIR and --journal override it', async () => {
    const dir = path.join(site.dir, 'my journals');
    const r = await change({ QRSFIX_JOURNAL_DIR: dir });
    expect(r.code).toBe(0);
    expect(readdirSync(dir).filter((n) => n.startsWith('qrsfix-journal-'))).toHaveLength(1);
    const named = path.join(site.dir, 'ticket 4711.json');
    const again = await change({}, ['--journal', 'ticket 4711.json'], site.dir);
    expect(again.code).toBe(0);
    expect(existsSync(named)).toBe(true);
    expect(again.stderr).toContain(`journal: ${named}`);
  });
});
