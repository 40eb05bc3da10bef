/**
 * A log file as runs of complete lines, each in a buffer of its own that can be handed to a worker
 * thread. Each read starts where the previous run's last line ended, so the few bytes after it are
 * read twice instead of being copied in front of the next run.
 */
import { open, type FileHandle } from 'node:fs/promises';

/**
 * The size of a run, unless one line is longer. 1 MiB: about 1,300 rows of an audit log, so that
 * handing a run to a thread and back (tens of microseconds) costs little next to parsing it.
 */
export const RUN_BYTES = 1024 * 1024;
/**
 * The longest line kept. A Repository log row is a few hundred bytes; a line of gigabytes (a damaged
 * or crafted file) would need a buffer Node cannot make. Longer lines are skipped unread and counted
 * as malformed.
 */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;
const LF = 0x0a;

export interface Run {
  bytes: Buffer;
  /** The run opens the file (BOM and header). */
  first: boolean;
}

/**
 * The run buffers, used again once parsed. Allocating a fresh megabyte for every run, freed by
 * whichever thread parsed it, made the C allocator keep ever more of them: the process grew with
 * the size of the folder.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];

  constructor(
    readonly size = RUN_BYTES,
    private readonly keep = 32,
  ) {}

  acquire(size: number): Buffer {
    // Not from Buffer's shared slab: a run's memory is moved to a worker thread whole.
    return (size === this.size ? this.free.pop() : undefined) ?? Buffer.allocUnsafeSlow(size);
  }

  /** Takes back the buffer that `bytes` is a view of. */
  release(bytes: Uint8Array): void {
    const memory = bytes.buffer;
    if (memory.byteLength === this.size && this.free.length < this.keep) this.free.push(Buffer.from(memory));
  }
}

export class ChunkReader {
  private handle: Promise<FileHandle> | undefined;
  private position = 0;
  private done = false;
  private closed = false;
  private longLines = 0;

  constructor(
    private readonly path: string,
    private readonly pool = new BufferPool(),
    private readonly maxLine = MAX_LINE_BYTES,
  ) {}

  /** Lines over the cap skipped since the last call. */
  takeLongLines(): number {
    const n = this.longLines;
    this.longLines = 0;
    return n;
  }

  /** The next run; undefined at the end of the file. Rejects with the read error. Calls must not overlap. */
  async next(): Promise<Run | undefined> {
    if (this.done || this.closed) return undefined;
    this.handle ??= open(this.path, 'r');
    const handle = await this.handle;
    for (;;) {
      const run = await this.read(handle);
      if (run !== 'skipped') return run;
    }
  }

  /** Moves past the line at the current position without keeping it. */
  private async skipLine(handle: FileHandle): Promise<void> {
    this.longLines++;
    const buffer = this.pool.acquire(this.pool.size);
    try {
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.position);
        if (bytesRead === 0) return;
        const lf = buffer.subarray(0, bytesRead).indexOf(LF);
        this.position += lf >= 0 ? lf + 1 : bytesRead;
        if (lf >= 0) return;
      }
    } finally {
      this.pool.release(buffer);
    }
  }

  private async read(handle: FileHandle): Promise<Run | undefined | 'skipped'> {
    const first = this.position === 0;
    for (let size = this.pool.size; ; size *= 2) {
      const buffer = this.pool.acquire(size);
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, 0, size, this.position));
      } catch (err) {
        this.pool.release(buffer);
        throw err;
      }
      if (this.closed || bytesRead === 0) {
        this.pool.release(buffer);
        this.done = true;
        return undefined;
      }
      const last = buffer.lastIndexOf(LF, bytesRead - 1);
      if (last >= 0) {
        this.position += last + 1;
        return { bytes: buffer.subarray(0, last + 1), first };
      }
      if (bytesRead < size) {
        // The last line of the file, without a line end.
        this.position += bytesRead;
        return { bytes: buffer.subarray(0, bytesRead), first };
      }
      // A line longer than a run: read again, more at once, up to the cap.
      this.pool.release(buffer);
      if (size >= this.maxLine) {
        await this.skipLine(handle);
        return 'skipped';
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // FileHandle.close waits for a read still in flight.
    if (this.handle) void this.handle.then((h) => h.close()).catch(() => {});
  }
}
