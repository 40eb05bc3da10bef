/**
 * The tool's version. The single-file build has no package.json beside it and an empty import.meta, so
 * `npm run package` bakes the version in at bundle time (QRSFIX_VERSION); the Node build reads it from
 * package.json once.
 */
import { readFileSync } from 'node:fs';

declare const QRSFIX_VERSION: string | undefined;

function fromPackageJson(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export const VERSION: string = typeof QRSFIX_VERSION === 'string' ? QRSFIX_VERSION : fromPackageJson();
