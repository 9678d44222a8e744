/**
 * Coalesces many "something changed" signals into one flush per animation
 * frame: at 5,000 events a second the UI renders at most 60 times, not 5,000.
 * The scheduler is injected so the coalescing is unit-tested without a DOM.
 */
export type FrameScheduler = (callback: () => void) => void;

export interface FrameBatcher {
  /** Asks for a flush at the next frame; any number of calls before it make one flush. */
  request(): void;
  /** Flushes now if a flush is pending (e.g. when the page is hidden and frames stop). */
  flushNow(): void;
  dispose(): void;
}

export function createFrameBatcher(flush: () => void, schedule: FrameScheduler): FrameBatcher {
  let pending = false;
  let disposed = false;
  const run = (): void => {
    if (!pending || disposed) return;
    pending = false;
    flush();
  };
  return {
    request() {
      if (pending || disposed) return;
      pending = true;
      schedule(run);
    },
    flushNow: run,
    dispose() {
      disposed = true;
      pending = false;
    },
  };
}
