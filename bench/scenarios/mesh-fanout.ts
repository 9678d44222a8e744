/**
 * Mesh formation and fan-out: the sender in one Chromium page, the other
 * peers in a second page (or, with BENCH_PEERS=node, two Node processes with
 * node-datachannel; see peers/peer-host.ts).
 *
 * For each size S = 2, 4, 8, 16 and each kind: S peers register, then every
 * peer dials every peer after it (each link opened once) and the clock runs
 * until every peer has an open link with all the others (mesh formation,
 * reported for S = 4, 8, 16). On that full mesh, peer 0 broadcasts to the
 * N = S - 1 others, one broadcast every ~2 ms; each receiver acknowledges,
 * and the sender times broadcast → each acknowledgement (a delivery round
 * trip: no clock is shared between processes).
 */
import { delay, uniqueId } from '../lib/context.js';
import { columns, type Row } from '../lib/results.js';
import { growthExponent, median, p99, rotate } from '../lib/stats.js';
import { KINDS, type Kind } from '../pages/drivers.js';
import { PEER_HOST_LABEL, peerHostFlavor, startPeerHost } from '../peers/peer-host.js';
import type { PlannedRow, Scenario } from './scenario.js';

const SIZES = [2, 4, 8, 16] as const;
const MESH_SIZES = [4, 8, 16] as const;

interface Sample {
  meshMs: number[];
  acks: number[];
  all: number[];
  missing: number;
}

/** A figure in ms, reported without a target. */
function msRow(scenario: string, metric: string) {
  return { scenario, metric, unit: 'ms', target: { kind: 'none' }, where: 'loopback' } satisfies PlannedRow;
}

/** How a figure grows with N (log-log slope), judged by `text`. */
function growthRow(scenario: string, metric: string, text: string) {
  return { scenario, metric, unit: '', target: { kind: 'judged', text, met: null }, where: 'loopback' } satisfies PlannedRow;
}

const fanRow = (n: number) => msRow('fan-out', `broadcast → each receiver's ack, p99, N = ${n}`);
const meshRow = (s: number) => msRow('mesh formation', `${s} peers: all ${(s * (s - 1)) / 2} links open`);
const FAN_GROWTH_ROW = growthRow('fan-out', 'p99 growth exponent in N (log-log slope over N = 1..15)', '≤ 1 (at most linear)');
const MESH_GROWTH_ROW = growthRow('mesh formation', 'growth exponent in N (links grow as N²)', 'reported (no target)');

export const meshFanOutScenario: Scenario = {
  name: 'mesh-fanout',
  plan: () => [...SIZES.map((s) => fanRow(s - 1)), FAN_GROWTH_ROW, MESH_GROWTH_ROW, ...MESH_SIZES.map(meshRow)],
  budgetMs: (quick) => (quick ? 120_000 : 480_000),
  async run(ctx) {
    const reps = ctx.quick ? 1 : 3;
    const rounds = ctx.quick ? 100 : 400;
    const broker = await ctx.broker();
    const flavor = peerHostFlavor();
    const label = PEER_HOST_LABEL[flavor];
    const results = new Map<string, Sample>();
    const errors: string[] = [];
    for (const size of SIZES) {
      for (let rep = 0; rep < reps; rep += 1) {
        for (const kind of rotate(KINDS, rep + size)) {
          const ids = Array.from({ length: size }, (_, i) => uniqueId(`m${size}-${kind}-${i}`));
          const [first, ...rest] = ids as [string, ...string[]];
          const [sender, others] = await Promise.all([startPeerHost(ctx, flavor), startPeerHost(ctx, flavor)]);
          await Promise.all([sender.create(kind, [first], broker), others.create(kind, rest, broker)]);
          const timeoutMs = 30_000;
          const t0 = performance.now();
          await Promise.all([sender.mesh([first], ids, timeoutMs), others.mesh(rest, ids, timeoutMs)]);
          const meshMs = performance.now() - t0;
          await others.respond(rest);
          const fan = await sender.fanOut(first, rest, rounds, 10);
          const key = `${kind}:${size}`;
          const sample = results.get(key) ?? { meshMs: [], acks: [], all: [], missing: 0 };
          sample.meshMs.push(meshMs);
          sample.acks.push(...fan.acks);
          sample.all.push(...fan.all);
          sample.missing += fan.missing;
          results.set(key, sample);
          errors.push(...(await sender.errors()), ...(await others.errors()));
          await Promise.all([sender.destroyAll(), others.destroyAll()]);
          await Promise.all([sender.stop(), others.stop()]);
          // Let the closed connections drain before the next mesh.
          await delay(200);
          ctx.log(`mesh-fanout: ${kind} S=${size}: mesh ${meshMs.toFixed(0)} ms, ack p99 ${(p99(fan.acks) ?? NaN).toFixed(2)} ms`);
        }
      }
    }
    const get = (kind: Kind, size: number): Sample => results.get(`${kind}:${size}`) ?? { meshMs: [], acks: [], all: [], missing: 0 };
    const rows: Row[] = [];
    for (const size of SIZES) {
      const n = size - 1;
      const missing = KINDS.map((k) => get(k, size).missing).reduce((a, b) => a + b, 0);
      const note = [
        `median: ours ${fmt(median(get('engine', size).acks))}, raw ${fmt(median(get('raw', size).acks))}, stock ${fmt(median(get('stock', size).acks))} ms`,
        `all N acked, p99: ours ${fmt(p99(get('engine', size).all))}, raw ${fmt(p99(get('raw', size).all))}, stock ${fmt(p99(get('stock', size).all))} ms`,
        ...(missing > 0 ? [`${missing} acks missing`] : []),
      ].join('; ');
      rows.push({
        ...fanRow(n),
        ...columns((kind) => p99(get(kind, size).acks)),
        samples: `${get('engine', size).acks.length} acks per kind (${label})`,
        note,
      });
    }
    const growth = (kind: Kind): number | null => growthExponent(SIZES.map((s) => ({ x: s - 1, y: p99(get(kind, s).acks) })));
    const oursGrowth = growth('engine');
    rows.push({
      ...FAN_GROWTH_ROW,
      ...columns(growth),
      target: { ...FAN_GROWTH_ROW.target, met: oursGrowth === null ? null : oursGrowth <= 1 },
      samples: '4 sizes',
      note: errors.length > 0 ? `errors: ${[...new Set(errors)].slice(0, 3).join('; ')}` : undefined,
    });
    for (const size of MESH_SIZES) {
      rows.push({
        ...meshRow(size),
        ...columns((kind) => median(get(kind, size).meshMs)),
        samples: `${reps} per kind (${label})`,
      });
    }
    const meshGrowth = (kind: Kind): number | null => growthExponent(MESH_SIZES.map((s) => ({ x: s, y: median(get(kind, s).meshMs) })));
    rows.push({ ...MESH_GROWTH_ROW, ...columns(meshGrowth), samples: '3 sizes' });
    return rows;
  },
};

function fmt(value: number | null): string {
  return value === null ? '—' : value.toFixed(2);
}
