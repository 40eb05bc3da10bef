import { describe, expect, it } from 'vitest';
import { connectionPassword } from '../src/remedy/credential.js';
import { rememberConnectionSecret } from '../src/qrs/credential-bag.js';
import { scrub } from '../src/secrets.js';

describe('connectionPassword', () => {
  it('puts the password into the REST credential bag the connection already has', () => {
    expect(connectionPassword({ type: 'QvRestConnector.exe', password: '%%password%2old%1' }, 'new')).toBe('%%password%2new%1');
  });
  it('keeps the other items of the bag (a certificate key) unchanged', () => {
    expect(connectionPassword({ type: 'QvRestConnector.exe', password: '%%password%2old%1certificateKey%2pfx%1' }, 'new')).toBe('%%password%2new%1certificateKey%2pfx%1');
  });
  it('starts a bag for a REST connection without one, and keeps plain passwords plain elsewhere', () => {
    expect(connectionPassword({ type: 'QvRestConnector.exe', password: '' }, 'new')).toBe('%%password%2new%1');
    expect(connectionPassword({ type: 'QvOdbcConnectorPackage.exe', password: 'old' }, 'new')).toBe('new');
  });
  it('refuses a password holding the bag separators rather than writing an ambiguous bag', () => {
    expect(() => connectionPassword({ type: 'QvRestConnector.exe', password: '%%password%2old%1' }, 'a%1b')).toThrow(/separators/);
  });
});

describe('rememberConnectionSecret', () => {
  it('makes the password read from QRS, and the secret inside a bag, scrubbed from any text', () => {
    rememberConnectionSecret({ password: '%%password%2Inner-S3cret%1certificateKey%2Pfx-S3cret%1' });
    rememberConnectionSecret({ password: 'Odbc-Plain-pw' });
    expect(scrub('failed: Inner-S3cret / Pfx-S3cret / Odbc-Plain-pw')).toBe('failed: *** / *** / ***');
  });
});
