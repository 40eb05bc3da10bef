/**
 * `qrsfix demo`: the main job end to end on the built-in simulator, seeded like the KB case: audit →
 * fix (option 2: a dedicated monitor user) → audit. Everything it creates is temporary and removed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXIT, QrsfixError } from '../errors.js';
import { renderAudit } from '../output/audit-report.js';
import { registerSecret } from '../output/secrets.js';
import { out } from '../output/stdio.js';
import { runAudit } from './audit.js';
import { runFix } from './fix.js';
import { openClient, type CommonFlags } from './session.js';

const MONITOR_USER = 'DOMAIN\\qlikmonitor';

function banner(text: string): void {
  out(`\n${'─'.repeat(78)}\n${text}\n${'─'.repeat(78)}`);
}

export async function run(flags: { verbose?: boolean }): Promise<number> {
  const { startSimulator, KB_SERVICE_ACCOUNT } = await import('../sim/index.js');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qrsfix-demo-'));
  const sim = await startSimulator({ site: 'kb', certsDir: path.join(work, 'certs') });
  try {
    const conn: CommonFlags = { host: sim.host, port: String(sim.port), certs: sim.certsDir, verbose: flags.verbose };
    const shownConn = `--host ${sim.host} --port ${sim.port} --certs ${sim.certsDir}`;
    out(
      [
        'qrsfix demo — a QRS simulator seeded like the KB case is running on this machine:',
        `  https://${sim.host}:${sim.port}, mutual TLS with throwaway certificates in ${sim.certsDir}`,
        `  the service account ${KB_SERVICE_ACCOUNT.directory}\\${KB_SERVICE_ACCOUNT.userId} holds a user access pass and runs the 11 monitor_apps_REST_* connections.`,
      ].join('\n'),
    );

    banner(`1. Audit (read-only)\n$ qrsfix audit ${shownConn}`);
    let client = openClient(conn);
    try {
      out(renderAudit(await runAudit(client, undefined), 'table'));
    } finally {
      client.close();
    }

    // The demo's monitor user password: a real run takes it from --password-stdin, QRSFIX_PASSWORD or a prompt.
    const password = `demo-${Math.random().toString(36).slice(2)}`;
    registerSecret(password);
    process.env.QRSFIX_PASSWORD = password;
    const journal = path.join(work, 'qrsfix-journal-demo.json');
    banner(`2. Fix, KB option 2: a dedicated RootAdmin monitor user without access pass\n$ qrsfix fix --monitor-user '${MONITOR_USER}' --yes --journal ${journal} ${shownConn}\n  (the password of ${MONITOR_USER} comes from QRSFIX_PASSWORD; a terminal run asks for it)`);
    client = openClient(conn);
    let fixed: number;
    try {
      fixed = await runFix(client, { ...conn, monitorUser: MONITOR_USER, yes: true, journal });
    } finally {
      client.close();
      delete process.env.QRSFIX_PASSWORD;
    }

    banner(`3. Audit again\n$ qrsfix audit ${shownConn}`);
    client = openClient(conn);
    let clean: boolean;
    try {
      const report = await runAudit(client, undefined);
      out(renderAudit(report, 'table'));
      clean = report.findings.length === 0;
    } finally {
      client.close();
    }
    if (fixed !== EXIT.ok || !clean) throw new QrsfixError('partial', 'the demo fix did not leave the simulated site clean', 'this is a qrsfix bug; please report it');
    out(
      [
        '',
        'On your own site: copy client.pem, client_key.pem and root.pem from the central node',
        '(see certs.example/README.md), then start with: qrsfix audit --host <central node> --certs <folder>',
        'The simulator, its certificates and the demo journal are removed now.',
      ].join('\n'),
    );
    return EXIT.ok;
  } finally {
    await sim.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}
