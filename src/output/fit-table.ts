/**
 * Tables that fit the terminal: on a TTY the widest columns give way until the table fits
 * process.stdout.columns, and their cells wrap (at spaces where they can); piped or written to a
 * file, tables keep their full width.
 */

let fitTo: number | undefined;

/** Runs render with tables fitted to this many columns (undefined: full width). */
export function withTableWidth<T>(columns: number | undefined, render: () => T): T {
  const before = fitTo;
  fitTo = columns;
  try {
    return render();
  } finally {
    fitTo = before;
  }
}

/** Narrowest a column is made: narrower, words of a name or a GUID break into unreadable bits. */
const MIN_COLUMN = 8;

/** The column widths to draw with: as they are, or the widest ones narrowed to fit. */
export function fittedWidths(widths: number[]): number[] {
  if (fitTo === undefined) return widths;
  const budget = fitTo - (3 * widths.length + 1);
  const out = [...widths];
  let total = out.reduce((a, b) => a + b, 0);
  while (total > budget) {
    let widest = 0;
    for (let i = 1; i < out.length; i++) if (out[i]! > out[widest]!) widest = i;
    if (out[widest]! <= MIN_COLUMN) break;
    out[widest]!--;
    total--;
  }
  return out;
}

/** One line of a cell as lines of at most `width` columns, broken after a space where there is one. */
export function wrapLine(line: string, width: number, widthOf: (text: string) => number): string[] {
  if (widthOf(line) <= width) return [line];
  const out: string[] = [];
  let rest = line;
  while (widthOf(rest) > width) {
    const chars = [...rest];
    let n = 0;
    let used = 0;
    while (n < chars.length && used + widthOf(chars[n]!) <= width) used += widthOf(chars[n++]!);
    const head = chars.slice(0, Math.max(1, n)).join('');
    const space = head.lastIndexOf(' ');
    const cut = space > 0 ? space + 1 : head.length;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut);
  }
  if (rest) out.push(rest);
  return out;
}
