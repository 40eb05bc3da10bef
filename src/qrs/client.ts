/**
 * The QRS client: every request gets a fresh xrfkey (query and header), X-Qlik-User, a hard timeout,
 * and typed errors. GETs are retried on transient failures; writes never are (a lost answer to a POST
 * or DELETE is reported as uncertain, and the caller re-reads). Never prints, never exits.
 */
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { z } from 'zod';
import type { QrsConnectionConfig } from './config.js';
import { describeServerCertificate, serverRejectsClientCertificate } from './tls-probe.js';
import { createTransport, type Transport } from './transport.js';
import type { CertificateFolder } from './cert-folder.js';
import { newXrfkey } from './xrfkey.js';
import { encodeFilter, type Filter } from './filter.js';
import { QrsError, excerpt } from './errors.js';
import { isDropCode, isTlsVerificationCode, mapStatusError, mapTransportError, type RequestContext } from './error-mapping.js';
import { countSchema } from './schemas.js';
import type { QrsClientOptions, QrsStats } from './client-options.js';
import { MAX_BODY_BYTES, MAX_JSON_DEPTH, bodyTooLarge, deadlinePassed, isBodyTooLarge, nestedDeeperThan } from './limits.js';

export type { QrsClientOptions, QrsStats, TraceEvent } from './client-options.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A successful GET and what it returned (parsed), in the order they were made. */
export interface ReadRecord {
  path: string;
  filter?: string;
  query?: Record<string, string>;
  data: unknown;
}

/** Enough for any survey; a run that reads more is not one a saved plan is made from. */
export const MAX_READ_RECORDS = 1000;

/** Marks a request whose body is returned as text (no JSON parse). */
const TEXT = z.string();

/** The longest qrsfix waits between two tries of a GET. */
const MAX_RETRY_WAIT_MS = 30_000;

export class QrsClient {
  readonly stats: QrsStats = { requests: 0, bytesReceived: 0 };
  readonly warnings: string[];
  /** Every successful GET of this client (up to MAX_READ_RECORDS): a saved plan records what it was computed from. */
  readonly reads: ReadRecord[] = [];
  private readonly http: AxiosInstance;
  private readonly transport: Transport;
  private readonly abortController = new AbortController();
  private interrupted = false;
  private readonly deadlineMs: number;
  private deadlineAt: number;

  constructor(
    readonly config: QrsConnectionConfig,
    certs: CertificateFolder,
    private readonly options: QrsClientOptions = {},
  ) {
    this.transport = createTransport(config, certs);
    this.warnings = this.transport.warnings;
    this.deadlineMs = config.deadlineMs ?? 2 * config.timeoutMs;
    this.deadlineAt = Date.now() + this.deadlineMs;
    this.http = axios.create({
      httpsAgent: this.transport.agent,
      // Our agent decides about proxies; axios's own proxy handling would wrap it in a second tunnel.
      proxy: false,
      maxRedirects: 0,
      maxContentLength: MAX_BODY_BYTES,
      maxBodyLength: MAX_BODY_BYTES,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      headers: { 'User-Agent': options.userAgent ?? 'qrsfix' },
    });
  }

  get baseUrl(): string {
    const host = this.config.host.includes(':') ? `[${this.config.host}]` : this.config.host;
    return `https://${host}:${this.config.port}`;
  }

  /**
   * Starts the overall deadline again: a change's writes after the admin confirmed it (time spent at
   * the prompt is not the server's), and the check after them, each get the whole of it.
   */
  restartDeadline(): void {
    this.deadlineAt = Date.now() + this.deadlineMs;
  }

  /** Abandons in-flight requests (Ctrl-C); they fail with kind 'interrupted'. */
  abort(): void {
    this.interrupted = true;
    this.abortController.abort();
  }

  close(): void {
    this.transport.agent.destroy();
  }

  async get<S extends z.ZodType>(path: string, schema: S, opts: { filter?: Filter; query?: Record<string, string> } = {}): Promise<z.infer<S>> {
    return this.send('GET', path, schema, undefined, opts);
  }

  /** A GET whose answer is text, not JSON (a script-log download); capped at `maxChars`. */
  async getText(path: string, maxChars = 16 * 1024 * 1024): Promise<string> {
    const text = await this.send('GET', path, TEXT, undefined, {});
    return text.length > maxChars ? text.slice(0, maxChars) : text;
  }

  async list<S extends z.ZodType>(path: string, itemSchema: S, filterBy?: Filter): Promise<Array<z.infer<S>>> {
    return this.send('GET', path, z.array(itemSchema), undefined, filterBy ? { filter: filterBy } : {});
  }

  async count(path: string, filterBy?: Filter): Promise<number> {
    return this.send('GET', path, countSchema, undefined, filterBy ? { filter: filterBy } : {});
  }

  async put<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.infer<S>> {
    return this.send('PUT', path, schema, body);
  }

  async post<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.infer<S>> {
    return this.send('POST', path, schema, body);
  }

  async delete(path: string): Promise<void> {
    await this.send('DELETE', path, undefined, undefined);
  }

  private buildUrl(path: string, xrfkey: string, opts: { filter?: Filter; query?: Record<string, string> }): string {
    let qs = `xrfkey=${xrfkey}`;
    if (opts.filter) qs += `&filter=${encodeFilter(opts.filter)}`;
    for (const [k, v] of Object.entries(opts.query ?? {})) qs += `&${encodeURIComponent(k)}=${encodeURIComponent(v)}`;
    return `${this.baseUrl}${path}?${qs}`;
  }

  private async send<S extends z.ZodType>(
    method: Method,
    path: string,
    schema: S | undefined,
    body: unknown,
    opts: { filter?: Filter; query?: Record<string, string> } = {},
  ): Promise<z.infer<S>> {
    const maxTries = method === 'GET' ? (this.options.maxTries ?? 3) : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(method, path, schema, body, opts);
      } catch (err) {
        if (!(err instanceof QrsError) || !err.retryable || attempt >= maxTries || this.interrupted) throw err;
        // Retrying before the server's Retry-After would not be honouring it; waiting longer would
        // leave an admin staring at a silent terminal. Report it instead.
        if (err.retryAfterMs !== undefined && err.retryAfterMs > MAX_RETRY_WAIT_MS) throw err;
        const backoff = (this.options.backoffMs ?? 250) * 2 ** (attempt - 1);
        const wait = Math.min(MAX_RETRY_WAIT_MS, Math.max(err.retryAfterMs ?? 0, backoff + Math.random() * backoff));
        if (Date.now() + wait >= this.deadlineAt) {
          throw new QrsError(err.kind, `${err.message}; no time left for another try within the overall deadline of ${Math.round(this.deadlineMs / 1000)} s (--deadline)`, err.hint, { method, path, ...(err.status !== undefined ? { status: err.status } : {}), uncertain: err.uncertain });
        }
        this.options.onTrace?.({ phase: 'retry', method, url: path, note: `${err.message}; try ${attempt + 1} of ${maxTries} in ${Math.round(wait)} ms` });
        const why = err.kind === 'timeout' ? 'no answer' : err.status ? `answer ${err.status}` : 'connection lost';
        this.options.onWait?.(`${why} from ${this.config.host}:${this.config.port} to ${method} ${path} yet; try ${attempt + 1} of ${maxTries} in ${(wait / 1000).toFixed(1)} s`);
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  private async attempt<S extends z.ZodType>(
    method: Method,
    path: string,
    schema: S | undefined,
    body: unknown,
    opts: { filter?: Filter; query?: Record<string, string> },
  ): Promise<z.infer<S>> {
    const xrfkey = newXrfkey();
    const url = this.buildUrl(path, xrfkey, opts);
    const ctx: RequestContext = { method, path, cfg: this.config, sent: method !== 'GET' };
    const started = Date.now();
    const left = this.deadlineAt - started;
    if (left <= 0) throw deadlinePassed(ctx, this.deadlineMs, false);
    this.options.onTrace?.({ phase: 'request', method, url: url.slice(this.baseUrl.length), body });
    this.stats.requests++;
    let res: AxiosResponse<string>;
    // Not AbortSignal.any([..., AbortSignal.timeout()]): on Node 20 the combined signal is only weakly
    // held, and once garbage-collected its timeout never fires, so a hung server hung qrsfix for good.
    const controller = new AbortController();
    const onClientAbort = () => controller.abort();
    if (this.abortController.signal.aborted) controller.abort();
    else this.abortController.signal.addEventListener('abort', onClientAbort, { once: true });
    // The per-request timeout, or what is left of the overall deadline when that comes first.
    let byDeadline = false;
    const timer = setTimeout(() => {
      byDeadline = left < this.config.timeoutMs;
      controller.abort();
    }, Math.min(this.config.timeoutMs, left));
    try {
      res = await this.http.request<string>({
        method,
        url,
        data: body === undefined ? undefined : JSON.stringify(body),
        headers: {
          'X-Qlik-Xrfkey': xrfkey,
          'X-Qlik-User': `UserDirectory=${encodeURIComponent(this.config.user.directory)}; UserId=${encodeURIComponent(this.config.user.userId)}`,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        signal: controller.signal,
      });
    } catch (err) {
      if (byDeadline && !this.interrupted) throw deadlinePassed(ctx, this.deadlineMs, true);
      if (isBodyTooLarge(err)) throw bodyTooLarge(ctx);
      throw await this.mapFailure(err, ctx);
    } finally {
      clearTimeout(timer);
      this.abortController.signal.removeEventListener('abort', onClientAbort);
    }
    const text = typeof res.data === 'string' ? res.data : '';
    const bytes = Buffer.byteLength(text);
    this.stats.bytesReceived += bytes;
    this.options.onTrace?.({ phase: 'response', method, url: path, status: res.status, ms: Date.now() - started, bytes, body: text });
    if (res.status < 200 || res.status >= 300) {
      throw mapStatusError(res.status, text, ctx, headerValue(res.headers['retry-after']), headerValue(res.headers.location));
    }
    if (schema === undefined) return undefined as z.infer<S>;
    if ((schema as unknown) === TEXT) return text as z.infer<S>;
    const data = parseBody(text, String(res.headers['content-type'] ?? ''), schema, ctx);
    if (method === 'GET' && this.reads.length < MAX_READ_RECORDS) {
      this.reads.push({ path, ...(opts.filter ? { filter: opts.filter.text } : {}), ...(opts.query ? { query: opts.query } : {}), data });
    }
    return data;
  }

  private async mapFailure(err: unknown, ctx: RequestContext): Promise<QrsError> {
    if (this.interrupted) {
      return new QrsError('interrupted', `interrupted during ${ctx.method} ${ctx.path}`, undefined, { method: ctx.method, path: ctx.path, uncertain: ctx.sent });
    }
    const e = err as { code?: string; message?: string; cause?: { code?: string } };
    const code = e.code ?? e.cause?.code;
    // The verification error does not say what the server presented: one unverified look tells.
    if (isTlsVerificationCode(code)) {
      const peer = await describeServerCertificate(this.config, this.transport.tlsOptions);
      return mapTransportError(err, ctx, peer ? { peer } : {});
    }
    // A hang-up may be a glitch (retried) or the server refusing our client certificate (never
    // worth retrying): one bare handshake tells which.
    if (isDropCode(code, e.message ?? '') && this.transport.client) {
      const rejected = await serverRejectsClientCertificate(this.config, this.transport.tlsOptions);
      if (rejected) return mapTransportError(err, ctx, { rejectedClient: this.transport.client });
    }
    return mapTransportError(err, ctx);
  }
}

function headerValue(v: unknown): string | undefined {
  return typeof v === 'string' ? v : Array.isArray(v) ? String(v[0]) : undefined;
}

function parseBody<S extends z.ZodType>(text: string, contentType: string, schema: S, ctx: RequestContext): z.infer<S> {
  const where = `${ctx.method} ${ctx.path}`;
  const proxyHint = 'connect to QRS on port 4242 directly; a proxy, load balancer or the Qlik proxy (443) answered instead';
  if (/text\/html/i.test(contentType) || /^\s*<(!doctype|html)/i.test(text)) {
    throw new QrsError('response', `QRS answered ${where} with an HTML page, not JSON (a login or error page?)`, proxyHint, { method: ctx.method, path: ctx.path });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new QrsError('response', `QRS answered ${where} with a body that is not JSON (${text.length} bytes, starts "${excerpt(text, 40)}"): truncated or not QRS`, proxyHint, { method: ctx.method, path: ctx.path, retryable: ctx.method === 'GET' });
  }
  if (nestedDeeperThan(json)) {
    throw new QrsError('response', `QRS answered ${where} with JSON nested more than ${MAX_JSON_DEPTH} levels deep: not a QRS entity`, 'is this the QRS of Qlik Sense Enterprise on Windows (port 4242)?', { method: ctx.method, path: ctx.path });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.length ? issue.path.join('.') : '(top level)';
    throw new QrsError('response', `QRS answered ${where} with JSON of an unexpected shape: ${at}: ${issue?.message ?? 'invalid'}`, 'is this the QRS of Qlik Sense Enterprise on Windows (port 4242)?', { method: ctx.method, path: ctx.path });
  }
  return parsed.data;
}
