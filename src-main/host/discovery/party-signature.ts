/**
 * Party code: what makes a party's default broker impossible to hijack.
 *
 * Every machine of a party types the same code. From it each derives a key
 * (scrypt: the code is typed by people, so it is short; a captured record lets
 * an attacker guess codes offline, and scrypt makes each guess cost ~50 ms of
 * a CPU and 16 MiB instead of a microsecond). Instances add three TXT entries
 * to what they advertise: `pts` (when it was signed, epoch ms), `paddr` (the
 * addresses it is reached on) and `sig`, an HMAC-SHA256 (cut to 128 bits) over
 * every other entry of the record, in order. Receivers with the same code
 * accept an instance as a party member (and so as a possible default broker)
 * only when:
 *
 * - the signature matches: nobody without the code can produce or alter a
 *   record (its id, broker port and start time included);
 * - the packet comes from an address the record signed, and the broker is
 *   reached at a signed address: a record captured off the air and replayed
 *   from another machine cannot point anyone at that machine;
 * - it is fresh: signed less than PARTY_TIMING.maxAgeMs ago and not from the
 *   future (beyond clock tolerance); senders re-sign every resignMs;
 * - it is not older than one already accepted from that instance, nor signed
 *   before that instance said goodbye: a replay of an earlier record cannot
 *   roll an instance back (to an old broker port) or bring it back after it left.
 *
 * What a replay still can do: repeat the current record of a live member from
 * that member's own address (harmless: it says what the member says), or, on a
 * receiver that never saw the goodbye, within maxAgeMs of the signing and from
 * the member's own address (so only after taking over that address), list a
 * member that crashed. Clocks: machines of a party must agree within
 * maxFutureMs (5 min); a machine whose clock is further off is listed with
 * that reason, never silently.
 *
 * Pure apart from scrypt and HMAC: the caller passes the time.
 */
import { createHmac, scryptSync, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { PartyStanding } from '../../../src-preload/contract.js';

export const PARTY_TIMING = {
  /** Senders re-sign (and so re-announce) this often: at N = 100, ~100 x 2 x 500 B / 240 s = 420 B/s of multicast. */
  resignMs: 4 * 60_000,
  /** A record signed longer ago than this is refused: one re-sign period plus the clock tolerance. */
  maxAgeMs: 9 * 60_000,
  /** A record signed further in the future than this is refused (clocks off by more). */
  maxFutureMs: 5 * 60_000,
} as const;

/** Addresses in `paddr`: a machine on more links than this signs its first ones. */
export const MAX_PARTY_ADDRESSES = 4;
/** HMAC bytes kept (128 bits, 22 base64url characters in the TXT record). */
const MAC_BYTES = 16;
/** Instances whose last accepted signing time (and goodbye) is remembered; a party has at most a few hundred. */
const MAX_REMEMBERED = 1024;
/** Fixed salt: the same code must give the same key on every machine. */
const SALT = 'lan-party/party-code/v1';
/** scrypt N = 2^14, r = 8: 16 MiB, about 50 ms here, once per code change. */
const SCRYPT = { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const DOMAIN = Buffer.from('lanparty-txt-v1\0', 'utf8');

/** What people type is forgiving: Unicode forms, case and runs of spaces do not matter. */
export function normalizePartyCode(code: string): string {
  return code.normalize('NFKC').trim().replace(/\s+/gu, ' ').toLowerCase();
}

export function derivePartyKey(code: string): Buffer {
  return scryptSync(normalizePartyCode(code), SALT, 32, SCRYPT);
}

function keyOf(entry: Uint8Array): string {
  const text = Buffer.from(entry).toString('latin1');
  const eq = text.indexOf('=');
  return (eq === -1 ? text : text.slice(0, eq)).toLowerCase();
}

function mac(key: Buffer, entries: readonly Uint8Array[]): Buffer {
  const hmac = createHmac('sha256', key);
  hmac.update(DOMAIN);
  for (const entry of entries) {
    if (keyOf(entry) === 'sig') continue;
    // Length-prefixed, so entries cannot be split or joined differently with the same bytes.
    const length = Buffer.alloc(2);
    length.writeUInt16BE(entry.length);
    hmac.update(length);
    hmac.update(entry);
  }
  return hmac.digest().subarray(0, MAC_BYTES);
}

export interface PartySigning {
  key: Buffer;
  /**
   * The clock read when the record is encoded: every publication (an update,
   * a re-sign, a socket reopened after an interface came back) is signed anew,
   * so a record published after a goodbye is newer than that goodbye.
   */
  now: () => number;
  /** Where this instance is reached (its interface addresses). */
  addresses: readonly string[];
}

/** The record's entries with `pts`, `paddr` and `sig` appended. */
export function signEntries(entries: readonly Buffer[], signing: PartySigning): Buffer[] {
  const addresses = signing.addresses.filter((a) => isIP(a) !== 0).slice(0, MAX_PARTY_ADDRESSES);
  const signed = [
    ...entries,
    Buffer.from(`pts=${Math.floor(signing.now())}`, 'utf8'),
    Buffer.from(`paddr=${addresses.join(',')}`, 'utf8'),
  ];
  return [...signed, Buffer.from(`sig=${mac(signing.key, signed).toString('base64url')}`, 'utf8')];
}

function entryValue(entries: readonly Uint8Array[], key: string): string | undefined {
  for (const entry of entries) {
    if (keyOf(entry) !== key) continue;
    const text = Buffer.from(entry).toString('utf8');
    const eq = text.indexOf('=');
    return eq === -1 ? undefined : text.slice(eq + 1);
  }
  return undefined;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

/**
 * Checks one received record (entries already bounded by parseTxt) and
 * remembers, per instance, the newest signing time accepted and goodbyes.
 */
export class PartyVerifier {
  private readonly lastSignedAt = new Map<string, number>();
  private readonly goodbyeAfter = new Map<string, number>();

  constructor(private readonly key: Buffer) {}

  /** Whether the record of `instanceId`, received from `source` at `now`, proves the party code. */
  check(entries: readonly Uint8Array[], instanceId: string, source: string, now: number): PartyStanding {
    const sig = entryValue(entries, 'sig');
    if (sig === undefined) return { member: false, reason: 'its record is not signed (no party code)' };
    const given = /^[A-Za-z0-9_-]{22}$/.test(sig) ? Buffer.from(sig, 'base64url') : null;
    if (!given || given.length !== MAC_BYTES || !timingSafeEqual(given, mac(this.key, entries))) {
      return { member: false, reason: "its signature does not match this party's code" };
    }
    const pts = entryValue(entries, 'pts') ?? '';
    const signedAt = /^[0-9]{1,15}$/.test(pts) ? Number(pts) : null;
    if (signedAt === null) return { member: false, reason: 'its record has no signing time' };
    if (now - signedAt > PARTY_TIMING.maxAgeMs) {
      return { member: false, reason: `its record was signed ${seconds(now - signedAt)} ago (a replay, or its clock is off)` };
    }
    if (signedAt - now > PARTY_TIMING.maxFutureMs) {
      return { member: false, reason: `its record is signed ${seconds(signedAt - now)} in the future (its clock or this one is off)` };
    }
    const addresses = (entryValue(entries, 'paddr') ?? '').split(',').filter((a) => isIP(a) !== 0).slice(0, MAX_PARTY_ADDRESSES);
    if (!addresses.includes(source)) {
      return { member: false, reason: `its record is signed for ${addresses.join(', ') || 'no address'} but came from ${source} (replayed)` };
    }
    const last = this.lastSignedAt.get(instanceId);
    if (last !== undefined && signedAt < last) return { member: false, reason: 'its record is older than one already seen (replayed)' };
    const gone = this.goodbyeAfter.get(instanceId);
    if (gone !== undefined && signedAt <= gone) return { member: false, reason: 'its record was signed before it left the LAN (replayed)' };
    remember(this.lastSignedAt, instanceId, Math.max(signedAt, last ?? 0));
    return { member: true, addresses };
  }

  /** The instance said goodbye: no record it signed before can bring it back. */
  left(instanceId: string): void {
    const last = this.lastSignedAt.get(instanceId);
    if (last !== undefined) remember(this.goodbyeAfter, instanceId, last);
  }
}

/** Bounded: the oldest entry goes first (a flood of ids cannot grow the memory). */
function remember(map: Map<string, number>, key: string, value: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_REMEMBERED) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}
