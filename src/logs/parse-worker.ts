/**
 * A parse thread of diagnose-log: parses the runs of log lines it is sent and answers with the packed
 * result, moving its typed arrays instead of copying them.
 */
import { parentPort } from 'node:worker_threads';
import { parseChunk } from './chunk-parse.js';
import type { ParseJob, ParseReply } from './parse-pool.js';

const port = parentPort;
if (!port) throw new Error('parse-worker.js runs as a worker thread');
port.on('message', (job: ParseJob) => {
  let reply: ParseReply;
  try {
    reply = { id: job.id, chunk: parseChunk(job.bytes, job.header, job.first) };
  } catch (err) {
    reply = { id: job.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  port.postMessage(reply, 'chunk' in reply ? [reply.chunk.nums.buffer as ArrayBuffer] : []);
});
