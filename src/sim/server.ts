/**
 * The HTTPS side: mutual TLS as on port 4242, request recording, latency and faults around routes.ts.
 * Every socket is tracked so stop() can end hung requests and idle keep-alive connections at once.
 */
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { Faults } from './faults.js';
import { handle, text, type SimResponse } from './routes.js';
import { isReadOnlyPost } from './routes-actions.js';
import type { SimState } from './state.js';
import { streamFault } from './stream-faults.js';

export interface RequestRecord {
  method: string;
  /** Pathname without the query, as sent. */
  path: string;
  query: Record<string, string>;
  /** 0 when no response was sent (drop, hang, dropAfterApply). */
  status: number;
  bytesOut: number;
  /** Date.now() on arrival, for tests of backoff and Retry-After. */
  at: number;
  /** The X-Qlik-User header as sent (undefined when absent). */
  qlikUser: string | undefined;
}

/**
 * Requests in flight: from arrival until the response is finished (or the connection is gone). The
 * peaks let tests check that a client parallelises its reads and bounds its writes; reset them by
 * setting them to the current values (SimHandle.resetRequests does).
 */
export interface LoadCounters {
  inFlight: number;
  writesInFlight: number;
  peakInFlight: number;
  /** Writes are every method but GET. */
  peakWritesInFlight: number;
}

export interface ServerOptions {
  state: SimState;
  faults: Faults;
  requests: RequestRecord[];
  /** Updated in place. */
  load?: LoadCounters;
  latencyMs: number;
  host: string;
  port: number;
  tls: { keyPem: string; certPem: string; caPem: string };
}

export interface RunningServer {
  port: number;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

const LOGIN_PAGE = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Qlik Sense</title></head>
<body>
<form id="loginForm" method="post" action="/internal_forms_authentication/?targetId=00000000-0000-0000-0000-000000000000">
<h1>Log in to Qlik Sense</h1>
<label>User name <input name="username" type="text"></label>
<label>Password <input name="pwd" type="password"></label>
<button type="submit">Log in</button>
</form>
</body>
</html>
`;

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Cuts a JSON body short so JSON.parse fails; an empty body becomes the start of an object. */
function truncated(response: SimResponse): SimResponse {
  const full = response.body;
  const body = full.length > 1 ? full.slice(0, Math.max(1, Math.floor(full.length / 2))) : '{"id":"';
  return { status: 200, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body };
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const delay = (ms: number): Promise<void> =>
    ms <= 0
      ? Promise.resolve()
      : new Promise((resolve) => {
          const t = setTimeout(() => {
            timers.delete(t);
            resolve();
          }, ms);
          timers.add(t);
        });

  const send = (res: http.ServerResponse, response: SimResponse, record: RequestRecord): void => {
    const bytes = Buffer.byteLength(response.body);
    record.status = response.status;
    record.bytesOut = bytes;
    if (response.status === 204 || response.status === 304) {
      res.writeHead(response.status, response.headers);
      res.end();
      return;
    }
    res.writeHead(response.status, { ...response.headers, 'Content-Length': String(bytes) });
    res.end(response.body);
  };

  const serve = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    // A fragment never reaches a real server (clients cut it off), so whatever follows '#' is not query.
    const url = (req.url ?? '/').split('#')[0]!;
    const qi = url.indexOf('?');
    const pathname = qi < 0 ? url : url.slice(0, qi);
    const rawQuery = qi < 0 ? '' : url.slice(qi + 1);
    const qlikUser = req.headers['x-qlik-user'];
    const record: RequestRecord = {
      method,
      path: pathname,
      query: Object.fromEntries(new URLSearchParams(rawQuery)),
      status: 0,
      bytesOut: 0,
      at: Date.now(),
      qlikUser: Array.isArray(qlikUser) ? qlikUser[0] : qlikUser,
    };
    opts.requests.push(record);
    const load = opts.load;
    if (load) {
      const write = method !== 'GET' && !isReadOnlyPost(method, pathname);
      load.inFlight++;
      load.peakInFlight = Math.max(load.peakInFlight, load.inFlight);
      if (write) {
        load.writesInFlight++;
        load.peakWritesInFlight = Math.max(load.peakWritesInFlight, load.writesInFlight);
      }
      res.once('close', () => {
        load.inFlight--;
        if (write) load.writesInFlight--;
      });
    }

    const action = opts.faults.take(method, pathname);
    if (action?.kind === 'hang') {
      req.resume(); // drain the body so the client is not stuck on back-pressure instead of on us
      return;
    }
    let body: string;
    try {
      body = await readBody(req);
    } catch {
      req.socket.destroy();
      return;
    }
    await delay(opts.latencyMs);
    if (stopped) return;

    let response: SimResponse;
    switch (action?.kind) {
      case 'drop':
        req.socket.destroy();
        return;
      case 'status':
        response = text(action.status, action.body ?? http.STATUS_CODES[action.status] ?? '', action.headers);
        break;
      case 'html':
        response = { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: LOGIN_PAGE };
        break;
      case 'oversized':
      case 'endless':
        record.status = 200;
        streamFault(res, action);
        return;
      default:
        if (action?.kind === 'edit') action.apply(opts.state);
        response = handle(opts.state, { method, pathname, rawQuery, headers: req.headers, body });
    }
    if (action?.kind === 'dropAfterApply') {
      req.socket.destroy();
      return;
    }
    if (action?.kind === 'truncate') response = truncated(response);
    send(res, response, record);
  };

  const server = https.createServer(
    {
      key: opts.tls.keyPem,
      cert: opts.tls.certPem,
      ca: [opts.tls.caPem],
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      serve(req, res).catch(() => {
        // A bug in the simulator must show up as a 500, never as output on the client's terminal.
        if (!res.headersSent) {
          res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
          res.end('Internal Server Error');
        } else {
          res.destroy();
        }
      });
    },
  );
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client without a certificate from our CA fails the handshake; just drop it, quietly.
  server.on('tlsClientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;

  let stopping: Promise<void> | undefined;
  return {
    port,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        stopped = true;
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return stopping;
    },
  };
}
