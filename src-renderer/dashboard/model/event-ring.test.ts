import { describe, expect, it } from 'vitest';
import { EventRing, matchesFilter, type LoggedEvent } from './event-ring';

const entry = (name: string, peer = 'p1'): Omit<LoggedEvent, 'seq'> => ({ at: 0, direction: 'in', peer, name, data: '' });

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

  it('refuses a non-positive capacity', () => {
    expect(() => new EventRing(0)).toThrow(RangeError);
  });
});

describe('matchesFilter', () => {
  const names = (id: string): string | null => (id === 'p1' ? 'Ada' : null);
  it('matches name, peer id or peer display name, case-insensitively', () => {
    const e = { ...entry('PlayerMoved', 'p1'), seq: 0 };
    expect(matchesFilter(e, '', names)).toBe(true);
    expect(matchesFilter(e, 'moved', names)).toBe(true);
    expect(matchesFilter(e, 'p1', names)).toBe(true);
    expect(matchesFilter(e, 'ada', names)).toBe(true);
    expect(matchesFilter(e, 'zzz', names)).toBe(false);
  });
});
