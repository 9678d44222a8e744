/**
 * At most `limit` messages per second per socket: a fixed one-second window,
 * so what is over the rate costs one comparison and is dropped unparsed.
 */
export class RateWindow {
  private windowStart = 0;
  private count = 0;

  constructor(private readonly limit: number) {}

  /** Whether a message arriving at `now` (ms) is within the rate. */
  admit(now: number): boolean {
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.count = 0;
    }
    this.count += 1;
    return this.count <= this.limit;
  }
}
