/**
 * Who may use the host's control channels over the web bridge. Players on the
 * LAN get the P2P features only; control needs the machine itself or the token
 * printed at start.
 */
import { timingSafeEqual } from 'node:crypto';

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

function isLoopbackHostname(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname.startsWith('127.');
}

export interface AccessRequest {
  remoteAddress: string | undefined;
  /** The Host header. */
  host: string | undefined;
  /** The Origin header; absent for non-browser clients. */
  origin: string | undefined;
  /** Token presented by the caller (query parameter), if any. */
  token: string | null;
}

export function tokensMatch(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Control is granted with the token, or from this machine when the request
 * really comes from our own page: loopback peer, loopback Host (a DNS-rebound
 * name fails this), and an Origin that is absent or equal to that host (a page
 * of another site open in a local browser fails this).
 */
export function canControl(request: AccessRequest, expectedToken: string): boolean {
  if (tokensMatch(request.token, expectedToken)) return true;
  if (!isLoopbackAddress(request.remoteAddress) || !request.host) return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${request.host}`).hostname;
  } catch {
    return false;
  }
  if (!isLoopbackHostname(hostname)) return false;
  if (request.origin === undefined) return true;
  try {
    return new URL(request.origin).host === request.host && new URL(request.origin).protocol === 'http:';
  } catch {
    return false;
  }
}
