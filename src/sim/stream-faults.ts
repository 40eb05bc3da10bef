/**
 * Answers no real QRS gives, streamed so the simulator itself stays small: a JSON body larger than
 * a client should accept (written as fast as the client reads), and one that never ends (a few bytes
 * at a time until the client gives up or the simulator stops).
 */
import type http from 'node:http';

export type StreamFault = { kind: 'oversized'; bytes: number } | { kind: 'endless' };

const CHUNK = '"' + 'x'.repeat(1024 * 1024 - 4) + '",';

export function streamFault(res: http.ServerResponse, fault: StreamFault): void {
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
  res.write('[');
  if (fault.kind === 'endless') {
    const timer = setInterval(() => res.write('0,'), 20);
    res.once('close', () => clearInterval(timer));
    return;
  }
  let sent = 1;
  const pump = (): void => {
    while (sent < fault.bytes) {
      sent += CHUNK.length;
      if (!res.write(CHUNK)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end('0]');
  };
  res.once('close', () => (sent = Infinity));
  pump();
}
