/** Stable ids for seeded entities, so tests and snapshots can name them. */
import crypto from 'node:crypto';

/** A GUID derived from a label (SHA-1 name-based, RFC 4122 version 5 layout). */
export function stableId(label: string): string {
  const h = crypto.createHash('sha1').update(`qrsfix-sim:${label}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
