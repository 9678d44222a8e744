/**
 * Dashboard, web tier: the first launch on a real headless host. The display
 * name defaults from the host, the dashboard says it is looking for players,
 * lists the LAN, and is connected to the LAN's default broker without anyone
 * typing an address. Also: settings persist through the host, and the page
 * is usable at 800x600.
 */
import { expect, test } from '../fixtures/test.js';
import type { LanState } from '../../src-preload/contract.js';
import type { RunningHost } from '../fixtures/host.js';
import { P2P_LAUNCH_OPTIONS } from '../fixtures/p2p/harness.js';
import { expectNoHorizontalOverflow, onlineId, saveScreenshot } from './dashboard-helpers.js';

test.use({ launchOptions: P2P_LAUNCH_OPTIONS });

async function lanState(host: RunningHost): Promise<LanState> {
  const response = await fetch(`${host.url}api/lan`);
  return (await response.json()) as LanState;
}

test('first launch: name from the host, looking for players, on the default broker without typing', async ({ host, dashboards }, testInfo) => {
  const d = await dashboards.open(host);
  const { page } = d;
  const hostName = (await lanState(host)).instances[0]?.name ?? '';
  expect(hostName).not.toBe('');

  const welcome = page.getByTestId('welcome');
  await expect(welcome).toBeVisible();
  await expect(page.getByTestId('welcome-name-input')).toHaveValue(hostName);
  // Alone on the LAN: it says it is looking, and lists this machine with its broker as the default.
  await expect(page.getByTestId('welcome-lan')).toHaveAttribute('data-state', 'looking');
  await expect(page.getByTestId('welcome-lan')).toContainText('Looking for players');
  const self = page.getByTestId('lan-instance');
  await expect(self).toHaveCount(1);
  await expect(self).toContainText(hostName);
  await expect(self).toContainText('this machine');
  await expect(self.getByTestId('default-broker')).toBeVisible();
  await expect(page.getByTestId('players-empty')).toBeVisible();

  // Connected to the LAN default broker, nothing typed: the host's own broker (the only one).
  const id = await onlineId(page);
  await expect(page.getByTestId('welcome-broker')).toHaveAttribute('data-state', 'connected');
  await expect(page.getByTestId('welcome-broker')).toContainText(`127.0.0.1:${host.port}`);
  await expect(page.getByTestId('default-broker-reason')).toContainText('only broker on the LAN');
  await expect(page.getByTestId('detail-port')).toHaveText(String(host.port));
  await expect(page.getByTestId('detail-host')).toHaveText('127.0.0.1');
  await expect(page.getByTestId('detail-path')).toHaveText('/');
  await expect(page.getByTestId('detail-key')).toHaveText('peerjs');
  await expect(page.getByTestId('detail-ssl')).toHaveText('false');
  // Each detail has a copy button that really copies it.
  await d.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(host.url).origin });
  const copyPort = page.getByRole('button', { name: 'Copy broker port' });
  await copyPort.click();
  await expect(copyPort).toHaveAttribute('data-status', 'copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(String(host.port));
  await page.getByRole('button', { name: 'Copy PeerJS options' }).click();
  expect(JSON.parse(await page.evaluate(() => navigator.clipboard.readText()))).toEqual(host.brokerEndpoint);
  // This page controls the host, so the host advertises its peer id on the LAN.
  await expect.poll(async () => (await lanState(host)).instances[0]?.peerId, { timeout: 10_000 }).toBe(id);
  await expect(self).toContainText(id);
  await expectNoHorizontalOverflow(page);
  await saveScreenshot(page, testInfo, 'dashboard-empty-lan');

  // Picking a name: validated as typed, saved on the host.
  const name = page.getByTestId('welcome-name-input');
  await name.fill('   ');
  await expect(page.getByTestId('welcome-name-save')).toBeDisabled();
  await expect(welcome.getByText('The display name cannot be empty')).toBeVisible();
  await name.fill('Ada');
  await page.getByTestId('welcome-name-save').click();
  await expect.poll(async () => (await lanState(host)).instances[0]?.name, { timeout: 10_000 }).toBe('Ada');
  await expect(self).toContainText('Ada');

  // Dismissed once, the welcome stays away after a reload; the name stays (host settings).
  await page.getByTestId('welcome-dismiss').click();
  await page.reload();
  await onlineId(page);
  await expect(page.getByTestId('welcome')).toHaveCount(0);
  await expect(page.getByTestId('display-name-input')).toHaveValue('Ada');

});

test('settings persist on the host; the dashboard is usable at 800x600 and by keyboard', async ({ host, dashboards }, testInfo) => {
  const d = await dashboards.open(host, { viewport: { width: 800, height: 600 } });
  const { page } = d;
  await onlineId(page);

  // Keyboard, from the top of the page: the settings button is reachable with Tab and opens a modal dialog.
  const settingsButton = page.getByTestId('open-settings');
  for (let i = 0; i < 10; i += 1) {
    if (await settingsButton.evaluate((el) => el === document.activeElement)) break;
    await page.keyboard.press('Tab');
  }
  await expect(settingsButton).toBeFocused();
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('settings-dialog');
  await expect(dialog).toBeVisible();
  // Escape closes it and gives the focus back.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(settingsButton).toBeFocused();
  // Dismissing the welcome by keyboard moves the focus to the first panel, not to nowhere.
  await page.getByTestId('welcome-dismiss').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('panel-identity')).toBeFocused();
  await expectNoHorizontalOverflow(page);
  await saveScreenshot(page, testInfo, 'dashboard-800x600');

  await settingsButton.click();
  await expect(dialog).toBeVisible();
  // An ICE server: refused with the reason when malformed, saved on the host when valid.
  const url = dialog.getByLabel('URL', { exact: true });
  await url.fill('http://not-ice');
  await expect(dialog.getByText(/starts with stun:, stuns:, turn: or turns:/)).toBeVisible();
  await url.fill('stun:10.0.0.1:3478');
  await dialog.getByTestId('ice-add').click();
  await dialog.getByTestId('ice-save').click();
  await expect(dialog.getByTestId('ice-status')).toHaveText('Saved');
  // The broker key: a restart of the broker with the new key, persisted.
  const key = dialog.getByLabel('Key', { exact: true });
  await key.fill('bad key!');
  await expect(dialog.getByText(/the broker key is 1 to 64 letters/i)).toBeVisible();
  await expect(dialog.getByTestId('broker-settings-save')).toBeDisabled();
  await key.fill('party');
  await dialog.getByTestId('broker-settings-save').click();
  await expect(dialog.getByTestId('broker-settings-status')).toHaveText('Saved');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect.poll(async () => (await lanState(host)).defaultBroker?.endpoint.key, { timeout: 10_000 }).toBe('party');
  // The engine follows the default broker to its new key and is online again.
  await expect(page.getByTestId('link-broker')).toContainText('key party', { timeout: 15_000 });
  await expect(page.getByTestId('link-state')).toHaveText('Online', { timeout: 15_000 });

  await page.reload();
  await onlineId(page);
  await page.getByTestId('open-settings').click();
  await expect(page.getByTestId('settings-dialog').getByText('stun:10.0.0.1:3478')).toBeVisible();
  await expect(page.getByTestId('settings-dialog').getByLabel('Key', { exact: true })).toHaveValue('party');

});
