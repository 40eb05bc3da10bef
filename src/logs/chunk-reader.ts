/**
 * A log file as runs of complete lines, each in a buffer of its own that can be handed to a worker
 * thread. Each read starts where the previous run's last line ended, so the few bytes after it are
 * read twice instead of being copied in front of the next run.
 */
import { open, type FileHandle } from 'node:fs/promises';

/**
 * 1 MiB: about 1,300 rows of an audit log, so handing a run to a worker costs little next to parsing
 * it, and a few runs in flight per file keep memory small.
 */
export const RUN_BYTES = 1024 * 1024;
const LF = 0x0a;

export interface Run {
  bytes: Buffer;
  /** The run opens the file (BOM and header). */
  first: boolean;
}

export class ChunkReader {
  private handle: Promise<FileHandle> | undefined;
  private position = 0;
  private done = false;
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly runBytes = RUN_BYTES,
  ) {}

  /** The next run; undefined at the end of the file. Rejects with the read error. Calls must not overlap. */
  async next(): Promise<Run | undefined> {
    if (this.done || this.closed) return undefined;
    this.handle ??= open(this.path, 'r');
    const handle = await this.handle;
    const first = this.position === 0;
    for (let size = this.runBytes; ; size *= 2) {
      // A fresh buffer each time: the run is handed over and may be moved to another thread.
      const buffer = Buffer.allocUnsafeSlow(size);
      const { bytesRead } = await handle.read(buffer, 0, size, this.position);
      if (this.closed || bytesRead === 0) {
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
      // A line longer than a run: read again, more at once.
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // FileHandle.close waits for a read still in flight.
    if (this.handle) void this.handle.then((h) => h.close()).catch(() => {});
  }
}
