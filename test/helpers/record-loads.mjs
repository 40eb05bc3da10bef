/**
 * `node --import ./test/helpers/record-loads.mjs …` with QRSFIX_LOAD_LOG=<file>: appends the URL of
 * every ES module (and of every CommonJS package entry imported from one) the process loads to that
 * file, one a line. The cold-start test uses it to check that --version and --help load no command
 * module and no heavy dependency. Written synchronously by the hooks thread, so nothing is lost
 * when the CLI exits.
 */
import { register } from 'node:module';

const file = process.env.QRSFIX_LOAD_LOG;
if (file) register('./record-loads-hooks.mjs', import.meta.url, { data: { file } });
