/** `qrsfix audit` as a process against the simulator over real mutual TLS. */
import { readFile, mkdir, writeFile, copyFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSimulator, createCa, isReadOnlyPost, KB_SECRETS, KB_RULE_IDS } from '../src/sim/index.js';
import { filesUnder, leakedSecrets, qrsfix, tool } from './helpers/cli.js';
import { sharedSitePerFile } from './helpers/site.js';

const site = sharedSitePerFile('e2e-audit');

describe('qrsfix audit on the KB site', () => {
  it('finds the service account with its access pass, names the fix, exits 2 and writes nothing', async () => {
    const r = await qrsfix(['audit', ...site.sim.flags]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('QRS build 36.25.2.0');
    expect(r.stdout).toContain('Monitor connections (monitor_apps_REST_*): 11');
    expect(r.stdout).toContain('monitor_apps_REST_license_user');
    // One line per connection: the rows follow each other with no rule between them.
    expect(r.stdout).toMatch(/│ monitor_apps_REST_license_professional +│ domain\\qvservice +│\n│ monitor_apps_REST_license_user +│/);
    expect(r.stdout).toMatch(/DOMAIN\\qvservice runs 11 monitor connections and holds a user access pass/);
    expect(r.stdout).toContain(`fix: ${tool()} fix --service-account 'DOMAIN\\qvservice' --host localhost --port ${site.sim.port} --certs ${site.sim.certsDir}`);
    expect(r.stdout).toContain('QLIK-88038');
    // The near miss in upper case is reported, not treated as a monitor connection.
    expect(r.stdout).toContain('Not matched (name differs in case): MONITOR_APPS_REST_legacy_export');
    // The license rule that would hand the pass back is named, with its condition.
    expect(r.stdout).toContain('is granted license rule "Service accounts get user access" (user access, Service accounts; condition ((user.userDirectory="DOMAIN" and user.userId like "qv*")))');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    // Reads only: the license audit is a POST that changes nothing.
    expect(site.sim.requests.every((q) => q.method === 'GET' || isReadOnlyPost(q.method, q.path))).toBe(true);
    expect(site.sim.requests.filter((q) => q.method === 'POST').length).toBe(4);
    expect(leakedSecrets(Object.values(KB_SECRETS), [r.stdout, r.stderr])).toEqual([]);
  });

  it('--json prints one JSON document with the site, identities, allocations and findings, and no password', async () => {
    const r = await qrsfix(['audit', '--json', ...site.sim.flags]);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.site).toMatchObject({ host: 'localhost', port: site.sim.port, buildVersion: '36.25.2.0' });
    expect(doc.monitorConnections).toHaveLength(11);
    expect(doc.verdict).toBe('findings');
    const svc = doc.identities.find((i: { account: string }) => i.account === 'DOMAIN\\qvservice');
    expect(svc).toMatchObject({ exists: true, rootAdmin: true });
    expect(svc.allocations[0]).toMatchObject({ kind: 'user', quarantined: false });
    expect(svc.allocations[0].lastUsed).toMatch(/^\d{4}-/);
    expect(doc.findings.map((f: { code: string }) => f.code)).toEqual(['holds-allocation', 'license-rule-grants']);
    expect(svc.licenseRules).toEqual([
      { kind: 'user', label: 'user access', ruleId: KB_RULE_IDS.serviceAccountsUserAccess, rule: 'Service accounts get user access', group: 'Service accounts', condition: '((user.userDirectory="DOMAIN" and user.userId like "qv*"))' },
    ]);
    expect(r.stdout).not.toMatch(/"password"/i);
  });

  it('--format markdown --out writes a report for a change ticket', async () => {
    const file = path.join(site.dir, 'audit.md');
    const r = await qrsfix(['audit', '--format', 'markdown', '--out', file, ...site.sim.flags]);
    expect(r.code).toBe(2);
    const md = await readFile(file, 'utf8');
    expect(md).toBe(r.stdout);
    expect(md).toMatch(/^#/m);
    expect(md).toContain('| monitor_apps_REST_app |');
    expect(md).toContain('## License rules that grant these accounts at their next login');
    expect(r.stderr).toContain(`report written to ${file}`);
    expect(leakedSecrets(Object.values(KB_SECRETS), [], filesUnder(site.dir))).toEqual([]);
  });

  it('--service-account with a quote in the user id is escaped in the filter and shows its allocation', async () => {
    const r = await qrsfix(['audit', '--json', '--service-account', "DOMAIN\\o'brien", ...site.sim.flags]);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    const obrien = doc.identities.find((i: { account: string }) => i.account === "DOMAIN\\o'brien");
    expect(obrien).toMatchObject({ exists: true, isServiceAccount: true });
    expect(obrien.allocations.map((a: { kind: string }) => a.kind)).toEqual(['analyzer']);
    const userQuery = site.sim.requests.find((q) => q.path === '/qrs/user/full');
    expect(userQuery?.query.filter).toContain("userId eq 'o\\'brien'");
  });

  it('sends a fresh 16-character xrfkey in the query and X-Qlik-User with every request, all filtered', async () => {
    const r = await qrsfix(['audit', ...site.sim.flags]);
    expect(r.code).toBe(2);
    const keys = site.sim.requests.map((q) => q.query.xrfkey ?? q.query.Xrfkey);
    expect(keys.length).toBeGreaterThan(2);
    for (const k of keys) expect(k).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(new Set(keys).size).toBe(keys.length);
    // The sim 403s a request without X-Qlik-User, so every recorded 200 (201: the license audit) proves it was sent.
    expect(site.sim.requests.every((q) => q.status === (isReadOnlyPost(q.method, q.path) ? 201 : 200))).toBe(true);
    // The license audit carries its filter in the body (userFilter), every list in the query.
    for (const q of site.sim.requests.filter((q) => q.path !== '/qrs/about' && !isReadOnlyPost(q.method, q.path))) expect(q.query.filter).toBeTruthy();
    expect(site.sim.requests.length).toBeLessThanOrEqual(12);
  });

  it('exits 0 with "nothing to fix" on a site where the monitor connections run as a clean RootAdmin', async () => {
    const local = await startSimulator({ site: 'kb' });
    try {
      const monitor = local.state.addUser({ userDirectory: 'DOMAIN', userId: 'qlikmonitor', roles: ['RootAdmin'] });
      for (const c of local.state.connections.values()) if (c.name.startsWith('monitor_apps_REST_')) c.username = `${monitor.userDirectory}\\${monitor.userId}`;
      const r = await qrsfix(['audit', ...local.flags]);
      expect(r.stdout).toContain('nothing to fix');
      expect(r.code).toBe(0);
    } finally {
      await local.stop();
    }
  });
});

describe('qrsfix audit connection failures', () => {
  it('a server certificate from another CA: exit 1, says root.pem does not trust it', async () => {
    const certs = path.join(site.dir, 'other-ca');
    await mkdir(certs, { recursive: true });
    for (const f of ['client.pem', 'client_key.pem']) await copyFile(path.join(site.sim.certsDir, f), path.join(certs, f));
    await writeFile(path.join(certs, 'root.pem'), createCa('elsewhere-CA').certPem);
    const r = await qrsfix(['audit', '--host', 'localhost', '--port', String(site.sim.port), '--certs', certs]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not trusted by .*root\.pem/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a host name the certificate does not carry: exit 1, names the certificate names, suggests --servername, which then works', async () => {
    const named = await startSimulator({ site: 'kb', serverNames: ['qlikserver1.domain.local'] });
    try {
      const conn = ['--port', String(named.port), '--certs', named.certsDir];
      const bad = await qrsfix(['audit', '--host', '127.0.0.1', ...conn]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('qlikserver1.domain.local');
      expect(bad.stderr).toContain('--servername');
      const good = await qrsfix(['audit', '--host', '127.0.0.1', '--servername', 'qlikserver1.domain.local', ...conn]);
      expect(good.code).toBe(2);
    } finally {
      await named.stop();
    }
  });

  it('missing certificate files: exit 1, naming the folder and what it needs', async () => {
    const empty = path.join(site.dir, 'empty-certs');
    await mkdir(empty, { recursive: true });
    const r = await qrsfix(['audit', '--host', 'localhost', '--port', String(site.sim.port), '--certs', empty]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: no client certificate in ${empty} (no certificate files in it)`);
    expect(r.stderr).toMatch(/^hint: it needs client\.pem \+ client_key\.pem \+ root\.pem \(PEM export\) or client\.pfx \+ root\.cer/m);
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(3);
  });

  it('no host: exit 1 with a hint naming --host and QRS_HOST; the host can come from QRS_HOST', async () => {
    const r = await qrsfix(['audit', '--certs', site.sim.certsDir, '--port', String(site.sim.port)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('QRS_HOST');
    const env = await qrsfix(['audit'], { env: { QRS_HOST: 'localhost', QRS_PORT: String(site.sim.port), QRS_CERTS: site.sim.certsDir } });
    expect(env.code).toBe(2);
  });
});
