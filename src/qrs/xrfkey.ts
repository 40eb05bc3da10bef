import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh 16-character [A-Za-z0-9] key; QRS wants the same value in the query and X-Qlik-Xrfkey. */
export function newXrfkey(): string {
  const bytes = randomBytes(16);
  let key = '';
  // 62 does not divide 256; the tiny bias is irrelevant for an anti-CSRF nonce.
  for (const b of bytes) key += ALPHABET[b % ALPHABET.length];
  return key;
}
