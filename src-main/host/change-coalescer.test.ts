import { describe, expect, it, vi } from 'vitest';
import { useFakeTimersInEachTest } from '../../src-preload/testing/fake-timers.js';
import { ChangeCoalescer } from './change-coalescer.js';

useFakeTimersInEachTest();

describe('ChangeCoalescer', () => {
  it('folds a burst of changes into one notification per interval', () => {
    const notify = vi.fn();
    const changes = new ChangeCoalescer(notify, 250);
    for (let i = 0; i < 10_000; i += 1) changes.schedule();
    expect(notify).not.toHaveBeenCalled();
    vi.advanceTimersByTime(250);
    expect(notify).toHaveBeenCalledTimes(1);
    changes.schedule();
    changes.schedule();
    vi.advanceTimersByTime(250);
    expect(notify).toHaveBeenCalledTimes(2);
  });

  it('notifies at once on flush, folding in what was scheduled', () => {
    const notify = vi.fn();
    const changes = new ChangeCoalescer(notify, 250);
    changes.schedule();
    changes.flush();
    expect(notify).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1_000);
    expect(notify).toHaveBeenCalledTimes(1);
  });
});
