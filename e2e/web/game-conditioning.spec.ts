/**
 * Network conditioning of hosted games (issue 11), applied by the game agent
 * in each page to the game's data channels, set from the CLI (`--network`,
 * every instance's uplink) or over the control bridge (setNetworkConditions).
 * The fixture games measure what a player would notice: a move's echo round
 * trip (dots), messages lost on an unreliable channel and none, in order, on
 * a reliable one (rtc-direct, which chooses its channel's kind), a cut cable
 * reported by the game's own heartbeat and play resuming after it is
 * restored. Stock PeerJS 1.4.6 opens every channel unordered with no
 * retransmit limit whatever `reliable` says, so its messages are never lost
 * under `loss`, only delayed (a retransmission), as on a real network.
 *
 * Prints `[conditioning] ...` lines with the measured figures.
 */
import path from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { NO_CONDITIONS, NO_DIRECTED_CONDITIONS, type DirectedConditions } from '../../src-preload/network-conditions.js';
import type { BridgeConnection } from '../fixtures/bridge.js';
import type { FixtureGame } from '../fixtures/games/assemble.js';
import { dotsTestState, expectMovesSeen, joinOpen, median, pingRtts, sendSeqBurst } from '../fixtures/games/dots-driver.js';
import { control, hostedGameUrls, instanceById, instanceOf } from '../fixtures/games/instances.js';
import { REPO_ROOT, type RunningHost, type StartHostOptions } from '../fixtures/host.js';
import { expect, test } from '../fixtures/test.js';

const RTC_DIRECT = path.join(REPO_ROOT, 'e2e/fixtures/games/rtc-direct');

/** `hostOptions` for a host of the dots game (a fresh copy) with these extra flags, `bridge` being its control bridge. */
const hostingDots =
  (...args: string[]) =>
  ({ dotsGame }: { dotsGame: FixtureGame }, use: (options: StartHostOptions) => Promise<void>): Promise<void> =>
    // The dots game is the first game the host prints; others given in `args` follow.
    use({ args: ['--game', dotsGame.folder, ...args] });

test.use({ hostOptions: hostingDots() });

const dotsUrl = (host: RunningHost): string => hostedGameUrls(host)[0] ?? '';

/** Waits until the host says these conditions are in force on the instance (it pushes them to the page's agent). */
async function conditionsInForce(via: BridgeConnection, inst: string, expected: DirectedConditions): Promise<void> {
  await expect.poll(async () => (await instanceById(via, inst))?.conditions, { message: `conditions of instance ${inst}` }).toEqual(expected);
}

const rtcUrl = (host: RunningHost): string => hostedGameUrls(host)[1] ?? '';

interface RtcWindow {
  gameState: { open: boolean; seqs: number[] };
  rtcGame: { burst(count: number, perTick: number, maxBufferedBytes: number, timeoutMs: number): Promise<number>; resetSeqs(): void };
}
const rtcState = (page: Page) => page.evaluate(() => (window as unknown as RtcWindow).gameState);

/** Paced so the channel never overflows (any loss is the conditioning's); 60 s is far above the few seconds a burst takes. */
const PACING = { perTick: 20, maxBufferedBytes: 64 * 1024, timeoutMs: 60_000 };

interface RtcPair {
  sender: Page;
  receiver: Page;
  instances: string[];
}

/** Two rtc-direct tabs of `url` in `context` (its own BroadcastChannel scope) with their channel open and `conditions` in force on both. */
async function openRtcPair(context: BrowserContext, via: BridgeConnection, url: string, query: string, conditions: DirectedConditions): Promise<RtcPair> {
  const [sender, receiver] = [await context.newPage(), await context.newPage()];
  await sender.goto(`${url}?role=a&${query}`);
  await receiver.goto(`${url}?role=b&${query}`);
  for (const page of [sender, receiver]) await expect.poll(async () => (await rtcState(page)).open, { timeout: 15_000 }).toBe(true);
  const instances = [await instanceOf(sender), await instanceOf(receiver)];
  for (const inst of instances) await conditionsInForce(via, inst, conditions);
  return { sender, receiver, instances };
}

interface SeqRun {
  seqs: number[];
  tookMs: number;
}

/** Sends `count` `seq` events from the pair's sender (paced); resolves with what the receiver got once it stops changing. */
async function seqRun(pair: RtcPair, count: number): Promise<SeqRun> {
  await pair.receiver.evaluate(() => (window as unknown as RtcWindow).rtcGame.resetSeqs());
  const tookMs = await pair.sender.evaluate(
    ([n, p]) => (window as unknown as RtcWindow).rtcGame.burst(n, p.perTick, p.maxBufferedBytes, p.timeoutMs),
    [count, PACING] as const,
  );
  const seqs = await settled(async () => (await rtcState(pair.receiver)).seqs, 1_500, 30_000);
  return { seqs, tookMs };
}

const up = (conditions: Partial<typeof NO_CONDITIONS>): DirectedConditions => ({
  up: { ...NO_CONDITIONS, ...conditions },
  down: { ...NO_CONDITIONS },
  cut: false,
});

/** Waits until `read` stops changing for `quietMs` (at most `timeoutMs`); returns its last value. */
async function settled<T>(read: () => Promise<T>, quietMs: number, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = JSON.stringify(await read());
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error(`still changing after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = JSON.stringify(await read());
    if (now !== last) [last, since] = [now, Date.now()];
  }
  return JSON.parse(last) as T;
}

test.describe(() => {
  test.use({ hostOptions: hostingDots('--network', 'latency=100') });

  test('--network latency=100: a move\'s echo round trip has a median of 200-215 ms; the baseline, conditions cleared from the bridge, is measured in the same run', async ({ host, bridge: hostBridge, browser }) => {
    test.setTimeout(90_000);
    const url = dotsUrl(host);
    const context = await browser.newContext();
    const [a, b] = [await context.newPage(), await context.newPage()];
    await joinOpen(a, b, url, 'mode=plain&echo=1');
    const instances = [await instanceOf(a), await instanceOf(b)];
    for (const inst of instances) await conditionsInForce(hostBridge, inst, up({ latencyMs: 100 }));

    await pingRtts(a, 3); // warm-up
    const conditioned = await pingRtts(a, 40);
    // Cleared for every instance (no target): the baseline, same pages, same run.
    await control(hostBridge, 'setNetworkConditions', { conditions: NO_DIRECTED_CONDITIONS });
    for (const inst of instances) await conditionsInForce(hostBridge, inst, { ...NO_DIRECTED_CONDITIONS });
    await pingRtts(a, 3);
    const baseline = await pingRtts(a, 40);
    const [withLatency, without] = [median(conditioned), median(baseline)];
    console.log(
      `[conditioning] echo RTT median over 40 pings: ${withLatency.toFixed(1)} ms with latency=100 on each uplink, ${without.toFixed(1)} ms baseline (p90 ${[...conditioned].sort((x, y) => x - y)[35]?.toFixed(1)} / ${[...baseline].sort((x, y) => x - y)[35]?.toFixed(1)} ms)`,
    );
    test.info().annotations.push({ type: 'echo RTT median', description: `${withLatency.toFixed(1)} ms (latency=100), baseline ${without.toFixed(1)} ms` });
    expect(withLatency).toBeGreaterThanOrEqual(200);
    expect(withLatency).toBeLessThanOrEqual(215);
    expect(without, 'clearing the conditions removes the delay').toBeLessThan(100);
    await context.close();
  });
});

test.describe(() => {
  test.use({ hostOptions: hostingDots('--game', RTC_DIRECT, '--network', 'loss=10') });

  test('--network loss=10: an unreliable channel loses 8.5-11.5% of 10,000 messages; a reliable one loses none and keeps order', async ({ host, bridge: hostBridge, browser }) => {
    test.setTimeout(120_000);
    const url = dotsUrl(host);
    const count = 10_000;
    // One context per pair: rtc-direct's signaling (BroadcastChannel) is scoped to a context.
    const [rtcUnreliable, rtcReliable, peerjs] = [await browser.newContext(), await browser.newContext(), await browser.newContext()];

    // A game using WebRTC directly: an unreliable channel (unordered, maxRetransmits 0), then an ordered one with no retransmit limit.
    const unreliable = await openRtcPair(rtcUnreliable, hostBridge, rtcUrl(host), 'channel=unreliable', up({ lossPct: 10 }));
    const conditioned = await seqRun(unreliable, count);
    // The baseline, same pages, same run: the channel itself loses nothing at this pace.
    for (const inst of unreliable.instances) await control(hostBridge, 'setNetworkConditions', { instance: inst, conditions: NO_DIRECTED_CONDITIONS });
    for (const inst of unreliable.instances) await conditionsInForce(hostBridge, inst, { ...NO_DIRECTED_CONDITIONS });
    const baseline = await seqRun(unreliable, count);
    const lostPct = (run: SeqRun): number => (100 * (count - new Set(run.seqs).size)) / count;
    console.log(
      `[conditioning] loss=10, unreliable: ${lostPct(conditioned).toFixed(2)} % of ${count} lost (sent in ${conditioned.tookMs.toFixed(0)} ms); baseline ${lostPct(baseline).toFixed(2)} % (sent in ${baseline.tookMs.toFixed(0)} ms)`,
    );
    test.info().annotations.push({ type: 'loss=10 unreliable', description: `${lostPct(conditioned).toFixed(2)} % lost, baseline ${lostPct(baseline).toFixed(2)} %` });
    for (const run of [conditioned, baseline]) {
      expect(new Set(run.seqs).size, 'no message delivered twice').toBe(run.seqs.length);
      expect(run.seqs.every((n) => Number.isInteger(n) && n >= 0 && n < count)).toBe(true);
    }
    expect(lostPct(conditioned)).toBeGreaterThanOrEqual(8.5);
    expect(lostPct(conditioned)).toBeLessThanOrEqual(11.5);
    expect(lostPct(baseline), 'the channel loses (almost) nothing without conditioning').toBeLessThan(1);

    const reliable = await openRtcPair(rtcReliable, hostBridge, rtcUrl(host), 'channel=reliable', up({ lossPct: 10 }));
    const ordered = await seqRun(reliable, count);
    expect(ordered.seqs.length, 'nothing lost on a reliable channel').toBe(count);
    expect(ordered.seqs.every((n, i) => n === i), 'in order').toBe(true);
    console.log(`[conditioning] loss=10, reliable (ordered): ${count} of ${count} in order, sent in ${ordered.tookMs.toFixed(0)} ms`);

    // Stock PeerJS 1.4.6 with `reliable: true`: it ignores the option when it
    // opens the channel (always unordered, no retransmit limit), so nothing is
    // lost, and a retransmitted message arrives after later ones, as it would
    // on a real lossy network.
    const [a, b] = [await peerjs.newPage(), await peerjs.newPage()];
    await joinOpen(a, b, url, 'mode=plain&reliable=1');
    for (const page of [a, b]) await conditionsInForce(hostBridge, await instanceOf(page), up({ lossPct: 10 }));
    const peerjsCount = 2_000;
    await sendSeqBurst(a, peerjsCount, PACING);
    await expect.poll(async () => (await dotsTestState(b)).seqs.length, { timeout: 30_000 }).toBe(peerjsCount);
    const peerjsSeqs = (await dotsTestState(b)).seqs;
    expect([...peerjsSeqs].sort((x, y) => x - y)).toEqual(Array.from({ length: peerjsCount }, (_, i) => i));
    const late = peerjsSeqs.filter((n, i) => i > 0 && n < (peerjsSeqs[i - 1] as number)).length;
    console.log(`[conditioning] loss=10, PeerJS 1.4.6 reliable: ${peerjsCount} of ${peerjsCount} arrived, ${late} after a later one (1.4.6 channels are unordered)`);
    for (const context of [rtcUnreliable, rtcReliable, peerjs]) await context.close();
  });
});

test('a cut instance: the other reports it gone within its heartbeat bound, and play resumes after restore', async ({ host, bridge: hostBridge, browser }) => {
  const url = dotsUrl(host);
  const context = await browser.newContext();
  const [a, b] = [await context.newPage(), await context.newPage()];
  const { idA, idB } = await joinOpen(a, b, url, 'mode=plain&heartbeat=1');
  await expectMovesSeen(a, b, idA, idB);
  const instB = await instanceOf(b);
  // A second of heartbeats with nobody reported gone.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect([(await dotsTestState(a)).goneLog, (await dotsTestState(b)).goneLog]).toEqual([[], []]);

  const cutAt = Date.now();
  await control(hostBridge, 'setNetworkConditions', { instance: instB, conditions: { ...NO_DIRECTED_CONDITIONS, cut: true } });
  const goneAt = async (page: typeof a, peer: string) => (await dotsTestState(page)).goneLog.find((e) => e.peer === peer && e.gone)?.t;
  await expect.poll(() => goneAt(a, idB), { timeout: 5_000, intervals: [50] }).toBeDefined();
  await expect.poll(() => goneAt(b, idA), { timeout: 5_000, intervals: [50] }).toBeDefined();
  const [detectedA, detectedB] = [((await goneAt(a, idB)) ?? 0) - cutAt, ((await goneAt(b, idA)) ?? 0) - cutAt];
  console.log(`[conditioning] cut: A reported B gone after ${detectedA} ms, B reported A gone after ${detectedB} ms (game bound: 1,500 ms of silence)`);
  // The game's bound: 1.5 s of silence, checked every 50 ms, counted from the
  // last heartbeat before the cut (up to 250 ms earlier); the slack covers the
  // host's push to the agent.
  for (const detected of [detectedA, detectedB]) {
    expect(detected, 'reported after the cut, not before').toBeGreaterThan(0);
    expect(detected).toBeLessThanOrEqual(2_000);
  }
  // Nothing passes while cut: B's move never reaches A.
  const seenOfB = (await dotsTestState(a)).others[idB];
  await b.locator('canvas').focus();
  await b.keyboard.press('ArrowDown');
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect((await dotsTestState(a)).others[idB]).toEqual(seenOfB);

  const restoredAt = Date.now();
  await control(hostBridge, 'setNetworkConditions', { instance: instB, conditions: NO_DIRECTED_CONDITIONS });
  await expect.poll(async () => (await dotsTestState(a)).gone, { timeout: 5_000, intervals: [50] }).toEqual([]);
  await expect.poll(async () => (await dotsTestState(b)).gone, { timeout: 5_000, intervals: [50] }).toEqual([]);
  console.log(`[conditioning] restore: both back after ${Date.now() - restoredAt} ms`);
  await expectMovesSeen(a, b, idA, idB);
  await context.close();
});
