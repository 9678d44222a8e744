import { describe, expect, it } from 'vitest';
import { RttHistory } from './rtt-history';

describe('RttHistory', () => {
  it('keeps one minute of samples per peer', () => {
    const h = new RttHistory(60_000);
    for (let t = 0; t <= 90_000; t += 1_000) h.record('a', t, t / 1000);
    const s = h.get('a');
    expect(s.times[0]).toBe(30);
    expect(s.times.at(-1)).toBe(90);
    expect(s.rtts).toHaveLength(61);
  });

  it('caps samples whatever the rate, and summarises measured values only', () => {
    const h = new RttHistory(60_000, 10);
    for (let i = 0; i < 50; i += 1) h.record('a', i, i % 2 === 0 ? null : i);
    expect(h.get('a').rtts).toHaveLength(10);
    expect(h.summary('a')).toEqual({ min: 41, max: 49, last: 49 });
    expect(h.summary('nobody')).toBeNull();
    h.record('b', 0, null);
    expect(h.summary('b')).toBeNull();
  });

  it('forgets peers that are gone', () => {
    const h = new RttHistory();
    h.record('a', 0, 1);
    h.record('b', 0, 2);
    h.retain(new Set(['b']));
    expect(h.get('a').times).toEqual([]);
    expect(h.get('b').rtts).toEqual([2]);
  });
});
