/**
 * Electron tier: the real app through Playwright's `_electron`. It needs the
 * Electron binary, which `electron@45+` downloads lazily on first run and which
 * cannot be downloaded on this project's CI machine. We detect it from files
 * only (requiring the `electron` package would try a download) and skip with a
 * printed reason when it is absent.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { assembleDotsGame } from '../fixtures/games/assemble.js';
import type { LanPartyApi } from '../../src-preload/contract.js';
import { electronBinary, ELECTRON_SKIP_REASON } from '../fixtures/electron-binary.js';
import { REPO_ROOT } from '../fixtures/host.js';

const binary = electronBinary();

/** The app on a fresh profile, hosting a fresh copy of the dots game (listed once in the window); `run` gets both, then all closes. */
async function withDotsHosted(profile: string, run: (app: ElectronApplication, appWindow: Page) => Promise<void>): Promise<void> {
  const game = assembleDotsGame();
  const app = await electron.launch({
    executablePath: binary ?? undefined,
    args: [REPO_ROOT, '--no-discovery', `--user-data-dir=${profile}`, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
  });
  try {
    const appWindow = await app.firstWindow();
    await appWindow.getByTestId('game-path').fill(game.folder);
    await appWindow.getByTestId('host-game').click();
    await expect(appWindow.getByTestId('lan-game')).toHaveCount(1);
    await run(app, appWindow);
  } finally {
    await app.close();
    game.remove();
  }
}

test.describe('Electron app', () => {
  test.skip(!binary, ELECTRON_SKIP_REASON);

  let profile: string;
  test.beforeEach(() => {
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'lan-party-electron-'));
  });
  test.afterEach(() => fs.rmSync(profile, { recursive: true, force: true }));

  test('the window shows the host state with a running broker', async () => {
    const app = await electron.launch({
      executablePath: binary ?? undefined,
      args: [REPO_ROOT, '--no-discovery', `--user-data-dir=${profile}`, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
      env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' },
    });
    try {
      const appWindow = await app.firstWindow();
      await expect(appWindow.getByTestId('broker-running')).toHaveText('running');
      await expect(appWindow.getByTestId('broker-port')).toHaveText(/^\d+$/);
      // The renderer is isolated: no Node, only the named API.
      expect(await appWindow.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      expect(await appWindow.evaluate(() => Object.keys((window as unknown as { lanParty?: LanPartyApi }).lanParty ?? {}).sort())).toContain('getHostState');
    } finally {
      await app.close();
    }
  });

  test('"Test with 4 players" opens the bench in a window of its own: 4 instances of the game, each registered', async () => {
    await withDotsHosted(profile, async (app, appWindow) => {
      const launcher = appWindow.getByTestId('test-with-players');
      await launcher.getByTestId('bench-count').fill('4');
      const [bench] = await Promise.all([app.waitForEvent('window'), launcher.getByTestId('open-bench').click()]);
      await bench.waitForLoadState();
      // Our page on the app scheme (src-main/bench-window.ts), with the dashboard's API; the games are frames inside it.
      expect(bench.url()).toMatch(/^lan-party:\/\/app\/bench\.html\?game=[0-9a-f]{8}&count=4$/);
      expect(await bench.evaluate(() => typeof (window as unknown as { lanParty?: unknown }).lanParty)).toBe('object');
      await expect(bench.getByTestId('bench-tile')).toHaveCount(4);
      // Every instance runs the game (framed from the app scheme: the games' frame-ancestors accept lan-party://app).
      await expect
        .poll(async () => {
          const frames = bench.frames().filter((frame) => frame !== bench.mainFrame());
          const ids = await Promise.all(frames.map((frame) => frame.evaluate(() => (window as unknown as { gameState?: { id: string } }).gameState?.id ?? '').catch(() => '')));
          return ids.filter((id) => id !== '').length;
        })
        .toBe(4);
    });
  });

  test('Play opens the game in a second window that has no window.lanParty control API', async () => {
    await withDotsHosted(profile, async (app, appWindow) => {
      const listed = appWindow.getByTestId('lan-game');
      const [gameWindow] = await Promise.all([app.waitForEvent('window'), listed.getByRole('button', { name: /^Play / }).click()]);
      await gameWindow.waitForLoadState();
      // The game at the root of a port of its own: its own origin.
      expect(gameWindow.url()).toMatch(/^http:\/\/[^/]+:\d+\/$/);
      expect(await gameWindow.evaluate(() => typeof (window as unknown as { lanParty?: unknown }).lanParty)).toBe('undefined');
      expect(await gameWindow.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      // The game itself runs: it registered on the LAN broker through the injected shim.
      await expect.poll(() => gameWindow.evaluate(() => (window as unknown as { gameState?: { id: string } }).gameState?.id ?? '')).not.toBe('');
    });
  });
});
