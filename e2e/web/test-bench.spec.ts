/**
 * The test bench (issue 12) in a real browser against a real headless host
 * serving the dots fixture (stock PeerJS 1.4.6) in mesh mode
 * (`?mesh=ROOM&heartbeat=1` through the bench's `query`): one bench of 8,
 * opened from the Games panel's "Test with N players", reused for every
 * assertion: 8 frames tiled without overlap over most of the grid, all 8
 * registered and open to the 7 others, each reading its own index and the
 * count, a key typed in the focused instance moving that instance only and
 * seen by the 7 others, F8 moving the focus, the labels and the timeline,
 * a preset on one tile, kill (the others report it gone within their 1.5 s
 * heartbeat) and rejoin (back, connected to all). Then a bench of 4: the
 * timeline hiding a name, one preset for all kept over Reload all; and the
 * states a wrong address gets: an unknown game, a count out of range.
 *
 * Prints `[test-bench] ...` lines with the measured figures.
 */
import type { Frame, Locator, Page } from '@playwright/test';
import type { DotsTestState } from '../fixtures/games/dots-driver.js';
import { benchIndexOf } from '../fixtures/games/instances.js';
import { P2P_LAUNCH_OPTIONS } from '../fixtures/p2p/harness.js';
import { expect, test } from '../fixtures/test.js';
import { expectNoProblems, saveScreenshot, type Dashboard } from './dashboard-helpers.js';

test.use({
  launchOptions: P2P_LAUNCH_OPTIONS,
  // Both benches play the same, unedited game on one host.
  hostOptions: async ({ sharedDotsGame }, use) => use({ args: ['--game', sharedDotsGame.folder] }),
});

const ROOM = 'ROOM';
const MESH_QUERY = `mesh=${ROOM}&heartbeat=1`;
/** The dots fixture's heartbeat: a peer silent this long is listed gone (checked every 50 ms). */
const HEARTBEAT_GONE_MS = 1_500;
/**
 * What the bound allows on top: the fixture's 50 ms check, and timers late on
 * a busy thread: the 8 instance frames share one renderer main thread (one
 * site, `localhost`; the bench page is on 127.0.0.1, another process).
 * Measured here: listed gone 1.5-1.6 s after the kill; 3.1 s when the frames
 * were on the bench page's own site and the dashboard page (that site too,
 * rendering every event of the 8) stayed open, hence the dashboard closed
 * below.
 */
const GONE_SLACK_MS = 1_000;

/** The attached frame of bench instance `index` (a killed one has none; a rejoined one is a new frame). */
function frameOf(page: Page, index: number): Frame | undefined {
  return page.frames().find((frame) => benchIndexOf(frame) === index);
}

/**
 * Waits until instance `index`'s own document has the keyboard focus. The
 * ring shows at once, but the browser hands the focus to a frame of another
 * process a moment later: a key pressed in between went nowhere (2 of 4 runs).
 */
async function keysReach(page: Page, index: number): Promise<void> {
  await expect
    .poll(async () => (await frameOf(page, index)?.evaluate(() => document.hasFocus()).catch(() => false)) ?? false, { message: `instance ${index} has the keyboard focus` })
    .toBe(true);
}

async function stateOf(page: Page, index: number): Promise<DotsTestState | null> {
  const frame = frameOf(page, index);
  if (!frame) return null;
  try {
    return await frame.evaluate(() => (window as unknown as { gameState?: DotsTestState }).gameState ?? null);
  } catch {
    // Navigating or detached meanwhile: not ready yet.
    return null;
  }
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, k) => from + k);
const idOf = (index: number): string => `${ROOM}-${index}`;
const othersOf = (index: number, count: number): string[] => range(1, count).filter((j) => j !== index).map(idOf).sort();
const tile = (page: Page, index: number): Locator => page.locator(`[data-testid="bench-tile"][data-index="${index}"]`);

/** Every instance in `indexes` registered under its mesh id and open to all the others. */
async function expectMeshReady(page: Page, count: number, indexes: number[], timeout: number): Promise<void> {
  await expect
    .poll(
      async () => {
        const notReady: string[] = [];
        for (const index of indexes) {
          const state = await stateOf(page, index);
          if (!state || state.id !== idOf(index) || [...state.open].sort().join() !== othersOf(index, count).join()) notReady.push(`${index}: ${state ? `${state.id} open to ${state.open.length}` : 'no page'}`);
        }
        return notReady;
      },
      { timeout, intervals: [200], message: 'instances not yet registered and open to every other one' },
    )
    .toEqual([]);
}

test('a bench of 8: tiled, all connected, own index, focus, moves seen by all, timeline, preset, kill and rejoin', async ({ fileHost: host, dashboards }, testInfo) => {
  const dashboard = await dashboards.open(host, { viewport: { width: 1600, height: 900 } });
  // "Test with N players" in the Games panel opens the bench of the hosted game in a tab of its own.
  const launcher = dashboard.page.getByTestId('test-with-players');
  await launcher.getByTestId('bench-count').fill('8');
  const [opened] = await Promise.all([dashboard.context.waitForEvent('page'), launcher.getByTestId('open-bench').click()]);
  await opened.waitForURL(/\/bench\.html\?/, { waitUntil: 'commit' });
  const address = new URL(opened.url());
  expect(address.searchParams.get('count')).toBe('8');
  expect(address.searchParams.get('game')).toMatch(/^[0-9a-f]{8}$/);
  expect(await opened.evaluate(() => window.opener)).toBeNull();
  // The dashboard's page shares a renderer thread with the bench (same site): closed, it costs the 8 instances nothing.
  await dashboard.page.close();
  // The same bench with the mesh mode of the fixture (a bench's `query` reaches every instance).
  const bench = opened;
  const problems: string[] = [];
  bench.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  address.searchParams.set('query', MESH_QUERY);
  const started = Date.now();
  await bench.goto(address.href);

  const frames = bench.getByTestId('bench-frame');
  await expect(frames).toHaveCount(8);
  for (const frame of await frames.all()) {
    await expect(frame).toHaveAttribute('sandbox', 'allow-scripts allow-same-origin allow-pointer-lock allow-forms');
  }
  await expectMeshReady(bench, 8, range(1, 8), 30_000);
  console.log(`[test-bench] 8 instances registered and fully meshed ${Date.now() - started} ms after the bench page was opened`);

  // Tiles: no two overlap, inside the grid, covering most of it.
  const grid = await bench.getByTestId('bench-grid').boundingBox();
  const boxes = await Promise.all(range(1, 8).map(async (i) => (await tile(bench, i).boundingBox()) ?? { x: 0, y: 0, width: 0, height: 0 }));
  expect(grid).not.toBeNull();
  const area = (grid?.width ?? 0) * (grid?.height ?? 0);
  for (const [i, a] of boxes.entries()) {
    expect(a.width * a.height, `tile ${i + 1} is visible`).toBeGreaterThan(0);
    expect(a.x).toBeGreaterThanOrEqual((grid?.x ?? 0) - 0.5);
    expect(a.y).toBeGreaterThanOrEqual((grid?.y ?? 0) - 0.5);
    expect(a.x + a.width).toBeLessThanOrEqual((grid?.x ?? 0) + (grid?.width ?? 0) + 0.5);
    expect(a.y + a.height).toBeLessThanOrEqual((grid?.y ?? 0) + (grid?.height ?? 0) + 0.5);
    for (const [j, b] of boxes.entries()) {
      if (j <= i) continue;
      const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
      expect(overlap, `tiles ${i + 1} and ${j + 1} overlap`).toBe(false);
    }
  }
  const covered = boxes.reduce((sum, box) => sum + box.width * box.height, 0) / area;
  console.log(`[test-bench] 8 tiles cover ${(covered * 100).toFixed(0)} % of the grid area (${grid?.width}x${grid?.height} px)`);
  expect(covered).toBeGreaterThanOrEqual(0.5);

  // Each instance reads its own index and the count, from the agent's read-only globals.
  for (const index of range(1, 8)) {
    const identity = await frameOf(bench, index)?.evaluate(() => {
      const w = window as unknown as { lanPartyInstance?: number; lanPartyCount?: number };
      return [w.lanPartyInstance, w.lanPartyCount];
    });
    expect(identity, `instance ${index}`).toEqual([index, 8]);
  }

  // Labels: each tile names its player and its 7 open links (from the host's instances, within its 500 ms push).
  for (const index of range(1, 8)) {
    await expect(tile(bench, index).getByTestId('tile-peer')).toHaveText(idOf(index));
    await expect(tile(bench, index).getByTestId('tile-links')).toHaveText('7 open');
  }
  await expect(tile(bench, 1).getByTestId('tile-rtt')).toHaveText(/^RTT (<1|\d+) ms$/);
  // The timeline hides the fixture's heartbeat (7 links x 4/s each way per instance), so the moves below show.
  const timeline = bench.getByTestId('bench-timeline');
  await expect(timeline.locator('[data-testid="bench-event"][data-name="hb"]').first()).toBeVisible();
  await timeline.locator('[data-testid="bench-event-name-switch"][data-name="hb"]').uncheck();
  await expect(timeline.locator('[data-testid="bench-event"][data-name="hb"]')).toHaveCount(0);

  // Focus: instance 1 takes the keys (its tile shows the ring); a move there is seen by the 7 others, instance 2 does not move.
  const before1 = (await stateOf(bench, 1))?.me;
  const before2 = (await stateOf(bench, 2))?.me;
  await tile(bench, 1).getByTestId('tile-focus').click();
  await expect(tile(bench, 1)).toHaveAttribute('data-focused', 'true');
  await keysReach(bench, 1);
  await bench.keyboard.press('ArrowRight');
  const moved1 = { x: (before1?.x ?? 0) + 10, y: before1?.y ?? 0 };
  await expect.poll(async () => (await stateOf(bench, 1))?.me).toEqual(moved1);
  for (const index of range(2, 8)) await expect.poll(async () => (await stateOf(bench, index))?.others[idOf(1)], { message: `instance ${index} sees 1 move` }).toEqual(moved1);
  expect((await stateOf(bench, 2))?.me).toEqual(before2);
  // F8 inside instance 1 moves the focus to instance 2 (the agent asks the bench): keys now go there only.
  await bench.keyboard.press('F8');
  await expect(tile(bench, 2)).toHaveAttribute('data-focused', 'true');
  await expect(tile(bench, 1)).toHaveAttribute('data-focused', 'false');
  await keysReach(bench, 2);
  await bench.keyboard.press('ArrowDown');
  await expect.poll(async () => (await stateOf(bench, 2))?.me).toEqual({ x: before2?.x ?? 0, y: (before2?.y ?? 0) + 10 });
  expect((await stateOf(bench, 1))?.me).toEqual(moved1);

  // The timeline: instance 1's move, sent and received, each row tagged with its instance.
  await expect(timeline.locator('[data-testid="bench-event"][data-index="1"][data-name="move"]').first()).toBeVisible();
  await expect(timeline.locator('[data-testid="bench-event"][data-index="5"][data-name="move"]').first()).toBeVisible();
  await expect(timeline.locator('[data-testid="bench-event"][data-name="hb"]')).toHaveCount(0);
  await saveScreenshot(bench, testInfo, 'bench-8');

  // A preset on one tile: that instance only.
  await tile(bench, 2).getByTestId('tile-preset').selectOption('mobile-3g');
  await expect(tile(bench, 2).getByTestId('tile-network')).toHaveText('Mobile 3G');
  await expect(tile(bench, 3).getByTestId('tile-network')).toHaveText('no conditions');
  await tile(bench, 2).getByTestId('tile-preset').selectOption('none');
  await expect(tile(bench, 2).getByTestId('tile-network')).toHaveText('no conditions');

  // Kill instance 3: its frame goes at once; the 7 others list it gone within their heartbeat bound.
  // Pages and this process read the same system clock: the others' own log says when each listed 3 gone.
  const killedAt = Date.now();
  await tile(bench, 3).getByTestId('tile-kill').click();
  await expect(frames).toHaveCount(7);
  await expect(tile(bench, 3).getByTestId('tile-killed')).toBeVisible();
  const survivors = range(1, 8).filter((i) => i !== 3);
  await expect
    .poll(
      async () => {
        const missing: number[] = [];
        for (const index of survivors) if (!(await stateOf(bench, index))?.gone.includes(idOf(3))) missing.push(index);
        return missing;
      },
      { timeout: HEARTBEAT_GONE_MS + GONE_SLACK_MS + 2_000, intervals: [100], message: 'instances that do not list 3 as gone yet' },
    )
    .toEqual([]);
  const goneAt = await Promise.all(
    survivors.map(async (index) => (await stateOf(bench, index))?.goneLog.find((entry) => entry.peer === idOf(3) && entry.gone && entry.t >= killedAt)?.t ?? Number.NaN),
  );
  const goneAfter = Math.max(...goneAt) - killedAt;
  console.log(`[test-bench] a killed instance was listed gone by all 7 others ${goneAfter} ms after the kill (heartbeat bound ${HEARTBEAT_GONE_MS} ms)`);
  expect(goneAfter).toBeLessThanOrEqual(HEARTBEAT_GONE_MS + GONE_SLACK_MS);

  // Rejoin: the same index again, registered and connected to all; nobody lists it gone any more.
  await tile(bench, 3).getByTestId('tile-rejoin').click();
  const rejoinedAt = Date.now();
  await expect(frames).toHaveCount(8);
  await expectMeshReady(bench, 8, range(1, 8), 15_000);
  await expect.poll(async () => (await Promise.all(survivors.map((i) => stateOf(bench, i)))).filter((s) => s?.gone.includes(idOf(3))).length).toBe(0);
  console.log(`[test-bench] a rejoined instance was connected to all 7 others ${Date.now() - rejoinedAt} ms after Rejoin`);
  expect(await frameOf(bench, 3)?.evaluate(() => (window as unknown as { lanPartyInstance?: number }).lanPartyInstance)).toBe(3);
  expect(problems).toEqual([]);
  expectNoProblems(dashboard);
});

test('the bench of 4: timeline filter, a preset for all kept over Reload all; an unknown game and a count out of range say so', async ({ fileHost: host, dashboards }, testInfo) => {
  const page: Dashboard = await dashboards.open({ ...host, url: `${host.url}bench.html?game=00000000&count=4` }, { viewport: { width: 1600, height: 900 } });
  // A game that is not (or no longer) hosted: said, with the way back to the dashboard, and no frame.
  await expect(page.page.getByTestId('bench-problem')).toContainText('is not hosted by this LAN Party');
  await expect(page.page.getByTestId('bench-problem').getByRole('link', { name: 'dashboard' })).toHaveAttribute('href', './index.html');
  await expect(page.page.getByTestId('bench-frame')).toHaveCount(0);

  // The game's id, as the Games panel's "Test with N players" opens it.
  await page.page.goto(host.url);
  const launcher = page.page.getByTestId('test-with-players');
  const [opened] = await Promise.all([page.context.waitForEvent('page'), launcher.getByTestId('open-bench').click()]);
  await opened.waitForURL(/\/bench\.html\?/, { waitUntil: 'commit' });
  const address = new URL(opened.url());
  await opened.close();

  // A count out of range is clamped, with a note.
  address.searchParams.set('count', '1');
  await page.page.goto(address.href);
  await expect(page.page.getByTestId('bench-count-note')).toContainText('2 to 16');
  await expect(page.page.getByTestId('bench-frame')).toHaveCount(2);

  // The default bench (4, as the Games panel opens it), for the README.
  address.searchParams.set('count', '4');
  address.searchParams.set('query', MESH_QUERY);
  await page.page.goto(address.href);
  await expect(page.page.getByTestId('bench-frame')).toHaveCount(4);
  await expectMeshReady(page.page, 4, range(1, 4), 15_000);
  for (const index of range(1, 4)) await expect(tile(page.page, index).getByTestId('tile-links')).toHaveText('3 open');
  // The timeline hides the fixture's heartbeat; a move then shows, from its sender and the 3 others.
  await expect(page.page.getByTestId('bench-event').first()).toBeVisible();
  await page.page.locator('[data-testid="bench-event-name-switch"][data-name="hb"]').uncheck();
  await expect(page.page.locator('[data-testid="bench-event"][data-name="hb"]')).toHaveCount(0);
  await frameOf(page.page, 1)?.evaluate(() => (window as unknown as { dotsTest: { move(dx: number, dy: number): void } }).dotsTest.move(30, -20));
  for (const index of range(1, 4)) await expect(page.page.locator(`[data-testid="bench-event"][data-index="${index}"][data-name="move"]`).first()).toBeVisible();
  await saveScreenshot(page.page, testInfo, 'bench-4');

  // One preset for all, then Reload all: every instance is a new page, and each gets its preset again.
  const before = await Promise.all(range(1, 4).map((i) => tile(page.page, i).getAttribute('data-instance-id')));
  await page.page.getByTestId('bench-preset-all').selectOption('congested');
  for (const index of range(1, 4)) await expect(tile(page.page, index).getByTestId('tile-network')).toHaveText('Congested');
  await page.page.getByTestId('bench-reload-all').click();
  for (const [k, index] of range(1, 4).entries()) {
    await expect(tile(page.page, index)).not.toHaveAttribute('data-instance-id', before[k] ?? '');
    await expect(tile(page.page, index)).toHaveAttribute('data-instance-id', /^[0-9a-f]{16}$/);
    await expect(tile(page.page, index).getByTestId('tile-network')).toHaveText('Congested');
  }
  expectNoProblems(page);
});
