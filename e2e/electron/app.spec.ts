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
import { _electron as electron, expect, test } from '@playwright/test';
import { assembleDotsGame } from '../fixtures/games/assemble.js';
import type { LanPartyApi } from '../../src-preload/contract.js';
import { electronBinary, ELECTRON_SKIP_REASON } from '../fixtures/electron-binary.js';
import { REPO_ROOT } from '../fixtures/host.js';

const binary = electronBinary();

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

  test('Play opens the game in a second window that has no window.lanParty control API', async () => {
    const game = assembleDotsGame();
    const app = await electron.launch({
      executablePath: binary ?? undefined,
      args: [REPO_ROOT, '--no-discovery', `--user-data-dir=${profile}`, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
    });
    try {
      const appWindow = await app.firstWindow();
      await appWindow.getByTestId('game-path').fill(game.folder);
      await appWindow.getByTestId('host-game').click();
      const listed = appWindow.getByTestId('lan-game');
      await expect(listed).toHaveCount(1);
      const [gameWindow] = await Promise.all([app.waitForEvent('window'), listed.getByRole('button', { name: /^Play / }).click()]);
      await gameWindow.waitForLoadState();
      // The game at the root of a port of its own: its own origin.
      expect(gameWindow.url()).toMatch(/^http:\/\/[^/]+:\d+\/$/);
      expect(await gameWindow.evaluate(() => typeof (window as unknown as { lanParty?: unknown }).lanParty)).toBe('undefined');
      expect(await gameWindow.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      // The game itself runs: it registered on the LAN broker through the injected shim.
      await expect.poll(() => gameWindow.evaluate(() => (window as unknown as { gameState?: { id: string } }).gameState?.id ?? '')).not.toBe('');
    } finally {
      await app.close();
      game.remove();
    }
  });
});
