/**
 * Dashboard, web tier: two dashboards (two pages, each its own browser
 * context) on one real headless host find each other, connect, exchange
 * events and disconnect, driven only by clicking and typing in the UI.
 */
import { expect, test } from '../fixtures/test.js';
import { P2P_LAUNCH_OPTIONS } from '../fixtures/p2p/harness.js';
import {
  connectById,
  dismissWelcome,
  expectNoHorizontalOverflow,
  onlineId,
  peerRow,
  saveScreenshot,
} from './dashboard-helpers.js';

// Host ICE candidates as plain addresses: Chromium's *.local names would need multicast on the real network.
test.use({ launchOptions: P2P_LAUNCH_OPTIONS });

const RTT_TEXT = /^(<1 ms|\d+ ms|\d+\.\d\d s)$/;

test('two dashboards find each other, connect, exchange an event, show RTT, and both see the disconnect', async ({ host, dashboards }, testInfo) => {
  test.setTimeout(90_000);
  const a = await dashboards.open(host);
  const b = await dashboards.open(host, { colorScheme: 'dark' });
  const aId = await onlineId(a.page);
  const bId = await onlineId(b.page);
  expect(aId).not.toBe(bId);
  await dismissWelcome(a.page);
  await dismissWelcome(b.page);

  // They find each other: each lists the other among the players on the broker.
  const bOnA = a.page.locator(`[data-testid="player"][data-peer-id="${bId}"]`);
  await expect(bOnA).toBeVisible({ timeout: 15_000 });
  await expect(b.page.locator(`[data-testid="player"][data-peer-id="${aId}"]`)).toBeVisible({ timeout: 15_000 });

  // A connects to B by clicking B in its LAN panel.
  await bOnA.getByRole('button', { name: `Connect to ${bId}` }).click();
  const bRowOnA = peerRow(a.page, bId);
  const aRowOnB = peerRow(b.page, aId);
  await expect(bRowOnA.getByTestId('peer-state')).toHaveText('Open', { timeout: 20_000 });
  await expect(aRowOnB.getByTestId('peer-state')).toHaveText('Open', { timeout: 20_000 });
  await expect(bRowOnA).toContainText('outgoing');
  await expect(aRowOnB).toContainText('incoming');
  // One machine, no TURN server: the selected ICE pair is host to host, shown as direct (relayed is e2e/lan/turn.spec.ts).
  await expect(bRowOnA.getByTestId('peer-path')).toHaveText('direct');
  await expect(aRowOnB.getByTestId('peer-path')).toHaveText('direct');
  await expect(bOnA).toContainText('Connected');

  // A types an event and sends it to everyone.
  await a.page.getByTestId('event-name').fill('chat');
  await a.page.getByTestId('event-data').fill('hello from A');
  await a.page.getByTestId('event-send').click();
  const chat = b.page.getByTestId('event-row').filter({ hasText: 'hello from A' });
  await expect(chat).toHaveCount(1);
  await expect(chat.getByTestId('event-sender')).toContainText(aId);
  await expect(chat.getByTestId('event-name-cell')).toHaveText('chat');
  await expect(b.page.getByTestId('event-received')).toHaveText('1');
  // The sender's console shows what it sent.
  await expect(a.page.getByTestId('event-row').filter({ hasText: 'hello from A' })).toHaveCount(1);

  // B answers A only, with JSON data (the variable form).
  await b.page.getByTestId('event-target').selectOption(aId);
  await b.page.getByRole('radio', { name: 'JSON' }).check();
  await b.page.getByTestId('event-name').fill('state');
  await b.page.getByTestId('event-data').fill('{"x": 1, "tags": ["a"]}');
  await b.page.getByTestId('event-data').press('Enter');
  const state = a.page.getByTestId('event-row').filter({ hasText: '{"x":1,"tags":["a"]}' });
  await expect(state).toHaveCount(1);
  await expect(state.getByTestId('event-sender')).toContainText(bId);

  // Filtering the console by name or sender.
  await a.page.getByTestId('event-filter').fill('state');
  await expect(a.page.getByTestId('event-row')).toHaveCount(1);
  await a.page.getByTestId('event-filter').fill(bId);
  await expect(a.page.getByTestId('event-row')).toHaveCount(1);
  await a.page.getByTestId('event-filter').fill('');
  await expect(a.page.getByTestId('event-row')).toHaveCount(2);

  // Live RTT on both sides, and message counters.
  await expect(bRowOnA.getByTestId('peer-rtt')).toHaveText(RTT_TEXT, { timeout: 15_000 });
  await expect(aRowOnB.getByTestId('peer-rtt')).toHaveText(RTT_TEXT, { timeout: 15_000 });
  await expect(bRowOnA.getByTestId('peer-messages')).toHaveText('1 / 1');
  await expect
    .poll(() => a.page.evaluate(() => document.querySelectorAll('.rtt-chart canvas').length), { timeout: 10_000 })
    .toBe(1);
  for (let i = 0; i < 3; i += 1) {
    await a.page.getByTestId('event-name').fill(`move`);
    await a.page.getByTestId('event-data').fill(`{"x": ${i * 10}, "y": ${i * 5}}`);
    await a.page.getByTestId('event-send').click();
  }
  await expect(b.page.getByTestId('event-received')).toHaveText('4');
  // The RTT chart samples once a second: let it draw a readable line for the screenshots.
  await expect
    .poll(
      () =>
        a.page.evaluate(() => {
          const since = window.lanPartyDashboard?.engine.getPeerStats()[0]?.connectedSince ?? null;
          return since === null ? 0 : Date.now() - since;
        }),
      { timeout: 30_000, intervals: [1_000] },
    )
    .toBeGreaterThan(15_000);
  await expect(a.page.getByTestId('broker-clients')).toHaveText('2');
  await expectNoHorizontalOverflow(a.page);
  await expectNoHorizontalOverflow(b.page);
  await saveScreenshot(a.page, testInfo, 'dashboard-connected-peers');
  await saveScreenshot(b.page, testInfo, 'dashboard-dark');

  // A disconnects from B: both sides drop the row and say so.
  await bRowOnA.getByRole('button', { name: `Disconnect from ${bId}` }).click();
  await expect(peerRow(a.page, bId)).toHaveCount(0);
  await expect(peerRow(b.page, aId)).toHaveCount(0, { timeout: 10_000 });
  await expect(a.page.getByTestId('peers-empty')).toBeVisible();
  await expect(b.page.getByTestId('peers-empty')).toBeVisible();
  await expect(a.page.getByTestId('peers-summary')).toHaveText('0 connected');
  await expect(b.page.getByTestId('peers-summary')).toHaveText('0 connected');
  // Both stay on the broker and can find each other again.
  await expect(bOnA.getByRole('button', { name: `Connect to ${bId}` })).toBeVisible();

});

test('invalid JSON cannot be sent and says why; an invalid id override says why', async ({ host, dashboards }) => {
  const a = await dashboards.open(host);
  const b = await dashboards.open(host);
  const aId = await onlineId(a.page);
  const bId = await onlineId(b.page);
  await connectById(a, b, bId, aId);

  // JSON mode: the data must be JSON, checked as you type.
  await a.page.getByRole('radio', { name: 'JSON' }).check();
  await a.page.getByTestId('event-name').fill('state');
  const data = a.page.getByTestId('event-data');
  const message = a.page.getByTestId('event-data-message');
  const send = a.page.getByTestId('event-send');
  await data.fill('{"x": 1,');
  await expect(message).toHaveText(/^Not valid JSON: .+/);
  await expect(data).toHaveAttribute('aria-invalid', 'true');
  await expect(send).toBeDisabled();
  // Enter does not send it either.
  await data.press('Enter');
  await data.fill('{"x": 1, }');
  await expect(message).toHaveText(/^Not valid JSON: .+/);
  await data.press('Enter');
  // Fixing it enables Send; only the valid value ever reaches B.
  await data.fill('{"x": 1}');
  await expect(message).toHaveText('Valid JSON');
  await expect(send).toBeEnabled();
  await send.click();
  await expect(b.page.getByTestId('event-row').filter({ hasText: '{"x":1}' })).toHaveCount(1);
  await expect(b.page.getByTestId('event-received')).toHaveText('1');
  await expect(a.page.getByTestId('event-row')).toHaveCount(1);

  // An invalid custom id is refused with the reason, and the id does not change.
  const custom = a.page.getByTestId('custom-id-input');
  await custom.fill('bad id!');
  await expect(a.page.getByTestId('custom-id-error')).toHaveText(/^A peer id is letters and digits/);
  await expect(a.page.getByTestId('custom-id-apply')).toBeDisabled();
  await custom.press('Enter');
  await expect(a.page.getByTestId('own-peer-id')).toHaveText(aId);
  await custom.fill('x'.repeat(65));
  await expect(a.page.getByTestId('custom-id-error')).toHaveText(/at most 64 characters/);
  // A valid one re-registers under it.
  await custom.fill('tester-7');
  await expect(a.page.getByTestId('custom-id-error')).not.toHaveText(/peer id/);
  await a.page.getByTestId('custom-id-apply').click();
  await expect(a.page.getByTestId('own-peer-id')).toHaveText('tester-7', { timeout: 15_000 });
  await expect(a.page.getByTestId('link-state')).toHaveText('Online');

  // Connect by id says why an id cannot be dialed, too.
  await a.page.getByTestId('connect-id-input').fill('no/slashes');
  await expect(a.page.getByTestId('connect-id-submit')).toBeDisabled();
  await expect(a.page.getByText(/^A peer id is letters and digits/)).toBeVisible();

});

test('auto-connect builds one connection per pair', async ({ host, dashboards }) => {
  const a = await dashboards.open(host);
  const b = await dashboards.open(host);
  const aId = await onlineId(a.page);
  const bId = await onlineId(b.page);
  // Both pages control this loopback host, whose settings hold the switch: one click turns it on for both.
  await a.page.getByTestId('auto-connect').click();
  await expect(a.page.getByTestId('auto-connect')).toHaveAttribute('aria-checked', 'true');
  await expect(b.page.getByTestId('auto-connect')).toHaveAttribute('aria-checked', 'true');
  await expect(peerRow(a.page, bId).getByTestId('peer-state')).toHaveText('Open', { timeout: 20_000 });
  await expect(peerRow(b.page, aId).getByTestId('peer-state')).toHaveText('Open', { timeout: 20_000 });
  // The smaller id dialed; exactly one connection each side.
  const smaller = aId < bId ? a : b;
  const larger = aId < bId ? b : a;
  await expect(peerRow(smaller.page, aId < bId ? bId : aId)).toContainText('outgoing');
  await expect(peerRow(larger.page, aId < bId ? aId : bId)).toContainText('incoming');
  const connections = async (dashboard: typeof a) =>
    dashboard.page.evaluate(() => window.lanPartyDashboard?.engine.getPeerStats().map((p) => p.connections));
  expect(await connections(a)).toEqual([1]);
  expect(await connections(b)).toEqual([1]);
  // Turn it off again: the host keeps the setting for the next launch.
  await a.page.getByTestId('auto-connect').click();
  await expect(b.page.getByTestId('auto-connect')).toHaveAttribute('aria-checked', 'false');
});
