/**
 * Join by scanning (issue 12, point 5): the dashboard and each hosted game
 * show a QR code of the address a phone on the LAN opens, and the page that
 * address gives a phone (375x667, touch, as a phone lays it out) fits its
 * width. The codes are read back from screenshots by an independent decoder
 * (jsQR). On the host network the host is bound to loopback with discovery
 * off, so loopback is what it advertises: the codes must say exactly that. A
 * player's browser is simulated as in dashboard-player.spec.ts: Chromium
 * resolves `player.lan` to 127.0.0.1, and the codes must keep that address.
 */
import type { Browser, Page, TestInfo } from '@playwright/test';
import type { LanInstance } from '../../src-preload/contract.js';
import type { RunningHost } from '../fixtures/host.js';
import { P2P_LAUNCH_OPTIONS } from '../fixtures/p2p/harness.js';
import { decodeQrCode } from '../fixtures/qr-decode.js';
import { expect, test } from '../fixtures/test.js';
import { closeAll, dismissWelcome, expectNoProblems, onlineId, saveScreenshot, type Dashboard } from './dashboard-helpers.js';

const PLAYER_HOSTNAME = 'player.lan';
const PHONE = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

test.use({
  launchOptions: { ...P2P_LAUNCH_OPTIONS, args: [...P2P_LAUNCH_OPTIONS.args, `--host-resolver-rules=MAP ${PLAYER_HOSTNAME} 127.0.0.1`] },
  hostOptions: async ({ dotsGame }, use) => use({ args: ['--game', dotsGame.folder] }),
});

/** This host as it advertises itself to the LAN (`/api/lan`, what browsers and other instances read). */
async function advertisedSelf(host: RunningHost): Promise<LanInstance> {
  const lan = (await (await fetch(`${host.url}api/lan`)).json()) as { instances: LanInstance[] };
  const self = lan.instances.find((instance) => instance.self);
  if (!self?.address) throw new Error('the host advertises no address');
  return self;
}

/** A phone opening `url`: its own context, every console error and uncaught exception collected. */
async function openOnPhone(browser: Browser, url: string): Promise<Dashboard> {
  const context = await browser.newContext({ ...PHONE, colorScheme: 'light' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  await page.goto(url);
  return { page, context, problems };
}

/** How far the page scrolls sideways (px): more than 0 means the phone must pan to see it all. */
function horizontalScroll(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** Opens the code behind `openButton`, checks its text, and returns what the code itself decodes to. */
async function scanCode(page: Page, testId: string, expectedText: string): Promise<string> {
  const popover = page.getByTestId(testId);
  await page.getByTestId(`${testId}-open`).first().click();
  await expect(popover).toBeVisible();
  await expect(popover.getByTestId(`${testId}-code-text`)).toHaveText(expectedText);
  const decoded = await decodeQrCode(popover.getByTestId(`${testId}-code-image`));
  // Escape closes it (the browser's popover), as a keyboard user expects.
  await page.keyboard.press('Escape');
  await expect(popover).toBeHidden();
  return decoded;
}

test("the dashboard's code opens this host's page, and every panel of it fits a 375 px phone", async ({ host, dashboards, browser }, testInfo: TestInfo) => {
  const self = await advertisedSelf(host);
  const advertised = `http://${self.address}:${self.httpPort}/`;
  // Bound to loopback with discovery off: loopback is all this host advertises.
  expect(advertised).toBe(host.url);
  const desk = await dashboards.open(host);
  let phone: Dashboard | null = null;
  try {
    await onlineId(desk.page);
    const scanned = await scanCode(desk.page, 'join-qr', advertised);
    expect(scanned).toBe(advertised);

    phone = await openOnPhone(browser, scanned);
    const { page } = phone;
    await onlineId(page);
    expect(await horizontalScroll(page), 'the first-launch page scrolls sideways on a phone').toBeLessThanOrEqual(0);
    await saveScreenshot(page, testInfo, 'dashboard-phone');
    await dismissWelcome(page);

    // Every panel, one by one: inside the screen, and nothing inside it wider than it.
    const panels = await page.locator('[data-testid^="panel-"]').all();
    expect(panels.length).toBeGreaterThanOrEqual(6);
    for (const panel of panels) {
      const name = (await panel.getAttribute('data-testid')) ?? '';
      await panel.scrollIntoViewIfNeeded();
      const box = await panel.boundingBox();
      expect(box, `${name} is laid out`).not.toBeNull();
      expect(box?.x ?? -1, `${name} starts inside the screen`).toBeGreaterThanOrEqual(0);
      expect((box?.x ?? 0) + (box?.width ?? Infinity), `${name} ends inside the screen`).toBeLessThanOrEqual(PHONE.viewport.width);
      expect(await panel.evaluate((el) => el.scrollWidth - el.clientWidth), `${name} overflows its own width`).toBeLessThanOrEqual(0);
    }
    expect(await horizontalScroll(page), 'the dashboard scrolls sideways on a phone').toBeLessThanOrEqual(0);

    // The phone's own code (a player's page: the address it used) and the settings fit the screen too.
    await page.getByTestId('join-qr-open').click();
    const popover = page.getByTestId('join-qr');
    await expect(popover).toBeVisible();
    const popoverBox = await popover.boundingBox();
    expect((popoverBox?.x ?? -1) >= 0 && (popoverBox?.x ?? 0) + (popoverBox?.width ?? Infinity) <= PHONE.viewport.width).toBe(true);
    await saveScreenshot(page, testInfo, 'dashboard-phone-join-qr');
    await page.getByRole('button', { name: 'Close' }).click();
    await expect(popover).toBeHidden();
    await page.getByTestId('open-settings').click();
    const dialog = page.getByTestId('settings-dialog');
    await expect(dialog).toBeVisible();
    const dialogBox = await dialog.boundingBox();
    expect((dialogBox?.x ?? -1) >= 0 && (dialogBox?.x ?? 0) + (dialogBox?.width ?? Infinity) <= PHONE.viewport.width).toBe(true);
    expect(await horizontalScroll(page), 'the settings scroll the page sideways on a phone').toBeLessThanOrEqual(0);
    expectNoProblems(desk, phone);
  } finally {
    if (phone) await closeAll(phone);
  }
});

test("a hosted game's code opens the game at its own port, and the game page opens on a phone", async ({ host, dashboards, browser }, testInfo) => {
  const self = await advertisedSelf(host);
  const gamePort = self.games[0]?.port ?? 0;
  expect(gamePort).not.toBe(0);
  expect(gamePort).not.toBe(host.port);
  const advertised = `http://${self.address}:${gamePort}/`;
  const desk = await dashboards.open(host);
  let phone: Dashboard | null = null;
  try {
    await onlineId(desk.page);
    await expect(desk.page.getByTestId('lan-game')).toHaveCount(1);
    expect(await scanCode(desk.page, 'game-qr', advertised)).toBe(advertised);

    phone = await openOnPhone(browser, advertised);
    const { page } = phone;
    // The game runs: it registered on the LAN broker.
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { gameState?: { id: string } }).gameState?.id ?? ''), { timeout: 15_000 })
      .not.toBe('');
    // The game's own layout is the game's matter: reported, not asserted.
    const layout = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
      viewportMeta: document.querySelector('meta[name="viewport"]') !== null,
    }));
    const note = `dots game on a 375x667 phone: scrollWidth ${layout.scrollWidth}, clientWidth ${layout.clientWidth}, viewport meta ${layout.viewportMeta ? 'present' : 'absent'}`;
    testInfo.annotations.push({ type: 'game layout', description: note });
    console.log(note);
  } finally {
    if (phone) await closeAll(phone);
  }
});

test("a player's codes keep the address the player used: the page's and the game's", async ({ host, dashboards }) => {
  const self = await advertisedSelf(host);
  const gamePort = self.games[0]?.port ?? 0;
  const player = await dashboards.open({ ...host, url: `http://${PLAYER_HOSTNAME}:${host.port}/` });
  await onlineId(player.page);
  const page = `http://${PLAYER_HOSTNAME}:${host.port}/`;
  expect(await scanCode(player.page, 'join-qr', page)).toBe(page);
  const gameUrl = `http://${PLAYER_HOSTNAME}:${gamePort}/`;
  expect(await scanCode(player.page, 'game-qr', gameUrl)).toBe(gameUrl);
  expectNoProblems(player);
});
