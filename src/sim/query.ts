/**
 * Turns a parsed filter / orderby into a predicate / comparator for one entity type.
 * Strings compare case-insensitively ("Strings that are specified with relational operators are case
 * insensitive", qrs-api.md §3). Type mismatches (a bare word for a string, `sw` on a date, a GUID that
 * is not one) are rejected with 400, as QRS's typed expression builder would; the exact wording of those
 * bodies is the simulator's own, since no source records QRS's.
 */
import { FilterSyntaxError, parseFilter, parseOrderBy, type FilterNode, type FilterOp, type FilterValue } from './filter-parser.js';
import { resolvePath, type ScalarKind, type Shape } from './schema.js';

export type Row = Record<string, unknown>;
export type Predicate = (row: Row) => boolean;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STRING_ONLY_OPS: readonly FilterOp[] = ['sw', 'ew', 'so'];

/** Dates in filters may be ISO or `2012-05-09 12:00:00`; without a zone they are read as UTC. */
export function parseFilterDate(text: string): number {
  let t = text.trim();
  if (/^\d{4}-\d\d-\d\d \d/.test(t)) t = t.replace(' ', 'T');
  if (/T\d/.test(t) && !/(Z|[+-]\d\d:?\d\d)$/i.test(t)) t += 'Z';
  return Date.parse(t);
}

/** Every leaf value at the path; arrays on the way are flattened (any-element semantics). */
function valuesAt(row: unknown, keys: readonly string[], from = 0): unknown[] {
  if (from === keys.length) return Array.isArray(row) ? row : [row];
  if (Array.isArray(row)) return row.flatMap((item) => valuesAt(item, keys, from));
  if (row === null || typeof row !== 'object') return [];
  return valuesAt((row as Row)[keys[from]!], keys, from + 1);
}

function compareScalars(kind: ScalarKind | 'object', a: unknown, b: unknown): number {
  if (kind === 'date') return Date.parse(String(a)) - Date.parse(String(b));
  if (kind === 'int') return Number(a) - Number(b);
  if (kind === 'bool') return Number(a === true) - Number(b === true);
  const x = String(a).toLowerCase();
  const y = String(b).toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function compileComparison(shape: Shape, src: string, property: string, op: FilterOp, value: FilterValue): Predicate {
  const path = resolvePath(shape, property);
  if (!path) throw new FilterSyntaxError(`Invalid property '${property}' in expression: ${src}`);
  const bad = (): never => {
    throw new FilterSyntaxError(`Invalid value ${value.quoted ? `'${value.text}'` : value.text} for '${property}' (operator ${op}) in expression: ${src}`);
  };
  const { keys } = path;

  if (!value.quoted && value.text.toLowerCase() === 'null') {
    if (op !== 'eq' && op !== 'ne') bad();
    const isNull: Predicate = (row) => valuesAt(row, keys).every((v) => v === null || v === undefined);
    return op === 'eq' ? isNull : (row) => !isNull(row);
  }

  const kind = path.kind;
  if (kind === 'object') throw new FilterSyntaxError(`Invalid property '${property}' in expression: ${src}`);
  const target = coerce(kind, op, value, bad);
  const test = (cmpOp: FilterOp) => (v: unknown): boolean => {
    if (v === null || v === undefined) return false;
    if (kind === 'string' || kind === 'guid') {
      if (typeof v !== 'string') return false;
      const s = v.toLowerCase();
      const t = target as string;
      if (cmpOp === 'sw') return s.startsWith(t);
      if (cmpOp === 'ew') return s.endsWith(t);
      if (cmpOp === 'so') return s.includes(t);
      return relate(cmpOp, s < t ? -1 : s > t ? 1 : 0);
    }
    if (kind === 'date') {
      const ms = typeof v === 'string' ? Date.parse(v) : NaN;
      return !Number.isNaN(ms) && relate(cmpOp, ms - (target as number));
    }
    if (kind === 'bool') return typeof v === 'boolean' && relate(cmpOp, v === target ? 0 : 1);
    return typeof v === 'number' && relate(cmpOp, v - (target as number));
  };
  // `ne` is "not eq" over the whole property, so a row whose value is null (e.g. a deleted user) matches,
  // as C#'s null semantics in QRS's LINQ query would have it.
  if (op === 'ne') {
    const eq = test('eq');
    return (row) => !valuesAt(row, keys).some(eq);
  }
  const t = test(op);
  return (row) => valuesAt(row, keys).some(t);
}

function relate(op: FilterOp, cmp: number): boolean {
  switch (op) {
    case 'eq':
      return cmp === 0;
    case 'ne':
      return cmp !== 0;
    case 'gt':
      return cmp > 0;
    case 'ge':
      return cmp >= 0;
    case 'lt':
      return cmp < 0;
    case 'le':
      return cmp <= 0;
    default:
      return false;
  }
}

/** The filter value as the comparable form for the property's type (lower-cased string, epoch ms, boolean, number). */
function coerce(kind: ScalarKind, op: FilterOp, value: FilterValue, bad: () => never): string | number | boolean {
  if (STRING_ONLY_OPS.includes(op) && kind !== 'string') bad();
  switch (kind) {
    case 'string':
      if (!value.quoted) bad(); // strings must be quoted; a bare word is an enum or GUID
      return value.text.toLowerCase();
    case 'guid':
      if (!GUID.test(value.text)) bad();
      return value.text.toLowerCase();
    case 'date': {
      const ms = parseFilterDate(value.text);
      if (Number.isNaN(ms)) bad();
      return ms;
    }
    case 'bool': {
      const b = value.text.toLowerCase();
      if ((b !== 'true' && b !== 'false') || (op !== 'eq' && op !== 'ne')) bad();
      return b === 'true';
    }
    case 'int': {
      if (!/^-?\d+$/.test(value.text.trim())) bad();
      return Number(value.text);
    }
  }
}

function compileNode(shape: Shape, src: string, node: FilterNode): Predicate {
  if (node.type === 'cmp') return compileComparison(shape, src, node.property, node.op, node.value);
  const left = compileNode(shape, src, node.left);
  const right = compileNode(shape, src, node.right);
  return node.type === 'and' ? (row) => left(row) && right(row) : (row) => left(row) || right(row);
}

/** Throws FilterSyntaxError (→ 400) for bad syntax or a property/value the entity type does not have. */
export function compileFilter(shape: Shape, src: string | undefined): Predicate | undefined {
  if (src === undefined) return undefined;
  const tree = parseFilter(src);
  return tree && compileNode(shape, src, tree);
}

export function compileOrderBy(shape: Shape, src: string | undefined): ((a: Row, b: Row) => number) | undefined {
  if (src === undefined) return undefined;
  const terms = parseOrderBy(src);
  if (!terms) return undefined;
  const resolved = terms.map((t) => {
    const path = resolvePath(shape, t.property);
    if (!path || path.kind === 'object') throw new FilterSyntaxError(`Invalid property '${t.property}' in orderby: ${src}`);
    return { path, sign: t.descending ? -1 : 1 };
  });
  return (a, b) => {
    for (const { path, sign } of resolved) {
      const x = valuesAt(a, path.keys)[0];
      const y = valuesAt(b, path.keys)[0];
      const xNull = x === null || x === undefined;
      const yNull = y === null || y === undefined;
      // Nulls sort last either way, as PostgreSQL (the repository database) does for ascending order.
      if (xNull || yNull) {
        if (xNull !== yNull) return xNull ? 1 : -1;
        continue;
      }
      const c = compareScalars(path.kind, x, y);
      if (c !== 0) return c * sign;
    }
    return 0;
  };
}
