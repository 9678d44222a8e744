/**
 * `lan-scale` (issue 14): the LAN party at N = 10, 25, 50, 100 hosts.
 *
 * As root, on one simulated segment (e2e/lan/harness/scale.ts): N real
 * `lan-party host` processes, each in a namespace of its own; the LAN grows
 * from one size to the next (the hosts of the smaller size stay). At each size,
 * after the LAN has settled:
 * - steady state over a window: mDNS multicast packets/s and bytes/s, counted
 *   by a listener on the segment that sends nothing (Ethernet frame bytes);
 *   every frame the bridge carried (the unicast liveness pings included); CPU
 *   (% of one core) and resident memory per host;
 * - a newcomer: the latest first-seen of it on all hosts, minus its own
 *   discovery start (one machine, one clock: polling adds nothing);
 * - a host SIGKILLed: until every other host has pushed, over its web bridge,
 *   a LAN state without it (no polling round over N hosts in the figure);
 * - the growth exponent of multicast bytes/s in N (log-log slope).
 * Before issue 14 (every instance answering a query a second): 19,700 B/s at
 * N = 40 and 61,000 B/s at N = 100, exponent ~1.
 */
import { ScaleLan, type SteadyState } from '../../e2e/lan/harness/scale.js';
import type { BenchContext } from '../lib/context.js';
import { delay } from '../lib/context.js';
import type { Row, Target } from '../lib/results.js';
import { growthExponent, median } from '../lib/stats.js';
import type { PlannedRow, Scenario } from './scenario.js';

const SCENARIO = 'lan-scale';
/** Issue 14's target for the whole LAN at N = 100, applied at every N (it must not grow with N). */
const MULTICAST_TARGET: Target = { kind: 'absMax', max: 5000 };
const NEWCOMER_TARGET: Target = { kind: 'absMax', max: 1000 };
const VANISHED_TARGET: Target = { kind: 'absMax', max: 5000 };
/** Exponents under this count as "does not grow with N" (the periodic refresh is constant by design). */
const FLAT_EXPONENT = 0.3;
const BEFORE: Record<number, string> = { 40: '19,700 B/s', 100: '61,000 B/s' };

function sizes(quick: boolean): number[] {
  return quick ? [10, 25] : [10, 25, 50, 100];
}

const metricMulticast = (n: number): string => `steady-state mDNS multicast on the LAN, N = ${n}`;
const metricNewcomer = (n: number): string => `newcomer listed by all, N = ${n}`;
const metricVanished = (n: number): string => `SIGKILLed host dropped by all, N = ${n}`;
const METRIC_EXPONENT = 'growth exponent of steady-state multicast bytes/s in N';

function plan(quick: boolean): PlannedRow[] {
  const rows: PlannedRow[] = [];
  for (const n of sizes(quick)) {
    rows.push({ metric: metricMulticast(n), unit: 'B/s', target: MULTICAST_TARGET, where: 'simulated LAN' });
    rows.push({ metric: metricNewcomer(n), unit: 'ms', target: NEWCOMER_TARGET, where: 'simulated LAN' });
    rows.push({ metric: metricVanished(n), unit: 'ms', target: VANISHED_TARGET, where: 'simulated LAN' });
  }
  rows.push({ metric: METRIC_EXPONENT, unit: '', target: { kind: 'judged', text: `< ${FLAT_EXPONENT} (does not grow)`, met: null }, where: 'simulated LAN' });
  return rows;
}

function fmt(value: number | null | undefined, digits = 0): string {
  return value === null || value === undefined ? '—' : value.toFixed(digits);
}

function steadyNote(s: SteadyState): string {
  const cpu = [...s.cpuPercent].sort((a, b) => a - b);
  const rssMiB = s.rssBytes.map((b) => b / 1024 / 1024);
  const perHost = s.mdnsBytesPerS / s.hosts;
  return (
    `${fmt(s.mdnsPacketsPerS, 2)} packets/s (${s.mdns.queries} queries, ${s.mdns.responses} responses in ${fmt(s.seconds, 1)} s), ${fmt(perHost, 1)} B/s per host; ` +
    `all frames on the bridge (unicast pings included) ${fmt(s.bridgePacketsPerS)} packets/s, ${fmt(s.bridgeBytesPerS)} B/s; ` +
    `per host: CPU median ${fmt(median(cpu), 2)} % (max ${fmt(cpu.at(-1), 2)} %) of one core, RSS median ${fmt(median(rssMiB), 1)} MiB` +
    (BEFORE[s.hosts] ? `; before issue 14: ${BEFORE[s.hosts]}` : '')
  );
}

export const lanScaleScenario: Scenario = {
  name: SCENARIO,
  plan: (ctx) => plan(ctx.quick),
  // Host start-up dominates: ~1.6 s per host measured on 2 shared cores (load ~12), 100 hosts in all.
  budgetMs: (quick) => (quick ? 180_000 : 900_000),
  skipReason: (ctx) => (ctx.lanSkipReason === null ? null : `needs the simulated LAN (${ctx.lanSkipReason}); mDNS never runs on the real interfaces`),
  async run(ctx: BenchContext): Promise<Row[]> {
    // Expect ~0.5 re-announcements/s LAN-wide (discovery/liveness.ts): ~15 in a 30 s window.
    const windowMs = ctx.quick ? 10_000 : 30_000;
    const settleMs = 5_000;
    const rows: Row[] = [];
    const points: Array<{ x: number; y: number | null }> = [];
    let scale: ScaleLan | null = null;
    ctx.defer(async () => {
      await scale?.destroy();
    });
    for (const n of sizes(ctx.quick)) {
      if (scale === null) scale = await ScaleLan.create(n, (line) => ctx.log(`${SCENARIO}: ${line}`));
      else await scale.grow(n);
      await delay(settleMs);
      const steady = await scale.measureSteady(windowMs);
      ctx.log(`${SCENARIO}: N = ${n}: ${steadyNote(steady)}`);
      points.push({ x: n, y: steady.mdnsBytesPerS });
      rows.push({
        scenario: SCENARIO,
        metric: metricMulticast(n),
        unit: 'B/s',
        ours: steady.mdnsBytesPerS,
        raw: null,
        stock: null,
        target: MULTICAST_TARGET,
        where: 'simulated LAN',
        samples: `${fmt(steady.seconds, 0)} s window, ${steady.mdns.packets} packets`,
        note: steadyNote(steady),
      });
      const problem = await scale.convergenceProblem();
      if (problem !== null) throw new Error(`after the steady-state window, not every host lists every other: ${problem}`);

      // The newcomer joins the LAN (N + 1), then one host is killed (back to N).
      const newcomer = await scale.newcomer();
      const worst = Math.max(...newcomer.seenAfterMs);
      ctx.log(`${SCENARIO}: N = ${n}: newcomer recorded by all within ${worst} ms (median ${fmt(median(newcomer.seenAfterMs))} ms)`);
      rows.push({
        scenario: SCENARIO,
        metric: metricNewcomer(n),
        unit: 'ms',
        ours: worst,
        raw: null,
        stock: null,
        target: NEWCOMER_TARGET,
        where: 'simulated LAN',
        samples: `1 newcomer, ${n} hosts`,
        note: `the last of the ${n} hosts to record it, from the newcomer's own discovery start; median over hosts ${fmt(median(newcomer.seenAfterMs))} ms; listed on every /api/lan ${newcomer.listedAfterReadyMs} ms after it printed "running" (polled)`,
      });
      const victim = scale.hosts[Math.floor(scale.hosts.length / 2)];
      if (!victim) throw new Error('no host to kill');
      const dropped = await scale.remove(victim, 'kill');
      ctx.log(`${SCENARIO}: N = ${n}: SIGKILLed ${victim.label} dropped by all after ${dropped} ms`);
      rows.push({
        scenario: SCENARIO,
        metric: metricVanished(n),
        unit: 'ms',
        ours: dropped,
        raw: null,
        stock: null,
        target: VANISHED_TARGET,
        where: 'simulated LAN',
        samples: `1 kill, ${n} hosts`,
        note: `from SIGKILL until the last host pushed a LAN state without it over its bridge (pushes are coalesced 50 ms); before issue 14: 3.3-3.5 s`,
      });
    }
    const exponent = growthExponent(points);
    rows.push({
      scenario: SCENARIO,
      metric: METRIC_EXPONENT,
      unit: '',
      ours: exponent,
      raw: null,
      stock: null,
      target: { kind: 'judged', text: `< ${FLAT_EXPONENT} (does not grow)`, met: exponent === null ? null : exponent < FLAT_EXPONENT },
      where: 'simulated LAN',
      samples: `${points.length} sizes`,
      note: `log-log slope over N = ${sizes(ctx.quick).join(', ')}; before issue 14 about 1 (linear)`,
    });
    return rows;
  },
};
