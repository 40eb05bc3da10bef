#!/usr/bin/env node
/**
 * `npm run sim`: a QRS simulator to point qrsfix at by hand. The only simulator file that prints.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startSimulator, type SimOptions } from './index.js';

const USAGE = `usage: node dist/sim/main.js [--port 4242] [--host 127.0.0.1] [--certs ./.sim-certs] [--latency <ms>] [--site kb|large] [--reload-ms <ms>]`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function nonNegativeInt(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) fail(`--${flag} must be a whole number, got "${value}"`);
  return Number(value);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        certs: { type: 'string' },
        latency: { type: 'string' },
        site: { type: 'string' },
        'reload-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = nonNegativeInt('port', values.port, 4242);
  if (port > 65535) fail(`--port must be at most 65535, got ${port}`);
  const latencyMs = nonNegativeInt('latency', values.latency, 0);
  const reloadMs = nonNegativeInt('reload-ms', values['reload-ms'], 1500);
  const siteName = values.site ?? 'kb';
  if (siteName !== 'kb' && siteName !== 'large') fail(`--site must be kb or large, got "${siteName}"`);
  const site: SimOptions['site'] = siteName === 'kb' ? 'kb' : { kind: 'large', users: 100_000, allocations: 70_000, connections: 2_000 };
  const certsArg = values.certs ?? './.sim-certs';

  const sim = await startSimulator({ port, host: values.host, certsDir: path.resolve(certsArg), latencyMs, site, reloadMs });
  const shownCerts = values.certs ?? './.sim-certs';
  process.stdout.write(
    [
      `QRS simulator listening on https://${sim.host}:${sim.port} (site: ${siteName}${latencyMs ? `, latency ${latencyMs} ms` : ''})`,
      '',
      'Try:',
      `  node dist/cli.js audit --host ${sim.host} --port ${sim.port} --certs ${shownCerts}`,
      `  QRSFIX_PASSWORD=choose-one node dist/cli.js fix --monitor-user 'DOMAIN\\qlikmonitor' --host ${sim.host} --port ${sim.port} --certs ${shownCerts} --dry-run`,
      '',
      `The certificates in ${shownCerts} are throwaway: made for this run, trusted by nothing else.`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    sim.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE') fail(`port already in use: ${e.message}`);
  process.stderr.write(`simulator failed to start: ${e.message ?? String(err)}\n`);
  process.exit(1);
});
