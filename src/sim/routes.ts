/**
 * One QRS request in, one response out: the header checks every 4242 call must pass, then the generic
 * route set each entity type has (qrs-api.md §1.3, §2, §6). Pure apart from the state it mutates, so
 * the server around it only deals with sockets, latency and faults.
 */
import { ENTITY_TYPES, HttpError, getById, normalizeBody, type EntityType, type Row } from './entities.js';
import { ALL_PRIVILEGES, XRFKEY, XSRF_BODY, header, json, methodNotAllowed, param, parseJsonBody, parseQlikUser, parseQuery, text, type ParsedQuery, type SimRequest, type SimResponse } from './http-kit.js';
import { routeAction } from './routes-actions.js';
import { FilterSyntaxError } from './filter-parser.js';
import { compileFilter, compileOrderBy } from './query.js';
import type { BaseEntity, SimState } from './state.js';
import { serverNodeType } from './server-nodes.js';

const ROUTED_TYPES: ReadonlyMap<string, EntityType<BaseEntity>> = new Map([...ENTITY_TYPES, ['servernodeconfiguration', serverNodeType as unknown as EntityType<BaseEntity>]]);

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
    if (method === 'POST' && type.create) {
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
      if (!type.update) return methodNotAllowed(method);
      const body = normalizeBody(type.shape, parseJsonBody(req.body));
      checkPut(stored, body);
      return json(200, served(type, state, type.update(state, stored, body, caller), privileges));
    }
    case 'DELETE':
      if (!type.remove) return methodNotAllowed(method);
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
    const action = routeAction(state, req, q, rest);
    if (action) return action;
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

export { JSON_TYPE, TEXT_TYPE, XSRF_BODY, parseQlikUser, text, type SimRequest, type SimResponse } from './http-kit.js';
