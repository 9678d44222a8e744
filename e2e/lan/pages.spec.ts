/**
 * Issue 3's "done when", as a player sees it: three `lan-party host` processes
 * on a simulated LAN, each host's own page opened in a Chromium running in
 * that host's namespace. Every page lists the three instances and marks the
 * same one as the LAN's default broker (the one the hosts elected).
 */
import { expect, test, type Page } from '@playwright/test';
import { launchChromiumIn } from './harness/chromium.js';
import { useSimulatedLan } from './harness/lan-session.js';
import { must } from './harness/must.js';
import type { NodeOptions } from './harness/netns.js';

const VARIANTS: Array<{ title: string; routes: NodeOptions }> = [
  { title: 'default route via a dummy gateway', routes: { defaultRoute: true } },
  { title: 'no default route', routes: { defaultRoute: false } },
];

/** What a page shows: the instance ids listed, and which rows carry the default-broker mark. */
async function shown(page: Page): Promise<{ ids: string[]; defaults: string[] }> {
  return page.evaluate(() => {
    const rows = [...document.querySelectorAll<HTMLElement>('[data-testid="lan-instance"]')];
    return {
      ids: rows.map((row) => row.dataset['instanceId'] ?? '').sort(),
      defaults: rows.filter((row) => row.querySelector('[data-testid="default-broker"]') !== null).map((row) => row.dataset['instanceId'] ?? ''),
    };
  });
}

for (const variant of VARIANTS) {
  test.describe(`host pages in the LAN, ${variant.title}`, () => {
    // Per variant: its LAN (hosts, then the browsers its cleanups close) is gone before the next variant starts.
    const suite = useSimulatedLan('host pages');

    test('three hosts show each other on their pages and mark the same default broker', async () => {
      const session = await suite.open({ routes: variant.routes });
      const { lan } = session;
      const hosts = await session.addHosts(3);
      const started = Date.now();

      // The hosts' own view first, so a page problem is not mistaken for a discovery one.
      const { id: elected } = await session.untilAgree();
      expect(elected).not.toBe('');

      const pages: Page[] = [];
      const errors: string[] = [];
      for (const host of hosts) {
        // In the host's own namespace: the root namespace has no route to 10.77.0.x, so the page loading at all proves it.
        const browser = await launchChromiumIn(lan, host.node);
        const page = await browser.browser.newPage();
        page.on('pageerror', (error) => errors.push(`${host.label}: ${error.message}`));
        await page.goto(`${host.url}/`);
        pages.push(page);
      }
      const opened = Date.now();

      const ids = hosts.map((host) => host.instanceId).sort();
      for (const [i, page] of pages.entries()) {
        const label = must(hosts[i], 'host').label;
        await expect.poll(() => shown(page), { message: `${label}'s page`, timeout: 10_000 }).toEqual({ ids, defaults: [elected] });
      }
      console.log(
        `[lan] ${variant.title}: 3 pages in 3 namespaces list 3 instances and mark ${elected}: ` +
          `${Date.now() - opened} ms after the last page loaded, ${Date.now() - started} ms after the hosts started (3 Chromium launches included)`,
      );

      // Still the same a moment later: the mark does not bounce.
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (const page of pages) expect(await shown(page)).toEqual({ ids, defaults: [elected] });
      expect(errors, 'uncaught errors in the pages').toEqual([]);
    });
  });
}
