/**
 * Electron tier: the dashboard's first launch in the real app window, through
 * the preload bridge. A fresh profile (its own settings file and storage) so
 * the welcome shows; skipped with the printed reason where there is no
 * Electron binary (see e2e/fixtures/electron-binary.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { electronBinary, ELECTRON_SKIP_REASON } from '../fixtures/electron-binary.js';
import { REPO_ROOT } from '../fixtures/host.js';

const binary = electronBinary();

test.describe('Electron dashboard', () => {
  test.skip(!binary, ELECTRON_SKIP_REASON);

  test('first launch: name from the OS user, looking for players, on the default broker without typing', async () => {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'lan-party-e2e-'));
    const app = await electron.launch({
      executablePath: binary ?? undefined,
      // userData lives under XDG_CONFIG_HOME on Linux; --user-data-dir covers Chromium's own storage.
      // --no-discovery: tests never send mDNS on a real network (the LAN tier covers discovery in namespaces).
      args: [REPO_ROOT, '--no-discovery', `--user-data-dir=${path.join(profile, 'chromium')}`, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
      env: { ...process.env, XDG_CONFIG_HOME: profile, ELECTRON_ENABLE_LOGGING: '1' },
    });
    try {
      const page = await app.firstWindow();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));

      // The welcome asks for a name, prefilled from the OS user (the host's default display name).
      const welcome = page.getByTestId('welcome');
      await expect(welcome).toBeVisible();
      const osUser = os.userInfo().username;
      await expect(page.getByTestId('welcome-name-input')).toHaveValue(osUser.length > 0 ? osUser : /\S/);
      // This instance is on the LAN list; alone, it says it is looking for players.
      await expect(page.getByTestId('lan-instance').filter({ hasText: 'this machine' })).toHaveCount(1);
      await expect(page.getByTestId('welcome-lan')).toHaveAttribute('data-state', /looking|found/);
      // Its own broker is the LAN default when alone, and the dashboard registered there by itself.
      await expect(page.getByTestId('link-state')).toHaveText('Online', { timeout: 20_000 });
      await expect(page.getByTestId('own-peer-id')).toHaveText(/\S/);
      await expect(page.getByTestId('welcome-broker')).toHaveAttribute('data-state', 'connected');
      await expect(page.getByTestId('broker-running')).toHaveText('running');
      await expect(page.getByTestId('broker-clients')).toHaveText(/^[1-9]\d*$/);
      // Host controls are there in the app window.
      await expect(page.getByTestId('broker-toggle')).toBeVisible();

      // Picking a name sticks.
      await page.getByTestId('welcome-name-input').fill('Electron tester');
      await page.getByTestId('welcome-name-save').click();
      await expect(page.getByTestId('lan-instance').filter({ hasText: 'this machine' })).toContainText('Electron tester');
      await page.getByTestId('welcome-dismiss').click();
      await expect(welcome).toHaveCount(0);

      expect(problems).toEqual([]);
    } finally {
      await app.close();
      fs.rmSync(profile, { recursive: true, force: true });
    }
  });
});
