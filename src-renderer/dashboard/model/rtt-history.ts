/**
 * The last minute of round-trip times per peer, for the peers panel's small
 * chart. Sampled by the caller (once a second) with an explicit clock, so it
 * is pure and unit-tested without timers.
 */

export interface RttSeries {
  /** Seconds (uPlot's x unit), oldest first. */
  times: number[];
  /** Milliseconds; null where the peer had no measurement yet. */
  rtts: (number | null)[];
}

export class RttHistory {
  private readonly series = new Map<string, { t: number[]; v: (number | null)[] }>();

  constructor(
    private readonly windowMs = 60_000,
    /** Hard cap per peer, whatever the sampling rate. */
    private readonly maxSamples = 240,
  ) {}

  record(peerId: string, now: number, rttMs: number | null): void {
    let s = this.series.get(peerId);
    if (!s) {
      s = { t: [], v: [] };
      this.series.set(peerId, s);
    }
    s.t.push(now);
    s.v.push(rttMs);
    let drop = 0;
    while (drop < s.t.length && (now - (s.t[drop] ?? now) > this.windowMs || s.t.length - drop > this.maxSamples)) drop += 1;
    if (drop > 0) {
      s.t.splice(0, drop);
      s.v.splice(0, drop);
    }
  }

  /** Forgets peers that are gone, so a long session does not accumulate them. */
  retain(peerIds: ReadonlySet<string>): void {
    for (const id of [...this.series.keys()]) if (!peerIds.has(id)) this.series.delete(id);
  }

  get(peerId: string): RttSeries {
    const s = this.series.get(peerId);
    if (!s) return { times: [], rtts: [] };
    return { times: s.t.map((t) => t / 1000), rtts: s.v.slice() };
  }

  /** Min, max and latest measured values over the window (null when nothing was measured). */
  summary(peerId: string): { min: number; max: number; last: number } | null {
    const values = (this.series.get(peerId)?.v ?? []).filter((v): v is number => v !== null);
    if (values.length === 0) return null;
    return { min: Math.min(...values), max: Math.max(...values), last: values[values.length - 1] ?? 0 };
  }
}
