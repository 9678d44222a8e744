/** Heartbeat logic over an explicit clock: no test waits. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_HEARTBEAT_TIMING, HEARTBEAT_TICK_MS, Liveness } from './heartbeat.js';

const timing = { pingIntervalMs: 500, timeoutMs: 2_000, stockGraceMs: 4_000 };

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

  it('default timing detects a vanished engine within 3 s even with tick granularity', () => {
    const { timeoutMs, pingIntervalMs } = DEFAULT_HEARTBEAT_TIMING;
    // Worst case: the last frame arrived just after a tick; detection waits for the next tick past the timeout.
    expect(timeoutMs + HEARTBEAT_TICK_MS).toBeLessThan(3_000);
    // At least three pings fit in the timeout, so one delayed pong is not a disconnect.
    expect(timeoutMs / pingIntervalMs).toBeGreaterThanOrEqual(3);
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
