/** Order statistics for benchmark samples (nearest-rank percentiles, no interpolation). */
import { seededRandom } from '../../src-renderer/game-shim/seeded-random.js';

export function percentile(samples: readonly number[], p: number): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? null;
}

export function median(samples: readonly number[]): number | null {
  return percentile(samples, 50);
}

export function p99(samples: readonly number[]): number | null {
  return percentile(samples, 99);
}

export function mean(samples: readonly number[]): number | null {
  return samples.length === 0 ? null : samples.reduce((a, b) => a + b, 0) / samples.length;
}

/** ours / baseline, or null when either is missing or the baseline is 0. */
export function ratio(ours: number | null | undefined, baseline: number | null | undefined): number | null {
  if (ours === null || ours === undefined || baseline === null || baseline === undefined || baseline === 0) return null;
  return ours / baseline;
}

/**
 * Least-squares exponent b of y = a * x^b over the points (log-log slope):
 * 1 means linear growth in x, below 1 sublinear. Null with fewer than 2 usable points.
 */
export function growthExponent(points: ReadonlyArray<{ x: number; y: number | null }>): number | null {
  const usable = points.filter((p): p is { x: number; y: number } => p.y !== null && p.y > 0 && p.x > 0);
  if (usable.length < 2) return null;
  const xs = usable.map((p) => Math.log(p.x));
  const ys = usable.map((p) => Math.log(p.y));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i += 1) {
    num += ((xs[i] as number) - mx) * ((ys[i] as number) - my);
    den += ((xs[i] as number) - mx) ** 2;
  }
  return den === 0 ? null : num / den;
}

/**
 * `items` rotated by `round`: scenarios measure kinds in rounds, and the
 * first kind after a pause pays for waking the pages up; rotating spreads it.
 */
export function rotate<T>(items: readonly T[], round: number): T[] {
  const n = items.length;
  if (n === 0) return [];
  const k = ((round % n) + n) % n;
  return [...items.slice(k), ...items.slice(0, k)];
}

/**
 * 95% bootstrap interval of stat(ours) / stat(baseline), resampling both
 * sample sets: says whether a ratio's distance from its target is more than
 * this run's noise. Null when either set is empty.
 */
export function bootstrapRatio(
  ours: readonly number[],
  baseline: readonly number[],
  stat: (samples: readonly number[]) => number | null,
  resamples = 300,
): [number, number] | null {
  if (ours.length === 0 || baseline.length === 0) return null;
  // Seeded: the same samples give the same interval.
  const random = seededRandom(0x1a2b3c);
  const draw = (from: readonly number[]): number[] => Array.from(from, () => from[Math.floor(random() * from.length)] as number);
  const ratios: number[] = [];
  for (let i = 0; i < resamples; i += 1) {
    const r = ratio(stat(draw(ours)), stat(draw(baseline)));
    if (r !== null) ratios.push(r);
  }
  const lo = percentile(ratios, 2.5);
  const hi = percentile(ratios, 97.5);
  return lo === null || hi === null ? null : [lo, hi];
}

export function intervalText(interval: [number, number] | null): string {
  return interval === null ? '—' : `[${interval[0].toFixed(2)}, ${interval[1].toFixed(2)}]`;
}
