/**
 * Which local interfaces discovery runs on, and which address of a remote
 * instance we offer. Pure, so the rules are unit-tested without a network.
 *
 * The address we offer must be one this machine can reach: mDNS A records may
 * list every interface of the sender (docker bridges, VPNs...) and an IPv6
 * link-local address without its scope is unusable, so the packet's source
 * and same-subnet addresses win, and loopback or multicast addresses from the
 * LAN are never offered (they would point a client at its own machine).
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';

export interface LocalInterface {
  /** OS interface name (eth0, wlan0...). */
  name: string;
  /** Its IPv4 address. */
  address: string;
  netmask: string;
}

/** More interfaces than this is a misconfiguration; each one costs a socket. */
export const MAX_INTERFACES = 16;
/** Addresses kept per remote instance. */
export const MAX_ADDRESSES = 8;

export type OsInterfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

/**
 * The interfaces to use: the named ones (any order the user gave), or every
 * non-internal IPv4 interface when none is named. One IPv4 address per
 * interface: each becomes one mDNS socket, and a second address on the same
 * link would only duplicate traffic.
 */
export function selectInterfaces(
  wanted: readonly string[],
  available: OsInterfaces,
): { interfaces: LocalInterface[]; problems: string[] } {
  const interfaces: LocalInterface[] = [];
  const problems: string[] = [];
  const names = wanted.length > 0 ? [...new Set(wanted)] : Object.keys(available);
  for (const name of names) {
    const entries = available[name];
    const ipv4 = entries?.find((entry) => entry.family === 'IPv4' && (wanted.length > 0 || !entry.internal));
    if (ipv4) {
      if (interfaces.length < MAX_INTERFACES) interfaces.push({ name, address: ipv4.address, netmask: ipv4.netmask });
    } else if (wanted.length > 0) {
      problems.push(entries ? `interface ${name} has no IPv4 address` : `interface ${name} not found`);
    }
  }
  if (interfaces.length === 0 && wanted.length === 0) problems.push('no network interface with an IPv4 address');
  return { interfaces, problems };
}

/** A stable key for an interface binding: a change of address or mask means a new socket. */
export function interfaceKey(iface: LocalInterface): string {
  return `${iface.name}|${iface.address}|${iface.netmask}`;
}

function ipv4ToInt(address: string): number | null {
  if (!isIPv4(address)) return null;
  const [a = 0, b = 0, c = 0, d = 0] = address.split('.').map(Number);
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

export function inSubnet(address: string, iface: LocalInterface): boolean {
  const a = ipv4ToInt(address);
  const b = ipv4ToInt(iface.address);
  const mask = ipv4ToInt(iface.netmask);
  if (a === null || b === null || mask === null) return false;
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}

/** The first of our interfaces whose subnet holds the address, if any. */
export function interfaceFor(address: string, interfaces: readonly LocalInterface[]): LocalInterface | undefined {
  return interfaces.find((iface) => inSubnet(address, iface));
}

/**
 * Whether an address learned from the LAN may be offered to a client:
 * IPv4 unicast other than "this network" (0/8), loopback (127/8), multicast
 * and reserved (224/3); IPv6 only when global (no scope, not link-local,
 * not loopback or unspecified).
 */
export function isUsableRemoteAddress(address: string): boolean {
  const v4 = ipv4ToInt(address);
  if (v4 !== null) {
    const first = v4 >>> 24;
    return first !== 0 && first !== 127 && first < 224;
  }
  if (!isIPv6(address) || address.includes('%')) return false;
  const lower = address.toLowerCase();
  if (lower === '::' || lower === '::1') return false;
  // fe80::/10 link-local and ff00::/8 multicast.
  return !/^fe[89ab]/.test(lower) && !lower.startsWith('ff') && !lower.startsWith('::ffff:127.');
}

/**
 * Orders the candidate addresses of a remote instance, best first:
 * 1. the packet's source, when it sits on one of our subnets (it is, by
 *    construction, the address that instance uses on our link);
 * 2. advertised IPv4 addresses on one of our subnets;
 * 3. the packet's source anyway (it reached us);
 * 4. the other advertised addresses (shown, never preferred).
 * `address` is the best IPv4 one, or null when nothing usable is left.
 */
export function rankAddresses(
  source: string,
  advertised: readonly string[],
  interfaces: readonly LocalInterface[],
): { address: string | null; addresses: string[] } {
  const usable = (a: string): boolean => isUsableRemoteAddress(a);
  const local = (a: string): boolean => interfaceFor(a, interfaces) !== undefined;
  const ordered: string[] = [];
  const add = (a: string): void => {
    if (usable(a) && !ordered.includes(a) && ordered.length < MAX_ADDRESSES) ordered.push(a);
  };
  if (isIPv4(source) && local(source)) add(source);
  for (const a of advertised) if (isIPv4(a) && local(a)) add(a);
  if (isIPv4(source)) add(source);
  for (const a of advertised) add(a);
  const address = ordered.find((a) => isIPv4(a)) ?? null;
  return { address, addresses: ordered };
}
