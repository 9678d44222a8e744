import { describe, expect, it } from 'vitest';
import { dialerOf, planDials, type DialPlanInput } from './mesh';

function input(overrides: Partial<DialPlanInput>): DialPlanInput {
  return {
    self: 'm',
    candidates: [],
    busy: new Set(),
    excluded: new Set(),
    firstSeen: new Map(),
    lastAttempt: new Map(),
    now: 100_000,
    fallbackAfterMs: 8_000,
    retryAfterMs: 20_000,
    maxDials: 8,
    ...overrides,
  };
}

describe('the dial rule', () => {
  it('is the same on both sides: the smaller id dials', () => {
    expect(dialerOf('a', 'b')).toBe('a');
    expect(dialerOf('b', 'a')).toBe('a');
    // Code-unit order, not locale order: "B" < "a".
    expect(dialerOf('a', 'B')).toBe('B');
  });

  it('builds a full mesh with exactly one dial per pair when everyone runs it', () => {
    const ids = ['p3', 'p1', 'p5', 'p2', 'p4'];
    const dials = new Set<string>();
    for (const self of ids) {
      for (const target of planDials(input({ self, candidates: ids, firstSeen: new Map(ids.map((id) => [id, 100_000])) }))) {
        const pair = [self, target].sort().join('|');
        expect(dials.has(pair)).toBe(false);
        dials.add(pair);
      }
    }
    expect(dials.size).toBe((ids.length * (ids.length - 1)) / 2);
  });
});

describe('planDials', () => {
  it('skips self, busy, excluded, duplicates and recent attempts', () => {
    const plan = planDials(
      input({
        candidates: ['n', 'o', 'p', 'q', 'q', 'm'],
        busy: new Set(['n']),
        excluded: new Set(['o']),
        lastAttempt: new Map([['p', 90_000]]),
      }),
    );
    expect(plan).toEqual(['q']);
  });

  it('retries after the retry delay', () => {
    expect(planDials(input({ candidates: ['p'], lastAttempt: new Map([['p', 70_000]]) }))).toEqual(['p']);
  });

  it('a larger id waits for the smaller one, then dials itself', () => {
    const early = input({ self: 'z', candidates: ['a'], firstSeen: new Map([['a', 95_000]]) });
    expect(planDials(early)).toEqual([]);
    const late = { ...early, now: 103_000 };
    expect(planDials(late)).toEqual(['a']);
  });

  it('dials at most maxDials at once, and nothing without an id', () => {
    const candidates = Array.from({ length: 20 }, (_, i) => `x${String(i).padStart(2, '0')}`);
    expect(planDials(input({ self: 'a', candidates, maxDials: 3 }))).toEqual(['x00', 'x01', 'x02']);
    expect(planDials(input({ self: '', candidates }))).toEqual([]);
  });
});
