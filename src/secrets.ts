/**
 * Every secret qrsfix learns at run time (connection passwords, pfx passphrase, proxy credentials) is
 * registered here, and every byte qrsfix writes to stdout, stderr or a file passes through scrub().
 * Field-level redaction (redactEntity) is the first line of defence; this is the last one.
 */
const secrets = new Set<string>();

export function registerSecret(value: string | undefined | null): void {
  // Very short values would mangle ordinary text and are not worth hiding from a scrubber anyway.
  if (value && value.length >= 3) secrets.add(value);
  if (value && value.length >= 3) {
    const encoded = encodeURIComponent(value);
    if (encoded !== value) secrets.add(encoded);
  }
}

export function scrub(text: string): string {
  let out = text;
  for (const s of secrets) {
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
