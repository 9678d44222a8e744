/**
 * Dashboard, web tier: a browser player on the LAN gets the same dashboard
 * without host controls. On this machine the "LAN" is simulated on loopback:
 * Chromium resolves `player.lan` to 127.0.0.1, so the host sees a non-loopback
 * Host header and refuses control (as for a player's browser), while every
 * packet stays on loopback.
 */
import { expect, test } from '../fixtures/test.js';
import type { LanState } from '../../src-preload/contract.js';
import type { RunningHost } from '../fixtures/host.js';
import { P2P_LAUNCH_OPTIONS } from '../fixtures/p2p/harness.js';
import { dismissWelcome, onlineId } from './dashboard-helpers.js';

const PLAYER_HOSTNAME = 'player.lan';

test.use({
  launchOptions: { ...P2P_LAUNCH_OPTIONS, args: [...P2P_LAUNCH_OPTIONS.args, `--host-resolver-rules=MAP ${PLAYER_HOSTNAME} 127.0.0.1`] },
});

async function lanState(host: RunningHost): Promise<LanState> {
  return (await (await fetch(`${host.url}api/lan`)).json()) as LanState;
}

test('a browser player gets the dashboard without host controls, keeps its own settings, and plays', async ({ host, dashboards }) => {
  const owner = await dashboards.open(host);
  const ownerId = await onlineId(owner.page);
  const hostName = (await lanState(host)).instances[0]?.name ?? '';
  const player = await dashboards.open({ ...host, url: `http://${PLAYER_HOSTNAME}:${host.port}/` });
  const { page } = player;
  // Same dashboard, on the LAN's default broker without typing anything...
  await onlineId(page);
  await expect(page.getByTestId('broker-running')).toHaveText('running');
  // ...but no host controls: no broker start/stop, no host settings.
  await expect(page.getByTestId('broker-toggle')).toHaveCount(0);
  await expect(page.getByText('Starting and stopping the broker is done on the host machine.')).toBeVisible();
  // Its name is its own (not the host's OS user), kept in this browser only.
  await expect(page.getByTestId('welcome-name-input')).toHaveValue('Player');
  await page.getByTestId('welcome-name-input').fill('Bea');
  await page.getByTestId('welcome-name-save').click();
  await dismissWelcome(page);
  await page.getByTestId('open-settings').click();
  const dialog = page.getByTestId('settings-dialog');
  await expect(dialog.getByText('Saved in this browser')).toBeVisible();
  await expect(dialog.getByText(/set on the host machine/)).toBeVisible();
  await expect(dialog.getByTestId('broker-settings-save')).toHaveCount(0);
  await dialog.getByTestId('settings-auto-connect').click();
  await expect(dialog.getByTestId('settings-auto-connect')).toHaveAttribute('aria-checked', 'true');
  await page.keyboard.press('Escape');
  await page.reload();
  // A reload registers under a new random id (a custom id would be kept for the tab).
  const playerId = await onlineId(page);
  await expect(page.getByTestId('welcome')).toHaveCount(0);
  await expect(page.getByTestId('display-name-input')).toHaveValue('Bea');
  await expect(page.getByTestId('auto-connect')).toHaveAttribute('aria-checked', 'true');
  // The host's settings and advertised peer id are untouched by the player.
  const lan = await lanState(host);
  expect(lan.instances[0]?.name).toBe(hostName);
  expect(lan.instances[0]?.peerId).toBe(ownerId);
  // The owner page still has auto-connect off (the player's switch is the player's).
  await expect(owner.page.getByTestId('auto-connect')).toHaveAttribute('aria-checked', 'false');

  // And it plays: the player's auto-connect reaches the owner (by the dial rule, or its fallback).
  await expect(owner.page.locator(`[data-testid="peer-row"][data-peer-id="${playerId}"] [data-testid="peer-state"]`)).toHaveText('Open', {
    timeout: 25_000,
  });
  await owner.page.getByTestId('event-name').fill('hello');
  await owner.page.getByTestId('event-data').fill('from the host machine');
  await owner.page.getByTestId('event-send').click();
  const row = page.getByTestId('event-row').filter({ hasText: 'from the host machine' });
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('event-sender')).toContainText(ownerId);
  // Named from the LAN list: the owner's id is the one this instance advertises.
  await expect(row.getByTestId('event-sender')).toContainText(hostName);

});
