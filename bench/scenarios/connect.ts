/**
 * connect: a registered peer connects by id to another and sends one event;
 * timed until the echo comes back. A fresh initiator per sample (created and
 * registered before the clock starts), so every sample is a first connection.
 */
import { delay, uniqueId } from '../lib/context.js';
import type { Row } from '../lib/results.js';
import { bootstrapRatio, intervalText, median, percentile, rotate } from '../lib/stats.js';
import { KINDS, type Kind } from '../pages/drivers.js';
import { openPairs } from './pairs.js';
import type { Scenario } from './scenario.js';

const TARGET = { kind: 'ratioMax', vs: 'stock', max: 1.0 } as const;

export const connectScenario: Scenario = {
  name: 'connect',
  plan: () => [{ metric: 'connect by id → first event echoed, median', unit: 'ms', target: TARGET, where: 'loopback' }],
  budgetMs: (quick) => (quick ? 60_000 : 240_000),
  async run(ctx) {
    const samples = ctx.quick ? 10 : 40;
    const warmup = 2;
    const pairs = await openPairs(ctx, 'cn', KINDS, { connect: false });
    const broker = await ctx.broker();
    const times = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
    // Kinds interleaved sample by sample: the machine's load drifts, the ratios should not.
    for (let i = 0; i < warmup + samples; i += 1) {
      for (const kind of rotate(KINDS, i)) {
        const pair = pairs.get(kind);
        if (!pair) continue;
        const id = uniqueId(`cn-${kind}-${i}`);
        await pair.a.create(kind, id, broker);
        const ms = await pair.a.call('connectAndEcho', id, pair.bId);
        await pair.a.call('destroy', id);
        if (i >= warmup) times.get(kind)?.push(ms);
        await delay(20);
      }
    }
    const m = (k: Kind): number | null => median(times.get(k) ?? []);
    const p90 = (k: Kind): string => (percentile(times.get(k) ?? [], 90) ?? NaN).toFixed(1);
    const row: Row = {
      scenario: 'connect',
      metric: 'connect by id → first event echoed, median',
      unit: 'ms',
      ours: m('engine'),
      raw: m('raw'),
      stock: m('stock'),
      target: TARGET,
      where: 'loopback',
      samples: `${samples} per kind (Chromium pages)`,
      note: `p90: ours ${p90('engine')}, raw ${p90('raw')}, stock ${p90('stock')} ms; ours/stock 95% bootstrap interval ${intervalText(bootstrapRatio(times.get('engine') ?? [], times.get('stock') ?? [], median))}`,
    };
    return [row];
  },
};
