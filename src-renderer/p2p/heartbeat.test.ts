/** Heartbeat logic over an explicit clock: no test waits. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_HEARTBEAT_TIMING, HEARTBEAT_TICK_MS, Liveness } from './heartbeat.js';
import { PROBE_INTERVAL_MS, TRANSPORT_READ_INTERVAL_MS } from './transport-watch.js';

const timing = { pingIntervalMs: 500, timeoutMs: 2_000, stockGraceMs: 4_000, stockTimeoutMs: 3_000, iceSilenceMs: 1_500 };

describe('Liveness (engine peers)', () => {
  it('pings at most once per interval', () => {
    const l = new Liveness(0, timing);
    expect(l.nextPing(0)).toEqual({ s: 1, ts: 0 });
    expect(l.nextPing(499)).toBeNull();
    expect(l.nextPing(500)).toEqual({ s: 2, ts: 500 });
  });

  it('measures RTT from an echoed pong, and refuses implausible pongs', () => {
    const l = new Liveness(0, timing);
    const ping = l.nextPing(1_000);
    expect(ping).not.toBeNull();
    if (!ping) return;
    expect(l.onPong(1_012, ping)).toBe(12);
    expect(l.rttMs).toBe(12);
    // A sequence we never sent, or a timestamp from the future, is ignored.
    expect(l.onPong(1_100, { s: 99, ts: 1_000 })).toBeNull();
    expect(l.onPong(1_100, { s: 1, ts: 5_000 })).toBeNull();
    expect(l.rttMs).toBe(12);
  });

  it('declares a silent engine peer gone after the timeout, and any frame resets it', () => {
    const l = new Liveness(0, timing);
    expect(l.engineSilent(2_000)).toBe(false);
    l.onReceive(1_500);
    expect(l.engineSilent(3_000)).toBe(false);
    expect(l.engineSilent(3_501)).toBe(true);
  });

  it('default timing detects a vanished engine within 3 s even with tick and stats-read granularity', () => {
    const { timeoutMs, pingIntervalMs } = DEFAULT_HEARTBEAT_TIMING;
    // Worst case: the last packet arrived just after a read; detection waits for the next read and tick past the timeout.
    expect(timeoutMs + TRANSPORT_READ_INTERVAL_MS + HEARTBEAT_TICK_MS).toBeLessThan(3_000);
    // At least three pings fit in the timeout, so one delayed pong is not a disconnect.
    expect(timeoutMs / pingIntervalMs).toBeGreaterThanOrEqual(3);
  });
});

describe('Liveness from transport reads (engine peers)', () => {
  it('a stalled script is not a vanished peer: packets reaching the transport keep it alive without any frame', () => {
    const l = new Liveness(0, timing);
    // The other page's script stalls at 0 for 5 s; its network thread keeps acknowledging our pings.
    for (let t = 250, counter = 0; t <= 5_000; t += 250) {
      if (t % 500 === 0) counter += 1; // one SACK per 500 ms ping
      l.onTransport(t, { counter, lastPacketAgeMs: null });
      expect(l.engineSilent(t + 100)).toBe(false);
    }
  });

  it('a killed peer is declared gone once the newest read shows more than the timeout of silence', () => {
    const l = new Liveness(0, timing);
    l.onTransport(1_000, { counter: 5, lastPacketAgeMs: 0 });
    // Nothing arrives after 1,000: the browser keeps dating the last packet.
    l.onTransport(2_900, { counter: 5, lastPacketAgeMs: 1_900 });
    expect(l.engineSilent(2_950)).toBe(false);
    l.onTransport(3_050, { counter: 5, lastPacketAgeMs: 2_050 });
    expect(l.engineSilent(3_060)).toBe(true);
  });

  it('without a dated last packet, a moved counter proves life since the previous read', () => {
    const l = new Liveness(0, timing);
    l.onTransport(1_000, { counter: 1, lastPacketAgeMs: null });
    l.onTransport(1_250, { counter: 2, lastPacketAgeMs: null }); // a packet in (1,000, 1,250]
    l.onTransport(3_000, { counter: 2, lastPacketAgeMs: null });
    expect(l.engineSilent(3_000)).toBe(false);
    l.onTransport(3_251, { counter: 2, lastPacketAgeMs: null });
    expect(l.engineSilent(3_251)).toBe(true);
  });

  it('judges at the newest read: late or missing reads never convict, stale ones fall back to frames', () => {
    const l = new Liveness(0, timing);
    l.onTransport(500, { counter: 1, lastPacketAgeMs: 0 });
    // Our stats read is late (our own page busy): the silence seen by the last read is what counts.
    expect(l.engineSilent(3_000)).toBe(false);
    expect(l.engineSilent(4_500)).toBe(false);
    // No read for over twice the timeout: only frames count, and none came.
    expect(l.engineSilent(4_501)).toBe(true);
  });

  it('a frame from the script counts as much as a packet', () => {
    const l = new Liveness(0, timing);
    l.onTransport(500, { counter: 1, lastPacketAgeMs: 0 });
    l.onReceive(2_000);
    l.onTransport(3_000, { counter: 1, lastPacketAgeMs: 2_500 });
    expect(l.engineSilent(3_000)).toBe(false);
  });
});

describe('Liveness from transport reads (stock peers)', () => {
  it('a probed stock peer is gone after the stock timeout of transport silence, and not before', () => {
    const l = new Liveness(0, timing);
    l.onTransport(500, { counter: 1, lastPacketAgeMs: 0 });
    // ICE checks come 1.5-3 s apart on an idle link: probing starts with a clean slate.
    l.startProbing(2_800);
    l.onTransport(5_000, { counter: 1, lastPacketAgeMs: 4_500 });
    expect(l.stockVanished(5_000)).toBe(false);
    l.onTransport(5_801, { counter: 1, lastPacketAgeMs: 5_301 });
    expect(l.stockVanished(5_801)).toBe(true);
  });

  it('unprobed: transport silence alone is not enough, ICE "disconnected" with silence is final at once', () => {
    const l = new Liveness(0, timing);
    l.onTransport(500, { counter: 1, lastPacketAgeMs: 0 });
    l.onTransport(5_000, { counter: 1, lastPacketAgeMs: 4_500 });
    expect(l.stockVanished(5_000)).toBe(false);
    l.onIceState('disconnected', 5_100);
    expect(l.stockVanished(5_100)).toBe(true);
  });

  it('ICE "disconnected" while packets still arrive is not final', () => {
    const l = new Liveness(0, timing);
    l.onIceState('disconnected', 1_000);
    for (let t = 1_250; t <= 10_000; t += 250) {
      l.onTransport(t, { counter: t, lastPacketAgeMs: 100 });
      expect(l.stockVanished(t)).toBe(false);
    }
  });

  it('default timing: a probed stock peer is reported within 6 s, and a live one is never near the bound', () => {
    const { stockTimeoutMs } = DEFAULT_HEARTBEAT_TIMING;
    expect(stockTimeoutMs + TRANSPORT_READ_INTERVAL_MS + HEARTBEAT_TICK_MS).toBeLessThan(6_000);
    // A probe every 500 ms draws a SACK: several must go missing before a live peer could be judged gone.
    expect(stockTimeoutMs / PROBE_INTERVAL_MS).toBeGreaterThanOrEqual(5);
  });
});

describe('Liveness (stock peers, ICE)', () => {
  it('does not treat a transient ICE "disconnected" as final', () => {
    const l = new Liveness(0, timing);
    l.onIceState('disconnected', 1_000);
    expect(l.stockVanished(4_999)).toBe(false);
    l.onIceState('connected', 2_000);
    expect(l.stockVanished(10_000)).toBe(false);
  });

  it('does not treat "disconnected" as final while the channel still delivers', () => {
    const l = new Liveness(0, timing);
    l.onIceState('disconnected', 1_000);
    l.onReceive(4_500);
    expect(l.stockVanished(6_000)).toBe(false);
    expect(l.stockVanished(8_500)).toBe(true);
  });

  it('declares the peer gone once "disconnected" lasted the grace period with no traffic', () => {
    const l = new Liveness(0, timing);
    l.onIceState('disconnected', 1_000);
    l.onIceState('disconnected', 2_000); // repeated state changes keep the first timestamp
    expect(l.stockVanished(5_000)).toBe(true);
  });

  it('accepts RTT from ICE stats, ignoring nonsense', () => {
    const l = new Liveness(0, timing);
    l.setRtt(3.5);
    l.setRtt(Number.NaN);
    l.setRtt(-1);
    expect(l.rttMs).toBe(3.5);
  });
});
