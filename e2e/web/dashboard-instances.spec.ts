/**
 * "Instances in play" (issue 11), from a real dashboard on a real headless
 * host: the dots fixture game (stock PeerJS 1.4.6, unmodified) hosted from
 * the Games panel and opened in two pages. The dashboard says how to get an
 * instance, then lists both with their link, an RTT and their `move` events
 * by name; the event console filters by instance; a preset, a cut and a
 * preset for the whole game show on the instances they apply to; a recorded
 * trace downloads as JSONL; a player's dashboard shows none of it; closing
 * the pages brings the empty state back.
 *
 * As in dashboard-player.spec.ts, Chromium resolves `player.lan` to
 * 127.0.0.1, so the host sees a player's Host header while every packet
 * stays on loopback.
 */
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from '../fixtures/test.js';
import { assembleDotsGame, type FixtureGame } from '../fixtures/games/assemble.js';
import { expectMovesSeen, joinTwoPlayers } from '../fixtures/games/dots-driver.js';
import { instanceOf } from '../fixtures/games/instances.js';
import { P2P_LAUNCH_OPTIONS } from '../fixtures/p2p/harness.js';
import { closeAll, expectNoProblems, onlineId, openDashboard, type Dashboard } from './dashboard-helpers.js';

const PLAYER_HOSTNAME = 'player.lan';

test.use({
  launchOptions: { ...P2P_LAUNCH_OPTIONS, args: [...P2P_LAUNCH_OPTIONS.args, `--host-resolver-rules=MAP ${PLAYER_HOSTNAME} 127.0.0.1`] },
});

let game: FixtureGame;

test.beforeEach(() => {
  game = assembleDotsGame();
});

test.afterEach(() => {
  game.remove();
});

/** Hosts the dots game from the Games panel; returns its URL as listed for the LAN. */
async function hostDots(page: Page): Promise<string> {
  await page.getByTestId('game-path').fill(game.folder);
  await page.getByTestId('host-game').click();
  const listed = page.getByTestId('lan-game');
  await expect(listed).toHaveCount(1);
  return /http:\/\/127\.0\.0\.1:\d+\//.exec((await listed.textContent()) ?? '')?.[0] ?? '';
}

const card = (page: Page, instance: string): Locator => page.getByTestId(`instance-${instance}`);
const linksOf = (page: Page, instance: string): Locator => page.locator(`[data-testid^="instance-link-${instance}-"][data-link-id]`);
const moveRow = (page: Page, instance: string): Locator => card(page, instance).locator('[data-testid="instance-event-name"][data-name="move"]');

/**
 * How far anything in `panel` reaches past the panel's right edge, in px. The
 * panel's own, not the page's: other panels are not this spec's to judge.
 */
function overflowOf(panel: Locator): Promise<number> {
  return panel.evaluate((root) => {
    const right = root.getBoundingClientRect().right;
    let worst = root.scrollWidth - root.clientWidth;
    for (const element of root.querySelectorAll('*')) worst = Math.max(worst, element.getBoundingClientRect().right - right);
    return Math.round(worst);
  });
}

test('two instances of a hosted game: listed with their link, RTT and moves; console filter by instance; conditions; trace', async ({ host, browser }, testInfo) => {
  const dashboard = await openDashboard(browser, host);
  const { page } = dashboard;
  let player: Dashboard | null = null;
  const players = await browser.newContext();
  try {
    await onlineId(page);
    // Empty: nothing hosted, then hosted but not open. Each says what to do.
    const empty = page.getByTestId('instances-empty');
    await expect(empty).toContainText('Host a game in the Games panel, then open it in two windows');
    const url = await hostDots(page);
    await expect(empty).toContainText(`Open ${path.basename(game.folder)} in a window: each open page is an instance`);

    // Two instances of the unmodified game, playing.
    const [a, b] = [await players.newPage(), await players.newPage()];
    const { idA, idB } = await joinTwoPlayers(a, b, url, 'mode=plain');
    await expectMovesSeen(a, b, idA, idB);
    const [instA, instB] = [await instanceOf(a), await instanceOf(b)];

    // Both listed, each under its PeerJS id, with its link to the other, an RTT and its moves by name.
    await expect(empty).toHaveCount(0);
    await expect(page.getByTestId('instances-summary')).toHaveText('2 instances');
    await expect(card(page, instA).getByTestId('instance-peer')).toHaveText(idA, { timeout: 10_000 });
    await expect(card(page, instB).getByTestId('instance-peer')).toHaveText(idB);
    for (const [inst, other, moves] of [
      [instA, idB, { in: 2, out: 3 }],
      [instB, idA, { in: 3, out: 2 }],
    ] as const) {
      const link = linksOf(page, inst);
      await expect(link).toHaveCount(1);
      await expect(link.getByTestId('link-peer')).toHaveText(other);
      await expect(link.getByTestId('link-state')).toHaveText('open');
      await expect(link.getByTestId('link-reliable')).toHaveText('unreliable');
      await expect(link.getByTestId('link-rtt')).toHaveText(/^(<1 ms|\d+ ms)$/, { timeout: 10_000 });
      // One move on open, then expectMovesSeen's key presses: A sent 3 and received 2.
      await expect(moveRow(page, inst).getByTestId('event-name-out')).toHaveText(new RegExp(`^${moves.out} · `));
      await expect(moveRow(page, inst).getByTestId('event-name-in')).toHaveText(new RegExp(`^${moves.in} · `));
    }
    await expect(card(page, instA).getByTestId('instance-conditions')).toHaveText('Network: none');

    // The event console: every move of both instances, then only one instance's, then only this dashboard's own (none).
    const rows = page.getByTestId('event-row');
    const source = page.getByTestId('event-source-filter');
    await expect(rows).toHaveCount(10);
    await source.selectOption(instA);
    await expect(rows).toHaveCount(5);
    await expect(rows.getByTestId('event-name-cell')).toHaveText(Array<string>(5).fill('move'));
    for (const tag of await rows.getByTestId('event-instance').all()) await expect(tag).toHaveAttribute('data-instance-id', instA);
    await expect(rows.getByTestId('event-sender').filter({ hasText: idB })).toHaveCount(5);
    await source.selectOption('self');
    await expect(page.getByTestId('event-log-empty')).toContainText('No event matches the filter');
    await source.selectOption(instB);
    await expect(rows).toHaveCount(5);
    await source.selectOption('');

    // A preset on one instance shows on it and its link, not on the other.
    await card(page, instA).getByTestId(`instance-${instA}-preset`).selectOption('mobile-3g');
    await expect(card(page, instA).getByTestId('instance-conditions')).toHaveText('Network: 150 ms ± 50, 2 % loss, 1.6 Mbit/s each way');
    await expect(linksOf(page, instA).getByTestId('link-conditions')).toContainText('150 ms ± 50');
    await expect(card(page, instA).getByTestId(`instance-${instA}-preset`)).toHaveValue('mobile-3g');
    await expect(card(page, instB).getByTestId('instance-conditions')).toHaveText('Network: none');
    // Cut, then Restore: the preset stays in force.
    await card(page, instB).getByTestId(`instance-${instB}-cut`).click();
    await expect(card(page, instB).getByTestId('instance-conditions')).toHaveText('Network: cut: nothing passes either way');
    await expect(card(page, instB).getByTestId(`instance-${instB}-cut`)).toHaveText('Restore');
    await card(page, instB).getByTestId(`instance-${instB}-cut`).click();
    await expect(card(page, instB).getByTestId('instance-conditions')).toHaveText('Network: none');
    // One preset for every instance of the game.
    const section = page.locator('[data-testid^="instance-game-"][aria-label^="Instances of "]');
    const gameId = ((await section.getAttribute('data-testid')) ?? '').replace('instance-game-', '');
    await page.getByTestId(`instance-game-${gameId}-preset`).selectOption('lan');
    await page.getByTestId(`instance-game-${gameId}-apply`).click();
    for (const inst of [instA, instB]) await expect(card(page, inst).getByTestId('instance-conditions')).toHaveText('Network: 1 ms each way');

    // Record a move each way, stop, download: one JSONL line per event on each side, with the conditions noted.
    await page.getByTestId('recording-start').click();
    await expect(page.getByTestId('recording-stop')).toBeVisible();
    await expectMovesSeen(a, b, idA, idB);
    await expect.poll(async () => Number(await page.getByTestId('recording-lines').textContent())).toBeGreaterThanOrEqual(6);
    await page.getByTestId('recording-stop').click();
    await expect(page.getByTestId('recording-start')).toBeVisible();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('recording-download').click()]);
    expect(download.suggestedFilename()).toMatch(/^lan-party-trace-.*\.jsonl$/);
    const text = await (await download.createReadStream()).toArray();
    const lines = Buffer.concat(text as Buffer[])
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { instance?: string; dir?: string; name?: string; conditions?: { up: { latencyMs: number } } });
    const moves = lines.filter((line) => line.name === 'move');
    // expectMovesSeen: A moves twice, B once; each move is an `out` line for its sender and an `in` line for the other.
    expect(moves.filter((l) => l.instance === instA && l.dir === 'out')).toHaveLength(2);
    expect(moves.filter((l) => l.instance === instB && l.dir === 'in')).toHaveLength(2);
    expect(moves.filter((l) => l.instance === instB && l.dir === 'out')).toHaveLength(1);
    expect(moves.filter((l) => l.instance === instA && l.dir === 'in')).toHaveLength(1);
    for (const line of moves) expect(line.conditions?.up.latencyMs).toBe(1);

    // Usable on a phone-sized window: nothing of the panel sticks out of it, the controls included.
    // The panel as a user sees it, attached to the report (it sits below the console, out of a page screenshot).
    const shot = await page.getByTestId('panel-instances').screenshot({ path: testInfo.outputPath('instances-panel.png'), animations: 'disabled', caret: 'hide' });
    await testInfo.attach('instances-panel', { body: shot, contentType: 'image/png' });
    await page.setViewportSize({ width: 375, height: 800 });
    await card(page, instA).getByText('Custom figures, lag spike').click();
    await expect(card(page, instA).getByTestId(`instance-${instA}-spike`)).toBeVisible();
    expect(await overflowOf(page.getByTestId('panel-instances')), 'px of the panel past its right edge at 375 px').toBeLessThanOrEqual(0);
    await testInfo.attach('instances-panel-375px', { body: await page.getByTestId('panel-instances').screenshot({ path: testInfo.outputPath('instances-panel-375.png'), animations: 'disabled' }), contentType: 'image/png' });
    // Once the layout settled after the resize, the page does not scroll sideways either.
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), { message: 'horizontal overflow in px' }).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 800 });

    // A player's dashboard shows nothing of the instances.
    player = await openDashboard(browser, { ...host, url: `http://${PLAYER_HOSTNAME}:${host.port}/` });
    await onlineId(player.page);
    await expect(player.page.getByTestId('lan-game')).toHaveCount(1);
    await expect(player.page.getByTestId('panel-instances')).toHaveCount(0);
    await expect(player.page.getByTestId('event-source-filter')).toHaveCount(0);
    await b.keyboard.press('ArrowDown');
    await expect(page.getByTestId('event-row')).not.toHaveCount(0);
    await expect(player.page.getByTestId('event-from-games')).toHaveCount(0);

    // Pages closed: their instances go, and the panel says how to start one again.
    await b.close();
    await expect(card(page, instB)).toHaveCount(0, { timeout: 15_000 });
    await expect(card(page, instA)).toBeVisible();
    await a.close();
    await expect(empty).toContainText('each open page is an instance', { timeout: 15_000 });
    expectNoProblems(dashboard, ...(player ? [player] : []));
  } finally {
    await players.close();
    await closeAll(dashboard, ...(player ? [player] : []));
  }
});
