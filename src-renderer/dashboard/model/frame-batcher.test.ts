import { describe, expect, it } from 'vitest';
import { createFrameBatcher } from './frame-batcher';

function fakeFrames(): { schedule: (cb: () => void) => void; tick: () => void; pending: () => number } {
  let queue: (() => void)[] = [];
  return {
    schedule: (cb) => queue.push(cb),
    tick: () => {
      const run = queue;
      queue = [];
      for (const cb of run) cb();
    },
    pending: () => queue.length,
  };
}

describe('createFrameBatcher', () => {
  it('turns many requests into one flush per frame', () => {
    const frames = fakeFrames();
    let flushes = 0;
    const batcher = createFrameBatcher(() => (flushes += 1), frames.schedule);
    for (let i = 0; i < 5_000; i += 1) batcher.request();
    expect(frames.pending()).toBe(1);
    frames.tick();
    expect(flushes).toBe(1);
    batcher.request();
    frames.tick();
    expect(flushes).toBe(2);
    frames.tick();
    expect(flushes).toBe(2);
  });

  it('flushNow flushes a pending batch once, and dispose stops everything', () => {
    const frames = fakeFrames();
    let flushes = 0;
    const batcher = createFrameBatcher(() => (flushes += 1), frames.schedule);
    batcher.request();
    batcher.flushNow();
    frames.tick();
    expect(flushes).toBe(1);
    batcher.request();
    batcher.dispose();
    frames.tick();
    batcher.request();
    expect(flushes).toBe(1);
    expect(frames.pending()).toBe(0);
  });
});
