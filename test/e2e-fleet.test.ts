/**
 * `audit --all-sites` against several simulators at once: one summary over a clean site, a site with
 * the QLIK-88038 finding and a site that cannot be reached; Markdown and JSON for the whole fleet; the
 * exit code says the worst of them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KB_IDS, KB_RULE_IDS, isReadOnlyPost, startSimulator, type SimHandle } from '../src/sim/index.js';
import { qrsfix, tool } from './helpers/cli.js';

let clean: SimHandle;
let broken: SimHandle;
let gone: SimHandle;
let dir: string;

const site = (s: SimHandle) => ({ host: 'localhost', port: s.port, certs: s.certsDir });

beforeAll(async () => {
  [clean, broken, gone] = await Promise.all([startSimulator(), startSimulator(), startSimulator()]);
  // The clean site: the service account's pass already removed, and the license rule that gave it.
  clean.state.allocations.user.delete(KB_IDS.allocations.qvserviceUserAccess);
  clean.state.license.rules.delete(KB_RULE_IDS.serviceAccountsUserAccess!);
  clean.state.about.buildVersion = '14.187.4.0';
  // A site that is down: its port is closed again.
  await gone.stop();
  dir = await mkdtemp(path.join(tmpdir(), 'qrsfix-fleet-'));
});
afterAll(async () => {
  await Promise.all([clean?.stop(), broken?.stop()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function fleet(sites: Record<string, unknown>) {
  await writeFile(path.join(dir, 'qrsfix.config.json'), JSON.stringify({ sites }));
}

describe('audit --all-sites', () => {
  it('audits every site, reports the unreachable one without hiding the others, exit 1', async () => {
    await fleet({ 'eu-prod': site(broken), 'eu-test': site(clean), 'us-prod': { ...site(clean), port: gone.port } });
    const r = await qrsfix(['audit', '--all-sites'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('3 sites: 2 audited, 1 with findings, 1 not audited');
    expect(r.stdout).toMatch(/│ eu-prod +│ localhost:\d+ +│ 36\.25\.2\.0 +│ DOMAIN\\qvservice +│ 2 +│ 2 findings +│/);
    expect(r.stdout).toMatch(/│ eu-test +│ localhost:\d+ +│ 14\.187\.4\.0 +│ DOMAIN\\qvservice +│ 0 +│ nothing to fix +│/);
    expect(r.stdout).toMatch(/│ us-prod +│ localhost:\d+ +│ +│ +│ +│ not audited: connection refused by localhost:\d+/);
    // Then each site's details, the fixes naming the site.
    expect(r.stdout).toContain('=== site eu-prod ===');
    expect(r.stdout).toContain(`fix: ${tool(dir)} fix --service-account 'DOMAIN\\qvservice' --site eu-prod`);
    expect(r.stdout).toContain('=== site us-prod ===\nNot audited: connection refused');
    // Reads only (the license audit is a POST that changes nothing).
    expect(broken.requests.every((q) => q.method === 'GET' || isReadOnlyPost(q.method, q.path))).toBe(true);
  });

  it('exit 2 when every site was audited and one has findings, 0 when none has', async () => {
    await fleet({ a: site(broken), b: site(clean) });
    expect((await qrsfix(['audit', '--all-sites', '--quiet'], { cwd: dir })).code).toBe(2);
    await fleet({ b: site(clean), c: site(clean) });
    const ok = await qrsfix(['audit', '--all-sites', '--quiet'], { cwd: dir });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('2 sites: 2 audited, 0 with findings, 0 not audited');
  });

  it('--json is one document keyed by site name', async () => {
    await fleet({ 'eu-prod': site(broken), 'eu-test': site(clean), 'us-prod': { ...site(clean), port: gone.port } });
    const r = await qrsfix(['audit', '--all-sites', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc.sites).sort()).toEqual(['eu-prod', 'eu-test', 'us-prod']);
    expect(doc.summary).toEqual({ sites: 3, audited: 2, withFindings: 1, notAudited: 1 });
    expect(doc.sites['eu-prod'].report.verdict).toBe('findings');
    expect(doc.sites['eu-test'].report.site.buildVersion).toBe('14.187.4.0');
    expect(doc.sites['us-prod']).toMatchObject({ audited: false, error: expect.stringContaining('connection refused') });
  });

  it('--format markdown is one report for the whole fleet, also written with --out', async () => {
    await fleet({ 'eu-prod': site(broken), 'eu-test': site(clean) });
    const r = await qrsfix(['audit', '--all-sites', '--format', 'markdown', '--out', 'fleet.md'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^# qrsfix fleet audit\n/);
    expect(r.stdout).toMatch(/\| eu-prod \| localhost:\d+ \| 36\.25\.2\.0 \| DOMAIN\\qvservice \| 2 \| 2 findings \|/);
    expect(r.stdout).toContain('## Site eu-test\n\n### qrsfix audit: localhost:');
    expect(r.stdout.match(/^# /gm)).toHaveLength(1);
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(path.join(dir, 'fleet.md'), 'utf8')).toBe(r.stdout);
  });

  it('a hostile site\'s error text is shown, not obeyed: HTML escaped in the fleet Markdown, its address in the row and the JSON', async () => {
    await fleet({ 'eu-prod': site(broken), evil: site(clean) });
    clean.faults.add({ method: 'GET', path: '/qrs/about', times: Infinity, action: { kind: 'status', status: 500, body: '<img src=x onerror=alert(1)> down' } });
    try {
      const md = await qrsfix(['audit', '--all-sites', '--format', 'markdown'], { cwd: dir });
      expect(md.code).toBe(1);
      expect(md.stdout).toMatch(/\| evil \| localhost:\d+ \|/);
      expect(md.stdout).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(md.stdout).not.toContain('<img');
      const json = await qrsfix(['audit', '--all-sites', '--json'], { cwd: dir });
      const evil = (JSON.parse(json.stdout) as { sites: Record<string, { audited: boolean; address?: string }> }).sites.evil!;
      expect(evil).toMatchObject({ audited: false, address: `localhost:${clean.port}` });
    } finally {
      clean.faults.clear();
    }
  });

  it('refuses --all-sites with --site or --host, and without configured sites', async () => {
    await fleet({ a: site(clean) });
    expect((await qrsfix(['audit', '--all-sites', '--site', 'a'], { cwd: dir })).stderr).toContain('--all-sites and --site go separately');
    expect((await qrsfix(['audit', '--all-sites', '--host', 'x'], { cwd: dir })).stderr).toContain('--all-sites and --host go separately');
    await fleet({});
    const none = await qrsfix(['audit', '--all-sites'], { cwd: dir });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no sites are configured');
  });
});
