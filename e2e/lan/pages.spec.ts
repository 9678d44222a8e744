/**
 * Issue 3's "done when", as a player sees it: three `lan-party host` processes
 * on a simulated LAN, each host's own page opened in a Chromium running in
 * that host's namespace. Every page lists the three instances and marks the
 * same one as the LAN's default broker (the one the hosts elected).
 */
import { expect, test, type Page } from '@playwright/test';
import { agreement, discoveryProblem } from './harness/checks.js';
import { launchChromiumIn } from './harness/chromium.js';
import { announceSkip, assertBuilt } from './harness/environment.js';
import { lanStates, pollUntil, startLanHost, type LanHost } from './harness/hosts.js';
import { must } from './harness/must.js';
import { SimulatedLan, type NodeOptions } from './harness/netns.js';
import { LanProbe } from './harness/probe.js';

const skipReason = announceSkip('host pages');
test.skip(skipReason !== null, skipReason ?? '');

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
    let lan: SimulatedLan | undefined;
    const hosts: LanHost[] = [];

    test.afterAll(async () => {
      // Hosts stop gracefully; destroy() then closes the browsers (registered cleanups) before it kills the rest.
      for (const host of hosts) if (host.alive()) await host.stop();
      await lan?.destroy();
    });

    test('three hosts show each other on their pages and mark the same default broker', async () => {
      assertBuilt();
      lan = await SimulatedLan.create();
      const probe = await LanProbe.start(lan, await lan.addNode('obs', [{ segment: 0, host: 250 }], variant.routes));
      for (const n of [1, 2, 3]) {
        const node = await lan.addNode(`h${n}`, [{ segment: 0, host: n }], variant.routes);
        hosts.push(await startLanHost(lan, node));
      }
      const started = Date.now();

      // The hosts' own view first, so a page problem is not mistaken for a discovery one.
      const { value: states } = await pollUntil(
        'the hosts to list each other and agree',
        async () => {
          const states = await lanStates(probe, hosts);
          const problem = discoveryProblem(states, hosts);
          if (problem) return { notYet: problem };
          const agreed = agreement(states);
          return 'problem' in agreed ? { notYet: agreed.problem } : states;
        },
        { timeoutMs: 10_000 },
      );
      const agreed = agreement(states);
      const elected = 'id' in agreed ? agreed.id : '';
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
