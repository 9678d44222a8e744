import { describe, expect, it } from 'vitest';
import { NO_CONDITIONS, type NetworkConditions } from '../../src-preload/network-conditions';
import { ConditionQueue, MAX_RETRANSMITS, RETRANSMIT_FLOOR_MS, type ChannelKind, type QueueSettings } from './condition-queue';
import { seededRandom } from './seeded-random';

const UNRELIABLE: ChannelKind = { ordered: false, lossless: false };
const RELIABLE: ChannelKind = { ordered: true, lossless: true };

function settings(conditions: Partial<NetworkConditions>, extra: Partial<QueueSettings> = {}): QueueSettings {
  return { conditions: { ...NO_CONDITIONS, ...conditions }, spikeMs: 0, cut: false, ...extra };
}

/** Pushes `count` messages 1 ms apart and drains the queue at every ms; returns [pushedAt, deliveredAt] per delivered item. */
function run(queue: ConditionQueue<number>, count: number, s: QueueSettings, bytes = 100): { delivered: number[]; delays: number[] } {
  const pushedAt = new Map<number, number>();
  const delivered: number[] = [];
  const delays: number[] = [];
  const passed = (now: number, items: number[]): void => {
    for (const item of items) {
      delivered.push(item);
      delays.push(now - (pushedAt.get(item) ?? now));
    }
  };
  let now = 0;
  for (let i = 0; i < count; i += 1, now += 1) {
    pushedAt.set(i, now);
    const outcome = queue.push(now, i, bytes, s);
    if (outcome === 'now') passed(now, [i]);
    passed(now, queue.take(now, s.cut));
  }
  for (let guard = 0; queue.size > 0 && guard < 1_000_000; guard += 1, now += 1) passed(now, queue.take(now, s.cut));
  return { delivered, delays };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

describe('ConditionQueue', () => {
  it('with no conditions, every message passes now (the synchronous path) and nothing is held', () => {
    const queue = new ConditionQueue<number>(RELIABLE, seededRandom(1));
    for (let i = 0; i < 100; i += 1) expect(queue.push(i, i, 10, settings({}))).toBe('now');
    expect(queue.size).toBe(0);
  });

  it('adds the latency exactly, and spreads jitter uniformly within ± jitter', () => {
    const fixed = run(new ConditionQueue<number>(UNRELIABLE, seededRandom(2)), 1_000, settings({ latencyMs: 100 }));
    expect(new Set(fixed.delays)).toEqual(new Set([100]));

    const jittered = run(new ConditionQueue<number>(UNRELIABLE, seededRandom(3)), 10_000, settings({ latencyMs: 100, jitterMs: 20 }));
    expect(jittered.delivered).toHaveLength(10_000);
    expect(Math.min(...jittered.delays)).toBeGreaterThanOrEqual(80);
    expect(Math.max(...jittered.delays)).toBeLessThanOrEqual(121);
    expect(Math.abs(median(jittered.delays) - 100)).toBeLessThanOrEqual(1);
    // Uniform: about a quarter of the delays in each 10 ms quarter of the spread.
    const lowQuarter = jittered.delays.filter((d) => d < 90).length / 10_000;
    expect(lowQuarter).toBeGreaterThan(0.22);
    expect(lowQuarter).toBeLessThan(0.28);
    // Unordered: jitter reorders, as on a real network.
    expect(jittered.delivered).not.toEqual([...jittered.delivered].sort((a, b) => a - b));
  });

  it('never lets jitter take a delay below 0', () => {
    const { delays } = run(new ConditionQueue<number>(UNRELIABLE, seededRandom(4)), 2_000, settings({ latencyMs: 5, jitterMs: 50 }));
    expect(Math.min(...delays)).toBe(0);
  });

  it('loses about 10 % of 10,000 unreliable messages at loss=10', () => {
    const queue = new ConditionQueue<number>(UNRELIABLE, seededRandom(5));
    const { delivered } = run(queue, 10_000, settings({ lossPct: 10 }));
    const lostShare = 1 - delivered.length / 10_000;
    expect(lostShare).toBeGreaterThan(0.085);
    expect(lostShare).toBeLessThan(0.115);
    expect(queue.counters.lost).toBe(10_000 - delivered.length);
  });

  it('on a reliable channel loses nothing and keeps the order: a loss delays it and every message behind it', () => {
    const queue = new ConditionQueue<number>(RELIABLE, seededRandom(6));
    const { delivered, delays } = run(queue, 10_000, settings({ latencyMs: 20, jitterMs: 10, lossPct: 10 }));
    expect(delivered).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
    expect(queue.counters.lost).toBe(0);
    expect(queue.counters.retransmitted).toBeGreaterThan(850);
    expect(queue.counters.retransmitted).toBeLessThan(1_150);
    // A retransmission costs a round trip of the latency plus the floor.
    expect(Math.max(...delays)).toBeGreaterThanOrEqual(20 + 40 + RETRANSMIT_FLOOR_MS - 10);
    expect(Math.max(...delays)).toBeLessThanOrEqual(30 + MAX_RETRANSMITS * (40 + RETRANSMIT_FLOOR_MS));
  });

  it('caps bandwidth: each message leaves after the previous one has, at bytes x 8 / kbit/s', () => {
    const queue = new ConditionQueue<number>(RELIABLE, seededRandom(7));
    // 1,000 kbit/s = 1 bit per microsecond: 1,250 bytes take 10 ms.
    for (let i = 0; i < 10; i += 1) expect(queue.push(0, i, 1_250, settings({ bandwidthKbps: 1_000, latencyMs: 5 }))).toBe('queued');
    const arrivals: number[] = [];
    for (let now = 0; now <= 200; now += 1) for (const _ of queue.take(now, false)) arrivals.push(now);
    expect(arrivals).toEqual([15, 25, 35, 45, 55, 65, 75, 85, 95, 105]);
  });

  it('bounds the queue in bytes: unreliable tail-drops, reliable delivers everything held at once, in order', () => {
    const lossy = new ConditionQueue<number>(UNRELIABLE, seededRandom(8), 10_000);
    const outcomes = Array.from({ length: 20 }, (_, i) => lossy.push(0, i, 1_000, settings({ latencyMs: 1_000 })));
    expect(outcomes.filter((o) => o === 'queued')).toHaveLength(10);
    expect(outcomes.slice(10).every((o) => o === 'dropped')).toBe(true);
    expect(lossy.bytes).toBe(10_000);

    const reliable = new ConditionQueue<number>(RELIABLE, seededRandom(9), 10_000);
    for (let i = 0; i < 10; i += 1) reliable.push(0, i, 1_000, settings({ latencyMs: 1_000 }));
    expect(reliable.take(5, false)).toEqual([]);
    expect(reliable.push(5, 10, 1_000, settings({ latencyMs: 1_000 }))).toBe('queued');
    expect(reliable.take(5, false)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(reliable.counters.flushes).toBe(1);
  });

  it('adds a lag spike to what is sent during it; later messages on an ordered channel wait behind', () => {
    const queue = new ConditionQueue<number>(RELIABLE, seededRandom(10));
    queue.push(0, 1, 10, settings({ latencyMs: 10 }, { spikeMs: 500 }));
    queue.push(100, 2, 10, settings({ latencyMs: 10 }));
    expect(queue.take(509, false)).toEqual([]);
    expect(queue.take(510, false)).toEqual([1, 2]);
    queue.push(600, 3, 10, settings({ latencyMs: 10 }));
    expect(queue.take(610, false)).toEqual([3]);
  });

  it('a cut lets nothing pass: unreliable is dropped, reliable is held and delivered in order after the restore', () => {
    const lossy = new ConditionQueue<number>(UNRELIABLE, seededRandom(11));
    lossy.push(0, 1, 10, settings({ latencyMs: 50 }));
    expect(lossy.push(10, 2, 10, settings({ latencyMs: 50 }, { cut: true }))).toBe('dropped');
    expect(lossy.take(60, true)).toEqual([]);
    expect(lossy.size).toBe(0);
    expect(lossy.counters.dropped).toBe(2);

    const reliable = new ConditionQueue<number>(RELIABLE, seededRandom(12), 1_000);
    reliable.push(0, 1, 100, settings({ latencyMs: 50 }));
    for (let i = 2; i <= 5; i += 1) expect(reliable.push(i, i, 100, settings({}, { cut: true }))).toBe('queued');
    expect(reliable.take(10_000, true)).toEqual([]);
    expect(reliable.take(10_001, false)).toEqual([1, 2, 3, 4, 5]);
    // Held past the byte bound during a cut: dropped, counted.
    for (let i = 0; i < 10; i += 1) reliable.push(20_000, i, 100, settings({}, { cut: true }));
    expect(reliable.push(20_000, 99, 100, settings({}, { cut: true }))).toBe('dropped');
    expect(reliable.counters.overflowed).toBe(1);
    expect(reliable.take(30_000, false)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('keeps the order of what is still held when the conditions are lifted', () => {
    const queue = new ConditionQueue<number>(RELIABLE, seededRandom(13));
    queue.push(0, 1, 10, settings({ latencyMs: 100 }));
    expect(queue.push(1, 2, 10, settings({}))).toBe('queued');
    expect(queue.take(50, false)).toEqual([]);
    expect(queue.take(100, false)).toEqual([1, 2]);
    expect(queue.push(101, 3, 10, settings({}))).toBe('now');
  });
});
