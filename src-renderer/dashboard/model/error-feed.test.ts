import { describe, expect, it } from 'vitest';
import { ErrorFeed } from './error-feed';

describe('ErrorFeed', () => {
  it('folds repeats, keeps order, and counts unseen entries', () => {
    const feed = new ErrorFeed(10);
    feed.record('p2p', 'Peer x is not connected', 1);
    feed.record('p2p', 'Peer x is not connected', 2);
    feed.record('broker', 'Dropped a frame', 3);
    expect(feed.list().map((e) => [e.source, e.count])).toEqual([
      ['p2p', 2],
      ['broker', 1],
    ]);
    expect(feed.last()?.message).toBe('Dropped a frame');
    expect(feed.unseen()).toBe(2);
    feed.markSeen();
    expect(feed.unseen()).toBe(0);
    feed.record('broker', 'Dropped a frame', 4);
    expect(feed.unseen()).toBe(1);
  });

  it('is bounded and clips long messages', () => {
    const feed = new ErrorFeed(3);
    for (let i = 0; i < 10; i += 1) feed.record('host', `e${i}`, i);
    expect(feed.list().map((e) => e.message)).toEqual(['e7', 'e8', 'e9']);
    feed.record('host', 'x'.repeat(2_000), 11);
    expect(feed.last()?.message.length).toBe(500);
    feed.clear();
    expect(feed.list()).toEqual([]);
    expect(feed.unseen()).toBe(0);
  });
});
