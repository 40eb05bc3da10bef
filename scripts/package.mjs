/**
 * `npm run package`: dist/qrsfix-linux-x64 and dist/qrsfix-win-x64.exe, Node 24 single executable
 * applications of the bundled CLI, and dist/SHA256SUMS. `--target linux-x64` builds one only (CI).
 * Linux: the blob carries a code cache (made by the Linux Node 24, which runs here); Windows: none (a
 * cache made on Linux is rejected by node.exe on every run), so the same Linux Node makes its blob.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleCli } from './package/bundle.mjs';
import { NODE_VERSION, nodeBinary } from './package/node-binary.mjs';
import { assertPortableBlob, injectBlob, makeBlob } from './package/sea.mjs';
import { checkWindowsBinary, prepareWindowsBinary } from './package/windows.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
process.chdir(ROOT);
const DIST = 'dist';
const WORK = path.join(DIST, 'sea');
const CACHE = path.join('node_modules', '.cache', 'qrsfix-node');
const OUTPUTS = { 'linux-x64': 'qrsfix-linux-x64', 'win-x64': 'qrsfix-win-x64.exe' };

function targetsFromArgs(argv) {
  const i = argv.indexOf('--target');
  if (i < 0) return Object.keys(OUTPUTS);
  const t = argv[i + 1];
  if (!OUTPUTS[t]) throw new Error(`--target must be one of ${Object.keys(OUTPUTS).join(', ')}`);
  return [t];
}

function step(text, started = Date.now()) {
  return () => console.error(`package: ${text} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function main() {
  const targets = targetsFromArgs(process.argv.slice(2));
  const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
  mkdirSync(WORK, { recursive: true });

  let done = step('bundled dist/ into dist/sea/qrsfix.cjs');
  const source = await bundleCli({ version });
  const main = path.join(WORK, 'qrsfix.cjs');
  writeFileSync(main, source);
  done();

  // Both blobs are made by the Linux Node 24: the blob's format is Node's, not the platform's.
  const linuxNode = nodeBinary('linux-x64', CACHE);
  const built = [];
  if (targets.includes('linux-x64')) {
    done = step(`built dist/${OUTPUTS['linux-x64']} on Node ${NODE_VERSION} (with code cache)`);
    const blob = makeBlob({ node: linuxNode, main, blob: path.join(WORK, 'linux-x64.blob'), codeCache: true });
    const output = path.join(DIST, OUTPUTS['linux-x64']);
    await injectBlob({ base: linuxNode, output, blob });
    const shown = execFileSync(output, ['--version'], { encoding: 'utf8', env: { PATH: '' } }).trim();
    if (shown !== version) throw new Error(`${output} --version printed "${shown}", not ${version}`);
    built.push(output);
    done();
  }
  if (targets.includes('win-x64')) {
    done = step(`built dist/${OUTPUTS['win-x64']} on Node ${NODE_VERSION} (no code cache, signature dropped, version info set)`);
    const blob = makeBlob({ node: linuxNode, main, blob: path.join(WORK, 'win-x64.blob'), codeCache: false });
    assertPortableBlob(blob, source);
    const prepared = path.join(WORK, 'node-prepared.exe');
    prepareWindowsBinary(nodeBinary('win-x64', CACHE), prepared, { version });
    const output = path.join(DIST, OUTPUTS['win-x64']);
    await injectBlob({ base: prepared, output, blob });
    checkWindowsBinary(output, { version });
    built.push(output);
    done();
  }

  const sums = built.map((f) => `${sha256(f)}  ${path.basename(f)}\n`).join('');
  writeFileSync(path.join(DIST, 'SHA256SUMS'), sums);
  for (const f of built) console.error(`package: ${f}  ${(statSync(f).size / 1024 / 1024).toFixed(1)} MiB`);
  console.error('package: dist/SHA256SUMS written');
}

main().catch((err) => {
  console.error(`package: failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
