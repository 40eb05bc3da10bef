/** Connection flags and environment → QrsConnectionConfig (src/commands/options.ts), proxy choice included. */
import { describe, expect, it } from 'vitest';
import { bypassesProxy, resolveConnection } from '../src/commands/options.js';
import { hostAndPort, parseHostArg } from '../src/host-arg.js';
import { QrsfixError } from '../src/errors.js';

const PROXY = 'http://proxy.corp:3128';

describe('bypassesProxy (NO_PROXY)', () => {
  it('matches exact names, .suffix, bare suffix and *.suffix at a label boundary, in any case', () => {
    expect(bypassesProxy('qlik1.corp.local', 'qlik1.corp.local')).toBe(true);
    expect(bypassesProxy('qlik1.corp.local', '.corp.local')).toBe(true);
    expect(bypassesProxy('qlik1.corp.local', 'corp.local')).toBe(true);
    expect(bypassesProxy('qlik1.corp.local', '*.corp.local')).toBe(true);
    expect(bypassesProxy('QLIK1.Corp.Local', 'CORP.local')).toBe(true);
    expect(bypassesProxy('qlik1.corp.local', 'orp.local')).toBe(false);
    expect(bypassesProxy('qlik1.corp.local', 'qlik1.corp')).toBe(false);
  });

  it('* bypasses everything; empty or absent bypasses nothing', () => {
    expect(bypassesProxy('anything', '*')).toBe(true);
    expect(bypassesProxy('anything', 'a.example, *')).toBe(true);
    expect(bypassesProxy('anything', '')).toBe(false);
    expect(bypassesProxy('anything', undefined)).toBe(false);
  });

  it('splits on commas and white space, ignores ports in entries, and reads IP addresses', () => {
    expect(bypassesProxy('qlik1', 'a.example ,  qlik1:4242')).toBe(true);
    expect(bypassesProxy('10.1.2.3', 'localhost\n10.1.2.3')).toBe(true);
    expect(bypassesProxy('10.1.2.30', '10.1.2.3')).toBe(false);
    expect(bypassesProxy('[::1]', '::1')).toBe(true);
    expect(bypassesProxy('::1', '[::1]:4242')).toBe(true);
    expect(bypassesProxy('fe80::1', '::1')).toBe(false);
    // an address is not a domain: no suffix matching
    expect(bypassesProxy('127.0.0.1', '0.0.1')).toBe(false);
    expect(bypassesProxy('127.0.0.1', '.0.0.1')).toBe(false);
  });
});

describe('resolveConnection', () => {
  const flags = { host: 'qlik1.corp.local', port: '4242', certs: './certs', timeout: '30000' };

  it('takes the proxy from --proxy, else HTTPS_PROXY, else https_proxy', () => {
    expect(resolveConnection({ ...flags, proxy: PROXY }, {}).proxy).toBe(PROXY);
    expect(resolveConnection(flags, { HTTPS_PROXY: PROXY, https_proxy: 'http://other:1' }).proxy).toBe(PROXY);
    expect(resolveConnection(flags, { https_proxy: PROXY }).proxy).toBe(PROXY);
    expect(resolveConnection(flags, {}).proxy).toBeUndefined();
  });

  it('an environment proxy honours NO_PROXY / no_proxy; an explicit --proxy is used as given', () => {
    expect(resolveConnection(flags, { HTTPS_PROXY: PROXY, NO_PROXY: '.corp.local' }).proxy).toBeUndefined();
    expect(resolveConnection(flags, { HTTPS_PROXY: PROXY, no_proxy: 'corp.local' }).proxy).toBeUndefined();
    expect(resolveConnection({ ...flags, proxy: PROXY }, { NO_PROXY: '*' }).proxy).toBe(PROXY);
  });

  it('refuses a proxy that is not an http(s) URL, without echoing it (it may hold credentials)', () => {
    for (const bad of ['socks5://u:S3cr3t@p:1080', 'u:S3cr3t@proxy', 'not a url']) {
      const err = (() => {
        try {
          resolveConnection({ ...flags, proxy: bad }, {});
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err, bad).toBeInstanceOf(QrsfixError);
      expect((err as QrsfixError).kind).toBe('usage');
      expect((err as QrsfixError).message).not.toContain('S3cr3t');
    }
  });

  it('validates port and timeout as whole numbers in range', () => {
    for (const port of ['0', '65536', 'abc', '1e3', ' ', '-5', '4242.0']) {
      expect(() => resolveConnection({ ...flags, port }, {}), port).toThrow(/--port must be a whole number from 1 to 65535/);
    }
    expect(resolveConnection({ ...flags, port: '443' }, {}).port).toBe(443);
    expect(() => resolveConnection({ ...flags, timeout: '0' }, {})).toThrow(/--timeout/);
    expect(resolveConnection({ ...flags, timeout: '1500' }, {}).timeoutMs).toBe(1500);
  });

  it('parses --qrs-user as DIRECTORY\\userid and defaults to INTERNAL\\sa_repository', () => {
    expect(resolveConnection(flags, {}).user).toEqual({ directory: 'INTERNAL', userId: 'sa_repository' });
    expect(resolveConnection({ ...flags, qrsUser: 'INTERNAL\\sa_api' }, {}).user).toEqual({ directory: 'INTERNAL', userId: 'sa_api' });
    expect(() => resolveConnection({ ...flags, qrsUser: 'sa_api' }, {})).toThrow(/DIRECTORY\\userid/);
  });

  it('needs a host, and takes the pfx passphrase from QRS_PFX_PASSPHRASE', () => {
    expect(() => resolveConnection({ ...flags, host: ' ' }, {})).toThrow(/no QRS host given/);
    expect(resolveConnection(flags, { QRS_PFX_PASSPHRASE: 'pfx-pass' }).pfxPassphrase).toBe('pfx-pass');
    expect(resolveConnection(flags, {}).pfxPassphrase).toBeUndefined();
  });
});

describe('--host forms (parseHostArg, hostAndPort)', () => {
  it('name, name:port, [v6]:port, bare v6, and URLs with a path', () => {
    expect(parseHostArg('qlikserver1')).toEqual({ host: 'qlikserver1' });
    expect(parseHostArg(' qlikserver1.domain.local:4243 ')).toEqual({ host: 'qlikserver1.domain.local', port: '4243' });
    expect(parseHostArg('[::1]:4242')).toEqual({ host: '::1', port: '4242' });
    expect(parseHostArg('fe80::1')).toEqual({ host: 'fe80::1' });
    expect(parseHostArg('https://QlikServer1:4242/qrs/about?x=1')).toEqual({ host: 'qlikserver1', port: '4242' });
    expect(parseHostArg('https://[::1]:4242/')).toEqual({ host: '::1', port: '4242' });
    expect(parseHostArg('https://qlikserver1/')).toEqual({ host: 'qlikserver1' });
  });

  it('refuses other schemes, credentials in the URL, and spaces', () => {
    expect(() => parseHostArg('http://qlikserver1:4242')).toThrow(/over https, not http/);
    expect(() => parseHostArg('https://u:p@qlikserver1')).toThrow(/user name or password/);
    expect(() => parseHostArg('qlik server1')).toThrow(/is not a host name/);
  });

  it('the port from --host unless --port is given; two different ports are an error', () => {
    expect(hostAndPort('q:4243', undefined)).toEqual({ host: 'q', port: '4243' });
    expect(hostAndPort('q:4243', '4243')).toEqual({ host: 'q', port: '4243' });
    expect(hostAndPort('q', '4244')).toEqual({ host: 'q', port: '4244' });
    expect(() => hostAndPort('q:4243', '4244')).toThrow(/says port 4243 and --port says 4244/);
  });
});
