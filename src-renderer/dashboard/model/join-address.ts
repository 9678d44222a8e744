/**
 * The addresses a phone or tablet on the LAN opens to join: this host's page,
 * or a game it serves. Never a loopback address when the host advertises a LAN
 * one (a phone's 127.0.0.1 is the phone), and never the page's fragment or
 * query: a control page's `#token=` must not end up in a code anyone can scan.
 */
import type { BrokerState } from '../../../src-preload/contract';

/** What is taken from the page's own address (`window.location`); null in Electron (`lan-party://app`). */
export interface PageAddress {
  /** `location.hostname`: an IPv6 literal keeps its brackets. */
  hostname: string;
  /** `location.port`: '' for the scheme's default. */
  port: string;
}

const LOOPBACK_HOSTNAME = /^(?:127(?:\.\d{1,3}){3}|localhost|\[?::1\]?)$/i;

export function isLoopbackHostname(hostname: string): boolean {
  return LOOPBACK_HOSTNAME.test(hostname);
}

/**
 * The host name under which LAN devices reach this host:
 * - the page's own, when it is not loopback: a player's dashboard (the address
 *   they used, so it works from their network), or the host's opened by a LAN address;
 * - else the first LAN address the host advertises (`BrokerState.addresses`
 *   lists LAN addresses first, loopback last);
 * - else what it advertises: a host bound to loopback (as in the tests) is reached by nothing else.
 * Null when the host advertises nothing (it is not listening).
 */
export function joinHostname(broker: Pick<BrokerState, 'addresses'>, page: PageAddress | null): string | null {
  if (page && page.hostname !== '' && !isLoopbackHostname(page.hostname)) return page.hostname;
  return broker.addresses.find((address) => !isLoopbackHostname(address)) ?? broker.addresses[0] ?? null;
}

/**
 * This host's page for a phone: `http://<join hostname>:<port>/`, the page's
 * own port when the page is reached that way, else the host's HTTP port.
 * Null when there is no page to join (the host is not listening).
 */
export function dashboardJoinUrl(broker: Pick<BrokerState, 'addresses' | 'port'>, page: PageAddress | null): string | null {
  if (page && page.hostname !== '' && !isLoopbackHostname(page.hostname)) return httpUrl(page.hostname, page.port === '' ? null : Number(page.port));
  const hostname = joinHostname(broker, null);
  return hostname === null || broker.port === null ? null : httpUrl(hostname, broker.port);
}

/** `http://host[:port]/`, with brackets around an IPv6 literal. */
export function httpUrl(hostname: string, port: number | null): string {
  const host = hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname;
  return `http://${host}${port === null || port === 80 ? '' : `:${port}`}/`;
}
