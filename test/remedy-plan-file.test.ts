/** The pure parts of saved plans and sites: touched objects, reads, the from/to of a change, the sites file. */
import { describe, expect, it } from 'vitest';
import { QrsfixError } from '../src/errors.js';
import { plannedObjects } from '../src/remedy/plan-file.js';
import { entitiesIn, savedReads, touchedObjects } from '../src/remedy/plan-objects.js';
import { fromTo } from '../src/output/plan-file-report.js';
import { parseSitesFile } from '../src/site-config.js';
import type { Step } from '../src/remedy/steps.js';

const U = '11111111-2222-3333-4444-555555555555';
const C = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

describe('touchedObjects', () => {
  it('names the object of each step, and what must not exist for a create', () => {
    expect(touchedObjects({ kind: 'create-user', account: 'DOMAIN\\mon', name: 'Mon' })).toEqual([
      { type: 'user', label: 'user DOMAIN\\mon', absent: { path: '/qrs/user', filter: "(userDirectory eq 'DOMAIN') and (userId eq 'mon')" } },
    ]);
    expect(touchedObjects({ kind: 'add-root-admin', account: 'D\\u', userGuid: U, rolesBefore: [] })).toEqual([{ type: 'user', id: U, label: 'user D\\u', path: `/qrs/user/${U}` }]);
    const repoint = { kind: 'repoint-connection', connectionId: C, connectionName: 'monitor_apps_REST_app', usernameBefore: 'a\\b', usernameAfter: 'c\\d', setsPassword: true } as Step;
    expect(touchedObjects(repoint)[0]).toMatchObject({ type: 'dataconnection', id: C, path: `/qrs/dataconnection/${C}` });
    const remove = { kind: 'remove-allocation', allocationKind: 'user', allocationId: U, account: 'D\\u', userGuid: U, lastUsed: null } as Step;
    expect(touchedObjects(remove)[0]).toMatchObject({ id: U, label: 'user access pass of D\\u', path: `/qrs/license/useraccesstype/${U}` });
  });

  it('refuses a step it does not know, and an id that is no GUID (a forged plan)', () => {
    expect(() => touchedObjects({ kind: 'format-disk' } as unknown as Step)).toThrow(QrsfixError);
    expect(() => touchedObjects({ kind: 'delete-user', account: 'D\\u', userGuid: '../../about' })).toThrow(/not a GUID/);
  });
});

describe('reads and planned objects', () => {
  it('keeps the entities (id + modifiedDate) of each GET, the last read of the same request', () => {
    const reads = savedReads([
      { path: '/qrs/about', data: { buildVersion: '1' } },
      { path: '/qrs/user/full', filter: 'x', data: [{ id: U, modifiedDate: 'd1', userDirectory: 'D', userId: 'u' }] },
      { path: '/qrs/user/full', filter: 'x', data: [{ id: U, modifiedDate: 'd2', userDirectory: 'D', userId: 'u' }] },
    ]);
    expect(reads).toEqual([
      { path: '/qrs/about', entities: [] },
      { path: '/qrs/user/full', filter: 'x', entities: [{ id: U, modifiedDate: 'd2', label: 'user D\\u' }] },
    ]);
    expect(entitiesIn([{ id: C, modifiedDate: 'm', name: 'monitor_apps_REST_app' }], '/qrs/dataconnection/full')[0]!.label).toBe('data connection monitor_apps_REST_app');
    expect(entitiesIn({ id: U, modifiedDate: 'm', user: { userDirectory: 'D', userId: 'u' } }, `/qrs/license/useraccesstype/${U}`)[0]!.label).toBe('user access pass of D\\u');
  });

  it('gives each touched object the modifiedDate its read saw, once per object', () => {
    const steps: Step[] = [
      { kind: 'add-root-admin', account: 'D\\u', userGuid: U, rolesBefore: [] },
      { kind: 'remove-root-admin', account: 'D\\u', userGuid: U },
    ];
    const objects = plannedObjects(steps, [{ path: '/qrs/user/full', entities: [{ id: U, modifiedDate: 'd1', label: 'user D\\u' }] }]);
    expect(objects).toEqual([{ type: 'user', id: U, label: 'user D\\u', path: `/qrs/user/${U}`, modifiedDate: 'd1' }]);
  });
});

describe('fromTo', () => {
  it('splits "field old → new; field old → new", naming the field on both sides', () => {
    expect(fromTo('username a\\b → c\\d; password (set) → (set)')).toEqual({ from: 'username a\\b; password (set)', to: 'username c\\d; password (set)' });
    expect(fromTo('allocated → removed')).toEqual({ from: 'allocated', to: 'removed' });
    expect(fromTo('created with roles RootAdmin')).toEqual({ from: '—', to: 'created with roles RootAdmin' });
  });
});

describe('parseSitesFile', () => {
  it('resolves relative certs against the file and keeps absolute ones', () => {
    const f = parseSitesFile('/etc/q/sites.json', JSON.stringify({ sites: { a: { host: 'h', certs: 'c' }, b: { host: 'h', certs: '/abs' } }, default: 'a' }));
    expect(f.sites.a!.certs).toBe('/etc/q/c');
    expect(f.sites.b!.certs).toBe('/abs');
    expect(f.default).toBe('a');
  });

  it('names the field of the first mistake', () => {
    const err = (v: unknown) => {
      try {
        parseSitesFile('s.json', JSON.stringify(v));
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(err({ sites: { prod: { host: 'h', port: 70000 } } })).toBe('s.json: sites.prod.port: expected 1 to 65535');
    expect(err({ sites: { prod: { host: 'h', colour: 'red' } } })).toContain('sites.prod.colour: unknown setting');
    expect(err({ sites: { 'bad name': { host: 'h' } } })).toContain('sites.bad name');
    expect(err({ site: {} })).toContain('site');
  });
});
