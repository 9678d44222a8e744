/**
 * Peer ids: the pattern the spec allows, and the small helpers every part of
 * the engine uses on ids and other untrusted strings.
 */

import { isPeerId } from './limits.js';

/** Peer ids as the spec allows them: the rule and its length are in limits.ts (the contract's too). */
export { MAX_PEER_ID_LENGTH, PEER_ID_PATTERN } from './limits.js';

export const isStringId = isPeerId;

/** A quoted, bounded rendering of untrusted input for error messages. */
export function quote(value: unknown): string {
  if (typeof value === 'string') return `"${value.length > 80 ? `${value.slice(0, 80)}…` : value}"`;
  return `<${typeof value}>`;
}

/** A random id in UUID form (allowed by the id pattern); getRandomValues works in insecure contexts too. */
export function randomId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
