/**
 * The live list of other instances: bounded, with expiry. Pure: the caller
 * passes the time, so every rule is unit-tested without waiting.
 */
import type { LanInstance, PartyStanding } from '../../../src-preload/contract.js';
import { MAX_ADDRESSES } from './addresses.js';
import type { ParsedTxt } from './txt.js';

export interface Sighting {
  txt: ParsedTxt;
  /** Candidate addresses from this packet, best first (see rankAddresses). */
  address: string | null;
  addresses: string[];
  /** With a party code: whether this record proved it (party-signature.ts). */
  party?: PartyStanding;
}

interface Entry {
  instance: LanInstance;
  /** When each address was last confirmed, so an instance seen on two links keeps a stable address. */
  addressSeen: Map<string, number>;
}

export type UpsertResult = 'added' | 'changed' | 'refreshed' | 'full';

export class InstanceTable {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxInstances: number,
    /** An address not confirmed for this long is forgotten (same as instance expiry). */
    private readonly addressTtlMs: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Adds or updates an instance from a valid sighting. */
  upsert(key: string, sighting: Sighting, now: number): UpsertResult {
    const entry = this.entries.get(key);
    if (!entry) {
      if (this.entries.size >= this.maxInstances) return 'full';
      const addressSeen = new Map<string, number>(sighting.addresses.map((a) => [a, now]));
      this.entries.set(key, {
        addressSeen,
        instance: {
          instanceId: sighting.txt.instanceId,
          name: sighting.txt.displayName,
          address: sighting.address,
          addresses: [...sighting.addresses],
          httpPort: sighting.txt.httpPort,
          broker: sighting.txt.broker,
          peerId: sighting.txt.peerId,
          games: sighting.txt.games.map((game) => ({ ...game })),
          protocolVersion: sighting.txt.protocolVersion,
          self: false,
          firstSeen: now,
          lastSeen: now,
          ...(sighting.party ? { party: sighting.party } : {}),
        },
      });
      return 'added';
    }

    const before = JSON.stringify(entry.instance);
    for (const a of sighting.addresses) entry.addressSeen.set(a, now);
    this.pruneAddresses(entry, now);
    const current = entry.instance.address;
    // Keep the address we already offer while it is still confirmed: an
    // instance reachable on two of our links must not flip between them.
    const address =
      current !== null && entry.addressSeen.has(current) ? current : (sighting.address ?? this.bestKnown(entry));
    const rest = [...entry.addressSeen.keys()].filter((a) => a !== address);
    entry.instance = {
      ...entry.instance,
      instanceId: sighting.txt.instanceId,
      name: sighting.txt.displayName,
      address,
      addresses: (address === null ? rest : [address, ...rest]).slice(0, MAX_ADDRESSES),
      httpPort: sighting.txt.httpPort,
      broker: sighting.txt.broker,
      peerId: sighting.txt.peerId,
      games: sighting.txt.games.map((game) => ({ ...game })),
      protocolVersion: sighting.txt.protocolVersion,
      ...(sighting.party ? { party: sighting.party } : {}),
    };
    const changed = JSON.stringify(entry.instance) !== before;
    entry.instance.lastSeen = now;
    return changed ? 'changed' : 'refreshed';
  }

  /**
   * Marks an instance alive (a response without TXT, e.g. an SRV refresh or a
   * failure check's answer, or a ping answer), from one of its known addresses,
   * which is confirmed again.
   */
  touch(key: string, now: number, address?: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    entry.instance.lastSeen = now;
    if (address !== undefined && entry.addressSeen.has(address)) entry.addressSeen.set(address, now);
    return true;
  }

  /** When the instance was last heard from; undefined when not listed. */
  lastSeen(key: string): number | undefined {
    return this.entries.get(key)?.instance.lastSeen;
  }

  /** What liveness needs of each listed instance, without copying the whole list. */
  members(): Array<{ key: string; instanceId: string; address: string | null; httpPort: number }> {
    return [...this.entries].map(([key, entry]) => ({
      key,
      instanceId: entry.instance.instanceId,
      address: entry.instance.address,
      httpPort: entry.instance.httpPort,
    }));
  }

  /** Whether some listed instance was recently seen at this address. */
  hasAddress(address: string): boolean {
    for (const entry of this.entries.values()) if (entry.addressSeen.has(address)) return true;
    return false;
  }

  /** Whether the instance's record proved the party code (a record that does not must not replace it). */
  isPartyMember(key: string): boolean {
    return this.entries.get(key)?.instance.party?.member === true;
  }

  /** Whether the address is one this instance was recently seen from (goodbyes must come from it). */
  knowsAddress(key: string, address: string): boolean {
    return this.entries.get(key)?.addressSeen.has(address) ?? false;
  }

  remove(key: string): boolean {
    return this.entries.delete(key);
  }

  /** Drops instances not seen since `cutoff`; returns how many were dropped. */
  expire(cutoff: number): number {
    let dropped = 0;
    for (const [key, entry] of this.entries) {
      if (entry.instance.lastSeen < cutoff) {
        this.entries.delete(key);
        dropped += 1;
      }
    }
    return dropped;
  }

  clear(): void {
    this.entries.clear();
  }

  /** Copies, in a stable order (by instance id), so every caller sees the same list. */
  list(): LanInstance[] {
    return [...this.entries.values()]
      .map((entry) => ({
        ...entry.instance,
        addresses: [...entry.instance.addresses],
        games: entry.instance.games.map((game) => ({ ...game })),
      }))
      .sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
  }

  private pruneAddresses(entry: Entry, now: number): void {
    for (const [a, seen] of entry.addressSeen) if (now - seen > this.addressTtlMs) entry.addressSeen.delete(a);
    // A sender cycling through addresses must not grow the map: keep the most recent ones.
    const excess = entry.addressSeen.size - MAX_ADDRESSES;
    if (excess > 0) {
      const oldest = [...entry.addressSeen].sort((x, y) => x[1] - y[1]).slice(0, excess);
      for (const [a] of oldest) entry.addressSeen.delete(a);
    }
  }

  private bestKnown(entry: Entry): string | null {
    for (const a of entry.addressSeen.keys()) if (!a.includes(':')) return a;
    return null;
  }
}
