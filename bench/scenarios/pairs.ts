/**
 * Pairs of Chromium bench pages, one pair per kind of peer, each page in its
 * own browser context: `a` measures, `b` answers (the responder).
 */
import type { BenchContext } from '../lib/context.js';
import { uniqueId } from '../lib/context.js';
import type { Kind } from '../pages/drivers.js';
import { BenchTab } from '../peers/chromium.js';

export interface Pair {
  kind: Kind;
  a: BenchTab;
  b: BenchTab;
  aId: string;
  bId: string;
}

/** Opens, registers and (unless `connect` is false) connects one pair per kind. Closed by the scenario's cleanup. */
export async function openPairs(ctx: BenchContext, scenario: string, kinds: readonly Kind[], options: { connect?: boolean; ackEvery?: number } = {}): Promise<Map<Kind, Pair>> {
  const [browser, pages, broker] = await Promise.all([ctx.browser(), ctx.pages(), ctx.broker()]);
  const pairs = new Map<Kind, Pair>();
  for (const kind of kinds) {
    const a = await BenchTab.open(browser, pages.origin);
    ctx.defer(() => a.close());
    const b = await BenchTab.open(browser, pages.origin);
    ctx.defer(() => b.close());
    const aId = uniqueId(`${scenario}-${kind}-a`);
    const bId = uniqueId(`${scenario}-${kind}-b`);
    await a.create(kind, aId, broker);
    await b.create(kind, bId, broker);
    await b.call('responder', bId, options.ackEvery ?? 1000);
    if (options.connect !== false) {
      // The responder answers on the link the initiator opened: connect a -> b, then one echo proves both ways.
      await a.call('connectAndEcho', aId, bId);
    }
    pairs.set(kind, { kind, a, b, aId, bId });
  }
  return pairs;
}

/** Errors the pages' libraries reported, for a row's note (empty when none). */
export async function pairErrors(pair: Pair): Promise<string[]> {
  const [a, b] = await Promise.all([pair.a.call('errors', pair.aId), pair.b.call('errors', pair.bId)]);
  return [...a, ...b];
}
