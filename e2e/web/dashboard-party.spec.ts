/**
 * Dashboard, web tier (issue 14, point 3): the party code and the pinned
 * broker from the host's own dashboard, against a real headless host
 * (`--no-discovery`: the mDNS side is e2e/lan/party.spec.ts). The LAN panel
 * says which mode is on; the code is saved on the host, shown as a QR code,
 * and reaches neither `/api/lan` nor a player's dashboard.
 */
import { expect, test } from '../fixtures/test.js';
import type { LanState } from '../../src-preload/contract.js';
import type { RunningHost } from '../fixtures/host.js';
import { P2P_LAUNCH_OPTIONS } from '../fixtures/p2p/harness.js';
import { dismissWelcome, onlineId } from './dashboard-helpers.js';

const PLAYER_HOSTNAME = 'player.lan';
const CODE = 'otter-lantern-42';

test.use({
  launchOptions: { ...P2P_LAUNCH_OPTIONS, args: [...P2P_LAUNCH_OPTIONS.args, `--host-resolver-rules=MAP ${PLAYER_HOSTNAME} 127.0.0.1`] },
});

async function lanText(host: RunningHost): Promise<string> {
  return (await fetch(`${host.url}api/lan`)).text();
}

test('the owner sets a party code and pins a broker; the mode shows; the code reaches no player', async ({ host, dashboards }) => {
  const owner = await dashboards.open(host);
  const page = owner.page;
  await onlineId(page);
  await dismissWelcome(page);
  await expect(page.getByTestId('lan-trust')).toHaveText('No party code');

  await page.getByTestId('open-settings').click();
  const dialog = page.getByTestId('settings-dialog');
  const field = dialog.getByTestId('settings-party-code');
  await expect(field).toHaveAttribute('type', 'password');
  await field.fill('abc');
  await expect(dialog.getByText('a party code has at least 6 characters')).toBeVisible();
  await expect(dialog.getByTestId('party-code-save')).toBeDisabled();
  await field.fill(CODE);
  await dialog.getByTestId('party-code-save').click();
  await expect(dialog.getByTestId('party-code-status')).toHaveText('Party code on');
  // The first machine shows it as a QR code for the next one.
  await dialog.getByTestId('party-code-qr-open').click();
  await expect(page.getByTestId('party-code-qr').locator('svg')).toBeVisible();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('lan-trust')).toHaveText('Party code');
  const lan = JSON.parse(await lanText(host)) as LanState;
  expect(lan.trust).toEqual({ mode: 'party' });
  expect(lan.instances[0]?.party?.member).toBe(true);
  expect(await lanText(host)).not.toContain(CODE);

  // A player's dashboard: the mode, never the code.
  const player = await dashboards.open({ ...host, url: `http://${PLAYER_HOSTNAME}:${host.port}/` });
  await onlineId(player.page);
  await expect(player.page.getByTestId('lan-trust')).toHaveText('Party code');
  expect(await player.page.content()).not.toContain(CODE);

  // Pin this host's broker by hand, then unpin it from the settings.
  const own = page.locator(`[data-testid="lan-instance"][data-instance-id="${lan.instances[0]?.instanceId}"]`);
  await own.getByTestId('pin-broker').click();
  await expect(page.getByTestId('lan-trust')).toHaveText('Pinned broker');
  await expect(own.getByTestId('pinned-broker')).toBeVisible();
  await expect(own.getByTestId('default-broker')).toBeVisible();
  await page.getByTestId('open-settings').click();
  await dialog.getByTestId('unpin-broker').click();
  await expect(page.getByTestId('lan-trust')).toHaveText('Party code');
  await dialog.getByTestId('party-code-remove').click();
  await expect(dialog.getByTestId('party-code-status')).toHaveText('Party code removed');
  await expect(page.getByTestId('lan-trust')).toHaveText('No party code');
});
