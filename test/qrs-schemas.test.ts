/** The zod schemas of the QRS entities (src/qrs/schemas.ts). */
import { describe, expect, it } from 'vitest';
import {
  aboutSchema,
  allocationSchema,
  countSchema,
  dataConnectionSchema,
  isRealDate,
  userSchema,
  QRS_NO_DATE,
} from '../src/qrs/schemas.js';

const USER = {
  id: '3f1e9a4c-1111-4222-8333-444455556666',
  createdDate: '2017-12-19T10:51:03.877Z',
  modifiedDate: '2024-05-02T08:00:00.000Z',
  modifiedByUserName: 'INTERNAL\\sa_repository',
  customProperties: [{ id: 'cp1', value: 'x' }],
  userId: 'qvservice',
  userDirectory: 'DOMAIN',
  userDirectoryConnectorName: 'DOMAIN',
  name: 'Qlik Sense Service Account',
  roles: ['RootAdmin'],
  attributes: [{ attributeType: 'email', attributeValue: 'svc@domain.local' }],
  inactive: false,
  removedExternally: false,
  blacklisted: false,
  deleteProhibited: false,
  tags: [],
  favorites: [],
  schemaPath: 'User',
  privileges: null,
};

describe('entity schemas keep what they do not know', () => {
  it('a user keeps every field, so a PUT can send the whole entity back (no implicit update)', () => {
    const parsed = userSchema.parse(USER);
    expect(parsed).toEqual(USER);
    expect(parsed.customProperties).toEqual([{ id: 'cp1', value: 'x' }]);
    expect(parsed.deleteProhibited).toBe(false);
  });

  it('a data connection keeps unknown fields and its password (redaction is the output layer\'s job)', () => {
    const conn = {
      id: 'c1c1c1c1-0000-4000-8000-000000000001',
      name: 'monitor_apps_REST_app',
      connectionstring: 'CUSTOM CONNECT TO "provider=QvRestConnector.exe;url=https://localhost/qrs/app/full;"',
      type: 'QvRestConnector.exe',
      username: 'domain\\qvservice',
      password: 'secret',
      owner: { id: 'a1a1a1a1-0000-4000-8000-000000000002', userId: 'sa_repository', userDirectory: 'INTERNAL', name: 'sa_repository', privileges: null },
      modifiedDate: '2024-05-02T08:00:00.000Z',
      engineObjectId: 'e1',
      logOn: 0,
      architecture: 0,
      tags: [],
    };
    expect(dataConnectionSchema.parse(conn)).toEqual(conn);
  });

  it('about keeps fields beyond the ones qrsfix reads', () => {
    const about = { buildVersion: '36.25.2.0', buildDate: '9/20/2013 10:09:00 AM', databaseProvider: 'Devart.Data.PostgreSql', nodeType: 1, sharedPersistence: true, requiresBootstrap: false, singleNodeOnly: false, schemaPath: 'About' };
    expect(aboutSchema.parse(about)).toEqual(about);
  });

  it('allocations default quarantined to false when null or absent, and keep the condensed user', () => {
    const base = { id: 'b1b1b1b1-0000-4000-8000-000000000003', modifiedDate: '2024-05-02T08:00:00.000Z', user: { id: 'a1a1a1a1-0000-4000-8000-000000000002', userId: 'qvservice', userDirectory: 'DOMAIN', name: 'svc' }, excess: false };
    expect(allocationSchema.parse(base).quarantined).toBe(false);
    expect(allocationSchema.parse({ ...base, quarantined: null }).quarantined).toBe(false);
    expect(allocationSchema.parse({ ...base, quarantined: true }).quarantined).toBe(true);
    expect(allocationSchema.parse(base).excess).toBe(false);
    // A deleted user's allocation has user: null.
    expect(allocationSchema.parse({ ...base, user: null, deletedUserId: 'old', deletedUserDirectory: 'DOMAIN' }).user).toBeNull();
  });

  it('user roles null or absent become []', () => {
    expect(userSchema.parse({ ...USER, roles: null }).roles).toEqual([]);
    const { roles: _roles, ...noRoles } = USER;
    expect(userSchema.parse(noRoles).roles).toEqual([]);
  });
});

describe('entity schemas reject what is not the entity', () => {
  it('refuses a user without userId, or with a number for it', () => {
    const { userId: _userId, ...noId } = USER;
    expect(userSchema.safeParse(noId).success).toBe(false);
    expect(userSchema.safeParse({ ...USER, userId: 42 }).success).toBe(false);
  });

  it('refuses an HTML page or an error string where an entity is expected', () => {
    expect(aboutSchema.safeParse('<html></html>').success).toBe(false);
    expect(dataConnectionSchema.safeParse({ message: 'Forbidden' }).success).toBe(false);
  });

  it('requires modifiedDate on what qrsfix writes back (optimistic concurrency needs it)', () => {
    const { modifiedDate: _m, ...noDate } = USER;
    expect(userSchema.safeParse(noDate).success).toBe(false);
    expect(allocationSchema.safeParse({ id: 'a1' }).success).toBe(false);
  });
});

describe('countSchema', () => {
  it('reads {"value": N}, what real servers answer', () => {
    expect(countSchema.parse({ value: 17 })).toBe(17);
    expect(countSchema.parse({ value: 0 })).toBe(0);
  });

  it('reads a bare number, what the OpenAPI text says', () => {
    expect(countSchema.parse(5)).toBe(5);
    expect(countSchema.parse(JSON.parse('0'))).toBe(0);
  });

  it('keeps reading {value} when the object has more fields', () => {
    expect(countSchema.parse({ value: 3, schemaPath: 'Count' })).toBe(3);
  });

  it('refuses anything else', () => {
    for (const bad of ['5', { value: '5' }, { count: 5 }, null, [], [5]]) {
      expect(countSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('QRS "no date"', () => {
  it('treats 1753-01-01 as no date', () => {
    expect(isRealDate(QRS_NO_DATE)).toBe(false);
    expect(isRealDate('1753-01-01T00:00:00Z')).toBe(false);
    expect(isRealDate(null)).toBe(false);
    expect(isRealDate(undefined)).toBe(false);
    expect(isRealDate('')).toBe(false);
    expect(isRealDate('2024-05-02T08:00:00.000Z')).toBe(true);
  });
});

describe('untrusted values in answers', () => {
  it('ids must be GUIDs: a path in disguise is refused', async () => {
    const { dataConnectionSchema, userSchema } = await import('../src/qrs/schemas.js');
    const base = { name: 'x', connectionstring: 'y', modifiedDate: '2024-05-02T08:00:00.000Z' };
    expect(dataConnectionSchema.safeParse({ ...base, id: '../user/3f1e9a4c-1111-4222-8333-444455556666' }).success).toBe(false);
    expect(dataConnectionSchema.safeParse({ ...base, id: '3F1E9A4C-1111-4222-8333-444455556666' }).success).toBe(true);
    expect(userSchema.safeParse({ id: '3f1e9a4c-1111-4222-8333-444455556666', userId: 'u'.repeat(256), userDirectory: 'D', modifiedDate: 'x' }).success).toBe(false);
  });
});
