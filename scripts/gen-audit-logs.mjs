/**
 * Generates a folder of realistic Repository audit-security logs for the benchmark: the 22-column
 * header of test/fixtures/samples/QLIKSERVER1_AuditSecurity_Repository_*.log (UTF-8 BOM, CRLF, tabs),
 * rolled archives `<MACHINE>_AuditSecurity_Repository_<UTC>.log` ending with the `Signature:` trailer
 * and one live `.txt` without it, rows in time order across the files.
 *
 * The row mix is a busy site's day: hub users' `License user access` grants (KB wording), denials
 * for the few without a pass (newer wording, as in the sample), the monitoring apps' REST connectors
 * as the service account from ::1 (granted, then denied at the session cap, in bursts at the top of
 * each hour), `Audit security` rows with long messages, and directory syncs.
 *
 * Deterministic (a seeded PRNG), so two runs of the bench read the same bytes.
 *
 *   node scripts/gen-audit-logs.mjs <folder> [--mb 500] [--files 10]
 *
 * Needs `npm run build` first: the PRNG comes from dist/util/prng.js.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prng } from '../dist/util/prng.js';

export const HEADER = [
  'Sequence#', 'ProductVersion', 'Timestamp', 'Hostname', 'Id', 'Description', 'ProxySessionId', 'ProxyPackageId',
  'RequestSequenceId', 'UserDirectory', 'UserId', 'ObjectId', 'ObjectName', 'SecurityClass', 'ClientHostAddress',
  'Service', 'Origin', 'Context', 'Command', 'Result', 'Message', 'Checksum',
].join('\t');

const MACHINE = 'QLIKSERVER1';
const HOST = 'QlikServer1';
const VERSION = '20.4.2.0';
const OFFSET = '+0100';
const START = Date.UTC(2019, 1, 1, 0, 0, 0); // wall clock, server time
const ALLOWED =
  'ContentLibrary, App, App.Object, User, SystemRule, SyncRule, LoadBalancingRule, Task, ReloadTask, UserSyncTask, CustomPropertyDefinition, License, Licenses, License.LoginAccessType, License.UserAccessType, License.UserAccessRule, License.ProfessionalAccessType, License.ProfessionalAccessRule, License.AnalyzerAccessType, License.AnalyzerAccessRule, DataMarket, Stream, Tag, DataConnection, AnalyticConnection, ServerNodeConfiguration, EngineService, PrintingService, ProxyService, VirtualProxyConfig, RepositoryService, SchedulerService, Extension, UserDirectory, Certificates, Audit, ServiceCluster, OdagService';

const NO_PASS = 12;
const HEX = '0123456789abcdef';
function hex(rand, n) {
  let s = '';
  for (let i = 0; i < n; i++) s += HEX[(rand() * 16) | 0];
  return s;
}
function guid(rand) {
  return `${hex(rand, 8)}-${hex(rand, 4)}-4${hex(rand, 3)}-${HEX[8 + ((rand() * 4) | 0)]}${hex(rand, 3)}-${hex(rand, 12)}`;
}

const pad2 = (n) => (n < 10 ? '0' : '') + n;
const pad3 = (n) => (n < 10 ? '00' : n < 100 ? '0' : '') + n;
function stamp(wallMs) {
  const d = new Date(wallMs);
  return `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}${pad2(d.getUTCSeconds())}.${pad3(d.getUTCMilliseconds())}${OFFSET}`;
}
/** 2019-02-01T03.59.01Z as in rolled archive names (UTC). */
function archiveName(wallMs) {
  const d = new Date(wallMs - 60 * 60_000);
  return `${MACHINE}_AuditSecurity_Repository_${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}.${pad2(d.getUTCMinutes())}.${pad2(d.getUTCSeconds())}Z.log`;
}

class RowMaker {
  constructor(seed) {
    this.rand = prng(seed);
    this.seq = 0;
    this.wall = START;
    this.sessions = new Map(); // user -> { sid, count }
    this.users = Array.from({ length: 2000 }, (_, i) => `user${String(i + 1).padStart(6, '0')}`);
  }

  row(fields) {
    this.seq++;
    const r = this.rand;
    const [description, proxySession, proxyPackage, dir, id, objectId, objectName, securityClass, client, origin, context, command, result, message] = fields;
    return [
      this.seq, VERSION, stamp(this.wall), HOST, guid(r), description, proxySession, proxyPackage, '0', dir, id, objectId,
      objectName, securityClass, client, 'Repository', origin, context, command, result, message, hex(r, 40),
    ].join('\t');
  }

  session(user) {
    let s = this.sessions.get(user);
    if (!s || this.rand() < 0.2) {
      s = { sid: guid(this.rand), count: 0 };
      this.sessions.set(user, s);
    }
    s.count = Math.min(5, s.count + 1);
    return s;
  }

  grant(dir, id, origin, client) {
    const s = this.session(`${dir}\\${id}`);
    const pkg = guid(this.rand);
    return this.row([
      'Command=License user access;Result=0;ResultText=Success', s.sid, pkg, dir, id, '0', 'Not available', 'License', client, origin,
      '/qrs/requestaccesstype', 'License user access', '0',
      `User access granted for User: '${dir}\\${id}' with UsageID: '${guid(this.rand)}', SessionID: '${s.sid}', SessionCount: '${s.count}', Hostname: '${origin === 'AppAccess' ? '::ffff:172.16.16.' + (100 + ((this.rand() * 100) | 0)) : '::1'}', OperationType: 'UsageGranted'`,
    ]);
  }

  denial(dir, id, origin, host) {
    const sid = guid(this.rand);
    return this.row([
      'Command=License user access;Result=403;ResultText=Error: Access denied', sid, guid(this.rand), dir, id, '0', 'Not available', 'License',
      'Not available', origin, '/qrs/requestaccesstype', 'License user access', '403',
      `Login access denied for SessionID: '${sid}', Hostname: "${host}", OperationType: 'UsageDenied'`,
    ]);
  }

  auditSecurity(id) {
    const sid = guid(this.rand);
    return this.row([
      'Command=Audit security;Result=0;ResultText=Success', sid, guid(this.rand), 'DOMAIN', id, '0', 'Not available', 'Security',
      `[fe80::4449:15fb:b430:2eca%16]:${50000 + ((this.rand() * 10000) | 0)}`, 'ManagementAccess',
      '/qrs/systemrule/security/evaluatetransientresources', 'Audit security', '0',
      `Allowed resources for user in the given context are '${ALLOWED}' (HTTP code: 201)`,
    ]);
  }

  sync(id) {
    return this.row([
      'Command=Sync user directory;Result=0;ResultText=Success', '0', '0', 'INTERNAL', 'sa_proxy', '0', 'Not available', 'Security', 'Not available',
      'Not available', '/qrs/sync/userdirectory/userid', 'Sync user directory', '0', `User 'DOMAIN\\${id}' was synced`,
    ]);
  }

  /** The next row, moving the clock on by 10–200 ms (a busy repository). */
  next() {
    const r = this.rand;
    this.wall += 10 + ((r() * 190) | 0);
    const minute = new Date(this.wall).getUTCMinutes();
    const x = r();
    // Top of the hour: the monitoring apps reload; their REST connectors hit the session cap.
    if (minute < 3 && x < 0.5) {
      return this.sessions.get('DOMAIN\\qvservice')?.count >= 5 && r() < 0.6
        ? this.denial('DOMAIN', 'qvservice', 'ManagementAccess', '::1')
        : this.grant('DOMAIN', 'qvservice', 'ManagementAccess', 'Not available');
    }
    const user = this.users[(r() * this.users.length) | 0];
    // The first NO_PASS hub users have no access pass at all (a license rule that does not cover them):
    // they are only ever denied; everyone else is granted.
    if (x < 0.45) return this.grant('DOMAIN', this.users[NO_PASS + ((r() * (this.users.length - NO_PASS)) | 0)], 'AppAccess', `::ffff:172.16.16.${100 + ((r() * 100) | 0)}`);
    if (x < 0.47) return this.denial('DOMAIN', this.users[(r() * NO_PASS) | 0], 'AppAccess', `::ffff:172.16.16.${100 + ((r() * 100) | 0)}`);
    if (x < 0.85) return this.auditSecurity(user);
    return this.sync(user);
  }
}

/**
 * Writes `files` files of about `mb / files` MB each into `dir` (created); the last one is the live
 * `.txt`. Returns the file paths, total bytes and rows.
 */
export async function generateAuditLogs(dir, { mb = 500, files = 10, seed = 88038 } = {}) {
  fs.mkdirSync(dir, { recursive: true });
  const maker = new RowMaker(seed);
  const perFile = Math.floor((mb * 1024 * 1024) / files);
  const written = [];
  let totalBytes = 0;
  for (let f = 0; f < files; f++) {
    const live = f === files - 1;
    const tmp = path.join(dir, `.part-${f}`);
    const fd = fs.openSync(tmp, 'w');
    let bytes = 0;
    let chunk = '\uFEFF' + HEADER + '\r\n';
    while (bytes + chunk.length < perFile) {
      const rows = [];
      for (let i = 0; i < 500; i++) rows.push(maker.next());
      chunk += rows.join('\r\n') + '\r\n';
      if (chunk.length > 1 << 20) {
        bytes += fs.writeSync(fd, chunk);
        chunk = '';
      }
    }
    if (!live) chunk += `Signature:\t${hex(maker.rand, 40)}\r\n`;
    bytes += fs.writeSync(fd, chunk);
    fs.closeSync(fd);
    // Archives are named after the time they were rolled (their last row); the live file has no time.
    const name = live ? `${MACHINE}_AuditSecurity_Repository.txt` : archiveName(maker.wall);
    const final = path.join(dir, name);
    fs.renameSync(tmp, final);
    written.push(final);
    totalBytes += bytes;
  }
  return { files: written, bytes: totalBytes, rows: maker.seq };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith('--'));
  const opt = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  if (!dir) {
    process.stderr.write('usage: node scripts/gen-audit-logs.mjs <folder> [--mb 500] [--files 10]\n');
    process.exit(2);
  }
  const t = Date.now();
  const r = await generateAuditLogs(dir, { mb: opt('mb', 500), files: opt('files', 10) });
  process.stdout.write(`${r.files.length} files, ${(r.bytes / 1048576).toFixed(0)} MB, ${r.rows} rows in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
}
