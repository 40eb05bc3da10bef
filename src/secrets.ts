/**
 * Every secret qrsfix learns at run time (connection passwords, pfx passphrase, proxy credentials) is
 * registered here, and every byte qrsfix writes to stdout, stderr or a file passes through scrub().
 * Field-level redaction (redactEntity) is the first line of defence; this is the last one.
 */
const secrets = new Set<string>();
/** Longest first, so a secret that contains another is replaced whole. */
let ordered: string[] = [];

const hex4 = (c: string) => c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');

/**
 * The forms a secret takes when a server or a proxy echoes it: raw; JSON-escaped (as JSON.stringify
 * does, with `\/` too, and as .NET's default encoder does, HTML-sensitive and non-ASCII characters as
 * \uXXXX in either case of hex); URL-encoded (either case of hex, `+` for spaces as in forms); and
 * XML-escaped (QRS's <BrokenRules> answers).
 */
export function secretForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const dotnet = value.replace(/[^\x20-\x7e]|["&'+<>`\\]/g, (c) => (c === '\\' ? '\\\\' : `\\u${hex4(c)}`));
  const url = encodeURIComponent(value);
  const xml = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
  return [
    value,
    json,
    json.replace(/\//g, '\\/'),
    dotnet,
    dotnet.replace(/\\u([0-9A-F]{4})/g, (_, h: string) => `\\u${h.toLowerCase()}`),
    url,
    url.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    url.replace(/%20/g, '+'),
    new URLSearchParams({ v: value }).toString().slice(2),
    xml,
    xml.replace(/&apos;/g, '&#39;'),
  ];
}

export function registerSecret(value: string | undefined | null): void {
  // Very short values would mangle ordinary text and are not worth hiding from a scrubber anyway.
  if (!value || value.length < 3) return;
  for (const form of secretForms(value)) secrets.add(form);
  ordered = [...secrets].sort((a, b) => b.length - a.length);
}

/** JSON with each text scrubbed before it is escaped (a secret quoted inside a message goes too), then the whole. */
export function scrubbedJson(value: unknown, indent = 2): string {
  return scrub(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? scrub(v) : v), indent));
}

export function scrub(text: string): string {
  let out = text;
  for (const s of ordered) {
    if (out.includes(s)) out = out.split(s).join('***');
  }
  return out;
}

const SECRET_KEYS = new Set(['password', 'passphrase', 'certificatepassword', 'key', 'pfx', 'authorization', 'proxy-authorization']);

/**
 * The same for a body that is not (or no longer) valid JSON, such as a response cut short: each
 * `"password": "…"` pair is replaced, also when the value runs to the end of the text unterminated.
 */
export function redactText(text: string): string {
  return text.replace(/"([A-Za-z-]+)"(\s*:\s*)"((?:[^"\\]|\\.)*)("?)/g, (whole, key: string, colon: string, value: string, end: string) =>
    SECRET_KEYS.has(key.toLowerCase()) ? `"${key}"${colon}"${value === '' ? '' : '(set)'}${end}` : whole,
  );
}

/** Deep copy with secret-bearing fields replaced: '(set)' when they held something, '' when empty. */
export function redact<T>(value: T): T {
  return redactInner(value, 0) as T;
}

function redactInner(value: unknown, depth: number): unknown {
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactInner(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (SECRET_KEYS.has(k.toLowerCase())) {
      out[k] = v === undefined || v === null || v === '' ? '' : '(set)';
    } else {
      out[k] = redactInner(v, depth + 1);
    }
  }
  return out;
}

/** Nesting shown in a --verbose summary; deeper values are shown as [...] or {...}. */
const SUMMARY_DEPTH = 6;

/** A redacted JSON-like text of `value`, stopping at `max` characters and SUMMARY_DEPTH levels (no deep recursion). */
function compact(value: unknown, max: number): string {
  let out = '';
  const put = (text: string): boolean => {
    out += text;
    return out.length < max;
  };
  const walk = (v: unknown, depth: number): boolean => {
    if (v === null || typeof v !== 'object') return put(JSON.stringify(v) ?? 'null');
    if (depth >= SUMMARY_DEPTH) return put(Array.isArray(v) ? '[...]' : '{...}');
    if (Array.isArray(v)) {
      if (!put('[')) return false;
      for (let i = 0; i < v.length; i++) if (!(i === 0 || put(',')) || !walk(v[i], depth + 1)) return false;
      return put(']');
    }
    if (!put('{')) return false;
    let first = true;
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
      if (!first && !put(',')) return false;
      first = false;
      const hidden = SECRET_KEYS.has(k.toLowerCase()) ? (child === undefined || child === null || child === '' ? '' : '(set)') : undefined;
      if (!put(`${JSON.stringify(k)}:`) || !(hidden !== undefined ? put(JSON.stringify(hidden)) : walk(child, depth + 1))) return false;
    }
    return put('}');
  };
  return walk(value, 0) ? out : out.slice(0, max) + '…';
}

/**
 * A body as --verbose shows it: at most `max` characters, secrets redacted, never the whole of a big or
 * deeply nested answer (a body of megabytes is not parsed for it, and nesting is cut, not recursed into).
 */
export function summarizeBody(body: unknown, max = 400): string {
  if (typeof body !== 'string') return compact(body, max);
  if (body.length <= 64 * 1024) {
    try {
      return compact(JSON.parse(body) as unknown, max);
    } catch {
      /* not JSON: shown as text */
    }
  }
  const text = redactText(body.slice(0, max * 4));
  return text.length > max || body.length > max * 4 ? `${text.slice(0, max)}… (${body.length} characters)` : text;
}
