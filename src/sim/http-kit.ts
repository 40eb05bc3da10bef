/**
 * The HTTP side of one simulated QRS call: typed responses, the query string as ASP.NET binds it
 * (parameter names case-insensitive, a part without '=' noted), headers, and the JSON body.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from './entity-kit.js';

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

export const XRFKEY = /^[0-9A-Za-z]{16}$/;
export const ALL_PRIVILEGES = ['create', 'read', 'update', 'delete', 'export', 'publish', 'change_owner', 'change_role', 'export_data', 'offline_access', 'distribute', 'duplicate', 'approve'];

export function text(status: number, body: string, headers: Record<string, string> = {}): SimResponse {
  const typed = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
  return { status, headers: typed ? { ...headers } : { 'Content-Type': TEXT_TYPE, ...headers }, body };
}

export function json(status: number, data: unknown): SimResponse {
  return { status, headers: { 'Content-Type': JSON_TYPE }, body: JSON.stringify(data) };
}

export interface ParsedQuery {
  params: Array<[string, string]>;
  /** A part without '=': what a raw '&' inside a filter value leaves behind. */
  missingValue: boolean;
}

export function parseQuery(raw: string): ParsedQuery {
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
export function param(q: ParsedQuery, name: string): string | undefined {
  return q.params.find(([k]) => k.toLowerCase() === name)?.[1];
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
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

export function parseJsonBody(body: string): unknown {
  if (body.trim() === '') throw new HttpError(400, 'Bad request: the request body is empty; a JSON entity is required.');
  try {
    return JSON.parse(body);
  } catch {
    throw new HttpError(400, 'Bad request: the request body is not valid JSON.');
  }
}

export function methodNotAllowed(method: string): SimResponse {
  return text(405, `The requested resource does not support http method '${method}'.`);
}

