/**
 * Liveness of one data connection, as pure logic over an explicit clock (the
 * engine passes `Date.now()`; tests pass numbers), so no unit test waits.
 *
 * - Between two LAN Party engines: each side pings every `pingIntervalMs`;
 *   ANY frame received counts as a sign of life; silence longer than
 *   `timeoutMs` means the other side vanished (crash, cable pulled, tab
 *   killed), which ICE alone only notices after tens of seconds.
 * - With a stock peer (no pings): ICE `disconnected` is often transient, so it
 *   only counts once it has lasted `stockGraceMs` AND nothing arrived during
 *   that time; `failed`/`closed` are final at once (PeerJS closes the
 *   connection itself then).
 */

export interface HeartbeatTiming {
  pingIntervalMs: number;
  timeoutMs: number;
  stockGraceMs: number;
}

/**
 * Detection of a vanished engine peer takes between `timeoutMs` and
 * `timeoutMs + tick`: 2 s + 0.25 s, inside the 3 s the spec allows.
 */
export const DEFAULT_HEARTBEAT_TIMING: HeartbeatTiming = {
  pingIntervalMs: 500,
  timeoutMs: 2_000,
  stockGraceMs: 4_000,
};

/** How often the engine should call `tick`. */
export const HEARTBEAT_TICK_MS = 250;

export interface Ping {
  s: number;
  ts: number;
}

export class Liveness {
  private lastReceivedAt: number;
  private lastPingAt = Number.NEGATIVE_INFINITY;
  private seq = 0;
  private iceDisconnectedSince: number | null = null;
  /** Last measured round-trip time, ms; null until the first pong (or ICE measurement). */
  rttMs: number | null = null;

  constructor(
    now: number,
    private readonly timing: HeartbeatTiming = DEFAULT_HEARTBEAT_TIMING,
  ) {
    this.lastReceivedAt = now;
  }

  /** Any frame arrived. */
  onReceive(now: number): void {
    if (now > this.lastReceivedAt) this.lastReceivedAt = now;
  }

  /** The ping to send now, or null when the last one is recent enough. */
  nextPing(now: number): Ping | null {
    if (now - this.lastPingAt < this.timing.pingIntervalMs) return null;
    this.lastPingAt = now;
    this.seq += 1;
    return { s: this.seq, ts: now };
  }

  /**
   * A pong echoing one of our pings. Returns the RTT, or null when the pong is
   * not plausible (a sequence never sent, a time in the future): a peer must
   * not be able to inject arbitrary numbers into our stats.
   */
  onPong(now: number, pong: Ping): number | null {
    if (!Number.isInteger(pong.s) || pong.s < 1 || pong.s > this.seq) return null;
    if (pong.ts > now || now - pong.ts > this.timing.timeoutMs * 10) return null;
    this.rttMs = now - pong.ts;
    return this.rttMs;
  }

  /** An RTT measured elsewhere (ICE candidate-pair stats for stock peers). */
  setRtt(rttMs: number): void {
    if (Number.isFinite(rttMs) && rttMs >= 0) this.rttMs = rttMs;
  }

  onIceState(state: string, now: number): void {
    if (state === 'disconnected') {
      if (this.iceDisconnectedSince === null) this.iceDisconnectedSince = now;
    } else {
      this.iceDisconnectedSince = null;
    }
  }

  /** An engine peer that has been silent for longer than the timeout. */
  engineSilent(now: number): boolean {
    return now - this.lastReceivedAt > this.timing.timeoutMs;
  }

  /** A stock peer whose ICE stayed `disconnected` for the grace period with nothing received meanwhile. */
  stockVanished(now: number): boolean {
    if (this.iceDisconnectedSince === null) return false;
    return (
      now - this.iceDisconnectedSince >= this.timing.stockGraceMs && now - this.lastReceivedAt >= this.timing.stockGraceMs
    );
  }
}
