/**
 * Attack (issue 10, item 7): a stock PeerJS peer connects to a dashboard and
 * sends events of 1 MiB (up to 120, for at most 35 s). The event console used
 * to keep the full data of 20,000 events, so the dashboard's heap grew by the
 * whole flood (1.5 GB for 300 in the report). Now it keeps a 4 KiB display
 * copy per event and full data only within a 32 MiB budget: the heap after a
 * forced GC stays under its bounds, the page answers a click within a second
 * mid-flood, the last event shows its full size with a truncated display and
 * downloads in full, and the first event's full data is gone (oldest first).
 */
import fs from 'node:fs';
import type { Page } from '@playwright/test';
import { recordAttack } from '../fixtures/attack-table.js';
import type { FixtureServer } from '../fixtures/fixture-origin.js';
import { openStock, P2P_LAUNCH_OPTIONS, startP2PFixtures } from '../fixtures/p2p/harness.js';
import { expect, test } from '../fixtures/test.js';
import { armClickTiming, clickTiming, dismissWelcome, onlineId } from '../web/dashboard-helpers.js';

test.use({ launchOptions: P2P_LAUNCH_OPTIONS });

/**
 * At most this many events (3.75x the console's 32 MiB budget; the old
 * console grew by the whole flood, so 120 MiB is 2.6x GROWTH_BOUND_MB); the
 * flood also stops at FLOOD_DEADLINE_MS. Was 300: CI reached 201 in 36 s,
 * and the bounds below are met as clearly at 120 (measured: +33.8 MB for 141).
 */
const EVENTS = 120;
/** 1 MiB of data: the engine's largest accepted event (MAX_MESSAGE_BYTES), ASCII so UTF-8 bytes = characters. */
const EVENT_BYTES = 1024 * 1024;
/** Sent in batches, each waiting for the dashboard to have received the previous one (keeps the sender's own memory sane). */
const BATCH = 10;
/**
 * However slow the machine, the flood ends after this long. Stock PeerJS moves
 * 1 MiB events slowly (its binarypack rebuilds each string one character at a
 * time in the receiving page): 2.6-5.6 events/s measured here and in CI, so a
 * slow run sends 90-120 (the report's 1.5 GB took 300).
 */
const FLOOD_DEADLINE_MS = 35_000;
/**
 * Fewer than this and the flood could not tell the old console from the new
 * one (the old one grows by at least the flood, 48 MiB = 50 MB, over
 * GROWTH_BOUND_MB): the test fails saying so rather than pass vacuously.
 */
const MIN_EVENTS = 48;
const MB = 1_000_000;
/** The console's byte budget, EVENT_DATA_BUDGET in src-renderer/dashboard/model/event-feed.ts (the e2e project cannot import the renderer's modules). */
const CONSOLE_BUDGET_BYTES = 32 * 1024 * 1024;
/**
 * Heap growth over the flood, after a forced GC: the console's byte budget
 * (33.6 MB) plus 12 MB for the 4 KiB display copies, the engine and React.
 * Measured here: +33.8 MB for 141 events (4.6 -> 38.4 MB); the old console,
 * keeping every event's full data: +107 MB for 101 events (4.8 -> 111.7 MB).
 */
const GROWTH_BOUND_MB = Math.round(CONSOLE_BUDGET_BYTES / MB + 12);
/** The dashboard's used JS heap after the flood and a forced GC, absolute (measured above: 38.4 MB; old console 111.7 MB). */
const HEAP_BOUND_MB = 64;
const CLICK_BUDGET_MS = 1_000;

let fixtures: FixtureServer;

test.beforeEach(async () => {
  fixtures = await startP2PFixtures();
});

test.afterEach(async () => {
  await fixtures.close();
});

/** Events the dashboard's engine received from `peerId`. */
function received(page: Page, peerId: string): Promise<number> {
  return page.evaluate((id) => window.lanPartyDashboard?.engine.getPeerStats().find((p) => p.peerId === id)?.messagesIn ?? 0, peerId);
}

/** The page's used JS heap in bytes after a forced GC (Chromium DevTools protocol). */
async function heapAfterGc(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  } finally {
    await cdp.detach();
  }
}

test('a stock peer flooding 1 MiB events leaves the dashboard under its heap bound, responsive, with the newest data downloadable', async ({ host, contexts, dashboards }, testInfo) => {
  test.setTimeout(100_000);
  // `contexts` before `dashboards`: the dashboard closes (its console checked) before the attacker's context does.
  const dashboard = await dashboards.open(host);
  const attackerContext = await contexts.open();
  const page = dashboard.page;
  const dashboardId = await onlineId(page);
  await dismissWelcome(page);

  const stock = await openStock(attackerContext, fixtures, '1.5');
  const attackerId = `flood-${Date.now().toString(36)}`;
  expect(await stock.evaluate(({ id, b }) => window.stock.start(id, b), { id: attackerId, b: host.brokerEndpoint })).toBe(attackerId);
  // Reliable, so every event arrives and the counts are exact; binary (the default) chunks 1 MiB messages.
  await stock.evaluate((to) => window.stock.connect(to, { reliable: true }), dashboardId);
  await expect.poll(() => received(page, attackerId).catch(() => -1), { timeout: 15_000 }).toBe(0);
  const heapBefore = await heapAfterGc(page);

  // The flood: bounded in count and in time. Event i's data starts "#i " and is padded to exactly 1 MiB.
  const started = Date.now();
  let sent = 0;
  let clicked = false;
  while (sent < EVENTS && Date.now() - started < FLOOD_DEADLINE_MS) {
    const from = sent;
    const to = Math.min(EVENTS, from + BATCH);
    await stock.evaluate(
      ({ peer, from, to, bytes }) => {
        for (let i = from; i < to; i += 1) {
          const head = `#${i} `;
          window.stock.send(peer, i === 0 ? 'flood-first' : 'flood', head + 'x'.repeat(bytes - head.length));
        }
      },
      { peer: dashboardId, from, to, bytes: EVENT_BYTES },
    );
    sent = to;
    const left = Math.max(1_000, FLOOD_DEADLINE_MS - (Date.now() - started));
    await expect.poll(() => received(page, attackerId), { timeout: left }).toBeGreaterThanOrEqual(sent - BATCH);
    if (!clicked && sent >= MIN_EVENTS - BATCH) {
      // Mid-flood, with the console's budget already full: a click is handled and painted within a second.
      clicked = true;
      await armClickTiming(page);
      await page.getByRole('radio', { name: 'JSON' }).click();
    }
  }
  // The last one, by name, so the test can find its row.
  const head = `#${sent} `;
  const lastData = head + 'x'.repeat(EVENT_BYTES - head.length);
  await stock.evaluate(({ peer, data }) => window.stock.send(peer, 'flood-last', data), { peer: dashboardId, data: lastData });
  sent += 1;
  await expect.poll(() => received(page, attackerId), { timeout: 15_000 }).toBe(sent);
  const floodMs = Date.now() - started;
  expect(sent, `the flood delivered only ${sent} MiB in ${floodMs} ms: too few to exceed the console's budget`).toBeGreaterThanOrEqual(MIN_EVENTS);
  await expect(page.getByTestId('event-received')).toHaveText(String(sent));

  const timing = await clickTiming(page);
  expect(timing).toBeDefined();
  expect(timing?.handledMs ?? Infinity).toBeLessThan(CLICK_BUDGET_MS);
  expect(timing?.paintedMs ?? Infinity).toBeLessThan(CLICK_BUDGET_MS);
  await expect(page.getByRole('radio', { name: 'JSON' })).toBeChecked();

  // The heap after a forced GC, once the last renders settled (the dashboard only listens: its engine keeps no frame-queue data).
  await page.waitForTimeout(1_000);
  const heapAfter = await heapAfterGc(page);
  const heapMb = heapAfter / MB;
  const growthMb = (heapAfter - heapBefore) / MB;
  const figures = { events: sent, eventBytes: EVENT_BYTES, floodMs, heapBefore, heapAfter, timing };
  await testInfo.attach('flood.json', { body: JSON.stringify(figures, null, 2), contentType: 'application/json' });
  expect(growthMb, `dashboard heap growth after GC, MB (bound ${GROWTH_BOUND_MB})`).toBeLessThan(GROWTH_BOUND_MB);
  expect(heapMb, `dashboard heap after GC, MB (bound ${HEAP_BOUND_MB})`).toBeLessThan(HEAP_BOUND_MB);

  // The last event: listed, full size shown, display truncated, and downloadable in full while kept.
  const last = page.getByTestId('event-row').filter({ hasText: 'flood-last' });
  await expect(last).toHaveCount(1);
  await expect(last.getByTestId('event-size')).toHaveText('1.0 MiB, showing the first 4 KiB');
  await expect(last.getByTestId('event-data-cell')).toContainText(`${head}xxx`);
  await testInfo.attach('console-after-flood.png', { body: await page.locator('#events').screenshot(), contentType: 'image/png' });
  const [download] = await Promise.all([page.waitForEvent('download'), last.getByTestId('event-download').click()]);
  const body = fs.readFileSync(await download.path());
  expect(body.length).toBe(EVENT_BYTES);
  expect(body.toString() === lastData).toBe(true);

  // The first event: still listed (truncated), but its full data was evicted for newer ones.
  await page.getByTestId('event-filter').fill('flood-first');
  const first = page.getByTestId('event-row').filter({ hasText: 'flood-first' });
  await expect(first).toHaveCount(1);
  await expect(first.getByTestId('event-size')).toHaveText('1.0 MiB, showing the first 4 KiB');
  await expect(first.getByTestId('event-full-gone')).toBeVisible();
  await expect(first.getByTestId('event-download')).toHaveCount(0);

  expect(dashboard.problems).toEqual([]);
  recordAttack(testInfo, {
    attack: 'a stock PeerJS peer floods a dashboard with 1 MiB events',
    attempts: `${sent} x 1 MiB in ${(floodMs / 1000).toFixed(0)} s`,
    outcome: `dashboard heap ${heapMb.toFixed(0)} MB after GC (+${growthMb.toFixed(0)} MB; bounds ${HEAP_BOUND_MB} / +${GROWTH_BOUND_MB} MB); click painted in ${Math.round(timing?.paintedMs ?? 0)} ms; newest event downloadable in full`,
  });
});
