/**
 * The test bench (issue 12): 8 instances of the dots fixture game in one
 * bench page (`bench.html`, served by the host, each instance an iframe of
 * the game's own origin), every instance in the game's mesh mode
 * (`?mesh=ROOM`: instance i registers as ROOM-i and dials every ROOM-j, j < i).
 * - formation: from opening the bench page to all 8 registered and every one
 *   of the 28 links open (each instance lists 7 open connections); the time
 *   is that of the last link to open, read from the game's own clock
 *   (`gameState.openChangedAt`, epoch ms), so polling does not blur it;
 * - latency: echo round trip (`?echo=1`, `dotsTest.ping`) between instances 2
 *   and 1 of the bench vs between two separate top-level pages of the same
 *   game (each its own browser context, so its own renderer process, as two
 *   windows would be), batches alternating, same run; the ratio is the figure;
 * - frames: requestAnimationFrame intervals in the bench page itself while
 *   the 8 instances each move at a steady rate (every move goes to the 7
 *   others); the same page with the instances idle first (the floor).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Frame, Page } from '@playwright/test';
import { callBridge } from '../../e2e/fixtures/bridge.js';
import { assembleDotsGame } from '../../e2e/fixtures/games/assemble.js';
import type { DotsTestState } from '../../e2e/fixtures/games/dots-driver.js';
import { startHost, type RunningHost } from '../../e2e/fixtures/host.js';
import { benchIndexOf } from '../../e2e/fixtures/games/instances.js';
import type { HostState } from '../../src-preload/contract.js';
import { delay, uniqueId, type BenchContext } from '../lib/context.js';
import { REPO_ROOT } from '../lib/paths.js';
import type { Row } from '../lib/results.js';
import { startFrames, stopFrames } from '../pages/frame-recorder.js';
import { bootstrapRatio, intervalText, median, p99, percentile, rotate } from '../lib/stats.js';
import type { Scenario } from './scenario.js';

const COUNT = 8;
const LINKS = (COUNT * (COUNT - 1)) / 2;
const FORMATION_TARGET = { kind: 'absMax', max: 10_000 } as const;
const RTT_TARGET = { kind: 'ratioMax', vs: 'raw', max: 2 } as const;
const FRAME_TARGET = { kind: 'absMax', max: 50 } as const;
const NO_TARGET = { kind: 'judged', text: 'reported (no target)', met: null } as const;
const FORMATION_METRIC = `bench of ${COUNT} dots instances: opening the page to all ${LINKS} links open, median`;
const RTT_METRIC = 'game echo RTT median between two bench instances vs two separate pages (raw column)';
const frameMetric = (rate: number): string => `bench page frame interval while the ${COUNT} instances each move ${rate} times/s, p99`;
/** Past this a formation round is reported as failed (the target is 10 s). */
const FORMATION_TIMEOUT_MS = 30_000;
/**
 * Moves per second per instance while playing, each sent to the 7 others.
 * The target is judged at 10/s (a casual game's usual network tick, and more
 * than a bench gets from a person: keys go to the focused instance only);
 * 30/s (a held arrow key's auto-repeat, in all 8 at once) is reported beside it.
 */
const PLAY_RATES = [10, 30] as const;
const PINGS_PER_BATCH = 20;
const PING_TIMEOUT_MS = 2_000;
/** Every instance echoes pings and runs the game's heartbeat (how a game notices a lost player). */
const GAME_QUERY = 'heartbeat=1&echo=1';

type Variant = 'bench' | 'pages';
const VARIANTS: readonly Variant[] = ['bench', 'pages'];

interface DotsWindow {
  gameState?: DotsTestState;
  dotsTest?: { ping(count: number, timeoutMs: number, to?: string): Promise<(number | null)[]>; move(dx: number, dy: number): void };
}

/** The bench page URL for the hosted game (the interface of the bench page: see src-renderer/bench). */
export function benchPageUrl(host: RunningHost, gameId: string, count: number, query: string): string {
  return `${host.url}bench.html?game=${encodeURIComponent(gameId)}&count=${count}&query=${encodeURIComponent(query)}`;
}

/** The bench's instance frames, by 1-based index (read from their URL). */
function instanceFrames(page: Page): Map<number, Frame> {
  const frames = new Map<number, Frame>();
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    const index = benchIndexOf(frame);
    if (index !== null) frames.set(index, frame);
  }
  return frames;
}

const readState = (frame: Frame): Promise<DotsTestState | null> =>
  frame.evaluate(() => (window as unknown as DotsWindow).gameState ?? null).catch(() => null);

interface Formation {
  ms: number;
  dials: number;
  reregistrations: number;
}

/**
 * Opens the bench in `page` and waits until every instance lists the 7
 * others as open; resolves with the time from `page.goto` to the last link.
 */
async function formBench(page: Page, url: string, room: string): Promise<Formation> {
  const started = Date.now();
  await page.goto(url);
  let last = 'no instance frame yet';
  while (Date.now() - started < FORMATION_TIMEOUT_MS) {
    const frames = instanceFrames(page);
    const states = await Promise.all([...frames.values()].map(readState));
    const full = states.filter((s) => s !== null && s.mesh === room && s.open.length === COUNT - 1);
    if (frames.size === COUNT && full.length === COUNT) {
      const ready = full as DotsTestState[];
      return {
        ms: Math.max(...ready.map((s) => s.openChangedAt)) - started,
        dials: ready.reduce((n, s) => n + s.dials, 0),
        reregistrations: ready.reduce((n, s) => n + s.reregistrations, 0),
      };
    }
    const links = states.reduce((n, s) => n + (s?.open.length ?? 0), 0) / 2;
    last = `${frames.size} of ${COUNT} instance frames, ${links} of ${LINKS} links open, errors: ${states.flatMap((s) => s?.errors ?? []).slice(0, 3).join(', ') || 'none'}`;
    await delay(200);
  }
  throw new Error(`the bench did not form within ${FORMATION_TIMEOUT_MS / 1000} s: ${last}`);
}

/** Moves received so far by every instance. */
async function movesReceived(frames: Iterable<Frame>): Promise<number> {
  const states = await Promise.all([...frames].map(readState));
  return states.reduce((n, s) => n + (s?.receivedByName['move'] ?? 0), 0);
}

/** Two top-level pages of the game, each in its own context, B joined to A; resolves with B's page and A's id. */
async function separatePages(browser: Browser, gameUrl: string, defer: (c: () => Promise<void>) => void): Promise<{ page: Page; to: string }> {
  const contexts: BrowserContext[] = [await browser.newContext(), await browser.newContext()];
  for (const context of contexts) defer(() => context.close());
  const [a, b] = [await (contexts[0] as BrowserContext).newPage(), await (contexts[1] as BrowserContext).newPage()];
  await a.goto(`${gameUrl}?${GAME_QUERY}`);
  const idA = await a.waitForFunction(() => (window as unknown as DotsWindow).gameState?.id || null, undefined, { timeout: 15_000 });
  const to = String(await idA.jsonValue());
  await b.goto(`${gameUrl}?${GAME_QUERY}&join=${encodeURIComponent(to)}`);
  await b.waitForFunction((id) => (window as unknown as DotsWindow).gameState?.open.includes(id) ?? false, to, { timeout: 15_000 });
  await a.waitForFunction(() => ((window as unknown as DotsWindow).gameState?.open.length ?? 0) === 1, undefined, { timeout: 15_000 });
  return { page: b, to };
}

const pingFrom = (frame: Frame, count: number, to: string): Promise<(number | null)[]> =>
  frame.evaluate(([n, t, peer]) => {
    const test = (window as unknown as DotsWindow).dotsTest;
    if (!test) throw new Error('the dots game has no window.dotsTest');
    return test.ping(n, t, peer);
  }, [count, PING_TIMEOUT_MS, to] as const);

interface Play {
  rate: number;
  intervals: number[];
  longTasks: number[];
  /** Moves the instances received while playing. */
  received: number;
}

/** Every instance moves `rate` times a second for `ms` (back and forth); frames recorded in the bench page meanwhile. */
async function play(page: Page, frames: Map<number, Frame>, rate: number, ms: number): Promise<Play> {
  const before = await movesReceived(frames.values());
  await startFrames(page);
  const until = Date.now() + ms;
  await Promise.all(
    [...frames.values()].map((frame) =>
      frame.evaluate(
        ([everyMs, end]) => {
          let dx = 10;
          const timer = setInterval(() => {
            if (Date.now() >= end) return clearInterval(timer);
            (window as unknown as DotsWindow).dotsTest?.move(dx, 0);
            dx = -dx;
          }, everyMs);
        },
        [1000 / rate, until] as const,
      ),
    ),
  );
  // Let the last moves land.
  await delay(until - Date.now() + 500);
  const frameTimes = await stopFrames(page);
  return { rate, ...frameTimes, received: (await movesReceived(frames.values())) - before };
}

export const testBenchScenario: Scenario = {
  name: 'test-bench',
  plan: () => [
    { metric: FORMATION_METRIC, unit: 'ms', target: FORMATION_TARGET, where: 'loopback' },
    { metric: RTT_METRIC, unit: 'ms', target: RTT_TARGET, where: 'loopback' },
    ...PLAY_RATES.map((rate, i) => ({ metric: frameMetric(rate), unit: 'ms', target: i === 0 ? FRAME_TARGET : NO_TARGET, where: 'Chromium page' as const })),
  ],
  budgetMs: (quick) => (quick ? 120_000 : 240_000),
  skipReason() {
    if (!fs.existsSync(path.join(REPO_ROOT, 'out/renderer/bench.html'))) return 'the bench page is not built (out/renderer/bench.html): run `npm run build`';
    return null;
  },
  run: (ctx) => measureTestBench(ctx, benchPageUrl),
};

/**
 * The measurement, with the bench page's URL as a parameter (a stand-in
 * page can be measured the same way).
 */
export async function measureTestBench(ctx: BenchContext, benchUrl: (host: RunningHost, gameId: string, count: number, query: string) => string): Promise<Row[]> {
  const rounds = ctx.quick ? 2 : 5;
  const pingRounds = ctx.quick ? 10 : 30;
  const playMs = ctx.quick ? 5_000 : 15_000;
  const game = assembleDotsGame();
  ctx.defer(() => game.remove());
  // A host of its own: the bench's instances and their telemetry load no other scenario's host.
  const host = await startHost({ args: ['--game', game.folder] });
  ctx.defer(async () => void (await host.stop()));
  const gameUrl = /Hosting game "[^"]+": (http:\/\/\S+)/.exec(host.output())?.[1];
  const state = (await callBridge(host.port, 'getHostState')) as HostState;
  const gameId = state.games[0]?.id;
  if (!gameUrl || !gameId) throw new Error(`the host hosts no game:\n${host.output()}`);
  const browser = await ctx.browser();

  // (a) Formation, a fresh bench page (new bench id, new room) per round; the last one stays open.
  const formations: Formation[] = [];
  let bench: Page | null = null;
  let room = '';
  for (let round = 0; round < rounds; round += 1) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    ctx.defer(() => context.close());
    room = uniqueId('tb');
    const page = await context.newPage();
    formations.push(await formBench(page, benchUrl(host, gameId, COUNT, `mesh=${room}&${GAME_QUERY}`), room));
    ctx.log(`test-bench: round ${round + 1}: ${COUNT} instances fully connected in ${formations.at(-1)?.ms} ms`);
    if (round < rounds - 1) await context.close();
    else bench = page;
  }
  const benchPage = bench as Page;
  const frames = instanceFrames(benchPage);
  const second = frames.get(2) as Frame;

  // (b) Echo RTT: bench instance 2 -> 1 vs separate page B -> A, batches alternating.
  const pages = await separatePages(browser, gameUrl, (c) => ctx.defer(c));
  const rtts = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
  let lost = 0;
  // Round -1 wakes both paths up, unrecorded.
  for (let round = -1; round < pingRounds; round += 1) {
    for (const variant of rotate(VARIANTS, round)) {
      const result =
        variant === 'bench'
          ? await pingFrom(second, PINGS_PER_BATCH, `${room}-1`)
          : await pingFrom(pages.page.mainFrame(), PINGS_PER_BATCH, pages.to);
      if (round < 0) continue;
      lost += result.filter((r) => r === null).length;
      rtts.get(variant)?.push(...result.filter((r): r is number => r !== null));
    }
  }

  // (c) Frames in the bench page: idle floor, then the 8 instances playing.
  await startFrames(benchPage);
  await delay(1_500);
  const idle = await stopFrames(benchPage);
  const plays: Play[] = [];
  for (const rate of PLAY_RATES) plays.push(await play(benchPage, frames, rate, playMs));
  const errors = (await Promise.all([...frames.values()].map(readState))).flatMap((s) => s?.errors ?? []);

  const formationMs = formations.map((f) => f.ms);
  const rtt = (v: Variant): number | null => median(rtts.get(v) ?? []);
  const interval = intervalText(bootstrapRatio(rtts.get('bench') ?? [], rtts.get('pages') ?? [], median, 200));
  ctx.log(`test-bench: formation ${formationMs.join(', ')} ms; RTT ${rtt('bench')?.toFixed(2)} / ${rtt('pages')?.toFixed(2)} ms; frame p99 ${plays.map((p) => `${p99(p.intervals)?.toFixed(1)} ms at ${p.rate}/s`).join(', ')} (idle ${p99(idle.intervals)?.toFixed(1)})`);
  return [
    {
      scenario: 'test-bench',
      metric: FORMATION_METRIC,
      unit: 'ms',
      ours: median(formationMs),
      raw: null,
      stock: null,
      target: FORMATION_TARGET,
      where: 'loopback',
      samples: `${rounds} bench page loads`,
      note: [
        `each: ${formationMs.join(', ')} ms (max ${Math.max(...formationMs)})`,
        `dials per bench ${formations.map((f) => f.dials).join(', ')} (${LINKS} without retries)`,
        ...(formations.some((f) => f.reregistrations > 0) ? [`registrations retried: ${formations.map((f) => f.reregistrations).join(', ')}`] : []),
      ].join('; '),
    },
    {
      scenario: 'test-bench',
      metric: RTT_METRIC,
      unit: 'ms',
      ours: rtt('bench'),
      raw: rtt('pages'),
      stock: null,
      target: RTT_TARGET,
      where: 'loopback',
      samples: `${rtts.get('bench')?.length ?? 0} round trips per variant, in batches of ${PINGS_PER_BATCH} alternating`,
      note: [
        `raw column: two top-level pages of the same game, each in its own browser context, while the bench of ${COUNT} stays open and idle`,
        `ratio 95% bootstrap interval ${interval}`,
        `p99 ${percentile(rtts.get('bench') ?? [], 99)?.toFixed(1)} vs ${percentile(rtts.get('pages') ?? [], 99)?.toFixed(1)} ms`,
        ...(lost > 0 ? [`${lost} pings unanswered in ${PING_TIMEOUT_MS / 1000} s`] : []),
      ].join('; '),
    },
    ...plays.map(
      (p, i): Row => ({
        scenario: 'test-bench',
        metric: frameMetric(p.rate),
        unit: 'ms',
        ours: p99(p.intervals),
        raw: null,
        stock: null,
        target: i === 0 ? FRAME_TARGET : NO_TARGET,
        where: 'Chromium page',
        samples: `${p.intervals.length} frames over ${playMs / 1000} s`,
        note: [
          `moves received ${p.received.toLocaleString('en-US')} of ${(COUNT * (COUNT - 1) * p.rate * (playMs / 1000)).toLocaleString('en-US')} sent at that rate`,
          `max ${Math.max(...p.intervals).toFixed(0)} ms, ${p.intervals.filter((v) => v >= 50).length} frames ≥ 50 ms, median ${(median(p.intervals) ?? NaN).toFixed(1)} ms`,
          `long tasks: ${p.longTasks.length} (longest ${p.longTasks.length ? Math.max(...p.longTasks).toFixed(0) : 0} ms)`,
          `idle floor p99 ${(p99(idle.intervals) ?? NaN).toFixed(1)} ms`,
          ...(errors.length > 0 ? [`game errors: ${errors.slice(0, 3).join(', ')}`] : []),
        ].join('; '),
      }),
    ),
  ];
}
