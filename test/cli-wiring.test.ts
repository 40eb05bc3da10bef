/**
 * The program definition in-process (after changesets' cli.test.ts): each command's options, as the
 * command line or the environment gives them, reach its function; nothing runs a real command.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildProgram, type CommandName } from '../src/program.js';
import { QrsfixError } from '../src/errors.js';

interface Call {
  name: CommandName;
  args: unknown[];
}

const ENV = ['QRS_HOST', 'QRS_PORT', 'QRS_CERTS', 'QRS_SERVERNAME', 'QRS_USER', 'QRSFIX_SERVICE_ACCOUNT', 'QRSFIX_PASSWORD', 'QRSFIX_CONFIG', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy', 'QRS_PFX_PASSPHRASE'];
let saved: Record<string, string | undefined> = {};

beforeEach(() => {
  saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
  for (const k of ENV) delete process.env[k];
});
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

async function parse(argv: string[]): Promise<{ call: Call; code: number }> {
  const calls: Call[] = [];
  let code = -1;
  const program = buildProgram({
    load: async (name) => ({ run: async (...args: unknown[]) => (calls.push({ name, args }), 7) }),
    onExit: (c) => (code = c),
  });
  program.configureOutput({ writeOut: () => {}, writeErr: () => {} });
  await program.parseAsync(argv, { from: 'user' });
  expect(calls).toHaveLength(1);
  return { call: calls[0]!, code };
}

/** The options object a command's run() gets (its last argument). */
async function flagsOf(argv: string[]): Promise<Record<string, unknown>> {
  const { call } = await parse(argv);
  expect(call.name).toBe(argv[0]);
  return call.args.at(-1) as Record<string, unknown>;
}

const CONNECTION = ['--host', 'qlik1', '--port', '4243', '--certs', 'c', '--servername', 's', '--qrs-user', 'INTERNAL\\sa_api', '--timeout', '5', '--insecure', '--proxy', 'http://p:3128'];
const CONNECTION_FLAGS = { host: 'qlik1', port: '4243', certs: 'c', servername: 's', qrsUser: 'INTERNAL\\sa_api', timeout: '5', insecure: true, proxy: 'http://p:3128' };
const REPORT = ['--format', 'markdown', '--out', 'r.md', '--quiet', '--verbose'];
const REPORT_FLAGS = { format: 'markdown', out: 'r.md', quiet: true, verbose: true };
const CHANGE = ['--dry-run', '--yes', '--journal', 'j.json'];
const CHANGE_FLAGS = { dryRun: true, yes: true, journal: 'j.json' };

describe('each command gets its options', () => {
  it('audit', async () => {
    const f = await flagsOf(['audit', '--service-account', 'DOMAIN\\svc', '--json', ...CONNECTION, ...REPORT]);
    expect(f).toMatchObject({ serviceAccount: 'DOMAIN\\svc', json: true, ...CONNECTION_FLAGS, ...REPORT_FLAGS });
  });

  it('fix', async () => {
    const f = await flagsOf([
      'fix',
      '--service-account', 'DOMAIN\\svc',
      '--monitor-user', 'DOMAIN\\mon',
      '--name', 'Monitor',
      '--remove-pass',
      '--update-password',
      '--include-connection', 'a',
      '--include-connection', 'b',
      '--password-stdin',
      ...CHANGE, ...CONNECTION, ...REPORT,
    ]);
    expect(f).toMatchObject({
      serviceAccount: 'DOMAIN\\svc', monitorUser: 'DOMAIN\\mon', name: 'Monitor', removePass: true, updatePassword: true,
      includeConnection: ['a', 'b'], passwordStdin: true, ...CHANGE_FLAGS, ...CONNECTION_FLAGS, ...REPORT_FLAGS,
    });
  });

  it('remove-pass and create-user', async () => {
    expect(await flagsOf(['remove-pass', '--user', 'DOMAIN\\svc', ...CHANGE, ...CONNECTION, ...REPORT])).toMatchObject({ user: 'DOMAIN\\svc', ...CHANGE_FLAGS, ...CONNECTION_FLAGS, ...REPORT_FLAGS });
    expect(await flagsOf(['create-user', '--user', 'DOMAIN\\mon', '--name', 'M', ...CHANGE, ...CONNECTION])).toMatchObject({ user: 'DOMAIN\\mon', name: 'M', ...CHANGE_FLAGS, ...CONNECTION_FLAGS });
  });

  it('repoint-connections, with the default --match', async () => {
    expect(await flagsOf(['repoint-connections', '--user', 'DOMAIN\\mon', ...CONNECTION])).toMatchObject({ user: 'DOMAIN\\mon', match: 'monitor_apps_REST_*' });
    expect(await flagsOf(['repoint-connections', '--user', 'DOMAIN\\mon', '--match', 'x_*', '--update-password', '--password-stdin', ...CONNECTION])).toMatchObject({ match: 'x_*', updatePassword: true, passwordStdin: true });
  });

  it('rollback: the journal as its argument, then the options', async () => {
    const { call } = await parse(['rollback', 'fix.json', '--force', ...CHANGE, ...CONNECTION]);
    expect(call.args[0]).toBe('fix.json');
    expect(call.args[1]).toMatchObject({ force: true, ...CHANGE_FLAGS, ...CONNECTION_FLAGS });
  });

  it('diagnose-log: the paths, then the options', async () => {
    const { call } = await parse(['diagnose-log', 'a.log', 'logs', '--user', 'DOMAIN\\svc', '--since', '2026-11-01', '--threads', '2', ...REPORT]);
    expect(call.args[0]).toEqual(['a.log', 'logs']);
    expect(call.args[1]).toMatchObject({ user: 'DOMAIN\\svc', since: '2026-11-01', threads: '2', ...REPORT_FLAGS });
  });

  it('demo', async () => {
    expect(await flagsOf(['demo', '--verbose'])).toMatchObject({ verbose: true });
  });

  it("the command's exit code is handed on", async () => {
    expect((await parse(['demo'])).code).toBe(7);
  });
});

describe('defaults and the environment', () => {
  it('the defaults of the connection options (port and certificates are found at run time: the node may say)', async () => {
    const f = await flagsOf(['audit']);
    expect(f).toMatchObject({ qrsUser: 'INTERNAL\\sa_repository', timeout: '30000' });
    expect(f.port).toBeUndefined();
    expect(f.certs).toBeUndefined();
  });

  it('environment variables arrive as options, and the command line wins', async () => {
    Object.assign(process.env, { QRS_HOST: 'envhost', QRSFIX_SERVICE_ACCOUNT: 'DOMAIN\\envsvc', QRSFIX_PASSWORD: 'pw-from-env', HTTPS_PROXY: 'http://envproxy:1', NO_PROXY: '.corp', QRS_PFX_PASSPHRASE: 'pfx' });
    const f = await flagsOf(['fix']);
    expect(f).toMatchObject({ host: 'envhost', serviceAccount: 'DOMAIN\\envsvc', envQrsfixPassword: 'pw-from-env', envHttpsProxy: 'http://envproxy:1', envNoProxy: '.corp', envQrsPfxPassphrase: 'pfx' });
    expect(await flagsOf(['audit', '--host', 'given', '--service-account', 'DOMAIN\\given'])).toMatchObject({ host: 'given', serviceAccount: 'DOMAIN\\given' });
  });

  it('an environment-only option given on the command line is a usage error, before the command loads', async () => {
    const program = buildProgram({ load: () => Promise.reject(new Error('must not load')) });
    program.configureOutput({ writeOut: () => {}, writeErr: () => {} });
    const err = await program.parseAsync(['fix', '--env-qrsfix-password', 'secret'], { from: 'user' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QrsfixError);
    expect((err as QrsfixError).message).toContain('QRSFIX_PASSWORD is read from the environment only');
  });
});
