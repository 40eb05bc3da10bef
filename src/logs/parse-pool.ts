/**
 * Where the runs of log lines are parsed: in worker threads, so that a big folder is parsed on all
 * cores while the main thread merges the rows in time order and aggregates them, or, for small inputs
 * (where starting a thread costs more than it saves) and on request, in the main thread.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { QrsfixError } from '../errors.js';
import { parseChunk, type PackedChunk } from './chunk-parse.js';
import type { Run } from './chunk-reader.js';
import type { Header } from './rows.js';

export interface ParseJob {
  id: number;
  bytes: Uint8Array;
  header: Header;
  first: boolean;
}

/** The parsed run, and its bytes given back for the next run to be read into. */
export interface Parsed {
  chunk: PackedChunk;
  bytes: Uint8Array;
}

export type ParseReply = ({ id: number } & Parsed) | { id: number; error: string };

export interface ChunkParser {
  /** How many runs of one file to read and parse ahead of the merge. */
  readonly depth: number;
  parse(run: Run, header: Header): Promise<Parsed>;
  close(): Promise<void>;
}

/** Parses in the calling thread, when the run is handed over: no thread to start. */
export function inThreadParser(): ChunkParser {
  return {
    depth: 2,
    parse: (run, header) => Promise.resolve().then(() => ({ chunk: parseChunk(run.bytes, header, run.first), bytes: run.bytes })),
    close: () => Promise.resolve(),
  };
}

/** Below this much log the main thread parses faster than it could start threads (~30 ms each). */
export const THREADS_FROM_BYTES = 32 * 1024 * 1024;

/** The default: one thread per core, at most 4 (the merge after them is single-threaded). */
export function defaultThreads(totalBytes: number): number {
  return totalBytes < THREADS_FROM_BYTES ? 0 : Math.min(availableParallelism(), 4);
}

function threadFailed(why: string, cause?: unknown): QrsfixError {
  return new QrsfixError('input', `a parse thread failed: ${why}`, 'run again with --threads 0 to parse in the main thread', { cause });
}

/** The worker's own bundled source in the single-file build (no worker file exists inside it), set by the bundler. */
declare const QRSFIX_PARSE_WORKER_SOURCE: string | undefined;

function startWorker(): Worker {
  // A small young generation: parsing a run leaves only its packed rows alive, and the default
  // lets each thread's heap grow by tens of megabytes before it collects, for no gain in speed.
  const resourceLimits = { maxYoungGenerationSizeMb: 8 };
  if (typeof QRSFIX_PARSE_WORKER_SOURCE === 'string') return new Worker(QRSFIX_PARSE_WORKER_SOURCE, { eval: true, resourceLimits });
  return new Worker(new URL('./parse-worker.js', import.meta.url), { resourceLimits });
}

interface Pending {
  resolve(parsed: Parsed): void;
  reject(err: Error): void;
}

class WorkerParser implements ChunkParser {
  readonly depth: number;
  private readonly workers: Worker[] = [];
  private readonly load = new Map<Worker, number>();
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: QrsfixError | undefined;

  constructor(private readonly threads: number) {
    // Two runs per thread, so that none waits while the merge is busy with the rows of the last one.
    this.depth = 2 * threads + 2;
  }

  private start(): void {
    for (let i = 0; i < this.threads; i++) {
      const worker = startWorker();
      worker.on('message', (reply: ParseReply) => this.settle(worker, reply));
      worker.on('error', (err) => this.fail(threadFailed(err.message, err)));
      worker.on('exit', (code) => {
        if (code !== 0 && !this.failure) this.fail(threadFailed(`it stopped with exit code ${code}`));
      });
      this.workers.push(worker);
      this.load.set(worker, 0);
    }
  }

  parse(run: Run, header: Header): Promise<Parsed> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.workers.length === 0) this.start();
    // The least busy thread; the run's memory moves to it.
    let worker = this.workers[0]!;
    for (const w of this.workers) if (this.load.get(w)! < this.load.get(worker)!) worker = w;
    const id = this.nextId++;
    this.load.set(worker, this.load.get(worker)! + 1);
    const job: ParseJob = { id, bytes: run.bytes, header, first: run.first };
    return new Promise<Parsed>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage(job, [run.bytes.buffer as ArrayBuffer]);
    });
  }

  private settle(worker: Worker, reply: ParseReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    this.load.set(worker, this.load.get(worker)! - 1);
    if ('chunk' in reply) p.resolve({ chunk: reply.chunk, bytes: reply.bytes });
    else p.reject(threadFailed(reply.error));
  }

  private fail(err: QrsfixError): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
  }

  async close(): Promise<void> {
    this.failure ??= new QrsfixError('input', 'the parse threads were closed');
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.terminate()));
    this.fail(this.failure);
  }
}

/** `threads` 0: the main thread parses. */
export function chunkParser(threads: number): ChunkParser {
  return threads > 0 ? new WorkerParser(threads) : inThreadParser();
}
