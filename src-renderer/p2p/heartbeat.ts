/**
 * Liveness of one data connection, as pure logic over an explicit clock (the
 * engine passes its clock; tests pass numbers), so no unit test waits.
 *
 * Signs of life are of two kinds: frames our script receives, and packets our
 * TRANSPORT receives (`onTransport`, read from getStats by links.ts; see
 * transport-stats.ts). The second kind keeps coming while the other page's
 * script is stalled (its network thread acknowledges our pings), so a 5 s
 * scene load is not a vanished peer; a killed page or a pulled cable stops both.
 *
 * - Between two LAN Party engines: each side pings every `pingIntervalMs`
 *   (the pings draw SCTP acknowledgements even when no pong can be sent);
 *   silence of both kinds longer than `timeoutMs` means the other side
 *   vanished. Silence is judged at the time of the newest stats read, so a
 *   late or missing read never convicts; without any read (no
 *   RTCPeerConnection, stats failing for `2 x timeoutMs`) only frames count.
 * - With a stock peer (no pings; links.ts probes it on a stream its game never
 *   sees, which also draws acknowledgements): transport silence longer than
 *   `stockTimeoutMs` while the probe runs, or ICE `disconnected` with
 *   `iceSilenceMs` of transport silence, is final at once. Without stats, ICE
 *   `disconnected` only counts once it has lasted `stockGraceMs` AND nothing
 *   arrived meanwhile (it is often transient). `failed`/`closed` are final at
 *   once (PeerJS closes the connection itself then).
 */
import type { TransportReading } from './transport-stats.js';

export interface HeartbeatTiming {
  pingIntervalMs: number;
  timeoutMs: number;
  stockGraceMs: number;
  /** Transport silence after which a probed stock peer is gone. */
  stockTimeoutMs: number;
  /** Transport silence that makes ICE `disconnected` final at once. */
  iceSilenceMs: number;
}

/**
 * Detection of a vanished engine peer takes `timeoutMs` plus up to one stats
 * read and one tick: 2 s + 0.25 s + 0.25 s, inside the 3 s the spec allows.
 * A live link is never that quiet: a ping leaves every 500 ms and draws a
 * SACK (Chromium delays a SACK by at most 200 ms). A probed stock peer: 3 s +
 * 0.5 s, inside the 6 s allowed (ICE alone said `disconnected` after ~6 s).
 */
export const DEFAULT_HEARTBEAT_TIMING: HeartbeatTiming = {
  pingIntervalMs: 500,
  timeoutMs: 2_000,
  stockGraceMs: 4_000,
  stockTimeoutMs: 3_000,
  iceSilenceMs: 1_500,
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
  /** Latest time a packet is known to have reached our transport. */
  private lastTransportAt = Number.NEGATIVE_INFINITY;
  private lastReadAt: number | null = null;
  private lastCounter: number | null = null;
  /** links.ts sends stock-peer probes on this link, so its transport is never idle while the peer lives. */
  probing = false;
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

  /** How long ago the last frame arrived (a frame proves the peer alive by itself). */
  frameAgeMs(now: number): number {
    return now - this.lastReceivedAt;
  }

  /**
   * A transport stats read taken at `now`. A counter that moved since the
   * previous read proves a packet arrived after that read; the browser's own
   * last-packet time, when reported, dates it exactly.
   */
  onTransport(now: number, reading: TransportReading): void {
    let evidence = reading.lastPacketAgeMs === null ? Number.NEGATIVE_INFINITY : now - reading.lastPacketAgeMs;
    if (this.lastCounter !== null && this.lastReadAt !== null && reading.counter !== this.lastCounter) {
      evidence = Math.max(evidence, this.lastReadAt);
    }
    evidence = Math.min(evidence, now);
    if (evidence > this.lastTransportAt) this.lastTransportAt = evidence;
    this.lastCounter = reading.counter;
    if (this.lastReadAt === null || now > this.lastReadAt) this.lastReadAt = now;
  }

  /**
   * Silence of both kinds as seen by the newest stats read, or null when there
   * is no read recent enough to judge by.
   */
  private transportSilence(now: number): number | null {
    if (this.lastReadAt === null || now - this.lastReadAt > this.timing.timeoutMs * 2) return null;
    return this.lastReadAt - Math.max(this.lastReceivedAt, this.lastTransportAt);
  }

  /** links.ts started probing a stock peer: from now on its transport must never be idle for long. */
  startProbing(now: number): void {
    this.probing = true;
    // The link may have been quiet until now (ICE checks come 1.5-3 s apart): judge from now on.
    if (now > this.lastTransportAt) this.lastTransportAt = now;
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

  /** An engine peer that has been silent (frames and transport) for longer than the timeout. */
  engineSilent(now: number): boolean {
    const silence = this.transportSilence(now);
    if (silence !== null) return silence > this.timing.timeoutMs;
    return now - this.lastReceivedAt > this.timing.timeoutMs;
  }

  /** A stock peer gone by the transport rules, or (without stats) ICE `disconnected` for the grace period with nothing received. */
  stockVanished(now: number): boolean {
    const silence = this.transportSilence(now);
    if (silence !== null) {
      if (this.probing && silence > this.timing.stockTimeoutMs) return true;
      return this.iceDisconnectedSince !== null && silence >= this.timing.iceSilenceMs;
    }
    if (this.iceDisconnectedSince === null) return false;
    return (
      now - this.iceDisconnectedSince >= this.timing.stockGraceMs && now - this.lastReceivedAt >= this.timing.stockGraceMs
    );
  }
}
