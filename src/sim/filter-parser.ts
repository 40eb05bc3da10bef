/**
 * The QRS filter language, parsed the way a live QRS accepts and rejects it (qrs-api.md §3).
 * Written independently of the client's filter builder so the two cannot share a bug.
 *
 *   expr    := and ('or' and)*          -- 'and' binds tighter than 'or'
 *   and     := primary ('and' primary)*
 *   primary := '(' expr ')' | PROP OP VALUE
 *   VALUE   := 'quoted' (escapes \' and \\ only) | bare token (number, true/false, null, GUID, enum)
 *
 * Syntax only: whether a property exists and how values compare is query.ts's business.
 */

export type FilterOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'sw' | 'ew' | 'so';
export const FILTER_OPS: readonly FilterOp[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'sw', 'ew', 'so'];

export type FilterValue = { quoted: true; text: string } | { quoted: false; text: string };

export type FilterNode =
  | { type: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { type: 'cmp'; property: string; op: FilterOp; value: FilterValue };

export interface OrderTerm {
  property: string;
  descending: boolean;
}

/** `body` is the exact plain-text 400 body QRS gives. */
export class FilterSyntaxError extends Error {
  constructor(readonly body: string) {
    super(body);
    this.name = 'FilterSyntaxError';
  }
}

type Token =
  | { t: '('; pos: number }
  | { t: ')'; pos: number }
  | { t: 'string'; text: string; pos: number }
  | { t: 'word'; text: string; pos: number };

const PROPERTY = /^[A-Za-z_@][A-Za-z0-9_@]*(\.[A-Za-z_@][A-Za-z0-9_@]*)*$/;
const MAX_DEPTH = 64;

function tokenize(src: string, fail: () => never): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push(c === '(' ? { t: '(', pos: i } : { t: ')', pos: i });
      i++;
    } else if (c === '"') {
      fail(); // QRS has no double-quoted strings
    } else if (c === "'") {
      const start = i;
      let text = '';
      i++;
      for (;;) {
        if (i >= src.length) fail(); // unterminated
        const d = src[i]!;
        if (d === '\\') {
          const next = src[i + 1];
          if (next !== "'" && next !== '\\') fail();
          text += next;
          i += 2;
        } else if (d === "'") {
          i++;
          break;
        } else {
          text += d;
          i++;
        }
      }
      tokens.push({ t: 'string', text, pos: start });
    } else {
      const start = i;
      while (i < src.length && !/[\s()'"]/.test(src[i]!)) i++;
      if (src[i] === '"') fail();
      tokens.push({ t: 'word', text: src.slice(start, i), pos: start });
    }
  }
  return tokens;
}

function isKeyword(tok: Token | undefined, word: 'and' | 'or'): boolean {
  return tok !== undefined && tok.t === 'word' && tok.text.toLowerCase() === word;
}

/** Parses a filter; undefined for an empty or blank one (QRS then returns everything). */
export function parseFilter(src: string): FilterNode | undefined {
  const fail: () => never = () => {
    throw new FilterSyntaxError(`Cannot parse the expression: ${src}`);
  };
  const tokens = tokenize(src, fail);
  if (tokens.length === 0) return undefined;
  let at = 0;
  let depth = 0;

  const parseOr = (): FilterNode => {
    let left = parseAnd();
    while (isKeyword(tokens[at], 'or')) {
      at++;
      left = { type: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): FilterNode => {
    let left = parsePrimary();
    while (isKeyword(tokens[at], 'and')) {
      at++;
      left = { type: 'and', left, right: parsePrimary() };
    }
    return left;
  };
  const parsePrimary = (): FilterNode => {
    const tok = tokens[at];
    if (tok === undefined) fail(); // dangling and/or, or nothing after '('
    if (tok.t === '(') {
      at++;
      if (tokens[at]?.t === ')') throw new FilterSyntaxError('Invalid expression');
      if (++depth > MAX_DEPTH) fail();
      const inner = parseOr();
      depth--;
      if (tokens[at]?.t !== ')') fail();
      at++;
      return inner;
    }
    if (tok.t !== 'word' || !PROPERTY.test(tok.text) || isKeyword(tok, 'and') || isKeyword(tok, 'or')) fail();
    const opTok = tokens[at + 1];
    const valTok = tokens[at + 2];
    if (opTok?.t !== 'word') fail();
    const op = opTok.text.toLowerCase() as FilterOp;
    if (!FILTER_OPS.includes(op)) fail();
    if (valTok === undefined || valTok.t === '(' || valTok.t === ')') fail();
    if (valTok.t === 'word' && (isKeyword(valTok, 'and') || isKeyword(valTok, 'or'))) fail();
    at += 3;
    const value: FilterValue = valTok.t === 'string' ? { quoted: true, text: valTok.text } : { quoted: false, text: valTok.text };
    return { type: 'cmp', property: tok.text, op, value };
  };

  const tree = parseOr();
  if (at !== tokens.length) fail(); // e.g. 'a''b' (doubled quote), a stray ')', two values
  return tree;
}

/** `prop`, `prop desc`, `p1, p2 asc`; undefined for blank. */
export function parseOrderBy(src: string): OrderTerm[] | undefined {
  if (src.trim() === '') return undefined;
  return src.split(',').map((part) => {
    const m = /^\s*([^\s,]+)(?:\s+(asc|desc))?\s*$/i.exec(part);
    if (!m || !PROPERTY.test(m[1]!)) throw new FilterSyntaxError(`Cannot parse the expression: ${src}`);
    return { property: m[1]!, descending: (m[2] ?? '').toLowerCase() === 'desc' };
  });
}
