import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES } from './frames.js';
import { MAX_QUEUED_BYTES_PER_TARGET, MAX_QUEUED_BYTES_TOTAL, OfflineQueueBudget, RELEASE_AFTER_MS } from './offline-queue.js';

const limits = { perTargetBytes: 100, totalBytes: 250, releaseAfterMs: 1_000 };

describe('OfflineQueueBudget', () => {
  it.each([
    { bound: 'the per-target bound', admits: [['ghost', 60, true], ['ghost', 40, true], ['ghost', 1, false]], queued: 100 },
    { bound: 'the total bound across targets', admits: [['a', 100, true], ['b', 100, true], ['c', 60, false], ['c', 50, true]], queued: 250 },
  ] as const)('admits up to $bound, in bytes', ({ admits, queued }) => {
    const budget = new OfflineQueueBudget(limits);
    for (const [target, bytes, admitted] of admits) expect(budget.admit(target, bytes, 0), `${target} + ${bytes} B`).toBe(admitted);
    expect(budget.queuedBytes(0)).toBe(queued);
  });

  it('releases a target when it registers (peer delivered its queue)', () => {
    const budget = new OfflineQueueBudget(limits);
    budget.admit('late', 100, 0);
    budget.delivered('late');
    expect(budget.queuedBytes(0)).toBe(0);
    expect(budget.admit('late', 100, 0)).toBe(true);
  });

  it('releases a target only once nothing was admitted for it for the release delay', () => {
    const budget = new OfflineQueueBudget(limits);
    budget.admit('a', 50, 0);
    budget.admit('b', 50, 500);
    budget.admit('a', 50, 900);
    // 'a' was refreshed at 900: still held at 1,500; 'b' (last at 500) is released.
    expect(budget.queuedBytes(1_500)).toBe(100);
    expect(budget.admit('a', 1, 1_500)).toBe(false);
    expect(budget.queuedBytes(1_900)).toBe(0);
    expect(budget.admit('a', 100, 1_900)).toBe(true);
  });

  it('does not free a full target while its sender keeps trying: refusals do not refresh it', () => {
    const budget = new OfflineQueueBudget(limits);
    budget.admit('t', 100, 0);
    for (let now = 100; now < 1_000; now += 100) expect(budget.admit('t', 10, now)).toBe(false);
    expect(budget.admit('t', 10, 1_000)).toBe(true);
  });

  it('clears everything when the broker stops', () => {
    const budget = new OfflineQueueBudget(limits);
    budget.admit('a', 100, 0);
    budget.clear();
    expect(budget.queuedBytes(0)).toBe(0);
  });

  it('has defaults that hold several of the largest frames per target, a few MiB in total, and outlive peer expiry', () => {
    expect(MAX_QUEUED_BYTES_PER_TARGET).toBeGreaterThanOrEqual(4 * MAX_FRAME_BYTES);
    expect(MAX_QUEUED_BYTES_TOTAL).toBeLessThanOrEqual(8 * 1024 * 1024);
    expect(RELEASE_AFTER_MS).toBeGreaterThan(6_000);
  });
});
