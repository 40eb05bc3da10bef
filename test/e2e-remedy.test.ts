/**
 * The remedy commands as processes against the simulator: plan, dry run, refusal, both KB options,
 * idempotent re-runs, the journal, and a scan of every output and file for the passwords.
 */
import { readFile, stat } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KB_SECRETS, KB_IDS, KB_RULE_IDS } from '../src/sim/index.js';
import { filesUnder, leakedSecrets, toolPattern } from './helpers/cli.js';

const RULE_BEFORE = '((user.userDirectory="DOMAIN" and user.userId like "qv*"))';
import { freshSitePerTest } from './helpers/site.js';

const MONITOR_PASSWORD = 'Mon!tor-Pa55 with spaces';
const site = freshSitePerTest('e2e-remedy');
const run = site.run;

function monitorConnections() {
  return [...site.sim.state.connections.values()].filter((c) => c.name.startsWith('monitor_apps_REST_'));
}

function otherConnections() {
  return [...site.sim.state.connections.values()].filter((c) => !c.name.startsWith('monitor_apps_REST_'));
}

function snapshot(cs: ReturnType<typeof monitorConnections>) {
  return cs.map((c) => ({ id: c.id, name: c.name, username: c.username, password: c.password, connectionstring: c.connectionstring, owner: c.owner?.id }));
}

const writes = site.writes;
const journals = () => readdirSync(site.dir).filter((f) => /^qrsfix-journal-.*\.json$/.test(f));
const secrets = () => [...Object.values(KB_SECRETS), MONITOR_PASSWORD];

describe('fix: plan, dry run and refusal', () => {
  it('--dry-run prints the plan in "entity: field old → new" form and changes nothing', async () => {
    const r = await run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('user DOMAIN\\qlikmonitor (new): created with roles RootAdmin');
    expect(r.stdout).toMatch(/data connection monitor_apps_REST_app\/[0-9a-f-]+: username domain\\qvservice → DOMAIN\\qlikmonitor; password \(set\) → changed to the one of DOMAIN\\qlikmonitor you give/);
    expect(r.stdout).toContain('Dry run: nothing was changed');
    expect(writes()).toEqual([]);
    expect(journals()).toEqual([]);
    // The line to apply it keeps what a real run needs, and says --yes is needed here (no terminal).
    const kept = await run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--password-stdin', '--journal', 'my change.json', '--dry-run']);
    expect(kept.stdout).toMatch(new RegExp(`To apply: ${toolPattern(site.dir)} fix --monitor-user 'DOMAIN\\\\qlikmonitor' --host localhost --port \\d+ --certs \\S+ --password-stdin --journal 'my change\\.json' {2}\\(add --yes: there is no terminal to confirm on\\)`));
  });

  it('without a terminal and without --yes it refuses, exit 1, and writes nothing', async () => {
    const r = await run(['fix'], { env: { QRSFIX_PASSWORD: MONITOR_PASSWORD } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no terminal to confirm');
    expect(r.stderr).toContain('--yes');
    expect(writes()).toEqual([]);
    expect(journals()).toEqual([]);
  });

  it('refuses to guess the service account when the monitor connections run as several identities', async () => {
    monitorConnections()[0]!.username = 'DOMAIN\\jdoe';
    const r = await run(['fix', '--dry-run']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/2 identities: .*qvservice.*jdoe|2 identities: .*jdoe.*qvservice/);
    expect(r.stderr).toContain('--service-account');
  });

  it('a password never comes from argv: an unknown --password flag is rejected', async () => {
    const r = await run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--password', 'x', '--yes']);
    expect(r.code).toBe(1);
    expect(writes()).toEqual([]);
  });
});

describe('fix, KB option 1: remove the service account\'s pass', () => {
  it('quarantines the recently used pass, says until when, journals it, and a re-run writes nothing', async () => {
    const others = snapshot([...site.sim.state.connections.values()]);
    const r = await run(['fix', '--yes']);
    expect(r.code).toBe(0);
    const pass = site.sim.state.allocations.user.get(KB_IDS.allocations.qvserviceUserAccess)!;
    expect(pass.quarantined).toBe(true);
    expect(r.stdout).toMatch(/quarantined until \d{4}-\d\d-\d\dT/);
    expect(r.stdout).toContain('can be reinstated');
    expect(r.stdout).toContain('Audit after the change: nothing to fix');
    expect(snapshot([...site.sim.state.connections.values()])).toEqual(others);

    const [journal] = journals();
    expect(journal).toBeDefined();
    expect((await stat(path.join(site.dir, journal!))).mode & 0o777).toBe(0o600);
    const j = JSON.parse(await readFile(path.join(site.dir, journal!), 'utf8'));
    expect(j).toMatchObject({ format: 'qrsfix-journal', command: 'fix', outcome: 'done', site: { host: 'localhost', port: site.sim.port } });
    // The license rule that would give the pass back at the next login excludes exactly the account, first.
    expect(j.steps).toHaveLength(2);
    expect(j.steps[0]).toMatchObject({
      status: 'done',
      step: { kind: 'exclude-from-license-rule', ruleId: KB_RULE_IDS.serviceAccountsUserAccess, licenseKind: 'user', accounts: ['DOMAIN\\qvservice'] },
      result: { conditionBefore: RULE_BEFORE, conditionAfter: `(${RULE_BEFORE}) and (user.userDirectory!="DOMAIN" or user.userId!="qvservice")` },
    });
    expect(j.steps[1]).toMatchObject({ status: 'done', step: { kind: 'remove-allocation', allocationKind: 'user' } });
    expect(site.sim.state.license.rules.get(KB_RULE_IDS.serviceAccountsUserAccess!)).toMatchObject({
      rule: `(${RULE_BEFORE}) and (user.userDirectory!="DOMAIN" or user.userId!="qvservice")`,
      category: 'License',
    });
    expect(r.stdout).toContain('license rule "Service accounts get user access"');

    site.sim.resetRequests();
    const again = await run(['fix', '--yes']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to change');
    expect(again.stdout).toContain('already removed (quarantined until');
    expect(writes()).toEqual([]);
    expect(journals()).toHaveLength(1);
  });
});

describe('fix, KB option 2: a dedicated monitor user', () => {
  it('creates the RootAdmin user, repoints exactly the 11 monitor connections, keeps everything else, and leaks no password', async () => {
    const before = snapshot(monitorConnections());
    const othersBefore = snapshot(otherConnections());
    const r = await run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--name', 'Qlik monitor', '--yes', '--journal', 'change.json'], {
      env: { QRSFIX_PASSWORD: MONITOR_PASSWORD },
    });
    expect(r.code).toBe(0);
    const user = site.sim.state.findUser('DOMAIN', 'qlikmonitor')!;
    expect(user.roles).toEqual(['RootAdmin']);
    expect(user.name).toBe('Qlik monitor');
    const after = snapshot(monitorConnections());
    expect(after).toHaveLength(11);
    after.forEach((c, i) => {
      expect(c).toEqual({ ...before[i], username: 'DOMAIN\\qlikmonitor', password: `%%password%2${MONITOR_PASSWORD}%1` });
    });
    expect(snapshot(otherConnections())).toEqual(othersBefore);
    // Option 2 alone leaves the service account's pass where it is.
    expect(site.sim.state.allocations.user.get(KB_IDS.allocations.qvserviceUserAccess)!.quarantined).toBe(false);
    expect(r.stdout).toContain('Summary: 12 changed');
    expect(r.stdout).toContain('Audit after the change: nothing to fix');
    expect(r.stdout).toMatch(new RegExp(`prove it \\(reload the monitoring apps, read their script logs, audit again\\): ${toolPattern(site.dir)} verify --host localhost --port \\d+`));
    expect(r.stdout).toMatch(new RegExp(`change both together from now on: ${toolPattern(site.dir)} repoint-connections --user 'DOMAIN\\\\qlikmonitor' --update-password --host localhost --port \\d+`));
    expect(leakedSecrets(secrets(), [r.stdout, r.stderr], filesUnder(site.dir))).toEqual([]);

    site.sim.resetRequests();
    const again = await run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--yes'], { env: { QRSFIX_PASSWORD: MONITOR_PASSWORD } });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to change');
    expect(writes()).toEqual([]);

    // Someone deletes the monitor user in the QMC: option 1 has nothing to change, and says what the audit still finds.
    site.sim.state.users.delete(user.id);
    const broken = await run(['fix', '--dry-run']);
    expect(broken.code).toBe(0);
    expect(broken.stdout).toContain('Nothing to change. Nothing was written.');
    expect(broken.stdout).not.toContain('already as wanted');
    expect(broken.stdout).toContain('Audit now: 1 finding');
    expect(broken.stdout).toContain('DOMAIN\\qlikmonitor runs 11 monitor connections but has no QRS user record');
    expect(broken.stdout).toMatch(new RegExp(`^ {4}fix: ${toolPattern(site.dir)} create-user --user 'DOMAIN\\\\qlikmonitor'`, 'm'));
  });

  it('a connection moved back to the service account: the audit suggests the monitor user the site has, and that command converges', async () => {
    const fixed = await run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--yes'], { env: { QRSFIX_PASSWORD: MONITOR_PASSWORD } });
    expect(fixed.code).toBe(0);
    const moved = monitorConnections()[3]!;
    moved.username = 'domain\\qvservice';
    site.sim.state.touch(moved);
    const audit = await run(['audit']);
    expect(audit.code).toBe(2);
    const suggestion = audit.stdout.split('\n').find((l) => l.includes("--monitor-user 'DOMAIN\\qlikmonitor'"));
    expect(suggestion).toMatch(new RegExp(`^ {4}or: {2}${toolPattern(site.dir)} fix --service-account 'DOMAIN\\\\qvservice' --monitor-user 'DOMAIN\\\\qlikmonitor' --host localhost`));
    expect(audit.stdout).not.toContain('<dedicated user>');
    // As pasted, minus the connection options, which run() adds.
    const words = suggestion!.replace(new RegExp(`^ {4}or: {2}${toolPattern(site.dir)} `), '').split(' --host ')[0]!.split(' ').map((w) => w.replace(/^'(.*)'$/, '$1'));
    const again = await run([...words, '--yes'], { env: { QRSFIX_PASSWORD: MONITOR_PASSWORD } });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Summary: 1 changed');
    expect(again.stdout).toContain('Audit after the change: nothing to fix');
  });

  it('takes the password from --password-stdin, and --remove-pass frees the service account too', async () => {
    const r = await run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--remove-pass', '--password-stdin', '--yes', '--json'], { input: `${MONITOR_PASSWORD}\n` });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ command: 'fix', outcome: 'done', verdict: { verdict: 'ok' } });
    expect(doc.results.map((s: { step: { kind: string } }) => s.step.kind).sort()).toEqual(
      ['create-user', 'exclude-from-license-rule', 'remove-allocation', ...Array(11).fill('repoint-connection')].sort(),
    );
    expect(monitorConnections().every((c) => c.password === `%%password%2${MONITOR_PASSWORD}%1`)).toBe(true);
    expect(site.sim.state.allocations.user.get(KB_IDS.allocations.qvserviceUserAccess)!.quarantined).toBe(true);
    expect(leakedSecrets(secrets(), [r.stdout, r.stderr], filesUnder(site.dir))).toEqual([]);
  });

  it('without a password source and no terminal it refuses before writing', async () => {
    const r = await run(['fix', '--monitor-user', 'DOMAIN\\qlikmonitor', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--password-stdin');
    expect(writes()).toEqual([]);
  });

  it('removes an allocation the monitor user itself holds, and adds RootAdmin to an existing user', async () => {
    // bwilson: ContentAdmin with a user access pass used 26 hours ago.
    const r = await run(['fix', '--monitor-user', 'DOMAIN\\bwilson', '--yes'], { env: { QRSFIX_PASSWORD: MONITOR_PASSWORD } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('roles ContentAdmin → ContentAdmin, RootAdmin');
    expect(site.sim.state.findUser('DOMAIN', 'bwilson')!.roles).toEqual(['ContentAdmin', 'RootAdmin']);
    expect(site.sim.state.allocations.user.get(KB_IDS.allocations.bwilsonUserAccess)!.quarantined).toBe(true);
  });
});

describe('the single-purpose commands', () => {
  it('remove-pass frees a pass unused for 7 days at once; an unknown user is an error', async () => {
    const r = await run(['remove-pass', '--user', 'DOMAIN\\jdoe', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('its tokens are free again');
    expect(site.sim.state.allocations.user.has(KB_IDS.allocations.jdoeUserAccess)).toBe(false);
    const none = await run(['remove-pass', '--user', 'DOMAIN\\nobody', '--yes']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('--user DOMAIN\\nobody: QRS has no such user');
  });

  it('create-user reports an allocation but leaves it; a bad account is rejected with the DIR\\id form', async () => {
    const r = await run(['create-user', '--user', 'DOMAIN\\asmith', '--yes']);
    expect(r.code).toBe(0);
    expect(site.sim.state.findUser('DOMAIN', 'asmith')!.roles).toContain('RootAdmin');
    expect(r.stdout).toContain('holds a professional');
    expect(site.sim.state.allocations.professional.get(KB_IDS.allocations.asmithProfessional)!.quarantined).toBe(false);
    const bad = await run(['create-user', '--user', 'qlikmonitor', '--yes']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('DIRECTORY\\userid');
  });

  it('repoint-connections --match leaves connections already repointed alone unless --update-password', async () => {
    const env = { QRSFIX_PASSWORD: MONITOR_PASSWORD };
    const first = await run(['repoint-connections', '--user', 'DOMAIN\\jdoe', '--match', 'monitor_apps_REST_license_*', '--yes'], { env });
    expect(first.code).toBe(0);
    const license = monitorConnections().filter((c) => c.name.startsWith('monitor_apps_REST_license_'));
    expect(license).toHaveLength(6);
    expect(license.every((c) => c.username === 'DOMAIN\\jdoe')).toBe(true);
    expect(monitorConnections().filter((c) => c.username === 'DOMAIN\\jdoe')).toHaveLength(6);

    site.sim.resetRequests();
    const same = await run(['repoint-connections', '--user', 'DOMAIN\\jdoe', '--match', 'monitor_apps_REST_license_*', '--yes'], { env });
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('use --update-password');
    expect(writes()).toEqual([]);

    const rotated = await run(['repoint-connections', '--user', 'DOMAIN\\jdoe', '--match', 'monitor_apps_REST_license_*', '--update-password', '--yes'], {
      env: { QRSFIX_PASSWORD: 'rotated-secret-2' },
    });
    expect(rotated.code).toBe(0);
    expect(license.map((c) => site.sim.state.connections.get(c.id)!.password)).toEqual(Array(6).fill('%%password%2rotated-secret-2%1'));
    expect(leakedSecrets(['rotated-secret-2', ...secrets()], [first.stdout, first.stderr, rotated.stdout, rotated.stderr], filesUnder(site.dir))).toEqual([]);
  });
});
