/**
 * The QRS filter builder: the only place a value enters a filter string. Values are single-quoted
 * with `\` and `'` backslash-escaped (QRS rejects doubled quotes), GUIDs go bare, and the whole
 * filter is URL-encoded when sent (a raw `&` or `#` would cut the query and drop the xrfkey).
 */
export interface Filter {
  readonly text: string;
}

type Op = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'sw' | 'ew' | 'so';

const PROP = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function condition(prop: string, op: Op, value: string | number | boolean): Filter {
  if (!PROP.test(prop)) throw new Error(`invalid filter property name: ${prop}`);
  const v = typeof value === 'string' ? quote(value) : String(value);
  return { text: `${prop} ${op} ${v}` };
}

function join(word: 'and' | 'or', parts: Filter[]): Filter {
  if (parts.length === 0) throw new Error(`empty ${word} filter`);
  if (parts.length === 1) return parts[0]!;
  return { text: parts.map((p) => `(${p.text})`).join(` ${word} `) };
}

export const filter = {
  eq: (prop: string, value: string | number | boolean) => condition(prop, 'eq', value),
  ne: (prop: string, value: string | number | boolean) => condition(prop, 'ne', value),
  sw: (prop: string, value: string) => condition(prop, 'sw', value),
  ew: (prop: string, value: string) => condition(prop, 'ew', value),
  so: (prop: string, value: string) => condition(prop, 'so', value),
  /** `id eq <guid>`: GUIDs are written bare, so only a well-formed one is accepted. */
  id: (prop: string, guid: string): Filter => {
    if (!PROP.test(prop)) throw new Error(`invalid filter property name: ${prop}`);
    if (!GUID.test(guid)) throw new Error(`not a GUID: ${guid}`);
    return { text: `${prop} eq ${guid}` };
  },
  and: (...parts: Filter[]) => join('and', parts),
  or: (...parts: Filter[]) => join('or', parts),
};

export function encodeFilter(f: Filter): string {
  return encodeURIComponent(f.text);
}
