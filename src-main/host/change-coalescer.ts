/**
 * Folds any number of "something changed" signals into at most one call of
 * `notify` per interval, so what a LAN client can trigger at will (registering,
 * leaving, sending garbage) costs one notification per interval, never one per
 * event. `flush` notifies at once, for what only the host's user does
 * (starting, stopping, changing options), which callers expect to see
 * reflected immediately.
 */
export class ChangeCoalescer {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly notify: () => void,
    private readonly intervalMs: number,
  ) {}

  /** Notifies once, `intervalMs` after the first of a burst. */
  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.notify();
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Notifies now; a scheduled notification is folded into this one. */
  flush(): void {
    this.cancel();
    this.notify();
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
