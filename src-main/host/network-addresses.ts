/** The IPv4 addresses this machine offers on the LAN, for the chosen interfaces. */
import os from 'node:os';

export interface InterfaceAddress {
  interfaceName: string;
  address: string;
  netmask: string;
}

/**
 * Non-internal IPv4 addresses, optionally limited to the named interfaces.
 * IPv6 is left out on purpose: link-local addresses need a scope a browser
 * cannot use, and every LAN party network has IPv4.
 */
export function lanAddresses(interfaces: readonly string[] = [], source = os.networkInterfaces()): InterfaceAddress[] {
  const result: InterfaceAddress[] = [];
  for (const [interfaceName, entries] of Object.entries(source)) {
    if (interfaces.length > 0 && !interfaces.includes(interfaceName)) continue;
    for (const entry of entries ?? []) {
      if (entry.family !== 'IPv4' || entry.internal) continue;
      result.push({ interfaceName, address: entry.address, netmask: entry.netmask });
    }
  }
  return result;
}

/** Addresses to show a user for reaching this host: LAN first, loopback last. */
export function reachableAddresses(interfaces: readonly string[] = []): string[] {
  return [...new Set([...lanAddresses(interfaces).map((a) => a.address), '127.0.0.1'])];
}
