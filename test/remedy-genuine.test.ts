/** The guard a password-setting step carries: harmless edits keep it, anything that could re-aim the credentials changes it. */
import { describe, expect, it } from 'vitest';
import { connectionGuard } from '../src/remedy/genuine.js';
import { monitorConnectionString } from '../src/sim/index.js';

const owner = { id: '3f1e9a4c-1111-4222-8333-444455556666', userDirectory: 'INTERNAL', userId: 'sa_repository' };
const base = { connectionstring: monitorConnectionString('app/full'), type: 'QvRestConnector.exe', owner };

describe('connectionGuard', () => {
  it('is a digest that hides the connection string', () => {
    expect(connectionGuard(base)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(connectionGuard(base)).not.toContain('localhost');
  });

  it('stays for a timeout edited in the QMC', () => {
    expect(connectionGuard({ ...base, connectionstring: base.connectionstring.replace('timeout=900', 'timeout=1800') })).toBe(connectionGuard(base));
  });

  it('leaves secret-looking keys out (their digest stays out of journals and plans)', () => {
    const odbc = { ...base, type: 'QvOdbcConnectorPackage.exe', connectionstring: 'CUSTOM CONNECT TO "provider=QvOdbcConnectorPackage.exe;host=db1;uid=sa;pwd=Hunter2;clientSecret=abc;"' };
    expect(connectionGuard({ ...odbc, connectionstring: odbc.connectionstring.replace('Hunter2', 'other').replace('abc', 'def') })).toBe(connectionGuard(odbc));
    expect(connectionGuard({ ...odbc, connectionstring: odbc.connectionstring.replace('host=db1', 'host=evil') })).not.toBe(connectionGuard(odbc));
  });

  it('changes with the url, the trusted locations, a proxy added, the owner or the type', () => {
    const g = connectionGuard(base);
    const cs = base.connectionstring;
    expect(connectionGuard({ ...base, connectionstring: cs.replace('url=https://localhost/', 'url=https://harvest.example/') })).not.toBe(g);
    expect(connectionGuard({ ...base, connectionstring: cs.replace('qrs-proxy%2https://localhost:4244', 'x%2https://harvest.example') })).not.toBe(g);
    expect(connectionGuard({ ...base, connectionstring: cs.replace('method=GET;', 'method=GET;useProxy=true;proxyHost=harvest.example;') })).not.toBe(g);
    expect(connectionGuard({ ...base, owner: { ...owner, id: '3f1e9a4c-1111-4222-8333-444455556667' } })).not.toBe(g);
    expect(connectionGuard({ ...base, type: 'QvOdbcConnectorPackage.exe' })).not.toBe(g);
    expect(connectionGuard({ ...base, connectionstring: 'no pairs at all' })).not.toBe(connectionGuard({ ...base, connectionstring: 'no pairs, other text' }));
  });
});
