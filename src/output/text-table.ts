/**
 * Box tables for every terminal report, drawn exactly like cli-table3's default style (no colours,
 * one space of padding, a rule between rows) but in linear time: cli-table3 checks every cell against
 * every earlier one for row spans, so a report on a log of 10,000 users would take minutes to draw.
 */
import { fittedWidths, wrapLine } from './fit-table.js';

import { oneLine } from '../util/sanitize.js';

/** Printable ASCII: the usual case, one column per character. */
const PLAIN = /^[\x20-\x7e]*$/;
const widths = new Map<string, number>();

/** East Asian wide and fullwidth ranges, as string-width (which cli-table3 uses) counts them. */
function isFullwidth(cp: number): boolean {
  return (
    cp >= 0x1100 &&
    (cp <= 0x115f ||
      cp === 0x2329 ||
      cp === 0x232a ||
      (cp >= 0x2e80 && cp <= 0x3247 && cp !== 0x303f) ||
      (cp >= 0x3250 && cp <= 0x4dbf) ||
      (cp >= 0x4e00 && cp <= 0xa4c6) ||
      (cp >= 0xa960 && cp <= 0xa97c) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe10 && cp <= 0xfe19) ||
      (cp >= 0xfe30 && cp <= 0xfe6b) ||
      (cp >= 0xff01 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) ||
      (cp >= 0x1b000 && cp <= 0x1b001) ||
      (cp >= 0x1f200 && cp <= 0x1f251) ||
      (cp >= 0x20000 && cp <= 0x3fffd))
  );
}

const EMOJI = /\p{Extended_Pictographic}(?:\uFE0F|\u200D\p{Extended_Pictographic})*/gu;

/** Terminal columns of one line of text. */
export function displayWidth(text: string): number {
  if (PLAIN.test(text)) return text.length;
  const known = widths.get(text);
  if (known !== undefined) return known;
  let width = 0;
  for (const ch of text.replace(EMOJI, '  ')) {
    const cp = ch.codePointAt(0)!;
    if (cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x300 && cp <= 0x36f) || cp === 0x200b || cp === 0xfe0f) continue;
    width += isFullwidth(cp) ? 2 : 1;
  }
  if (widths.size < 10_000) widths.set(text, width);
  return width;
}

export type Cell = string | number;

/**
 * A table with a header row; cells may hold several lines. `rules: false` leaves out the rule between
 * body rows: long lists of one-line rows then take one terminal line each, not two.
 */
export function boxTable(head: Cell[], rows: Cell[][], { rules = true }: { rules?: boolean } = {}): string {
  // Escaped before measuring: a name holding control codes is shown, and the borders still line up.
  let all = [head, ...rows].map((r) => r.map((c) => String(c).split('\n').map(oneLine)));
  const columns = Math.max(...all.map((r) => r.length));
  const full = Array.from({ length: columns }, () => 0);
  for (const r of all) {
    r.forEach((lines, i) => {
      for (const l of lines) full[i] = Math.max(full[i]!, displayWidth(l));
    });
  }
  const width = fittedWidths(full);
  if (width.some((w, i) => w < full[i]!)) all = all.map((r) => r.map((lines, i) => lines.flatMap((l) => wrapLine(l, width[i]!, displayWidth))));
  const rule = (left: string, mid: string, right: string) => left + width.map((w) => '─'.repeat(w + 2)).join(mid) + right;
  const out: string[] = [rule('┌', '┬', '┐')];
  all.forEach((r, n) => {
    if (n === 1 || (n > 1 && rules)) out.push(rule('├', '┼', '┤'));
    const height = Math.max(1, ...r.map((lines) => lines.length));
    for (let k = 0; k < height; k++) {
      let line = '│';
      for (let i = 0; i < columns; i++) {
        const text = r[i]?.[k] ?? '';
        line += ` ${text}${' '.repeat(width[i]! - displayWidth(text))} │`;
      }
      out.push(line);
    }
  });
  out.push(rule('└', '┴', '┘'));
  return out.join('\n');
}
