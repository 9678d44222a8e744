/**
 * Frame times of a page, as its user feels them: `requestAnimationFrame`
 * intervals and long tasks, recorded in the page between `startFrames` and
 * `stopFrames`. Shared by the dashboard and test-bench scenarios.
 */
import type { Page } from '@playwright/test';

interface FrameWindow {
  benchFrames?: { intervals: number[]; longTasks: number[]; running: boolean };
}

export interface FrameTimes {
  /** Milliseconds between consecutive animation frames. */
  intervals: number[];
  /** Durations of long tasks (50 ms or more), where the browser reports them. */
  longTasks: number[];
}

/** Starts recording frame intervals and long tasks in the page. */
export async function startFrames(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as FrameWindow;
    const rec = { intervals: [] as number[], longTasks: [] as number[], running: true };
    w.benchFrames = rec;
    let last = performance.now();
    const frame = (t: number): void => {
      rec.intervals.push(t - last);
      last = t;
      if (rec.running) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    try {
      new PerformanceObserver((list) => {
        if (rec.running) for (const entry of list.getEntries()) rec.longTasks.push(entry.duration);
      }).observe({ type: 'longtask' });
    } catch {
      // No long-task API: intervals alone.
    }
  });
}

/** Stops recording and returns what was recorded since `startFrames`. */
export async function stopFrames(page: Page): Promise<FrameTimes> {
  return page.evaluate(() => {
    const rec = (window as unknown as FrameWindow).benchFrames;
    if (!rec) return { intervals: [], longTasks: [] };
    rec.running = false;
    // The first interval spans the evaluate call itself.
    return { intervals: rec.intervals.slice(1), longTasks: rec.longTasks };
  });
}
