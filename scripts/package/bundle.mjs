/**
 * One CommonJS file from the tsc output in dist/: the parse worker bundled first and baked in as a string
 * (it runs with `new Worker(source, { eval: true })`: no worker file exists inside an executable), the
 * version baked in (import.meta is empty in CommonJS), and the optional requires of packages that are not
 * installed answered by an empty stand-in, so that nothing is looked up on disk at run time. Any esbuild
 * warning fails the build: it would be a require or import.meta the executable cannot honour.
 */
import { build } from 'esbuild';

/** Optional requires inside dependencies (`try { require(x) } catch {}`): a stand-in that says "absent". */
const OPTIONAL = ['supports-color'];

const optionalStandIns = {
  name: 'optional-requires',
  setup(b) {
    const filter = new RegExp(`^(${OPTIONAL.join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'absent' }));
    b.onLoad({ filter: /.*/, namespace: 'absent' }, () => ({ contents: 'module.exports = false;', loader: 'js' }));
  },
};

/**
 * Builtins that dependencies require at load time but use only on paths qrsfix never or rarely takes
 * (commander's child_process is for executable subcommands): required on first use, which keeps
 * child_process, net and dgram out of the start of every run (a quarter of `--version`).
 */
const LAZY_BUILTINS = ['child_process'];

const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    const filter = new RegExp(`^(node:)?(${LAZY_BUILTINS.join('|')})$`);
    b.onResolve({ filter }, (args) => (args.namespace === 'lazy' ? undefined : { path: args.path.replace(/^node:/, ''), namespace: 'lazy' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
      contents: `let m; const load = () => (m ??= require('node:${args.path}'));
module.exports = new Proxy({}, { get: (_, k) => load()[k], has: (_, k) => k in load(), ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, k) => { const d = Reflect.getOwnPropertyDescriptor(load(), k); return d && { ...d, configurable: true }; } });`,
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node24',
  write: false,
  logLevel: 'silent',
  legalComments: 'none',
  minify: true,
  plugins: [optionalStandIns, lazyBuiltins],
};

async function bundleOne(entry, define, banner) {
  const result = await build({ ...common, entryPoints: [entry], define, ...(banner ? { banner: { js: banner } } : {}) });
  if (result.warnings.length > 0) {
    throw new Error(`esbuild warnings in ${entry}:\n${result.warnings.map((w) => `${w.location?.file ?? ''}:${w.location?.line ?? ''} ${w.text}`).join('\n')}`);
  }
  return result.outputFiles[0].text;
}

/** The bundle's source text. The import.meta left in dist/ sits on paths the baked-in values bypass. */
export async function bundleCli({ version }) {
  const bypassed = { 'import.meta.url': '"qrsfix:bundled"' };
  const worker = await bundleOne('dist/logs/parse-worker.js', bypassed);
  // `--version` alone answers before the rest of the bundle runs: an executable starts about as fast as
  // Node itself (the budget is 1.3× of `node -e 0`). The same text commander prints; strict mode kept first.
  const fastVersion = `"use strict";if(process.argv.length===3&&(process.argv[2]==="--version"||process.argv[2]==="-V")){process.stdout.write(${JSON.stringify(`${version}\n`)});return}`;
  return bundleOne('dist/cli.js', {
    ...bypassed,
    QRSFIX_VERSION: JSON.stringify(version),
    QRSFIX_PARSE_WORKER_SOURCE: JSON.stringify(worker),
  }, fastVersion);
}
