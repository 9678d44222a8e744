/**
 * Who may use the host's control channels over the web bridge. Control is a
 * capability, never an address alone:
 *
 * - On the host machine, with no token: our own page on loopback. The TCP peer
 *   is loopback, the Host header is exactly `127.0.0.1`, `[::1]` or `localhost`
 *   (with our port), and the Origin is absent (a local tool) or equal to that
 *   Host (our page, never a game: games have origins of their own). A
 *   DNS-rebound name (`127.evil.example`, `127.0.0.1.nip.io`) or another site's
 *   page in a local browser fails this.
 * - Anywhere else: the token printed by `lan-party host`, presented in the
 *   WebSocket handshake (`Sec-WebSocket-Protocol`, see `bridgeProtocols`). A
 *   browser presenting it must be our own page (Origin equal to Host), so a
 *   token copied into another site's page is useless there.
 * - Everyone else on the LAN is a player: the P2P features only.
 */
import { timingSafeEqual } from 'node:crypto';

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

/** Exact names only: a prefix match let `127.evil.example` through (DNS rebinding). */
const LOOPBACK_HOSTNAMES: ReadonlySet<string> = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Whether a Host header names this machine's loopback. The header must be in
 * canonical form (what a browser sends), so spellings the URL parser would
 * normalise to a loopback address (`0x7f.1`, `127.1`, `x@127.0.0.1`) fail.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  let parsed: URL;
  try {
    parsed = new URL(`http://${host}`);
  } catch {
    return false;
  }
  return parsed.host === host && LOOPBACK_HOSTNAMES.has(parsed.hostname);
}

export interface AccessRequest {
  remoteAddress: string | undefined;
  /** The Host header. */
  host: string | undefined;
  /** The Origin header; absent for non-browser clients. */
  origin: string | undefined;
  /** Token offered by the caller in the handshake, if any. */
  token: string | null;
}

export function tokensMatch(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** An absent Origin (not a browser page), or our own page: `http://` plus exactly the Host header. */
function isOwnPageOrNoPage(request: AccessRequest): boolean {
  if (request.origin === undefined) return true;
  if (!request.host) return false;
  return request.origin === `http://${request.host}`;
}

export function canControl(request: AccessRequest, expectedToken: string): boolean {
  if (!isOwnPageOrNoPage(request)) return false;
  if (tokensMatch(request.token, expectedToken)) return true;
  return isLoopbackAddress(request.remoteAddress) && isLoopbackHost(request.host);
}
