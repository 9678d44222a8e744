/**
 * Throughput, one way, between two Chromium pages:
 * - small events (a 28-byte position update), sent 100 per task (a busy game
 *   frame) with at most 20,000 unacknowledged (the receiver acknowledges every
 *   1,000), timed from the first send to the last acknowledgement;
 * - 1 MiB payloads (exactly 1,048,576 bytes of data: the engine's data
 *   limit, framing not counted), at most 4 in flight, each acknowledged.
 * Also measured: `rawBatch`, the raw channel with the events of one task
 * coalesced into one frame, i.e. what the coalescing proposal would give.
 */
import { columns, type Row } from '../lib/results.js';
import { median, rotate } from '../lib/stats.js';
import type { Kind } from '../pages/drivers.js';
import type { BlastOptions } from '../pages/routines.js';
import { openPairs, pairErrors } from './pairs.js';
import type { PlannedRow, Scenario } from './scenario.js';

const SMALL_PAYLOAD = '{"x":123.45,"y":678.9,"a":1}';
export const BIG_PAYLOAD_BYTES = 1024 * 1024;
const KINDS_HERE: readonly Kind[] = ['raw', 'stock', 'engine', 'rawBatch'];

const SMALL_VS_STOCK = { metric: 'small events one way', unit: 'events/s', target: { kind: 'ratioMin', vs: 'stock', min: 10 }, where: 'loopback' } satisfies PlannedRow;
const SMALL_VS_RAW = { ...SMALL_VS_STOCK, target: { kind: 'ratioMin', vs: 'raw', min: 2 } } satisfies PlannedRow;
const BIG_VS_RAW = { metric: '1 MiB payloads one way', unit: 'MB/s', target: { kind: 'ratioMin', vs: 'raw', min: 0.9 }, where: 'loopback' } satisfies PlannedRow;

export const throughputScenario: Scenario = {
  name: 'throughput',
  plan: () => [SMALL_VS_STOCK, SMALL_VS_RAW, BIG_VS_RAW],
  budgetMs: (quick) => (quick ? 90_000 : 420_000),
  async run(ctx) {
    const rounds = ctx.quick ? 3 : 5;
    const smallCount = ctx.quick ? 20_000 : 100_000;
    const bigCount = ctx.quick ? 5 : 16;
    const pairs = await openPairs(ctx, 'tp', KINDS_HERE);
    const small: BlastOptions = { count: smallCount, payload: SMALL_PAYLOAD, name: 'b', ackEvery: 1000, perTask: 100, window: 20_000, timeoutMs: 60_000 };
    const big: BlastOptions = { count: bigCount, payload: 'x'.repeat(BIG_PAYLOAD_BYTES), name: 'big', ackEvery: 1, perTask: 1, window: 4, timeoutMs: 60_000 };
    const eventsPerS = new Map<Kind, number[]>();
    const mbPerS = new Map<Kind, number[]>();
    const incomplete: string[] = [];
    for (let round = 0; round < rounds; round += 1) {
      for (const kind of rotate(KINDS_HERE, round)) {
        const pair = pairs.get(kind);
        if (!pair) continue;
        const s = await pair.a.call('blast', pair.aId, pair.bId, small);
        if (!s.complete) incomplete.push(`${kind} small: ${s.acked}/${small.count}`);
        eventsPerS.set(kind, [...(eventsPerS.get(kind) ?? []), (s.acked / s.ms) * 1000]);
        ctx.log(`throughput: ${kind} round ${round}: ${Math.round((s.acked / s.ms) * 1000)} events/s${s.complete ? '' : ` (incomplete: ${s.acked}/${small.count})`}`);
        // Large payloads are never coalesced: rawBatch would measure raw again.
        if (kind === 'rawBatch') continue;
        const b = await pair.a.call('blast', pair.aId, pair.bId, big);
        if (!b.complete) incomplete.push(`${kind} 1 MiB: ${b.acked}/${big.count}`);
        mbPerS.set(kind, [...(mbPerS.get(kind) ?? []), (b.acked * BIG_PAYLOAD_BYTES) / 1e6 / (b.ms / 1000)]);
        ctx.log(`throughput: ${kind} round ${round}: ${((b.acked * BIG_PAYLOAD_BYTES) / 1e6 / (b.ms / 1000)).toFixed(1)} MB/s${b.complete ? '' : ` (incomplete: ${b.acked}/${big.count})`}`);
      }
    }
    const errors = (await Promise.all([...pairs.values()].map(pairErrors))).flat();
    const ev = (k: Kind): number | null => median(eventsPerS.get(k) ?? []);
    const mb = (k: Kind): number | null => median(mbPerS.get(k) ?? []);
    const batch = ev('rawBatch');
    const rawEv = ev('raw');
    const notes: string[] = [];
    if (incomplete.length > 0) notes.push(`incomplete: ${incomplete.join(', ')}`);
    if (errors.length > 0) notes.push(`errors: ${errors.slice(0, 3).join('; ')}`);
    const scenario = 'throughput';
    const smallSamples = `${rounds} × ${smallCount.toLocaleString('en-US')} events per kind, median of rounds`;
    const rows: Row[] = [
      { ...SMALL_VS_STOCK, scenario, ...columns(ev), samples: smallSamples, note: notes.join('; ') || undefined },
      {
        ...SMALL_VS_RAW,
        scenario,
        ...columns(ev),
        samples: smallSamples,
        note: batch !== null && rawEv !== null ? `raw channel coalescing each task's events into one frame: ${Math.round(batch).toLocaleString('en-US')} events/s (${(batch / rawEv).toFixed(1)}x raw): see bench/README.md` : undefined,
      },
      { ...BIG_VS_RAW, scenario, ...columns(mb), samples: `${rounds} × ${bigCount} payloads per kind, median of rounds` },
    ];
    return rows;
  },
};
