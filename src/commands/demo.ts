/**
 * `qrsfix demo`: the main job end to end on the built-in simulator, seeded like the KB case: audit →
 * fix (option 2: a dedicated monitor user) → verify (the monitoring apps reloaded, the audit again),
 * ending proven. Everything it creates is temporary and removed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXIT, QrsfixError } from '../errors.js';
import { renderAuditText } from '../output/audit-report.js';
import { registerSecret } from '../secrets.js';
import { out } from '../output/stdio.js';
import { commandLine } from '../util/shell.js';
import { runAudit } from './audit.js';
import { runFix } from './fix.js';
import { renderVerifyText } from '../output/verify-report.js';
import { runVerify } from './verify.js';
import { withClient, type CommonFlags } from './session.js';

const MONITOR_USER = 'DOMAIN\\qlikmonitor';

function banner(text: string): void {
  out(`\n${'─'.repeat(78)}\n${text}\n${'─'.repeat(78)}`);
}

export async function run(flags: { verbose?: boolean }): Promise<number> {
  const { startSimulator, KB_SERVICE_ACCOUNT } = await import('../sim/index.js');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qrsfix-demo-'));
  const sim = await startSimulator({ site: 'kb', certsDir: path.join(work, 'certs'), reloadMs: 1_200 });
  try {
    const conn: CommonFlags = { host: sim.host, port: String(sim.port), certs: sim.certsDir, verbose: flags.verbose };
    const shownConn = ['--host', sim.host, '--port', String(sim.port), '--certs', sim.certsDir];
    out(
      [
        'qrsfix demo — a QRS simulator seeded like the KB case is running on this machine:',
        `  https://${sim.host}:${sim.port}, mutual TLS with throwaway certificates in ${sim.certsDir}`,
        `  the service account ${KB_SERVICE_ACCOUNT.directory}\\${KB_SERVICE_ACCOUNT.userId} holds a user access pass and runs the 11 monitor_apps_REST_* connections.`,
      ].join('\n'),
    );

    banner(`1. Audit (read-only)\n$ ${commandLine(['audit', ...shownConn])}`);
    await withClient(conn, async (client) => out(renderAuditText(await runAudit(client, undefined))));

    // The demo's monitor user password: a real run takes it from --password-stdin, QRSFIX_PASSWORD or a prompt.
    const password = `demo-${Math.random().toString(36).slice(2)}`;
    registerSecret(password);
    // The simulated Windows domain has the account, with this password, as the real one must.
    sim.state.setDirectoryPassword(MONITOR_USER, password);
    const journal = path.join(work, 'qrsfix-journal-demo.json');
    banner(
      `2. Fix, KB option 2: a dedicated RootAdmin monitor user without access pass\n$ ${commandLine(['fix', '--monitor-user', MONITOR_USER, '--yes', '--journal', journal, ...shownConn])}\n  (the password of ${MONITOR_USER} comes from QRSFIX_PASSWORD; a terminal run asks for it)`,
    );
    // Handed over as the QRSFIX_PASSWORD option would be: the process environment is left alone.
    const fixed = await withClient(conn, (client) => runFix(client, { ...conn, monitorUser: MONITOR_USER, yes: true, journal, envQrsfixPassword: password }));

    banner(`3. Verify: reload the published monitoring apps, read their script logs, audit again\n$ ${commandLine(['verify', ...shownConn])}`);
    const clean = await withClient(conn, async (client) => {
      const report = await runVerify(client, conn);
      out(renderVerifyText(report, `${sim.host}:${sim.port}`));
      return report.verdict === 'proven';
    });
    if (fixed !== EXIT.ok || !clean) throw new QrsfixError('partial', 'the demo fix was not proven on the simulated site', 'this is a qrsfix bug; please report it');
    out(
      [
        '',
        'On your own site: copy client.pem, client_key.pem and root.pem from the central node',
        `(see certs.example/README.md), then start with: ${commandLine(['audit', '--host'])} <central node> --certs <folder>`,
        'The simulator, its certificates and the demo journal are removed now.',
      ].join('\n'),
    );
    return EXIT.ok;
  } finally {
    await sim.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}
