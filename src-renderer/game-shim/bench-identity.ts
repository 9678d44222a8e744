/**
 * Who this page is on the test bench (issue 12), from the URL parameters the
 * bench adds to each instance frame (BENCH_PARAMS): its 1-based index, the
 * count and the bench's id. All three, valid (1 <= index <= count <= 16, an id
 * of 8 lowercase hex), or the page is not a bench instance; a page with some
 * of them that do not make one gets one console warning saying why.
 */
import { BENCH_LIMITS, BENCH_PARAMS, type BenchIdentity } from '../../src-preload/game-agent-protocol.js';

export interface BenchParse {
  bench: BenchIdentity | null;
  /** Why parameters present were ignored (for the one console warning); null when fine or absent. */
  problem: string | null;
}

const WHOLE = /^[1-9]\d{0,1}$/;

export function benchFromSearch(search: string): BenchParse {
  const params = new URLSearchParams(search);
  const rawInstance = params.get(BENCH_PARAMS.instance);
  const rawCount = params.get(BENCH_PARAMS.count);
  const rawId = params.get(BENCH_PARAMS.bench);
  if (rawInstance === null && rawCount === null && rawId === null) return { bench: null, problem: null };
  const ignored = (why: string): BenchParse => ({
    bench: null,
    problem: `LAN Party: ignoring the test bench parameters (${BENCH_PARAMS.instance}, ${BENCH_PARAMS.count}, ${BENCH_PARAMS.bench}): ${why}; this page is not a bench instance.`,
  });
  if (rawInstance === null || rawCount === null || rawId === null) return ignored('all three are needed');
  if (!BENCH_LIMITS.benchIdPattern.test(rawId)) return ignored('the bench id is 8 lowercase hex characters');
  if (!WHOLE.test(rawInstance) || !WHOLE.test(rawCount)) return ignored('the index and the count are whole numbers from 1');
  const instance = Number(rawInstance);
  const count = Number(rawCount);
  if (count > BENCH_LIMITS.maxCount) return ignored(`a bench has at most ${BENCH_LIMITS.maxCount} instances`);
  if (instance > count) return ignored('the index is at most the count');
  return { bench: { id: rawId, instance, count }, problem: null };
}

/** The storage prefix of a bench instance: what its localStorage keys, IndexedDB names, cookie names and cache names start with. */
export function storagePrefix(bench: BenchIdentity): string {
  return `lanParty:${bench.instance}:`;
}
