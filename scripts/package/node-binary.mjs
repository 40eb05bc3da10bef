/**
 * The Node binary of a target: its npm package fetched by npm itself (`npm pack`, served from npm's cache
 * after the first time), its tarball checked against the integrity pinned in node-binaries.json, and the
 * binary extracted into a cache folder. Nothing else is downloaded.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

const PINS = JSON.parse(readFileSync(new URL('./node-binaries.json', import.meta.url), 'utf8'));
export const NODE_VERSION = PINS.version;

function integrityOf(file) {
  return 'sha512-' + createHash('sha512').update(readFileSync(file)).digest('base64');
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Path of the target's Node binary, e.g. `nodeBinary('linux-x64', cacheDir)`. */
export function nodeBinary(target, cacheDir) {
  const pin = PINS.targets[target];
  if (!pin) throw new Error(`no pinned Node binary for ${target}`);
  const dir = path.join(cacheDir, `${pin.package}-${PINS.version}`);
  const bin = path.join(dir, pin.binary);
  if (existsSync(bin)) return bin;
  mkdirSync(cacheDir, { recursive: true });
  const spec = `${pin.package}@${PINS.version}`;
  console.error(`package: fetching ${spec} from the npm registry (npm pack)`);
  const packed = JSON.parse(execFileSync(npm, ['pack', spec, '--json', '--pack-destination', cacheDir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], shell: process.platform === 'win32', maxBuffer: 64 * 1024 * 1024 }));
  const tgz = path.join(cacheDir, packed[0].filename);
  const actual = integrityOf(tgz);
  if (actual !== pin.integrity) {
    rmSync(tgz, { force: true });
    throw new Error(`${spec}: integrity ${actual} is not the pinned ${pin.integrity}`);
  }
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  execFileSync('tar', ['-xzf', tgz, '-C', tmp, pin.binary], { stdio: 'inherit' });
  rmSync(tgz, { force: true });
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return bin;
}
