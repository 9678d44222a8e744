/**
 * Hosting and playing a game from the dashboard: clear errors for a missing or
 * non-game folder, the hosted game listed for the LAN, Play opening it (a tab
 * in a browser), its player showing up in the broker panel, and stopping.
 */
import path from 'node:path';
import { expect, test } from '../fixtures/test.js';
import { assembleDotsGame, type FixtureGame } from '../fixtures/games/assemble.js';
import { REPO_ROOT } from '../fixtures/host.js';
import { P2P_LAUNCH_OPTIONS } from '../fixtures/p2p/harness.js';
import { onlineId, openDashboard } from './dashboard-helpers.js';

test.use({ launchOptions: P2P_LAUNCH_OPTIONS });

let game: FixtureGame;

test.beforeEach(() => {
  game = assembleDotsGame();
});

test.afterEach(() => {
  game.remove();
});

test('host a game from the dashboard, play it, see its player, stop hosting', async ({ host, browser }) => {
  const dashboard = await openDashboard(browser, host);
  const { page } = dashboard;
  const ownId = await onlineId(page);
  const field = page.getByTestId('game-path');
  const message = page.getByTestId('game-path-message');
  await expect(page.getByTestId('games-empty')).toBeVisible();

  // Clear errors, next to the field, and nothing hosted.
  await field.fill('/nonexistent/game-folder');
  await page.getByTestId('host-game').click();
  await expect(message).toHaveText('No game at /nonexistent/game-folder: that folder or .zip does not exist.');
  await field.fill(path.join(REPO_ROOT, 'e2e', 'web'));
  await page.getByTestId('host-game').click();
  await expect(message).toContainText('is not a web game: it has no index.html');
  await field.fill('relative/game');
  await page.getByTestId('host-game').click();
  await expect(message).toContainText('the game path must be absolute');
  await expect(page.getByTestId('hosted-game')).toHaveCount(0);

  // A real game.
  await field.fill(game.folder);
  await page.getByTestId('host-game').click();
  await expect(page.getByTestId('hosted-game')).toHaveCount(1);
  const listed = page.getByTestId('lan-game');
  await expect(listed).toHaveCount(1);
  await expect(listed).toContainText(path.basename(game.folder));
  // At the root of its own port: its own origin, not the dashboard's.
  await expect(listed).toContainText(/http:\/\/127\.0\.0\.1:\d+\//);
  const listedUrl = /http:\/\/127\.0\.0\.1:\d+\//.exec((await listed.textContent()) ?? '')?.[0] ?? '';
  expect(Number(new URL(listedUrl).port)).not.toBe(host.port);

  // Play opens the game in a tab; the game registers on the LAN broker and shows up in the broker panel.
  const [tab] = await Promise.all([page.waitForEvent('popup'), listed.getByRole('button', { name: /^Play / }).click()]);
  await tab.waitForURL(listedUrl);
  await expect.poll(() => tab.evaluate(() => (window as unknown as { gameState?: { id: string } }).gameState?.id ?? ''), { timeout: 15_000 }).not.toBe('');
  const gameId = await tab.evaluate(() => (window as unknown as { gameState: { id: string } }).gameState.id);
  await expect(page.getByTestId('broker-clients')).toHaveText('2');
  await page.getByTestId('broker-client-list').locator('summary').click();
  await expect(page.getByTestId('broker-client-id')).toHaveText([ownId, gameId].sort());

  // Stop hosting: gone from both lists, and the game's port no longer listens.
  await page.getByRole('button', { name: /^Stop hosting / }).click();
  await expect(page.getByTestId('hosted-game')).toHaveCount(0);
  await expect(page.getByTestId('games-empty')).toBeVisible();
  await expect(fetch(tab.url())).rejects.toThrow();
  expect(dashboard.problems).toEqual([]);
  await dashboard.context.close();
});
