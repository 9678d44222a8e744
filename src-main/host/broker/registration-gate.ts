/**
 * Who may register on the broker, decided before `peer` sees the socket.
 *
 * Ids as the contract's PeerIdSchema allows them (at most 64 characters; stock
 * PeerJS clients check the same pattern): 2,000 clients with 8,000-character
 * ids were pushed to every dashboard (issue 10, item 6).
 *
 * At most `limit` signaling sockets at once from one address, so one machine
 * cannot fill the broker's global `concurrentLimit` and lock the LAN out
 * (item 4: 5,000 registrations from one address filled it in 3.2 s). Counted
 * by socket, from the upgrade until the socket closes, whatever `peer` then
 * answers: a socket refused later (taken id, bad key) held a slot while open.
 * Pure: the broker calls `admit` on upgrade and `release` on close.
 */
import { PeerIdSchema } from '../../../src-preload/contract.js';

/** `::ffff:127.0.0.2` (an IPv4 client on a dual-stack socket) and `127.0.0.2` are one machine. */
export function normalizeAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address.toLowerCase();
}

export class AddressGate {
  private readonly open = new Map<string, number>();

  constructor(readonly limit: number) {}

  /** Takes a slot for `address`; false (nothing taken) when it already holds `limit`. */
  admit(address: string): boolean {
    const count = this.open.get(address) ?? 0;
    if (count >= this.limit) return false;
    this.open.set(address, count + 1);
    return true;
  }

  /** Gives back a slot taken by `admit`. */
  release(address: string): void {
    const count = this.open.get(address) ?? 0;
    if (count <= 1) this.open.delete(address);
    else this.open.set(address, count - 1);
  }

  count(address: string): number {
    return this.open.get(address) ?? 0;
  }
}

/** Why a registration is refused, as the PeerJS ERROR message the client shows. */
export type RegistrationRefusal = { code: 'invalid-id' | 'per-address-limit'; msg: string };

/** The PeerJS refusal for an id the contract does not allow (too long, or not letters/digits), or null. */
export function invalidIdRefusal(id: string | null): RegistrationRefusal | null {
  if (id === null) return null; // `peer` answers a missing id itself.
  const parsed = PeerIdSchema.safeParse(id);
  if (parsed.success) return null;
  return { code: 'invalid-id', msg: `Invalid id: ${parsed.error.issues[0]?.message ?? 'not a peer id'}` };
}

export function perAddressRefusal(limit: number): RegistrationRefusal {
  return {
    code: 'per-address-limit',
    msg: `Too many clients from this machine: this broker accepts at most ${limit} at once from one address`,
  };
}
