/**
 * Frame semantics, row by row of spec/p2p-semantics.md ("Frame model",
 * "Conditions", "Expressions"). Engine-level rows (ready, connect, disconnect,
 * trigger) are in engine.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_FRAME_LIMITS, FrameState, queuedEventBytes } from './frame-state.js';

describe('frame model: one item per frame', () => {
  it('keeps each item visible for exactly one frame, in arrival order', () => {
    const f = new FrameState({}, 'on');
    f.pushEvent('move', 'a', 'p1');
    f.pushEvent('move', 'b', 'p2');
    expect(f.eventTriggered('move', false)).toBe(true);
    expect(f.getEventData('move')).toBe('a');
    expect(f.getEventSender('move')).toBe('p1');
    // Reading does not consume: the same head stays for the whole frame.
    expect(f.getEventData('move')).toBe('a');
    f.endFrame();
    expect(f.eventTriggered('move', false)).toBe(true);
    expect(f.getEventData('move')).toBe('b');
    expect(f.getEventSender('move')).toBe('p2');
    f.endFrame();
    expect(f.eventTriggered('move', false)).toBe(false);
    expect(f.getEventData('move')).toBe('');
    expect(f.getEventSender('move')).toBe('');
  });

  it('drops the head of every queue at endFrame, evaluated or not', () => {
    const f = new FrameState({}, 'on');
    f.pushEvent('a', '1', 'p');
    f.pushEvent('b', '1', 'p');
    f.pushEvent('b', '2', 'p');
    f.endFrame();
    expect(f.eventTriggered('a', false)).toBe(false);
    expect(f.getEventData('b')).toBe('2');
  });

  it('keeps queues of different event names independent', () => {
    const f = new FrameState({}, 'on');
    f.pushEvent('a', 'x', 'p');
    expect(f.eventTriggered('b', false)).toBe(false);
    expect(f.eventTriggered('a', false)).toBe(true);
  });
});

describe('queuedCounts (the backlog the game agent reports)', () => {
  it('counts what waits per name and goes down as frames consume it', () => {
    const f = new FrameState({}, 'on');
    f.pushEvent('move', 'a', 'p1');
    f.pushEvent('move', 'b', 'p1');
    f.pushEvent('chat', 'hi', 'p2');
    expect(f.queuedCounts()).toEqual([
      ['move', 2],
      ['chat', 1],
    ]);
    f.endFrame();
    expect(f.queuedCounts()).toEqual([['move', 1]]);
  });
});

describe('Event triggered by peer: data loss', () => {
  it('without data loss: FIFO, every item seen, one per frame', () => {
    const f = new FrameState({}, 'on');
    expect(f.eventTriggered('e', false)).toBe(false);
    for (let i = 0; i < 1000; i += 1) f.pushEvent('e', String(i), 'p');
    const seen: string[] = [];
    for (let frame = 0; frame < 1001 && f.eventTriggered('e', false); frame += 1) {
      seen.push(f.getEventData('e'));
      f.endFrame();
    }
    expect(seen).toEqual(Array.from({ length: 1000 }, (_, i) => String(i)));
  });

  it('with data loss: the queue holds only the newest item, each arrival overwrites it', () => {
    const f = new FrameState({}, 'on');
    expect(f.eventTriggered('pos', true)).toBe(false);
    f.pushEvent('pos', '1', 'p1');
    f.pushEvent('pos', '2', 'p2');
    f.pushEvent('pos', '3', 'p3');
    expect(f.eventTriggered('pos', true)).toBe(true);
    expect(f.queuedCount('pos')).toBe(1);
    expect(f.getEventData('pos')).toBe('3');
    expect(f.getEventSender('pos')).toBe('p3');
    f.endFrame();
    expect(f.eventTriggered('pos', true)).toBe(false);
  });

  it('queues without loss events that arrive before any evaluation', () => {
    const f = new FrameState({}, 'on');
    f.pushEvent('e', '1', 'p');
    f.pushEvent('e', '2', 'p');
    expect(f.queuedCount('e')).toBe(2);
  });

  it('switching to data loss keeps only the newest of what was queued', () => {
    const f = new FrameState({}, 'on');
    f.pushEvent('e', '1', 'p');
    f.pushEvent('e', '2', 'p');
    expect(f.eventTriggered('e', true)).toBe(true);
    expect(f.getEventData('e')).toBe('2');
    expect(f.queuedCount('e')).toBe(1);
  });

  it('switching back to no data loss queues again', () => {
    const f = new FrameState({}, 'on');
    f.eventTriggered('e', true);
    f.eventTriggered('e', false);
    f.pushEvent('e', '1', 'p');
    f.pushEvent('e', '2', 'p');
    expect(f.queuedCount('e')).toBe(2);
  });
});

describe('getAllEventData', () => {
  it('returns and consumes every queued item, oldest first', () => {
    const f = new FrameState({}, 'on');
    f.pushEvent('e', '1', 'a');
    f.pushEvent('e', '2', 'b');
    expect(f.getAllEventData('e')).toEqual([
      { data: '1', sender: 'a' },
      { data: '2', sender: 'b' },
    ]);
    expect(f.eventTriggered('e', false)).toBe(false);
    expect(f.getAllEventData('e')).toEqual([]);
    expect(f.getAllEventData('never')).toEqual([]);
  });
});

describe('Get event data (variable)', () => {
  it('parses JSON data of the head item', () => {
    const f = new FrameState({}, 'on');
    f.pushEvent('v', '{"x":1,"y":[true,"s"]}', 'p');
    f.pushEvent('v', '42', 'p');
    f.pushEvent('v', '"abc"', 'p');
    expect(f.getEventVariable('v', 'unchanged')).toEqual({ x: 1, y: [true, 's'] });
    f.endFrame();
    expect(f.getEventVariable('v', 'unchanged')).toBe(42);
    f.endFrame();
    expect(f.getEventVariable('v', 'unchanged')).toBe('abc');
  });

  it('leaves the variable unchanged and records nothing when data is empty or not JSON', () => {
    const f = new FrameState({}, 'on');
    expect(f.getEventVariable('none', 7)).toBe(7);
    f.pushEvent('bad', 'not json {', 'p');
    expect(f.getEventVariable('bad', 7)).toBe(7);
    f.pushEvent('empty', '', 'p');
    expect(f.getEventVariable('empty', 7)).toBe(7);
    expect(f.errorOccurred()).toBe(false);
    expect(f.getLastError()).toBe('');
  });
});

describe('Peer connected / disconnected queues', () => {
  // The two queues behave alike: each row gives one queue's push, condition and expression.
  const queues = [
    { condition: 'Peer Connected', expression: 'GetLastConnectedPeer', push: 'pushConnected', is: 'peerConnected', head: 'getLastConnectedPeer' },
    { condition: 'Peer disconnected', expression: 'GetLastDisconnectedPeer', push: 'pushDisconnected', is: 'peerDisconnected', head: 'getLastDisconnectedPeer' },
  ] as const;

  it.each(queues)('$condition is true while its queue is non-empty; $expression is the head', ({ push, is, head }) => {
    const f = new FrameState({}, 'on');
    expect(f[is]()).toBe(false);
    expect(f[head]()).toBe('');
    f[push]('a');
    f[push]('b');
    expect(f[is]()).toBe(true);
    expect(f[head]()).toBe('a');
    f.endFrame();
    expect(f[head]()).toBe('b');
    f.endFrame();
    expect(f[is]()).toBe(false);
    expect(f[head]()).toBe('');
  });
});

describe('An error occurred / GetLastError', () => {
  it('is true once after an error; reading clears the flag but not the last error text', () => {
    const f = new FrameState({}, 'on');
    expect(f.errorOccurred()).toBe(false);
    expect(f.getLastError()).toBe('');
    f.recordError('internal', 'first', 1);
    f.recordError('internal', 'second', 2);
    expect(f.errorOccurred()).toBe(true);
    expect(f.errorOccurred()).toBe(false);
    expect(f.getLastError()).toBe('second');
    f.recordError('internal', 'third', 3);
    expect(f.errorOccurred()).toBe(true);
  });

  it('keeps every error in a bounded log, newest last', () => {
    const f = new FrameState({ errorLogCapacity: 3 }, 'on');
    for (let i = 1; i <= 5; i += 1) f.recordError('internal', `e${i}`, i);
    expect(f.errors.list().map((e) => e.message)).toEqual(['e3', 'e4', 'e5']);
    expect(f.errors.total).toBe(5);
  });

  it('truncates huge messages (they may embed untrusted input)', () => {
    const f = new FrameState({}, 'on');
    f.recordError('internal', 'x'.repeat(10_000), 0);
    expect(f.getLastError().length).toBeLessThanOrEqual(500);
  });
});

describe('bounded queues', () => {
  it('an overflowing event queue drops new items and records ONE error per episode', () => {
    const f = new FrameState({ maxQueuePerEvent: 3 }, 'on');
    const results = ['1', '2', '3', '4', '5'].map((d) => f.pushEvent('e', d, 'p'));
    expect(results.map((r) => r.outcome)).toEqual(['queued', 'queued', 'queued', 'dropped', 'dropped']);
    expect(results[3]?.error).toMatch(/Event queue "e" is full/);
    expect(results[4]?.error).toBeUndefined();
    expect(f.getAllEventData('e').map((i) => i.data)).toEqual(['1', '2', '3']);
    // Drained: a new overflow is a new episode, reported again.
    for (const d of ['a', 'b', 'c']) f.pushEvent('e', d, 'p');
    expect(f.pushEvent('e', 'd', 'p').error).toMatch(/is full/);
  });

  it('data-loss queues never overflow', () => {
    const f = new FrameState({ maxQueuePerEvent: 2 }, 'on');
    f.eventTriggered('e', true);
    for (let i = 0; i < 10; i += 1) expect(f.pushEvent('e', String(i), 'p').outcome).not.toBe('dropped');
    expect(f.getEventData('e')).toBe('9');
  });

  it('bounds the number of event names a remote peer can create, and frees drained ones', () => {
    const f = new FrameState({ maxEventNames: 2 }, 'on');
    expect(f.pushEvent('a', '', 'p').outcome).toBe('queued');
    expect(f.pushEvent('b', '', 'p').outcome).toBe('queued');
    const third = f.pushEvent('c', '', 'p');
    expect(third.outcome).toBe('dropped');
    expect(third.error).toMatch(/Too many distinct event names/);
    f.endFrame();
    expect(f.pushEvent('c', '', 'p').outcome).toBe('queued');
  });

  it('bounds the connected and disconnected queues', () => {
    const f = new FrameState({ maxPeerQueue: 1 }, 'on');
    expect(f.pushConnected('a').outcome).toBe('queued');
    expect(f.pushConnected('b').error).toMatch(/Connected-peers queue is full/);
    expect(f.pushDisconnected('a').outcome).toBe('queued');
    expect(f.pushDisconnected('b').error).toMatch(/Disconnected-peers queue is full/);
  });
});

describe('bounded in bytes as well as items (issue 10, item 7)', () => {
  const ONE_MIB = 'x'.repeat(1024 * 1024 - 64);

  it('300 events of 1 MiB to one name: the queue keeps at most its byte cap, one error, the rest dropped', () => {
    const f = new FrameState({}, 'on');
    const results = Array.from({ length: 300 }, () => f.pushEvent('flood', ONE_MIB, 'stock'));
    const kept = results.filter((r) => r.outcome === 'queued').length;
    expect(f.queuedBytes('flood')).toBeLessThanOrEqual(DEFAULT_FRAME_LIMITS.maxQueueBytesPerEvent);
    expect(kept).toBe(Math.floor(DEFAULT_FRAME_LIMITS.maxQueueBytesPerEvent / queuedEventBytes(ONE_MIB)));
    expect(results.filter((r) => r.error !== undefined).map((r) => [r.code, r.error])).toEqual([
      ['queue-full', 'Event queue "flood" is full (16 MiB): dropping new events until the game catches up'],
    ]);
    // What is kept is intact and in order.
    expect(f.getAllEventData('flood').every((q) => q.data === ONE_MIB)).toBe(true);
    expect(f.queuedBytes()).toBe(0);
  });

  it('300 events of 1 MiB under 300 names: all queues together keep at most the total cap', () => {
    const f = new FrameState({}, 'on');
    const results = Array.from({ length: 300 }, (_, i) => f.pushEvent(`n${i}`, ONE_MIB, 'stock'));
    expect(f.queuedBytes()).toBeLessThanOrEqual(DEFAULT_FRAME_LIMITS.maxQueueBytesTotal);
    expect(f.queuedBytes()).toBeGreaterThan(DEFAULT_FRAME_LIMITS.maxQueueBytesTotal - queuedEventBytes(ONE_MIB));
    const errors = results.filter((r) => r.error !== undefined);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.error).toMatch(/^Event queues are full \(64 MiB in total\): dropped event "n\d+" from stock/);
    // Dropped names hold no queue: they do not count against the name cap either.
    expect(f.liveNames()).toBe(results.filter((r) => r.outcome === 'queued').length);
  });

  it('one error per overflow episode; the episode ends when the queue is back to half its cap', () => {
    const item = 'y'.repeat(100);
    const cost = queuedEventBytes(item);
    const f = new FrameState({ maxQueueBytesPerEvent: cost * 4 }, 'on');
    const push = (): string => {
      const r = f.pushEvent('e', item, 'p');
      return r.error ? 'error' : r.outcome;
    };
    expect([push(), push(), push(), push(), push(), push()]).toEqual(['queued', 'queued', 'queued', 'queued', 'error', 'dropped']);
    // One frame frees one slot: still above half, so a sustained flood records nothing more.
    f.endFrame();
    expect([push(), push()]).toEqual(['queued', 'dropped']);
    f.endFrame();
    f.endFrame();
    // At half: a new episode, reported again.
    expect([push(), push(), push()]).toEqual(['queued', 'queued', 'error']);
  });

  it('a data-loss queue replaces its item within the total cap, and frees the bytes of the items it discards', () => {
    const item = 'z'.repeat(1000);
    const cost = queuedEventBytes(item);
    const f = new FrameState({ maxQueueBytesTotal: cost * 3 }, 'on');
    f.pushEvent('a', item, 'p');
    f.pushEvent('a', item, 'p');
    expect(f.queuedBytes()).toBe(cost * 2);
    f.eventTriggered('a', true);
    expect(f.queuedBytes()).toBe(cost);
    for (let i = 0; i < 10; i += 1) expect(f.pushEvent('a', item, 'p').outcome).toBe('replaced');
    expect(f.queuedBytes()).toBe(cost);
    expect(f.pushEvent('b', item, 'p').outcome).toBe('queued');
    expect(f.pushEvent('c', item, 'p').outcome).toBe('queued');
    expect(f.pushEvent('d', item, 'p').code).toBe('queue-full');
    f.endFrame();
    expect(f.queuedBytes()).toBe(0);
    expect(f.liveNames()).toBe(0);
  });
});

describe('frame queue modes', () => {
  it('auto: nothing is kept before the first frame call; a read or endFrame() starts the queues', () => {
    const f = new FrameState();
    expect(f.pushEvent('e', '1', 'p').outcome).toBe('skipped');
    expect(f.pushConnected('p').outcome).toBe('skipped');
    expect(f.pushDisconnected('p').outcome).toBe('skipped');
    expect(f.queuedBytes()).toBe(0);
    f.endFrame();
    expect(f.pushEvent('e', '2', 'p').outcome).toBe('queued');
    const g = new FrameState();
    g.peerConnected();
    expect(g.pushConnected('p').outcome).toBe('queued');
  });

  it('off: never, whatever the game calls', () => {
    const f = new FrameState({}, 'off');
    f.endFrame();
    f.eventTriggered('e', false);
    expect(f.pushEvent('e', '1', 'p').outcome).toBe('skipped');
    expect(f.eventTriggered('e', false)).toBe(false);
  });
});

describe('items the game causes itself', () => {
  it('a local item pushed after a read in this frame is visible from the next frame, for exactly one frame', () => {
    const f = new FrameState({}, 'on');
    expect(f.peerDisconnected()).toBe(false);
    f.pushDisconnected('a', true);
    // Not shown in the rest of this frame either: one whole frame, not a frame and a half.
    expect(f.peerDisconnected()).toBe(false);
    f.endFrame();
    expect(f.getLastDisconnectedPeer()).toBe('a');
    f.endFrame();
    expect(f.peerDisconnected()).toBe(false);
  });

  it('a local item pushed before any read of the frame, or an item from the network, is visible in this frame', () => {
    const f = new FrameState({}, 'on');
    f.pushDisconnected('a', true);
    f.pushConnected('b');
    expect([f.getLastDisconnectedPeer(), f.getLastConnectedPeer()]).toEqual(['a', 'b']);
    f.endFrame();
    expect([f.peerDisconnected(), f.peerConnected()]).toEqual([false, false]);
  });
});
