/**
 * One QRS request in, one response out: the header checks every 4242 call must pass, then the generic
 * route set each entity type has (qrs-api.md §1.3, §2, §6). Pure apart from the state it mutates, so
 * the server around it only deals with sockets, latency and faults.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { ENTITY_TYPES, HttpError, getById, normalizeBody, type EntityType, type Row } from './entities.js';
import { FilterSyntaxError } from './filter-parser.js';
import { compileFilter, compileOrderBy } from './query.js';
import type { BaseEntity, SimState } from './state.js';
import { serverNodeType } from './server-nodes.js';

const ROUTED_TYPES: ReadonlyMap<string, EntityType<BaseEntity>> = new Map([...ENTITY_TYPES, ['servernodeconfiguration', serverNodeType as unknown as EntityType<BaseEntity>]]);

export interface SimRequest {
  method: string;
  pathname: string;
  /** The query string without the leading '?', as sent. */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const JSON_TYPE = 'application/json; charset=utf-8';
export const TEXT_TYPE = 'text/plain; charset=utf-8';
export const XSRF_BODY = 'XSRF prevention check failed. Possible XSRF discovered.';

const XRFKEY = /^[0-9A-Za-z]{16}$/;
const ALL_PRIVILEGES = ['create', 'read', 'update', 'delete', 'export', 'publish', 'change_owner', 'change_role', 'export_data', 'offline_access', 'distribute', 'duplicate', 'approve'];

export function text(status: number, body: string, headers: Record<string, string> = {}): SimResponse {
  const typed = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
  return { status, headers: typed ? { ...headers } : { 'Content-Type': TEXT_TYPE, ...headers }, body };
}

function json(status: number, data: unknown): SimResponse {
  return { status, headers: { 'Content-Type': JSON_TYPE }, body: JSON.stringify(data) };
}

interface ParsedQuery {
  params: Array<[string, string]>;
  /** A part without '=': what a raw '&' inside a filter value leaves behind. */
  missingValue: boolean;
}

function parseQuery(raw: string): ParsedQuery {
  const params: Array<[string, string]> = [];
  let missingValue = false;
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) {
      missingValue = true;
      continue;
    }
    const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    params.push([decode(part.slice(0, eq)), decode(part.slice(eq + 1))]);
  }
  return { params, missingValue };
}

/** Query parameter names bind case-insensitively (ASP.NET), so `Xrfkey`, `xrfkey` and `XRFKEY` are one. */
function param(q: ParsedQuery, name: string): string | undefined {
  return q.params.find(([k]) => k.toLowerCase() === name)?.[1];
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `UserDirectory=<dir>; UserId=<id>`, each part URL-encoded; returns `DIR\id` or undefined when malformed. */
export function parseQlikUser(value: string | undefined): string | undefined {
  if (!value) return undefined;
  let dir: string | undefined;
  let id: string | undefined;
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    let v: string;
    try {
      v = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
    if (key === 'userdirectory') dir = v;
    else if (key === 'userid') id = v;
  }
  return dir && id ? `${dir}\\${id}` : undefined;
}

function parseJsonBody(body: string): unknown {
  if (body.trim() === '') throw new HttpError(400, 'Bad request: the request body is empty; a JSON entity is required.');
  try {
    return JSON.parse(body);
  } catch {
    throw new HttpError(400, 'Bad request: the request body is not valid JSON.');
  }
}

function methodNotAllowed(method: string): SimResponse {
  return text(405, `The requested resource does not support http method '${method}'.`);
}

function served(type: EntityType<BaseEntity>, state: SimState, e: BaseEntity, privileges: boolean): Row {
  const full = type.full(state, e);
  if (privileges) full.privileges = [...ALL_PRIVILEGES];
  return full;
}

function listRows(type: EntityType<BaseEntity>, state: SimState, q: ParsedQuery, privileges: boolean): Row[] {
  const predicate = compileFilter(type.shape, param(q, 'filter'));
  const order = compileOrderBy(type.shape, param(q, 'orderby'));
  const rows: Row[] = [];
  for (const e of type.store(state).values()) {
    const row = served(type, state, e, privileges);
    if (!predicate || predicate(row)) rows.push(row);
  }
  if (order) rows.sort(order);
  return rows;
}

/** Optimistic concurrency (qrs-api.md §2): same id as the URL, and the modifiedDate the client last read. */
function checkPut(stored: BaseEntity, body: Row): void {
  if (typeof body.id !== 'string' || body.id.toLowerCase() !== stored.id.toLowerCase()) {
    throw new HttpError(400, 'Bad request: the id in the body must equal the id in the URL.');
  }
  if (typeof body.modifiedDate !== 'string') throw new HttpError(400, 'Bad request: modifiedDate is required.');
  const sent = Date.parse(body.modifiedDate);
  if (Number.isNaN(sent)) throw new HttpError(400, `Bad request: modifiedDate '${body.modifiedDate}' is not a date.`);
  if (sent !== Date.parse(stored.modifiedDate)) throw new HttpError(409, 'Conflict');
}

function routeEntity(state: SimState, type: EntityType<BaseEntity>, req: SimRequest, q: ParsedQuery, tail: string | undefined, caller: string): SimResponse {
  type.beforeRequest?.(state);
  const privileges = (param(q, 'privileges') ?? '').toLowerCase() === 'true';
  const store = type.store(state);
  const { method } = req;

  if (tail === undefined) {
    if (method === 'GET') return json(200, listRows(type, state, q, privileges).map((r) => type.condensed(r)));
    if (method === 'POST') {
      const created = type.create(state, normalizeBody(type.shape, parseJsonBody(req.body)), caller);
      return json(201, served(type, state, created, privileges));
    }
    return methodNotAllowed(method);
  }
  if (tail === 'full') return method === 'GET' ? json(200, listRows(type, state, q, privileges)) : methodNotAllowed(method);
  if (tail === 'count') {
    if (method !== 'GET') return methodNotAllowed(method);
    const predicate = compileFilter(type.shape, param(q, 'filter'));
    let value = 0;
    for (const e of store.values()) if (!predicate || predicate(type.full(state, e))) value++;
    return json(200, { value });
  }
  if (tail.includes('/')) return text(404, 'Not Found');
  const stored = getById(store, tail);
  if (!stored) {
    return method === 'GET' || method === 'PUT' || method === 'DELETE' ? text(404, `Not Found: no entity with id ${tail}`) : methodNotAllowed(method);
  }
  switch (method) {
    case 'GET':
      return json(200, served(type, state, stored, privileges));
    case 'PUT': {
      const body = normalizeBody(type.shape, parseJsonBody(req.body));
      checkPut(stored, body);
      return json(200, served(type, state, type.update(state, stored, body, caller), privileges));
    }
    case 'DELETE':
      type.remove(state, stored, caller);
      return { status: 204, headers: {}, body: '' };
    default:
      return methodNotAllowed(method);
  }
}

export function handle(state: SimState, req: SimRequest): SimResponse {
  let q: ParsedQuery;
  try {
    q = parseQuery(req.rawQuery);
  } catch {
    return text(400, 'Bad Request');
  }
  const xrfkey = param(q, 'xrfkey');
  if (xrfkey === undefined || !XRFKEY.test(xrfkey) || header(req.headers, 'x-qlik-xrfkey') !== xrfkey) return text(403, XSRF_BODY);
  const caller = parseQlikUser(header(req.headers, 'x-qlik-user'));
  if (!caller) {
    return text(403, "Forbidden: the X-Qlik-User header is missing or malformed; expected 'UserDirectory=<directory>; UserId=<user id>' with URL-encoded values.");
  }
  if (q.missingValue) return text(400, 'Missing parameter value(s)');

  const path = req.pathname.toLowerCase().replace(/\/+$/, '');
  if (!path.startsWith('/qrs/')) return text(404, 'Not Found');
  const rest = path.slice('/qrs/'.length);
  try {
    if (rest === 'about') return req.method === 'GET' ? json(200, state.about) : methodNotAllowed(req.method);
    for (const [segment, type] of ROUTED_TYPES) {
      if (rest === segment) return routeEntity(state, type, req, q, undefined, caller);
      if (rest.startsWith(`${segment}/`)) return routeEntity(state, type, req, q, rest.slice(segment.length + 1), caller);
    }
    return text(404, 'Not Found');
  } catch (err) {
    if (err instanceof HttpError) return text(err.status, err.body);
    if (err instanceof FilterSyntaxError) return text(400, err.body);
    throw err;
  }
}
