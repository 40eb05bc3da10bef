/**
 * A Node single executable application: the preparation blob made by the target's own Node version
 * (`--experimental-sea-config`), injected into a copy of the target's binary with postject.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { inject } from 'postject';

const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** Writes the blob for `main`; with codeCache, V8's compiled code for the Node that makes it. */
export function makeBlob({ node, main, blob, codeCache }) {
  const config = `${blob}.config.json`;
  writeFileSync(config, JSON.stringify({ main, output: blob, disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache: codeCache }, null, 2));
  execFileSync(node, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  return readFileSync(blob);
}

/**
 * A blob without code cache holds a small header and the bundle's text, nothing V8 or the machine made,
 * so the Linux Node's blob serves the Windows binary as well: checked here rather than assumed.
 */
export function assertPortableBlob(blob, source) {
  const text = Buffer.from(source, 'utf8');
  const at = blob.indexOf(text);
  const extra = blob.length - text.length;
  if (at < 0 || extra > 4096) {
    throw new Error(`the blob is not the bundle plus a header (${extra} other bytes): it would not be portable to another platform`);
  }
}

/** LIEF, inside postject, reports every ELF note it cannot name; harmless, and it buries real errors. */
const LIEF_NOISE = /^warning: Can't find string offset for section name/;

export async function injectBlob({ base, output, blob }) {
  copyFileSync(base, output);
  chmodSync(output, 0o755);
  const { error, warn } = console;
  const quiet = (print) => (...args) => (LIEF_NOISE.test(String(args[0])) ? undefined : print(...args));
  console.error = quiet(error);
  console.warn = quiet(warn);
  try {
    await inject(output, 'NODE_SEA_BLOB', blob, { sentinelFuse: FUSE });
  } finally {
    console.error = error;
    console.warn = warn;
  }
}
