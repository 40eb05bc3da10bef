import { describe, expect, it } from 'vitest';
import { createCa, issueCert } from '../src/sim/ca.js';
import { handle } from '../src/sim/routes.js';
import { seedKb } from '../src/sim/seed-kb.js';
import { seedLarge } from '../src/sim/seed-large.js';
import {
  KB_CONNECTION_USERNAME,
  KB_IDS,
  KB_MONITOR_CONNECTIONS,
  KB_OTHER_CONNECTIONS,
  KB_SECRETS,
  NO_DATE,
  SimState,
} from '../src/sim/index.js';
import crypto from 'node:crypto';

const NOW = new Date('2024-06-03T12:00:00.000Z');
const HOUR = 3_600_000;

/** routes.handle without the network: enough for checking what a seed serves. */
function get(state: SimState, path: string, filter?: string) {
  const xrfkey = 'abcdefghij012345';
  const query = `xrfkey=${xrfkey}${filter === undefined ? '' : `&filter=${encodeURIComponent(filter)}`}`;
  const r = handle(state, { method: 'GET', pathname: path, rawQuery: query, headers: { 'x-qlik-xrfkey': xrfkey, 'x-qlik-user': 'UserDirectory=INTERNAL; UserId=sa_api' }, body: '' });
  return { status: r.status, body: r.body, json: () => JSON.parse(r.body) };
}

describe('kb seed', () => {
  const state = new SimState(() => NOW);
  seedKb(state);

  it('has the service account with a user access pass used two hours ago', () => {
    const qv = state.findUser('domain', 'QVSERVICE')!;
    expect(qv).toMatchObject({ id: KB_IDS.users.qvservice, name: 'Qlik Sense Service Account', roles: ['RootAdmin'], inactive: false, blacklisted: false, tags: [] });
    const pass = state.allocationOf('user', qv.id)!;
    expect(pass.id).toBe(KB_IDS.allocations.qvserviceUserAccess);
    expect(Date.parse(pass.lastUsed)).toBe(NOW.getTime() - 2 * HOUR);
    expect(pass).toMatchObject({ quarantined: false, quarantineEnd: NO_DATE, deletedUserId: null });
    expect(state.allocations.user.get(KB_IDS.allocations.kchenUserAccessQuarantined)).toMatchObject({ quarantined: true });
    expect(state.allocations.professional.get(KB_IDS.allocations.asmithProfessional)).toMatchObject({ excess: false, user: { userId: 'asmith' } });
    expect(state.findUser('DOMAIN', "o'brien")!.id).toBe(KB_IDS.users.obrien);
  });

  it('has the eleven monitor connections exactly as the monitoring apps install them', () => {
    expect(KB_MONITOR_CONNECTIONS).toHaveLength(11);
    for (const m of KB_MONITOR_CONNECTIONS) {
      const c = state.findConnection(m.name)!;
      expect(c.id).toBe(KB_IDS.connections[m.name]);
      expect(c).toMatchObject({ type: 'QvRestConnector.exe', username: KB_CONNECTION_USERNAME, password: `%%password%2${KB_SECRETS.monitorPassword}%1`, logOn: 0, architecture: 0 });
      expect(c.owner).toMatchObject({ userDirectory: 'INTERNAL', userId: 'sa_repository' });
      expect(c.connectionstring).toMatch(/^CUSTOM CONNECT TO "provider=QvRestConnector\.exe;url=https:\/\/localhost\/qrs\//);
      expect(c.connectionstring).toContain(`;url=https://localhost/qrs/${m.endpoint};timeout=900;`);
      expect(c.connectionstring).toContain(';authSchema=ntlm;');
      expect(c.connectionstring.endsWith('PaginationType=None;"')).toBe(true);
    }
  });

  it('has the connections a fix must leave alone, including the case trap', () => {
    expect(state.findConnection(KB_OTHER_CONNECTIONS.serverLogFolder)).toMatchObject({ type: 'folder', username: '', password: '' });
    expect(state.findConnection(KB_OTHER_CONNECTIONS.salesDw)).toMatchObject({ username: 'DOMAIN\\qvservice', password: KB_SECRETS.odbcPassword });
    expect(state.findConnection(KB_OTHER_CONNECTIONS.financeRest)!.password).toContain(KB_SECRETS.restPassword);
    const sw = get(state, '/qrs/dataconnection', "name sw 'monitor_apps_REST_'").json().map((c: { name: string }) => c.name);
    expect(sw).toContain(KB_OTHER_CONNECTIONS.legacyExport);
    expect(sw).toHaveLength(12);
    expect(state.connections.size).toBe(16);
  });

  it('keeps ids stable across runs', () => {
    const again = new SimState(() => NOW);
    seedKb(again);
    expect([...again.users.keys()]).toEqual([...state.users.keys()]);
    expect([...again.connections.keys()]).toEqual([...state.connections.keys()]);
  });

  it('expires a quarantine once quarantineEnd has passed on the sim clock', () => {
    let now = NOW;
    const s = new SimState(() => now);
    seedKb(s);
    expect(get(s, `/qrs/license/useraccesstype/${KB_IDS.allocations.kchenUserAccessQuarantined}`).status).toBe(200);
    now = new Date(NOW.getTime() + 5 * 24 * HOUR);
    expect(get(s, `/qrs/license/useraccesstype/${KB_IDS.allocations.kchenUserAccessQuarantined}`).status).toBe(404);
  });
});

describe('large seed', () => {
  it('builds 100k users, 70k allocations, 2k connections quickly and answers filtered reads in linear time', () => {
    const state = new SimState(() => NOW);
    const t0 = performance.now();
    seedLarge(state, { users: 100_000, allocations: 70_000, connections: 2_000 });
    const built = performance.now() - t0;
    expect(built).toBeLessThan(5_000);
    expect(state.users.size).toBe(100_000);
    expect(state.allocations.user.size + state.allocations.professional.size + state.allocations.analyzer.size).toBe(70_000);
    expect(state.connections.size).toBe(2_000);

    const t1 = performance.now();
    const pass = get(state, '/qrs/license/useraccesstype/full', "user.userDirectory eq 'DOMAIN' and user.userId eq 'qvservice'").json();
    const monitors = get(state, '/qrs/dataconnection/full', "name sw 'monitor_apps_REST_'").json();
    const count = get(state, '/qrs/user/count', "userDirectory eq 'DOMAIN'").json();
    const queried = performance.now() - t1;
    expect(pass).toHaveLength(1);
    expect(pass[0].id).toBe(KB_IDS.allocations.qvserviceUserAccess);
    expect(monitors).toHaveLength(12);
    expect(count.value).toBe(100_000 - 4);
    expect(queried).toBeLessThan(3_000);
  });

  it('refuses more allocations than its users can hold', () => {
    expect(() => seedLarge(new SimState(() => NOW), { users: 100, allocations: 1_000, connections: 20 })).toThrow(/cannot hold/);
  });
});

describe('ca', () => {
  it('issues certificates with IP and DNS SANs, the given validity, signed by the CA', () => {
    const ca = createCa('test-CA');
    const notAfter = new Date(Date.now() - 3_600_000);
    const leaf = issueCert(ca, { commonName: 'qlikserver1', altNames: ['qlikserver1.domain.local', '10.0.0.5'], notAfter });
    const x = new crypto.X509Certificate(leaf.certPem);
    expect(x.subject).toBe('CN=qlikserver1');
    expect(x.subjectAltName).toBe('DNS:qlikserver1.domain.local, IP Address:10.0.0.5');
    expect(Date.parse(x.validTo)).toBe(Math.floor(notAfter.getTime() / 1000) * 1000);
    expect(x.verify(new crypto.X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(x.checkIssued(new crypto.X509Certificate(ca.certPem))).toBe(true);
    expect(crypto.createPrivateKey(leaf.keyPem).asymmetricKeyDetails?.modulusLength).toBe(2048);
  });
});
