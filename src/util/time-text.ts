/** The one form of a time in qrsfix's text: UTC, ISO 8601, to the second (`2026-11-28T10:06:49Z`). */
export function utcText(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19)}Z`;
}
