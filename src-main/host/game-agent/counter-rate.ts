/**
 * Messages per second each way, computed by the host from the running totals
 * an agent reports (at most every 500 ms, and only when something changed):
 * the growth over the last RATE_WINDOW_MS up to now, so a link that went quiet
 * decays to 0 even though its agent stopped reporting it.
 */
export const RATE_WINDOW_MS = 3_000;
const MAX_SAMPLES = 16;

interface Sample {
  t: number;
  in: number;
  out: number;
}

export class CounterRate {
  private samples: Sample[] = [];

  push(t: number, totalIn: number, totalOut: number): void {
    this.samples.push({ t, in: totalIn, out: totalOut });
    if (this.samples.length > MAX_SAMPLES) this.samples.shift();
  }

  /** Per second over the window; 0 until two samples exist. A total that shrank (a lying page) counts as 0. */
  rates(now: number): { in: number; out: number } {
    while (this.samples.length > 1 && (this.samples[0] as Sample).t < now - RATE_WINDOW_MS) this.samples.shift();
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || first === last) return { in: 0, out: 0 };
    const seconds = Math.max(1, now - first.t) / 1000;
    const round = (n: number): number => Math.round(Math.max(0, n) * 10) / 10;
    return { in: round((last.in - first.in) / seconds), out: round((last.out - first.out) / seconds) };
  }
}
