import { describe, expect, it } from 'vitest';
import { DISPLAY_BYTES } from './event-data';
import { EVENT_DATA_BUDGET, EVENT_HISTORY, EventFeed } from './event-feed';

const MIB = 1024 * 1024;

/** A feed whose frames run when the test says so. */
function feed(): { events: EventFeed; frame: () => void } {
  let pending: (() => void)[] = [];
  const events = new EventFeed((callback) => pending.push(callback), () => 1_000);
  return {
    events,
    frame: () => {
      const run = pending;
      pending = [];
      for (const callback of run) callback();
    },
  };
}

describe('EventFeed', () => {
  it('publishes the kept bytes with the counts, bounded by the budget under a 1 MiB flood', () => {
    const { events, frame } = feed();
    const data = 'x'.repeat(MIB);
    for (let i = 0; i < 100; i += 1) events.onReceived('attacker', 'flood', data);
    frame();
    const view = events.view.get();
    expect(view.received).toBe(100);
    expect(view.nextSeq - view.firstSeq).toBe(100);
    expect(view.keptBytes).toBe(events.ring.keptBytes);
    expect(view.keptBytes).toBeLessThanOrEqual(EVENT_DATA_BUDGET);
    expect(view.keptBytes).toBeGreaterThan(EVENT_DATA_BUDGET - MIB);
    // Every event is listed with its size and a display copy; only the newest keep their full data.
    expect(events.ring.at(0)?.bytes).toBe(MIB);
    expect(events.ring.at(0)?.display.length).toBe(DISPLAY_BYTES);
    expect(events.ring.fullData(0)).toBeNull();
    expect(events.ring.fullData(99)).toBe(data);
  });

  it('keeps the count bound of EVENT_HISTORY entries', () => {
    const { events } = feed();
    for (let i = 0; i < EVENT_HISTORY + 5; i += 1) events.onSent('', 'tick', String(i));
    expect(events.ring.size).toBe(EVENT_HISTORY);
    expect(events.ring.at(events.ring.firstSeq)?.display).toBe('5');
  });

  it('keeps nothing while paused, and clear empties the bytes', () => {
    const { events, frame } = feed();
    events.setPaused(true);
    events.onReceived('p', 'e', 'x'.repeat(MIB));
    frame();
    expect(events.view.get()).toMatchObject({ received: 1, skipped: 1, keptBytes: 0 });
    events.setPaused(false);
    events.onReceived('p', 'e', 'x'.repeat(MIB));
    events.clear();
    expect(events.view.get()).toMatchObject({ received: 2, keptBytes: 0 });
    expect(events.view.get().nextSeq - events.view.get().firstSeq).toBe(0);
  });

  it('logs game instances\' events tagged with their instance and remote peer, bounded like its own', () => {
    const { events, frame } = feed();
    const peerOf = (instance: string, link: string): string => `${instance.slice(0, 1)}-${link}`;
    events.onInstanceEvents(
      {
        events: [
          { instance: 'aaaaaaaaaaaaaaaa', t: 5, link: 'l1', dir: 'out', name: 'move', size: 40, data: '{"x":1}' },
          { instance: 'bbbbbbbbbbbbbbbb', t: Number.NaN, link: 'l2', dir: 'in', name: 'move', size: 40, data: '{"x":1}' },
        ],
        dropped: 3,
      },
      peerOf,
    );
    frame();
    expect(events.view.get()).toMatchObject({ received: 0, sent: 0, fromGames: 2, gamesDropped: 3 });
    expect(events.ring.at(0)).toMatchObject({ instance: 'aaaaaaaaaaaaaaaa', direction: 'out', peer: 'a-l1', name: 'move', at: 5, display: '{"x":1}' });
    // A nonsense page time is replaced by the arrival time.
    expect(events.ring.at(1)).toMatchObject({ instance: 'bbbbbbbbbbbbbbbb', direction: 'in', peer: 'b-l2', at: 1_000 });
    // Past the history bound the oldest go, whatever their source.
    const batch = Array.from({ length: 1_000 }, () => ({ instance: 'aaaaaaaaaaaaaaaa', t: 1, link: 'l1', dir: 'in' as const, name: 'tick', size: 1, data: 'x' }));
    for (let i = 0; i < EVENT_HISTORY / 1_000 + 1; i += 1) events.onInstanceEvents({ events: batch, dropped: 0 }, peerOf);
    expect(events.ring.size).toBe(EVENT_HISTORY);
    events.setPaused(true);
    events.onInstanceEvents({ events: batch.slice(0, 10), dropped: 0 }, peerOf);
    frame();
    expect(events.view.get()).toMatchObject({ skipped: 10 });
  });
});
