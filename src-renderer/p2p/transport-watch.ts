/**
 * Per link: reads the transport's stats for heartbeat.ts and, toward a stock
 * peer, keeps its transport busy with probes its game never sees (see
 * transport-stats.ts). The judging is heartbeat.ts's; this only gathers.
 */
import type { Liveness } from './heartbeat.js';
import { openProbe, readTransport, sendProbe } from './transport-stats.js';

/**
 * Stats are read every tick (250 ms) while frames are quiet: silence is judged
 * at the newest read, so the read interval adds to the detection time.
 */
export const TRANSPORT_READ_INTERVAL_MS = 250;

/**
 * While a frame arrived this recently, the link is alive by that alone and no
 * stats are read. Between engines a pong arrives every ping interval (500 ms),
 * so a live link costs no read at all; reads start within one tick of the
 * frames stopping (a stall, a kill, a pulled cable), which is when they matter.
 * Reading on every tick regardless cost a 16-page mesh ~960 getStats calls a
 * second and raised the fan-out ack median at N = 15 from 2.5 to 5.1 ms
 * (raw: 3.4 ms) in `npm run bench -- --only mesh-fanout`.
 */
export const FRESH_FRAME_MS = 750;

/** A stock peer is probed every this often: each probe draws a SACK, so a live peer is never quiet for longer. */
export const PROBE_INTERVAL_MS = 500;

/**
 * An outgoing link learns that the other side is an engine from its hello,
 * just after opening: no probe before this, so engines are never probed.
 */
const PROBE_DELAY_MS = 1_000;

export class TransportWatch {
  private pending = false;
  private lastReadAt = Number.NEGATIVE_INFINITY;
  private lastProbeAt = Number.NEGATIVE_INFINITY;
  private openSeenAt: number | null = null;
  private probe: RTCDataChannel | null = null;
  private closed = false;

  constructor(
    private readonly pc: RTCPeerConnection,
    private readonly now: () => number,
  ) {}

  /** Called on every tick while the link is open; `stock`: the other side is not an engine. */
  tick(now: number, liveness: Liveness, stock: boolean): void {
    if (this.closed) return;
    this.openSeenAt ??= now;
    const quiet = liveness.frameAgeMs(now) >= FRESH_FRAME_MS;
    if (quiet && !this.pending && now - this.lastReadAt >= TRANSPORT_READ_INTERVAL_MS) this.read(now, liveness);
    if (!stock || now - this.openSeenAt < PROBE_DELAY_MS || now - this.lastProbeAt < PROBE_INTERVAL_MS) return;
    this.probe ??= openProbe(this.pc);
    if (sendProbe(this.probe)) {
      this.lastProbeAt = now;
      if (!liveness.probing) liveness.startProbing(now);
    }
  }

  close(): void {
    this.closed = true;
    try {
      this.probe?.close();
    } catch {
      // The connection is closing anyway.
    }
    this.probe = null;
  }

  private read(now: number, liveness: Liveness): void {
    if (typeof this.pc.getStats !== 'function') return;
    this.pending = true;
    this.lastReadAt = now;
    this.pc
      .getStats()
      .then((report) => {
        if (this.closed) return;
        const reading = readTransport(report);
        if (reading) liveness.onTransport(this.now(), reading);
      })
      .catch(() => undefined)
      .finally(() => {
        this.pending = false;
      });
  }
}
