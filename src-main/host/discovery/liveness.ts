/**
 * Liveness without steady-state multicast. Pure: the caller passes the time.
 *
 * Until issue 14 every instance queried the LAN once a second and every live
 * instance answered with its whole record set (~408-byte frames): measured
 * 19.7 KB/s at N = 40 and 61 KB/s at N = 100, linear in N, all of it multicast
 * (sent at the basic rate on Wi-Fi). Now:
 *
 * - Ring of unicast pings: the instances sort their ids (every instance sees
 *   the same list), and each pings its successor once a second over UDP
 *   (discovery/heartbeat.ts). Each instance sends one ping and answers one:
 *   the LAN carries 2N small unicast datagrams a second and no multicast.
 * - Failure check (RFC 6762 section 10.5, passive observation of failures): a
 *   successor silent for `suspectMs` is asked for by name with a multicast SRV
 *   query (twice, `recheckMs` apart). A live instance answers it (its
 *   responder answers every query, by multicast); every instance that saw the
 *   query and no answer from that instance within `dropAfterCheckMs` drops it.
 *   A vanished instance is thus dropped everywhere within about
 *   suspectMs + dropAfterCheckMs + two ticks (3.7 s; the UI promise is 5 s),
 *   and a liar cannot drop anyone: the instance itself answers.
 * - Presence: an instance that nobody pinged for `unpingedMs` (it was
 *   dropped, its cable was out, or it is alone) announces itself and browses,
 *   every `retryMs`, backing off to `maxRetryMs`; and every instance
 *   re-announces once per max(minRefreshMs, N x refreshPerInstanceMs), so the
 *   LAN carries a constant ~0.5 announcements a second whatever N (this heals
 *   a lost announcement and keeps standard caches fresh).
 */

export interface LivenessTiming {
  /** Ping period to the successor. */
  pingMs: number;
  /** A successor not heard from for this long is checked by multicast. */
  suspectMs: number;
  /** The check query is repeated once after this (a lost query or answer does not drop anyone). */
  recheckMs: number;
  /** An instance that answered neither check within this of the first is dropped. */
  dropAfterCheckMs: number;
  /** Not pinged for this long: announce and browse. More than the worst drop time, so a dead predecessor is not mistaken for isolation. */
  unpingedMs: number;
  /** Repeat period of that announcement while still unpinged... */
  retryMs: number;
  /** ...for this many repeats, then doubling up to maxRetryMs. */
  fastRetries: number;
  maxRetryMs: number;
  /** Periodic re-announcement: once per max(minRefreshMs, N x refreshPerInstanceMs). */
  refreshPerInstanceMs: number;
  minRefreshMs: number;
}

export const LIVENESS: LivenessTiming = {
  pingMs: 1000,
  suspectMs: 2200,
  recheckMs: 400,
  dropAfterCheckMs: 1000,
  unpingedMs: 5000,
  retryMs: 2000,
  fastRetries: 15,
  maxRetryMs: 60_000,
  refreshPerInstanceMs: 2000,
  // From N = 10 on, the LAN-wide rate is then the constant 0.5 announcements/s (~230 B/s of ~460-byte frames).
  minRefreshMs: 20_000,
};

/** Periodic re-announcement period for a LAN of `known` other instances (constant total rate). */
export function refreshPeriodMs(known: number, timing: LivenessTiming = LIVENESS): number {
  return Math.max(timing.minRefreshMs, (known + 1) * timing.refreshPerInstanceMs);
}

/**
 * An instance not heard from for this long is dropped even if no check ran
 * (a safety net, e.g. its monitor is an older LAN Party that never pings):
 * three missed periodic announcements.
 */
export function silentExpiryMs(known: number, timing: LivenessTiming = LIVENESS): number {
  return 3 * refreshPeriodMs(known, timing);
}

function compareIds(a: string, b: string): number {
  // Code-unit order, not locale order: every machine must sort the same way.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The next id after `selfId` in sorted order, wrapping around; null when alone. */
export function successorOf(selfId: string, ids: Iterable<string>): string | null {
  let next: string | null = null;
  let lowest: string | null = null;
  for (const id of ids) {
    if (id === selfId) continue;
    if (lowest === null || compareIds(id, lowest) < 0) lowest = id;
    if (compareIds(id, selfId) > 0 && (next === null || compareIds(id, next) < 0)) next = id;
  }
  return next ?? lowest;
}

/**
 * Failure checks seen on the LAN (ours included), by service key. Bounded by
 * the caller: only keys of listed instances are started.
 */
export class FailureChecks {
  private readonly pending = new Map<string, number>();

  constructor(private readonly timing: LivenessTiming = LIVENESS) {}

  /** A check for `key` was seen (or sent); the first one of a round starts the clock. */
  start(key: string, now: number): boolean {
    if (this.pending.has(key)) return false;
    this.pending.set(key, now);
    return true;
  }

  since(key: string): number | undefined {
    return this.pending.get(key);
  }

  forget(key: string): void {
    this.pending.delete(key);
  }

  clear(): void {
    this.pending.clear();
  }

  get size(): number {
    return this.pending.size;
  }

  /**
   * Settles the checks: one answered since it started (`lastHeard` at or after
   * its start) is done; one unanswered for dropAfterCheckMs is returned, to be
   * dropped; an instance no longer listed (`lastHeard` undefined) is forgotten.
   */
  settle(now: number, lastHeard: (key: string) => number | undefined): string[] {
    const dead: string[] = [];
    for (const [key, since] of this.pending) {
      const heard = lastHeard(key);
      if (heard === undefined || heard >= since) {
        this.pending.delete(key);
      } else if (now - since >= this.timing.dropAfterCheckMs) {
        this.pending.delete(key);
        dead.push(key);
      }
    }
    return dead;
  }
}

export interface WatchStep {
  /** Send a ping to the successor now. */
  ping: boolean;
  /** Send a multicast check query for the successor now. */
  check: boolean;
}

/** This instance's duty in the ring: ping the successor, check it when it goes quiet. */
export class SuccessorWatch {
  private target: string | null = null;
  private watchedSince = 0;
  private lastPingAt = -Infinity;
  private checkStartedAt: number | null = null;
  private checksSent = 0;

  constructor(private readonly timing: LivenessTiming = LIVENESS) {}

  get current(): string | null {
    return this.target;
  }

  /**
   * One step. `lastHeard` is when the successor was last heard from (ping
   * answer or any mDNS record of its own); a new successor gets a full
   * suspectMs of grace, whatever its history.
   */
  step(now: number, successor: string | null, lastHeard: number | undefined): WatchStep {
    if (successor !== this.target) {
      this.target = successor;
      this.watchedSince = now;
      this.lastPingAt = -Infinity;
      this.checkStartedAt = null;
      this.checksSent = 0;
    }
    if (successor === null) return { ping: false, check: false };
    const heard = Math.max(lastHeard ?? -Infinity, this.watchedSince);
    if (this.checkStartedAt !== null && heard >= this.checkStartedAt) {
      this.checkStartedAt = null;
      this.checksSent = 0;
    }
    let check = false;
    if (now - heard >= this.timing.suspectMs) {
      if (this.checkStartedAt === null) {
        this.checkStartedAt = now;
        this.checksSent = 1;
        check = true;
      } else if (this.checksSent === 1 && now - this.checkStartedAt >= this.timing.recheckMs) {
        this.checksSent = 2;
        check = true;
      } else if (now - this.checkStartedAt >= this.timing.suspectMs) {
        // Answered by multicast only (no ping answers: an older instance, or UDP blocked): check again later.
        this.checkStartedAt = now;
        this.checksSent = 1;
        check = true;
      }
    }
    const ping = now - this.lastPingAt >= this.timing.pingMs;
    if (ping) this.lastPingAt = now;
    return { ping, check };
  }
}

export type PresenceStep = 'none' | 'announce' | 'announce-and-browse';

/** When this instance must advertise itself again (see the header). */
export class PresenceSchedule {
  private lastPingedAt: number;
  private lastAnnounceAt: number;
  private retries = 0;
  /** Fraction of the refresh period to wait this time: 0.9..1.1, so instances do not re-announce in lockstep. */
  private jitter: number;

  constructor(
    now: number,
    private readonly timing: LivenessTiming = LIVENESS,
    private readonly random: () => number = Math.random,
  ) {
    this.lastPingedAt = now;
    this.lastAnnounceAt = now;
    this.jitter = 0.1 + random() * 0.9;
  }

  /** A ping for us arrived from a listed instance: someone watches us. */
  pinged(now: number): void {
    this.lastPingedAt = now;
    this.retries = 0;
  }

  /**
   * We announced (start, record change, interface back): the next refresh
   * comes anywhere in the next period, so machines started (or changed)
   * together spread their refreshes at once. Measured before this: 40 hosts
   * started within 20 s sent no refresh for a minute, then all within 16 s.
   */
  announced(now: number): void {
    this.lastAnnounceAt = now;
    this.jitter = 0.1 + this.random() * 0.9;
  }

  private refreshed(now: number): void {
    this.lastAnnounceAt = now;
    this.jitter = 0.9 + this.random() * 0.2;
  }

  step(now: number, known: number): PresenceStep {
    if (now - this.lastPingedAt >= this.timing.unpingedMs) {
      const wait =
        this.retries < this.timing.fastRetries
          ? this.timing.retryMs
          : Math.min(this.timing.maxRetryMs, this.timing.retryMs * 2 ** (this.retries - this.timing.fastRetries + 1));
      // The first one as soon as unpingedMs is reached.
      if (this.retries === 0 || now - this.lastAnnounceAt >= wait) {
        this.retries += 1;
        this.refreshed(now);
        return 'announce-and-browse';
      }
      return 'none';
    }
    if (now - this.lastAnnounceAt >= refreshPeriodMs(known, this.timing) * this.jitter) {
      this.refreshed(now);
      return 'announce';
    }
    return 'none';
  }
}
