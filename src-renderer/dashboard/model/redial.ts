/**
 * Links that come back by themselves: which lost peers to dial again, and
 * when. Pure, over an explicit clock (the dashboard model calls `plan` on its
 * 1 s tick and whenever the LAN or the broker listing changes).
 *
 * - Only a link that vanished (`timeout`, `ice-failed`, `error`: no goodbye)
 *   is redialled. One closed by hand, on either side (`local`, `closed`), is
 *   forgotten: the user meant it.
 * - Redialled when it reappears: once the peer was seen gone from the LAN
 *   (its instance dropped from the LAN list, ~3-5 s after a cable is pulled)
 *   and is listed again, at once; a dial to a machine that is still away would
 *   hold the link as "connecting" for the engine's 15 s connect timeout and
 *   miss the return. A peer that never left the list (a blip shorter than the
 *   LAN's expiry, or a peer whose instance does not advertise it) is dialled
 *   `blipAfterMs` after the loss.
 * - ... and only once it is registered on our broker, when the broker lists
 *   its peers: a machine back from a pulled cable first follows the default
 *   broker it elected while alone (its own), and an offer sent meanwhile waits
 *   at our broker for nobody (measured: the attempt hung the whole 15 s).
 *   While a returning peer is listed on the LAN but not yet on our broker,
 *   the plan asks for the listing to be read again.
 * - A redial still connecting after `attemptTimeoutMs` while the peer is
 *   listed is abandoned and made again; the second gets as long, each next
 *   one twice as long (up to `maxAttemptTimeoutMs`): its offer may have gone
 *   to the peer's previous signaling socket, or come from a browser that had
 *   not yet seen its interface come back (no ICE candidates: measured, two
 *   attempts in a row can go that way). A LAN link opens in 0.1-0.4 s; CI
 *   once waited out a 3 s first attempt and missed the 3 s target by 84 ms,
 *   hence 1.5 s, doubled later so a slow machine still gets a long attempt.
 * - One side dials: the smaller id (mesh.ts's rule, so no duplicate link);
 *   the other only after `fallbackAfterMs` without a link (the smaller side
 *   may be a game that never redials).
 * - Bounded: at most `maxTracked` lost peers, each forgotten `giveUpAfterMs`
 *   after its loss.
 */
import type { DisconnectReason } from '../../p2p';
import { dialerOf } from './mesh';

export interface RedialTiming {
  /** A lost peer that never left the LAN list is dialled this long after the loss (longer than the LAN's 5 s expiry). */
  blipAfterMs: number;
  /** The larger id dials only after this long without a link. */
  fallbackAfterMs: number;
  /** Pause between two attempts at one peer while it stays listed. */
  retryAfterMs: number;
  /** A lost peer is forgotten this long after its loss. */
  giveUpAfterMs: number;
  /** A first (and second) redial still connecting after this long is abandoned and made again (each next one gets twice as long). */
  attemptTimeoutMs: number;
  /** The longest an attempt is given before it is made again. */
  maxAttemptTimeoutMs: number;
  maxTracked: number;
}

export const DEFAULT_REDIAL_TIMING: RedialTiming = {
  blipAfterMs: 6_000,
  fallbackAfterMs: 8_000,
  // After an attempt ended (an attempt under way is "busy" until it opens or the engine's 15 s connect timeout).
  retryAfterMs: 2_000,
  giveUpAfterMs: 10 * 60_000,
  attemptTimeoutMs: 1_500,
  maxAttemptTimeoutMs: 6_000,
  maxTracked: 256,
};

/** A link that ended this way was not ended by anyone: redial it when the peer is back. */
export function vanished(reason: DisconnectReason): boolean {
  return reason === 'timeout' || reason === 'ice-failed' || reason === 'error';
}

interface LostPeer {
  lostAt: number;
  /** Whether the peer was ever listed on the LAN since the loss (then the LAN list says when it is back). */
  onLan: boolean;
  /** Seen gone since the loss (or since the last reappearance). */
  away: boolean;
  reappearedAt: number | null;
  lastAttempt: number | null;
  /** Attempts made since the latest reappearance (sets the next attempt's timeout). */
  attempts: number;
}

export interface RedialInput {
  /** Our peer id ('' while unregistered: nothing is planned). */
  self: string;
  /** Peer ids advertised by LAN instances now. */
  onLan: ReadonlySet<string>;
  /** Peer ids our broker lists now; null when it does not list them (then the LAN alone says who is back). */
  onBroker: ReadonlySet<string> | null;
  /** Peers connected or being connected, either direction. */
  busy: ReadonlySet<string>;
  now: number;
}

export class RedialPlanner {
  private readonly lost = new Map<string, LostPeer>();

  constructor(private readonly timing: RedialTiming = DEFAULT_REDIAL_TIMING) {}

  /** A link is up: nothing to redial. */
  linkUp(peerId: string): void {
    this.lost.delete(peerId);
  }

  /**
   * A link ended: remembered when it vanished, forgotten when the other side
   * closed it. Our own closes (`local`) change nothing here: the user's go
   * through `forget`, and an abandoned redial stays planned.
   */
  linkDown(peerId: string, reason: DisconnectReason, now: number): void {
    if (reason === 'local') return;
    if (!vanished(reason)) {
      this.lost.delete(peerId);
      return;
    }
    this.lost.delete(peerId);
    this.lost.set(peerId, { lostAt: now, onLan: false, away: false, reappearedAt: null, lastAttempt: null, attempts: 0 });
    if (this.lost.size > this.timing.maxTracked) {
      const oldest = this.lost.keys().next().value;
      if (oldest !== undefined) this.lost.delete(oldest);
    }
  }

  /** The user disconnected this peer by hand: never redialled. */
  forget(peerId: string): void {
    this.lost.delete(peerId);
  }

  /** Peers waiting to come back (for display and tests). */
  waiting(): string[] {
    return [...this.lost.keys()];
  }

  /**
   * The peers to dial now (each recorded as an attempt), our stuck attempts to
   * close first, and whether the broker's listing is worth reading again now.
   */
  plan(input: RedialInput): { dial: string[]; abandon: string[]; refreshListing: boolean } {
    const { self, now } = input;
    if (self === '') return { dial: [], abandon: [], refreshListing: false };
    const { blipAfterMs, fallbackAfterMs, retryAfterMs, giveUpAfterMs, attemptTimeoutMs, maxAttemptTimeoutMs } = this.timing;
    const dials: string[] = [];
    const abandon: string[] = [];
    let refreshListing = false;
    for (const [peerId, peer] of this.lost) {
      if (now - peer.lostAt > giveUpAfterMs) {
        this.lost.delete(peerId);
        continue;
      }
      if (input.onLan.has(peerId)) peer.onLan = true;
      const onBroker = input.onBroker === null || input.onBroker.has(peerId);
      const present = peer.onLan ? input.onLan.has(peerId) && onBroker : onBroker && input.onBroker !== null;
      if (!present) {
        if (peer.onLan && input.onLan.has(peerId)) refreshListing = true;
        else peer.away = true;
        continue;
      }
      if (peer.away) {
        peer.away = false;
        peer.reappearedAt = now;
        peer.attempts = 0;
      }
      if (peerId === self) continue;
      if (input.busy.has(peerId)) {
        const timeout = Math.min(attemptTimeoutMs * 2 ** Math.max(0, peer.attempts - 2), maxAttemptTimeoutMs);
        if (peer.lastAttempt === null || now - peer.lastAttempt < timeout) continue;
        abandon.push(peerId);
        peer.lastAttempt = now;
        peer.attempts += 1;
        dials.push(peerId);
        continue;
      }
      const since = peer.reappearedAt ?? peer.lostAt + blipAfterMs;
      const wait = dialerOf(self, peerId) === self ? 0 : fallbackAfterMs;
      if (now < since + wait) continue;
      // An attempt made before the latest reappearance does not hold the next one back.
      if (peer.lastAttempt !== null && peer.lastAttempt >= since && now - peer.lastAttempt < retryAfterMs) continue;
      peer.lastAttempt = now;
      peer.attempts += 1;
      dials.push(peerId);
    }
    return { dial: dials, abandon, refreshListing };
  }
}
