/**
 * Vitest's fake timers for every test of the calling file, real ones restored
 * after each: for tests of logic over timers (coalescing, heartbeats,
 * retries) that advance the clock by hand instead of waiting.
 */
import { afterEach, beforeEach, vi } from 'vitest';

export function useFakeTimersInEachTest(): void {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}
