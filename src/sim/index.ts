/**
 * A strict fake of the Qlik Sense Repository Service (QRS, port 4242) for the demo command, end-to-end
 * tests and the benchmark. It speaks mutual TLS with throwaway certificates, checks xrfkey and
 * X-Qlik-User like QRS, and reproduces the behaviours a remedy must survive: implicit update, 409 on a
 * stale modifiedDate, 7-day quarantine on DELETE of a recently used allocation, case-insensitive filters.
 *
 * Choices where no source says what QRS does (documented so nobody mistakes them for facts):
 * - Deleting a user keeps its allocations, with `user: null` and `deletedUserId`/`deletedUserDirectory` set.
 * - A PUT on an allocation that leaves `quarantined` false or omits it reinstates a quarantined one;
 *   `quarantined: true` on an active one is a 400 (quarantine comes from DELETE). `lastUsed`, `excess`
 *   and `deleted*` are server-owned and ignored in bodies.
 * - Quarantined allocations vanish once `quarantineEnd` has passed on the sim clock (checked lazily).
 * - Filters naming a property the type does not have, or a value of the wrong type (bare word for a
 *   string, non-GUID for an id, `sw` on a date), get 400 with the simulator's own wording.
 * - A string filter value must be single-quoted; backslash escapes other than \' and \\ are rejected.
 * - A known path with an unsupported method answers 405; unknown paths 404.
 * - Implicit update: a PUT body replaces the entity; omitted fields take these defaults. User: name '',
 *   roles/attributes/tags/favorites/customProperties [], flags false, userDirectoryConnectorName =
 *   userDirectory. Data connection: type '', engineObjectId '', username '', password '', logOn 0,
 *   architecture 0, tags/customProperties []. Missing userId/userDirectory or name/connectionstring/owner
 *   → 400 <BrokenRules>. A POSTed data connection without owner is owned by the caller.
 * - JSON body keys bind case-insensitively (as .NET's JSON binding does); unknown keys are kept verbatim.
 *
 * Nothing here writes to stdout; only main.ts does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCa, generateKeyPairAsync, issueCert, writeCertFolder, type CertAuthority } from './ca.js';
import { Faults, type FaultController } from './faults.js';
import { seedKb } from './seed-kb.js';
import { seedLarge } from './seed-large.js';
import { startServer, type LoadCounters, type RequestRecord } from './server.js';
import { SimState } from './state.js';

export type { CertAuthority, IssuedCert, KeyPair } from './ca.js';
export { createCa, issueCert, toPfx, writeCertFolder } from './ca.js';
export type { FaultAction, FaultController, FaultRule } from './faults.js';
export type { LoadCounters, RequestRecord } from './server.js';
export {
  ALLOCATION_KINDS,
  NO_DATE,
  QMC_EDITOR,
  QUARANTINE_MS,
  SimState,
  type AboutInfo,
  type AllocationEntity,
  type AllocationKind,
  type BaseEntity,
  type DataConnectionEntity,
  type UserCondensed,
  type UserEntity,
} from './state.js';
export {
  KB_CONNECTION_USERNAME,
  KB_IDS,
  KB_MONITOR_CONNECTIONS,
  KB_OTHER_CONNECTIONS,
  KB_SECRETS,
  KB_SERVICE_ACCOUNT,
  monitorConnectionString,
  type KbConnectionName,
} from './seed-kb.js';
export { XSRF_BODY } from './routes.js';
export { KB_CENTRAL_NODE, addServerNode, serverNodes } from './server-nodes.js';
export { HARVEST_URL, addLookAlike, type LookAlikeOptions } from './seed-look-alikes.js';
export { isReadOnlyPost } from './routes-actions.js';
export { KB_APP_IDS, KB_RULE_IDS, KB_TASK_IDS, addLicenseRule } from './seed-reloads.js';
export { TASK_STATUS, ZERO_GUID, type ReloadStore } from './reload-state.js';
export type { SystemRuleEntity } from './license-state.js';

export interface SimOptions {
  /** Default 'kb'. 'large' totals include the kb seed's entities. */
  site?: 'kb' | { kind: 'large'; users: number; allocations: number; connections: number };
  /** Added before every response. */
  latencyMs?: number;
  /** Listen address, default '127.0.0.1'. */
  host?: string;
  /** Default 0 (a random free port). */
  port?: number;
  /** Where to write client.pem, client_key.pem, root.pem; default a fresh temporary folder (removed by stop()). */
  certsDir?: string;
  /** DNS names / IPs in the server certificate's SAN; default ['localhost', '127.0.0.1']. The first is its CN. */
  serverNames?: string[];
  /** The sim's clock (lastUsed, quarantine, modifiedDate); default () => new Date(). */
  now?: () => Date;
  /** Validity of the server certificate (default: from a day ago, for a year), e.g. an expired one. */
  serverCertValidity?: { notBefore?: Date; notAfter?: Date };
  /** Real milliseconds a reload lasts (default 400; the demo and tests keep it short). */
  reloadMs?: number;
}

export interface SimHandle {
  /** Name to use with --host: 'localhost' (or the first server name when 'localhost' is not among them). */
  host: string;
  port: number;
  /** client.pem, client_key.pem, root.pem for qrsfix. */
  certsDir: string;
  /** The sim's CA, to issue more (or bad) certificates in tests. */
  ca: CertAuthority;
  /** ['--host', host, '--port', String(port), '--certs', certsDir] */
  flags: string[];
  /** Live entity store; tests read and mutate it directly. */
  state: SimState;
  faults: FaultController;
  /** Every request handled, in order of arrival (faulted ones too). */
  requests: RequestRecord[];
  /** Requests in flight now and at the most since the start or the last resetRequests(): all, and writes (not GET). */
  load: Readonly<LoadCounters>;
  /** Empties `requests` and restarts the peaks of `load`. */
  resetRequests(): void;
  /** Closes the server and all sockets, hung ones included. */
  stop(): Promise<void>;
}

export async function startSimulator(opts: SimOptions = {}): Promise<SimHandle> {
  const serverNames = opts.serverNames && opts.serverNames.length > 0 ? opts.serverNames : ['localhost', '127.0.0.1'];
  // Three RSA keys on the thread pool while the seed is built on the main thread.
  const keys = Promise.all([generateKeyPairAsync(), generateKeyPairAsync(), generateKeyPairAsync()]);

  const state = new SimState(opts.now);
  const site = opts.site ?? 'kb';
  if (site === 'kb') seedKb(state);
  else seedLarge(state, site);
  if (opts.reloadMs !== undefined) state.reloads.reloadMs = opts.reloadMs;

  const [caKeys, serverKeys, clientKeys] = await keys;
  // Qlik names its site CA "<host>-CA" and its client certificate "QlikClient".
  const ca = createCa(`${serverNames[0]}-CA`, { keyPair: caKeys });
  const server = issueCert(ca, { commonName: serverNames[0]!, altNames: serverNames, keyPair: serverKeys, ...opts.serverCertValidity });
  const client = issueCert(ca, { commonName: 'QlikClient', client: true, keyPair: clientKeys });

  const ownsCertsDir = opts.certsDir === undefined;
  const certsDir = opts.certsDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'qrsfix-sim-'));
  writeCertFolder(certsDir, { client, rootPem: ca.certPem });

  const faults = new Faults();
  const requests: RequestRecord[] = [];
  const load: LoadCounters = { inFlight: 0, writesInFlight: 0, peakInFlight: 0, peakWritesInFlight: 0 };
  const running = await startServer({
    state,
    faults,
    requests,
    load,
    latencyMs: opts.latencyMs ?? 0,
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? 0,
    tls: { keyPem: server.keyPem, certPem: server.certPem, caPem: ca.certPem },
  });

  const host = serverNames.includes('localhost') ? 'localhost' : serverNames[0]!;
  return {
    host,
    port: running.port,
    certsDir,
    ca,
    flags: ['--host', host, '--port', String(running.port), '--certs', certsDir],
    state,
    faults,
    requests,
    load,
    resetRequests() {
      requests.length = 0; // in place: callers may hold the array
      load.peakInFlight = load.inFlight;
      load.peakWritesInFlight = load.writesInFlight;
    },
    async stop() {
      await running.stop();
      if (ownsCertsDir) fs.rmSync(certsDir, { recursive: true, force: true });
    },
  };
}
