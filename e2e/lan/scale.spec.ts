/**
 * Issue 14: a LAN party of 40 hosts. Steady-state mDNS multicast stays within
 * the target scaled to N (5 KB/s at N = 100, so 2 KB/s here; it was 19.7 KB/s
 * at N = 40 before), and what users see is unchanged: a newcomer listed by
 * all within 1 s, a SIGKILLed host dropped by all within 5 s, a stopped one
 * at once. Counted by a listener on the segment that sends nothing.
 * The N = 100 figures are in bench/RESULTS.md (`npm run bench -- --only lan-scale`).
 */
import { expect, test } from '@playwright/test';
import { announceSkip, assertBuilt } from './harness/environment.js';
import { must } from './harness/must.js';
import { ScaleLan } from './harness/scale.js';

const skipReason = announceSkip('scale');
test.skip(skipReason !== null, skipReason ?? '');

const N = 40;
/** Issue 14's target, 5 KB/s of mDNS at N = 100, scaled to N. */
const MULTICAST_BUDGET_BYTES_PER_S = (5000 * N) / 100;
/** Steady state measured over this window, after this settling time (announcements of the last starts, browses). */
const WINDOW_MS = 15_000;
const SETTLE_MS = 5_000;

test.describe(`a LAN party of ${N} hosts`, () => {
  test.describe.configure({ mode: 'serial' });
  let scale: ScaleLan | undefined;
  const log = (line: string): void => console.log(`[lan] scale: ${line}`);

  test.beforeAll(async () => {
    test.setTimeout(240_000);
    assertBuilt();
    scale = await ScaleLan.create(N, log);
  });

  test.afterAll(async () => {
    await scale?.destroy();
  });

  test('steady-state multicast stays within the budget scaled to N', async () => {
    test.setTimeout(60_000);
    const lan = must(scale, 'the LAN');
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const steady = await lan.measureSteady(WINDOW_MS);
    const cpu = [...steady.cpuPercent].sort((a, b) => a - b);
    log(
      `N = ${steady.hosts}: mDNS ${steady.mdnsPacketsPerS.toFixed(2)} packets/s, ${steady.mdnsBytesPerS.toFixed(0)} B/s ` +
        `(${steady.mdns.queries} queries, ${steady.mdns.responses} responses in ${steady.seconds.toFixed(1)} s); ` +
        `all frames on the bridge ${steady.bridgePacketsPerS.toFixed(0)} packets/s, ${steady.bridgeBytesPerS.toFixed(0)} B/s; ` +
        `CPU per host median ${cpu[Math.floor(cpu.length / 2)]?.toFixed(2)} %, max ${cpu.at(-1)?.toFixed(2)} %`,
    );
    expect(steady.mdnsBytesPerS).toBeLessThanOrEqual(MULTICAST_BUDGET_BYTES_PER_S);
    // Still everyone listed by everyone: a silent LAN that forgot its members would pass the line above.
    expect(await lan.convergenceProblem()).toBeNull();
  });

  test('a newcomer is listed by all within 1 s', async () => {
    test.setTimeout(60_000);
    const lan = must(scale, 'the LAN');
    const { host, seenAfterMs, listedAfterReadyMs } = await lan.newcomer();
    const worst = Math.max(...seenAfterMs);
    const late = seenAfterMs.flatMap((ms, i) => (ms >= 1000 ? [`${lan.hosts[i]?.label ?? '?'} ${ms} ms`] : []));
    if (late.length > 0) log(`late: ${late.join(', ')}; errors: ${(await lan.states()).flatMap((s) => (s?.lastError ? [s.lastError] : [])).join('; ')}`);
    log(`newcomer ${host.label}: recorded by all ${N} within ${worst} ms of its discovery start; on every /api/lan ${listedAfterReadyMs} ms after it printed "running"`);
    expect(worst).toBeLessThan(1000);
  });

  test('a SIGKILLed host is dropped by all within 5 s', async () => {
    test.setTimeout(60_000);
    const lan = must(scale, 'the LAN');
    // The middle of the ring: its watcher is one host among many, not the newest or the first.
    const victim = must(lan.hosts[Math.floor(lan.hosts.length / 2)], 'a host');
    const ms = await lan.remove(victim, 'kill');
    log(`SIGKILLed ${victim.label}: dropped by all ${lan.hosts.length} after ${ms} ms (the last host's pushed LAN state)`);
    expect(ms).toBeLessThan(5000);
    expect(await lan.convergenceProblem()).toBeNull();
  });

  test('a stopped host is dropped by all at once (goodbye)', async () => {
    test.setTimeout(60_000);
    const lan = must(scale, 'the LAN');
    const leaving = must(lan.hosts[1], 'a host');
    const ms = await lan.remove(leaving, 'stop');
    log(`stopped ${leaving.label}: dropped by all ${lan.hosts.length} after ${ms} ms`);
    // Checks take >= 3.2 s (suspicion plus the check): under 1 s, the goodbye did it.
    expect(ms).toBeLessThan(1000);
    for (const host of lan.hosts) expect(host.alive(), host.output()).toBe(true);
  });
});
