import { describe, expect, it } from 'vitest';
import { DISPLAY_BYTES, eventData } from './event-data';
import { EventRing, isTruncated, matchesFilter, matchesSource, type NewEvent } from './event-ring';

const entry = (name: string, peer = 'p1', data = ''): NewEvent => ({ at: 0, direction: 'in', peer, name, ...eventData(data) });
const KIB = 1024;
const MIB = 1024 * KIB;
/** A large event: `n` bytes of ASCII, tagged so its data is recognisable. */
const big = (tag: string, n: number): string => tag + 'x'.repeat(n - tag.length);

describe('EventRing', () => {
  it('keeps the newest `capacity` entries, addressed by sequence number', () => {
    const ring = new EventRing(3);
    for (const name of ['a', 'b', 'c', 'd', 'e']) ring.push(entry(name));
    expect(ring.total).toBe(5);
    expect(ring.size).toBe(3);
    expect(ring.firstSeq).toBe(2);
    expect(ring.nextSeq).toBe(5);
    expect(ring.at(1)).toBeUndefined();
    expect([2, 3, 4].map((s) => ring.at(s)?.name)).toEqual(['c', 'd', 'e']);
    expect(ring.at(5)).toBeUndefined();
  });

  it('clear forgets everything but sequence numbers keep increasing', () => {
    const ring = new EventRing(4);
    ring.push(entry('a'));
    ring.push(entry('b'));
    ring.clear();
    expect(ring.size).toBe(0);
    expect(ring.at(1)).toBeUndefined();
    const c = ring.push(entry('c'));
    expect(c.seq).toBe(2);
    expect(ring.firstSeq).toBe(2);
    expect(ring.size).toBe(1);
  });

  it('stays bounded under a large burst', () => {
    const ring = new EventRing(1000);
    for (let i = 0; i < 25_000; i += 1) ring.push(entry(`e${i}`));
    expect(ring.size).toBe(1000);
    expect(ring.at(24_999)?.name).toBe('e24999');
    expect(ring.at(24_000)?.name).toBe('e24000');
    expect(ring.at(23_999)).toBeUndefined();
  });

  it('refuses a non-positive capacity or a negative budget', () => {
    expect(() => new EventRing(0)).toThrow(RangeError);
    expect(() => new EventRing(10, -1)).toThrow(RangeError);
    expect(() => new EventRing(10, Number.NaN)).toThrow(RangeError);
  });
});

describe('EventRing byte budget', () => {
  it('keeps full data of large events while the budget allows, dropping the oldest first', () => {
    // Budget: the display copies of four events plus the full data of two.
    const ring = new EventRing(100, 4 * DISPLAY_BYTES + 2 * MIB);
    for (const tag of ['a', 'b', 'c', 'd']) ring.push(entry(tag, 'p1', big(tag, MIB)));
    expect(ring.size).toBe(4);
    expect([0, 1, 2, 3].map((s) => ring.fullData(s)?.length ?? null)).toEqual([null, null, MIB, MIB]);
    expect(ring.fullData(3)).toBe(big('d', MIB));
    // Evicted full data: the entry stays, truncated, with its size; its download is refused.
    const a = ring.at(0);
    expect(a && isTruncated(a)).toBe(true);
    expect(a?.full).toBeNull();
    expect(a?.bytes).toBe(MIB);
    expect(a?.display).toBe(big('a', DISPLAY_BYTES));
    expect(ring.keptBytes).toBe(4 * DISPLAY_BYTES + 2 * MIB);
  });

  it('keeps the byte total exact when entries leave by count, by bytes, or by clear', () => {
    const ring = new EventRing(3, 10 * MIB);
    const sum = (): number => {
      let bytes = 0;
      for (let s = ring.firstSeq; s < ring.nextSeq; s += 1) {
        const e = ring.at(s);
        if (e) bytes += e.displayBytes + (e.full !== null ? e.bytes : 0);
      }
      return bytes;
    };
    ring.push(entry('small', 'p1', 'hello'));
    ring.push(entry('large', 'p1', big('L', 2 * MIB)));
    ring.push(entry('small2', 'p1', 'é'.repeat(10)));
    expect(ring.keptBytes).toBe(5 + DISPLAY_BYTES + 2 * MIB + 20);
    expect(ring.keptBytes).toBe(sum());
    // Count eviction of the small one, then of the large one (with its full data).
    ring.push(entry('small3', 'p1', 'x'));
    expect(ring.keptBytes).toBe(sum());
    ring.push(entry('small4', 'p1', 'y'));
    expect(ring.size).toBe(3);
    expect(ring.keptBytes).toBe(20 + 1 + 1);
    expect(ring.keptBytes).toBe(sum());
    ring.clear();
    expect(ring.keptBytes).toBe(0);
    ring.push(entry('again', 'p1', big('A', MIB)));
    expect(ring.keptBytes).toBe(DISPLAY_BYTES + MIB);
    expect(ring.fullData(ring.firstSeq)?.length).toBe(MIB);
  });

  it('evicts whole entries, oldest first, when the display copies alone exceed the budget, and always keeps the newest', () => {
    const ring = new EventRing(1_000, 3 * DISPLAY_BYTES);
    for (let i = 0; i < 10; i += 1) ring.push(entry(`e${i}`, 'p1', big(`#${i}`, 2 * DISPLAY_BYTES)));
    expect(ring.size).toBe(3);
    expect(ring.firstSeq).toBe(7);
    expect(ring.at(6)).toBeUndefined();
    expect(ring.fullData(6)).toBeNull();
    expect(ring.keptBytes).toBe(3 * DISPLAY_BYTES);
    // A budget smaller than one display copy still keeps the newest entry.
    const tiny = new EventRing(10, 100);
    const kept = tiny.push(entry('one', 'p1', big('1', MIB)));
    tiny.push(entry('two', 'p1', big('2', MIB)));
    expect(kept.full).toBeNull();
    expect(tiny.size).toBe(1);
    expect(tiny.at(1)?.name).toBe('two');
    expect(tiny.keptBytes).toBe(DISPLAY_BYTES);
  });

  it('stays bounded in bytes under a flood of 1 MiB events, and answers fullData for kept ones only', () => {
    const ring = new EventRing(20_000, 32 * MIB);
    const data = big('z', MIB);
    for (let i = 0; i < 300; i += 1) ring.push(entry(`flood${i}`, 'attacker', data));
    expect(ring.size).toBe(300);
    expect(ring.keptBytes).toBeLessThanOrEqual(32 * MIB);
    const kept = Array.from({ length: 300 }, (_, i) => ring.fullData(i) !== null).filter(Boolean).length;
    // 300 display copies (1.17 MiB) leave room for 30 full events.
    expect(kept).toBe(Math.floor((32 * MIB - 300 * DISPLAY_BYTES) / MIB));
    expect(ring.fullData(299)).toBe(data);
    expect(ring.fullData(0)).toBeNull();
  });

  it('replaces an entry instead of mutating it when its full data is dropped', () => {
    const ring = new EventRing(10, DISPLAY_BYTES * 2 + MIB);
    const first = ring.push(entry('a', 'p1', big('a', MIB)));
    ring.push(entry('b', 'p1', big('b', MIB)));
    expect(first.full).not.toBeNull();
    expect(ring.at(0)).not.toBe(first);
    expect(ring.at(0)?.full).toBeNull();
  });

  it('small events cost their own size and are never truncated', () => {
    const ring = new EventRing(10, 32 * MIB);
    const e = ring.push(entry('s', 'p1', 'x'.repeat(DISPLAY_BYTES)));
    expect(isTruncated(e)).toBe(false);
    expect(e.full).toBeNull();
    expect(ring.fullData(0)).toBe('x'.repeat(DISPLAY_BYTES));
    expect(ring.keptBytes).toBe(DISPLAY_BYTES);
  });
});

describe('matchesFilter', () => {
  const names = (id: string): string | null => (id === 'p1' ? 'Ada' : null);
  it('matches name, peer id or peer display name, case-insensitively', () => {
    const e = { ...entry('PlayerMoved', 'p1'), instance: '', seq: 0 };
    expect(matchesFilter(e, '', names)).toBe(true);
    expect(matchesFilter(e, 'moved', names)).toBe(true);
    expect(matchesFilter(e, 'p1', names)).toBe(true);
    expect(matchesFilter(e, 'ada', names)).toBe(true);
    expect(matchesFilter(e, 'zzz', names)).toBe(false);
  });
});

describe('matchesSource', () => {
  it("tells this dashboard's own events from each game instance's", () => {
    const ring = new EventRing(10);
    const own = ring.push(entry('chat'));
    const fromA = ring.push({ ...entry('move'), instance: 'aaaaaaaaaaaaaaaa' });
    const fromB = ring.push({ ...entry('move'), instance: 'bbbbbbbbbbbbbbbb' });
    expect(own.instance).toBe('');
    expect([own, fromA, fromB].map((e) => matchesSource(e, ''))).toEqual([true, true, true]);
    expect([own, fromA, fromB].map((e) => matchesSource(e, 'self'))).toEqual([true, false, false]);
    expect([own, fromA, fromB].map((e) => matchesSource(e, 'aaaaaaaaaaaaaaaa'))).toEqual([false, true, false]);
  });
});
