/**
 * RTT: sequential ping-pong of a small event between two Chromium pages
 * (the responder echoes it), in rounds interleaved across kinds so a load
 * spike from elsewhere hits every kind alike.
 */
import { columns, type Row } from '../lib/results.js';
import { bootstrapRatio, intervalText, median, p99, rotate } from '../lib/stats.js';
import { KINDS, type Kind } from '../pages/drivers.js';
import { openPairs, pairErrors } from './pairs.js';
import type { PlannedRow, Scenario } from './scenario.js';

const MEDIAN_ROW = { metric: 'small event round trip, median', unit: 'ms', target: { kind: 'ratioMax', vs: 'raw', max: 1.1 }, where: 'loopback' } satisfies PlannedRow;
const P99_ROW = { metric: 'small event round trip, p99', unit: 'ms', target: { kind: 'ratioMax', vs: 'raw', max: 1.3 }, where: 'loopback' } satisfies PlannedRow;

export const rttScenario: Scenario = {
  name: 'rtt',
  plan: () => [MEDIAN_ROW, P99_ROW],
  budgetMs: (quick) => (quick ? 60_000 : 300_000),
  async run(ctx) {
    const samples = ctx.quick ? 2_000 : 10_000;
    const rounds = ctx.quick ? 4 : 10;
    const pairs = await openPairs(ctx, 'rtt', KINDS);
    const rtts = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
    /** p99 of each round: a load spike from elsewhere lands in one round of one kind, not in all. */
    const roundP99 = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
    let lost = 0;
    for (let round = 0; round < rounds; round += 1) {
      for (const kind of rotate(KINDS, round)) {
        const pair = pairs.get(kind);
        if (!pair) continue;
        const result = await pair.a.call('pingPong', pair.aId, pair.bId, Math.ceil(samples / rounds), round === 0 ? 200 : 20);
        rtts.get(kind)?.push(...result.rtts);
        const roundValue = p99(result.rtts);
        if (roundValue !== null) roundP99.get(kind)?.push(roundValue);
        lost += result.lost;
      }
    }
    const errors = (await Promise.all([...pairs.values()].map(pairErrors))).flat();
    const n = rtts.get('engine')?.length ?? 0;
    const common = { scenario: 'rtt', samples: `${n} round trips per kind` };
    const noteParts = [`payload 28 B; timer resolution 5 µs (cross-origin isolated pages)`];
    if (lost > 0) noteParts.push(`${lost} pings lost (2 s timeout)`);
    if (errors.length > 0) noteParts.push(`errors: ${errors.slice(0, 3).join('; ')}`);
    const of = (k: Kind, f: (s: number[]) => number | null): number | null => f(rtts.get(k) ?? []);
    const ci = (f: (s: readonly number[]) => number | null): string => intervalText(bootstrapRatio(rtts.get('engine') ?? [], rtts.get('raw') ?? [], f, 200));
    const perRound = (k: Kind): string => (median(roundP99.get(k) ?? []) ?? NaN).toFixed(2);
    noteParts.push(`ours/raw 95% bootstrap interval ${ci(median)}`);
    const rows: Row[] = [
      { ...MEDIAN_ROW, ...common, ...columns((k) => of(k, median)), note: noteParts.join('; ') },
      {
        ...P99_ROW,
        ...common,
        ...columns((k) => of(k, p99)),
        note: `ours/raw 95% bootstrap interval ${ci(p99)}; median of the ${rounds} rounds' p99: ours ${perRound('engine')}, raw ${perRound('raw')}, stock ${perRound('stock')} ms`,
      },
    ];
    return rows;
  },
};
