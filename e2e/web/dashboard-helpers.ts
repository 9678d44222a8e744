/**
 * Helpers for the dashboard specs: a dashboard page on a real headless host,
 * in its own browser context (its own localStorage, so each one is a "first
 * launch" and two of them never share a custom id), with every console error
 * and uncaught exception collected so a spec can assert there were none.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, type Browser, type BrowserContext, type Page, type TestInfo } from '@playwright/test';
import { REPO_ROOT, type RunningHost } from '../fixtures/host.js';

/** What the specs use of `window.lanPartyDashboard` (src-renderer/dashboard/debug-handle.ts): the page's engine. */
interface DashboardEngineHandle {
  getId(): string;
  getPeerStats(): { peerId: string; connections: number; messagesIn: number; connectedSince: number | null }[];
  triggerEvent(eventName: string, data: string): void;
}

/** How long the page's next click waited: from the input event's creation to its handler, and to the next frame. */
export interface ClickTiming {
  handledMs: number;
  paintedMs: number;
}

declare global {
  interface Window {
    lanPartyDashboard?: { readonly engine: DashboardEngineHandle };
    lanPartyClickTiming?: Promise<ClickTiming>;
  }
}

/**
 * Arms a probe for the page's next click: the delay from the input event's
 * creation (it waits in the queue behind whatever work the page is doing) to
 * its handler, and to the first frame after it. Read it with `clickTiming`.
 */
export async function armClickTiming(page: Page): Promise<void> {
  await page.evaluate(() => {
    window.lanPartyClickTiming = new Promise<ClickTiming>((resolve) => {
      document.addEventListener(
        'click',
        (event) => {
          const handled = performance.now();
          requestAnimationFrame(() => resolve({ handledMs: handled - event.timeStamp, paintedMs: performance.now() - event.timeStamp }));
        },
        { capture: true, once: true },
      );
    });
  });
}

/** The timing of the click armed by `armClickTiming`, once it happened (undefined if never armed). */
export function clickTiming(page: Page): Promise<ClickTiming | undefined> {
  return page.evaluate(() => window.lanPartyClickTiming);
}

export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'docs/screenshots');

export interface Dashboard {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions seen so far. */
  problems: string[];
}

export interface OpenOptions {
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
}

export async function openDashboard(browser: Browser, host: RunningHost, options: OpenOptions = {}): Promise<Dashboard> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  await page.goto(host.url);
  return { page, context, problems };
}

/** Waits until the dashboard is registered on a broker ("Online") and returns its peer id. */
export async function onlineId(page: Page): Promise<string> {
  await expect(page.getByTestId('link-state')).toHaveText('Online', { timeout: 15_000 });
  const id = page.getByTestId('own-peer-id');
  await expect(id).toHaveText(/\S/);
  return (await id.textContent())?.trim() ?? '';
}

export async function dismissWelcome(page: Page): Promise<void> {
  await page.getByTestId('welcome-dismiss').click();
  await expect(page.getByTestId('welcome')).toHaveCount(0);
}

/** `from` connects to `to` by typing its id in the Peers panel; both sides then show the connection open. */
export async function connectById(from: Dashboard, to: Dashboard, toId: string, fromId: string): Promise<void> {
  await from.page.getByTestId('connect-id-input').fill(toId);
  await from.page.getByTestId('connect-id-submit').click();
  await expect(peerRow(from.page, toId).getByTestId('peer-state')).toHaveText('Open', { timeout: 20_000 });
  await expect(peerRow(to.page, fromId).getByTestId('peer-state')).toHaveText('Open', { timeout: 20_000 });
}

export function peerRow(page: Page, peerId: string) {
  return page.locator(`[data-testid="peer-row"][data-peer-id="${peerId}"]`);
}

/** The page never scrolls sideways: everything fits the window's width. */
export async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'horizontal overflow in px').toBeLessThanOrEqual(0);
}

/**
 * Attaches a screenshot to the test report (and to test-results/, an artifact
 * of every run). With UPDATE_SCREENSHOTS=1 it also refreshes the README's copy
 * in docs/screenshots; a plain test run leaves the working tree untouched.
 */
export async function saveScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const update = process.env['UPDATE_SCREENSHOTS'] === '1';
  if (update) fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = update ? path.join(SCREENSHOT_DIR, `${name}.png`) : testInfo.outputPath(`${name}.png`);
  // Every screenshot shows the top of the page and of each column, whatever was clicked before.
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
    for (const column of document.querySelectorAll('.column')) column.scrollTop = 0;
  });
  // Caret and animations frozen: screenshots do not differ by a blinking cursor or a spinner's angle.
  const body = await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
  await testInfo.attach(name, { body, contentType: 'image/png' });
}

export function expectNoProblems(...dashboards: Dashboard[]): void {
  expect(dashboards.flatMap((d) => d.problems)).toEqual([]);
}

export async function closeAll(...dashboards: Dashboard[]): Promise<void> {
  for (const d of dashboards) await d.context.close();
}
