/**
 * Peer ids: the pattern the spec allows, and the small helpers every part of
 * the engine uses on ids and other untrusted strings.
 */

/**
 * Peer ids as the spec allows them. Kept equal to `PEER_ID_PATTERN` of
 * `src-preload/contract.ts` by `contract-compat.test.ts` (importing the value
 * would bundle zod into every game).
 */
export const PEER_ID_PATTERN = /^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/;
export const MAX_PEER_ID_LENGTH = 64;

export function isStringId(id: unknown): id is string {
  return typeof id === 'string' && id.length <= MAX_PEER_ID_LENGTH && PEER_ID_PATTERN.test(id);
}

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
