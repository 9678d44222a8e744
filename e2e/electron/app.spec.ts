/**
 * Electron tier: the real app through Playwright's `_electron`. It needs the
 * Electron binary, which `electron@45+` downloads lazily on first run and which
 * cannot be downloaded on this project's CI machine. We detect it from files
 * only (requiring the `electron` package would try a download) and skip with a
 * printed reason when it is absent.
 */
import { _electron as electron, expect, test } from '@playwright/test';
import type { LanPartyApi } from '../../src-preload/contract.js';
import { electronBinary, ELECTRON_SKIP_REASON } from '../fixtures/electron-binary.js';
import { REPO_ROOT } from '../fixtures/host.js';

const binary = electronBinary();

test.describe('Electron app', () => {
  test.skip(!binary, ELECTRON_SKIP_REASON);

  test('the window shows the host state with a running broker', async () => {
    const app = await electron.launch({
      executablePath: binary ?? undefined,
      args: [REPO_ROOT, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
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
});
