import { describe, expect, it } from 'vitest';
import type { InstancesState } from '../../../src-preload/game-agent-protocol';
import { NO_DIRECTED_CONDITIONS } from '../../../src-preload/network-conditions';
import { BenchTimeline, colourOf, INSTANCE_COLOURS, PENDING_CAPACITY } from './bench-timeline';

const A = 'a'.repeat(16);
const B = 'b'.repeat(16);
const OTHER = 'f'.repeat(16);

function state(entries: [string, string | null, number][]): InstancesState {
  return {
    recording: null,
    instances: entries.map(([id, bench, index]) => ({
      id,
      gameId: '0123abcd',
      gameName: 'Dots',
      page: '/',
      bench: bench ? { id: bench, instance: index, count: 8 } : null,
      peerId: null,
      broker: null,
      connectedAt: 0,
      links: [],
      names: [],
      conditions: NO_DIRECTED_CONDITIONS,
      droppedEvents: 0,
    })),
  };
}

const event = (instance: string, t: number, name = 'move', data = '{}') => ({ instance, t, link: 'l1', dir: 'out' as const, name, size: 10, data });

describe('BenchTimeline', () => {
  it("keeps this bench's events tagged with their index, in time order; drops other instances'", () => {
    const timeline = new BenchTimeline('bench001');
    timeline.updateInstances(state([[A, 'bench001', 1], [B, 'bench001', 2], [OTHER, null, 0]]));
    expect(timeline.addEvents({ events: [event(B, 20), event(A, 10), event(OTHER, 15)], dropped: 0 })).toBe(true);
    expect(timeline.entries.map((e) => [e.index, e.t])).toEqual([[1, 10], [2, 20]]);
  });

  it('holds events of a not-yet-identified agent until the next state names it (a rejoined instance)', () => {
    const timeline = new BenchTimeline('bench001');
    timeline.updateInstances(state([[A, 'bench001', 1]]));
    expect(timeline.addEvents({ events: [event(B, 5), event(A, 10)], dropped: 0 })).toBe(true);
    expect(timeline.entries.map((e) => e.index)).toEqual([1]);
    expect(timeline.updateInstances(state([[A, 'bench001', 1], [B, 'bench001', 3]]))).toBe(true);
    expect(timeline.entries.map((e) => [e.index, e.t])).toEqual([[3, 5], [1, 10]]);
  });

  it('is bounded in rows and in bytes, and the waiting queue too', () => {
    const rows = new BenchTimeline('bench001', 10, 1_000_000);
    rows.updateInstances(state([[A, 'bench001', 1]]));
    for (let t = 0; t < 25; t += 1) rows.addEvents({ events: [event(A, t)], dropped: 0 });
    expect(rows.entries.map((e) => e.t)).toEqual([15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);

    const bytes = new BenchTimeline('bench001', 1000, 4096);
    bytes.updateInstances(state([[A, 'bench001', 1]]));
    for (let t = 0; t < 100; t += 1) bytes.addEvents({ events: [event(A, t, 'move', 'x'.repeat(256))], dropped: 0 });
    expect(bytes.byteCount).toBeLessThanOrEqual(4096);
    expect(bytes.entries.length).toBeGreaterThan(0);
    expect(bytes.entries.at(-1)?.t).toBe(99);

    const waiting = new BenchTimeline('bench001');
    waiting.addEvents({ events: Array.from({ length: PENDING_CAPACITY + 50 }, (_, t) => event(B, t)), dropped: 3 });
    expect(waiting.dropped).toBe(53);
  });
});

describe('hidden names', () => {
  it('drops a hidden name at intake, so its flood cannot evict the rest; the name stays offered', () => {
    const timeline = new BenchTimeline('bench001', 10);
    timeline.updateInstances(state([[A, 'bench001', 1]]));
    timeline.addEvents({ events: [event(A, 1, 'move'), event(A, 2, 'hb')], dropped: 0 });
    timeline.setHidden('hb', true);
    expect(timeline.entries.map((e) => e.name)).toEqual(['move']);
    for (let t = 3; t < 100; t += 1) timeline.addEvents({ events: [event(A, t, 'hb')], dropped: 0 });
    expect(timeline.entries.map((e) => [e.name, e.t])).toEqual([['move', 1]]);
    expect(timeline.eventNames).toEqual(['hb', 'move']);
    timeline.setHidden('hb', false);
    timeline.addEvents({ events: [event(A, 100, 'hb')], dropped: 0 });
    expect(timeline.entries.map((e) => e.name)).toEqual(['move', 'hb']);
  });
});

describe('colourOf', () => {
  it('gives 16 distinct colours to indexes 1..16', () => {
    expect(new Set(Array.from({ length: 16 }, (_, i) => colourOf(i + 1))).size).toBe(INSTANCE_COLOURS.length);
  });
});
