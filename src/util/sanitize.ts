/**
 * What a server, a log or a file says is shown, never obeyed: terminal control codes (C0 and C1, so
 * ESC ] 0;… titles, ESC [2J clears, backspaces, carriage returns that overwrite a line) and bidi
 * overrides (which make text read other than it is stored) become visible escapes such as `\x1b` or
 * `\u202e`; HTML in Markdown becomes text. The backslash itself is left alone: `DOMAIN\user` stays as
 * it is, so an escape and a name holding those characters literally look alike, which is harmless.
 */

/** C0 but TAB and LF, DEL, C1, and the bidi controls and line/paragraph separators. */
const UNSAFE_KEEP_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same, TAB and LF included: for a value that must stay on its line. */
const UNSAFE_IN_LINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** What JSON.stringify leaves raw but a terminal may act on: C1 and the bidi controls. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function visible(ch: string): string {
  const cp = ch.codePointAt(0)!;
  return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
}

function unicodeEscape(ch: string): string {
  return `\\u${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`;
}

/** For text bound for a terminal or a text file: every control but line ends and tabs made visible. */
export function forTerminal(text: string): string {
  return text.replace(UNSAFE_KEEP_LINES, visible);
}

/** For one value (a name, a path, a message): line ends and tabs made visible too. */
export function oneLine(text: string): string {
  return text.replace(UNSAFE_IN_LINE, visible);
}

/** For a JSON document: the same characters as JSON escapes, so the data it carries is unchanged. */
export function forJson(jsonText: string): string {
  return jsonText.replace(UNSAFE_IN_JSON, unicodeEscape);
}

/** For plain text in Markdown: no tag, entity or comment survives (and no control code). */
export function escapeHtml(text: string): string {
  return oneLine(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * A Markdown code span that holds any text: fenced with one backtick more than the longest run inside
 * (CommonMark), so a backtick in a name cannot end it early. Tags inside a code span are shown as text.
 */
export function codeSpan(text: string): string {
  const value = oneLine(text);
  const longest = Math.max(0, ...(value.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = value.startsWith('`') || value.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${value}${pad}${fence}`;
}

/** A fence for a Markdown code block around these lines: longer than any backtick run in them. */
export function codeFence(lines: string[]): string {
  const longest = Math.max(2, ...lines.flatMap((l) => (l.match(/`+/g) ?? []).map((r) => r.length)));
  return '`'.repeat(longest + 1);
}
