/**
 * A parse thread of diagnose-log: parses the runs of log lines it is sent and answers with the packed
 * result.
 */
import { parentPort } from 'node:worker_threads';
import { parseChunk } from './chunk-parse.js';
import type { ParseJob, ParseReply } from './parse-pool.js';

const port = parentPort;
if (!port) throw new Error('parse-worker.js runs as a worker thread');
port.on('message', (job: ParseJob) => {
  let reply: ParseReply;
  try {
    reply = { id: job.id, chunk: parseChunk(job.bytes, job.header, job.first), bytes: job.bytes };
  } catch (err) {
    reply = { id: job.id, error: err instanceof Error ? err.message : String(err) };
  }
  // The typed arrays and the run's bytes move back: nothing is copied, and the bytes are read into again.
  port.postMessage(reply, 'chunk' in reply ? [reply.chunk.nums.buffer as ArrayBuffer, job.bytes.buffer as ArrayBuffer] : []);
});
