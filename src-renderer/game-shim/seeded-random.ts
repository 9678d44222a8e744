/**
 * A small seeded generator (mulberry32): the same seed gives the same
 * sequence, for tests and reproducible runs (the conditioning tests here,
 * bench/lib/stats.ts's bootstrap intervals). It lives in the game shim's
 * folder, dependency-free, because the shim is bundled into every game page
 * and may import only its own folder; the bench imports it from here.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
