/**
 * A tiny loopback HTTP CONNECT proxy for the proxy tests: it pipes the tunnel to the target (so the
 * mutual TLS to the simulator happens end to end through it), records every CONNECT, and can demand
 * Proxy-Authorization (407) or refuse all tunnels (403). `resolve` maps host names to addresses, so a
 * name only the proxy knows (like a server behind a corporate proxy) can be tested.
 */
import http from 'node:http';
import net from 'node:net';

export interface ConnectRecord {
  /** host:port of the CONNECT line. */
  target: string;
  /** The Proxy-Authorization header as received. */
  authorization: string | undefined;
  /** What the proxy answered. */
  status: number;
}

export interface ConnectProxyOptions {
  /** 'user:password' the proxy demands (Basic); others get 407. */
  credentials?: string;
  /** Answer every CONNECT with 403. */
  refuse?: boolean;
  /** Host name → address the proxy connects to instead (default: the name itself). */
  resolve?: Record<string, string>;
}

export interface ConnectProxy {
  port: number;
  url: string;
  connects: ConnectRecord[];
  close(): Promise<void>;
}

export async function startConnectProxy(opts: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const connects: ConnectRecord[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => {
    res.writeHead(405, { 'Content-Type': 'text/plain' });
    res.end('only CONNECT');
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = req.url ?? '';
    const authorization = req.headers['proxy-authorization'];
    const answer = (status: number, extra = ''): void => {
      connects.push({ target, authorization, status });
      client.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n${extra}Content-Length: 0\r\n\r\n`);
    };
    // qrsfix may reset a tunnel it gave up on; that is not the proxy's failure.
    client.on('error', () => client.destroy());
    if (opts.refuse) return answer(403);
    if (opts.credentials !== undefined && authorization !== `Basic ${Buffer.from(opts.credentials).toString('base64')}`) {
      return answer(407, 'Proxy-Authenticate: Basic realm="test"\r\n');
    }
    const colon = target.lastIndexOf(':');
    const host = target.slice(0, colon).replace(/^\[|\]$/g, '');
    const port = Number(target.slice(colon + 1));
    let established = false;
    const upstream = net.connect(port, opts.resolve?.[host] ?? host, () => {
      established = true;
      connects.push({ target, authorization, status: 200 });
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => {
      if (!established) answer(502);
      else client.destroy();
    });
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    connects,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
