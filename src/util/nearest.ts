/** "Did you mean …": the names closest to one that matched nothing, by edit distance, case ignored. */

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j]!;
      prev[j] = Math.min(above + 1, prev[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return prev[b.length]!;
}

/** Up to `most` distinct names, nearest first (ties by name). */
export function nearest(target: string, names: Iterable<string>, most = 3): string[] {
  const t = target.toLowerCase();
  const seen = new Map<string, string>();
  for (const n of names) if (!seen.has(n.toLowerCase())) seen.set(n.toLowerCase(), n);
  return [...seen.entries()]
    .map(([key, name]) => ({ name, d: distance(t, key) }))
    .sort((x, y) => x.d - y.d || x.name.localeCompare(y.name))
    .slice(0, most)
    .map((x) => x.name);
}

/** `did you mean A, B or C?`, or what to say when there is nothing near. */
export function didYouMean(candidates: string[], none: string): string {
  if (candidates.length === 0) return none;
  const list = candidates.length === 1 ? candidates[0]! : `${candidates.slice(0, -1).join(', ')} or ${candidates.at(-1)}`;
  return `did you mean ${list}?`;
}
