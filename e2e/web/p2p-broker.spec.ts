/**
 * Default broker: "use default broker" through a host's real /api/lan, and
 * failover when the LAN's default moves to another host (two real headless
 * hosts): same id re-registered, data channels untouched, no event lost.
 */
import type { BrowserContext, Page } from '@playwright/test';
import type { BrokerEndpoint } from '../../src-preload/contract.js';
import type { FixtureServer } from '../fixtures/fixture-origin.js';
import type { RunningHost } from '../fixtures/host.js';
import { connectEngines, openEngine, P2P_LAUNCH_OPTIONS, startP2PFixtures } from '../fixtures/p2p/harness.js';
import { expect, test, type Hosts } from '../fixtures/test.js';

test.use({ launchOptions: P2P_LAUNCH_OPTIONS });

let fixtures: FixtureServer;

test.beforeAll(async () => {
  fixtures = await startP2PFixtures();
});

test.afterAll(async () => {
  await fixtures.close();
});

test('use default broker: the LAN default from /api/lan (empty-path and empty-key fixes on the custom form)', async ({ host: a, context }) => {
  const page = await openEngine(context, fixtures, a.url.replace(/\/$/, ''));
  await page.evaluate(() => {
    window.lp.engine.overrideId('dflt-1');
    window.lp.engine.useDefaultBroker();
  });
  await page.waitForFunction(() => window.lp.engine.isReady());
  expect(await page.evaluate(() => window.lp.log.ready.map(({ id, broker }) => ({ id, broker })))).toEqual([{ id: 'dflt-1', broker: a.brokerEndpoint }]);
  // Calling it again while connected is ignored with an error.
  await page.evaluate(() => window.lp.engine.useDefaultBroker());
  expect(await page.evaluate(() => window.lp.engine.getLastError())).toMatch(/Already connected to a broker/);

  // "Connect to a broker server" with an empty path and key means "/" and "peerjs".
  const other = await openEngine(context, fixtures);
  await other.evaluate((b) => window.lp.engine.useBroker(b.host, b.port, '', '', false), a.brokerEndpoint);
  await other.waitForFunction(() => window.lp.engine.isReady());
  expect(await other.evaluate(() => window.lp.engine.getStats().broker)).toEqual(a.brokerEndpoint);
});

/** Sends `count` numbered events to everyone, one every `everyMs`, and resolves when done. */
async function stream(page: Page, name: string, count: number, everyMs: number): Promise<void> {
  await page.evaluate(
    ({ n, c, ms }) =>
      new Promise<void>((resolve) => {
        let i = 0;
        const timer = setInterval(() => {
          window.lp.engine.triggerEvent(n, String(i));
          i += 1;
          if (i >= c) {
            clearInterval(timer);
            resolve();
          }
        }, ms);
      }),
    { n: name, c: count, ms: everyMs },
  );
}

/** Registers each page's engine under its id through "use default broker", the default being `endpoint`. */
async function onDefaultBroker(endpoint: BrokerEndpoint, ...players: [Page, string][]): Promise<void> {
  for (const [page, id] of players) {
    await page.evaluate(
      ({ endpoint, wanted }) => {
        window.lp.source.set(endpoint);
        window.lp.engine.overrideId(wanted);
        window.lp.engine.useDefaultBroker();
      },
      { endpoint, wanted: id },
    );
    await page.waitForFunction(() => window.lp.engine.isReady());
  }
}

/** Two hosts, A (the LAN's default broker) and B, and two engines registered on A under `ids` and connected to each other. */
async function connectedOnA(hosts: Hosts, context: BrowserContext, [id1, id2]: [string, string]) {
  // Started together, as neither needs the other: two hosts start and stop in ~0.5 s so, ~0.8 s one after the other (measured here).
  const [hostA, hostB] = await Promise.all([hosts.start(), hosts.start()]);
  const p1 = await openEngine(context, fixtures);
  const p2 = await openEngine(context, fixtures);
  await onDefaultBroker(hostA.brokerEndpoint, [p1, id1], [p2, id2]);
  await connectEngines(p1, p2, id2, id1);
  return { hostA, hostB, p1, p2 };
}

/** The LAN's default moves to `host`: each page's engine is re-registered there. */
async function defaultMovesTo(host: RunningHost, ...pages: Page[]): Promise<void> {
  for (const page of pages) await page.evaluate((endpoint) => window.lp.source.set(endpoint), host.brokerEndpoint);
  for (const page of pages) {
    await page.waitForFunction((port) => window.lp.engine.isReady() && window.lp.engine.getStats().broker?.port === port, host.port);
  }
}

test('broker failover: same id on the new default, data channels kept, no event lost', async ({ hosts, context }) => {
  const { hostA, hostB, p1, p2 } = await connectedOnA(hosts, context, ['fo-1', 'fo-2']);

  // Events flow both ways for ~3 s while the LAN's default moves from A to B and A goes away.
  const streams = Promise.all([stream(p1, 'seq', 300, 10), stream(p2, 'back', 300, 10)]);
  await p1.waitForTimeout(500);
  await defaultMovesTo(hostB, p1, p2);
  expect(await hostA.stop()).toBe(0);
  await streams;

  await p2.waitForFunction(() => window.lp.log.events.filter((e) => e.name === 'seq').length === 300);
  await p1.waitForFunction(() => window.lp.log.events.filter((e) => e.name === 'back').length === 300);
  const expected = Array.from({ length: 300 }, (_, i) => String(i));
  expect(await p2.evaluate(() => window.lp.log.events.filter((e) => e.name === 'seq').map((e) => e.data))).toEqual(expected);
  expect(await p1.evaluate(() => window.lp.log.events.filter((e) => e.name === 'back').map((e) => e.data))).toEqual(expected);
  for (const [page, id] of [
    [p1, 'fo-1'],
    [p2, 'fo-2'],
  ] as const) {
    expect(await page.evaluate(() => window.lp.log.disconnected.length)).toBe(0);
    expect(await page.evaluate(() => window.lp.log.ready.map((r) => [r.id, r.broker.port]))).toEqual([
      [id, hostA.port],
      [id, hostB.port],
    ]);
  }

  // The new broker knows the same ids: a newcomer on B reaches p1 by id.
  const p3 = await openEngine(context, fixtures);
  await p3.evaluate((b) => window.lp.engine.useBroker(b.host, b.port, b.path, b.key, b.secure), hostB.brokerEndpoint);
  await p3.waitForFunction(() => window.lp.engine.isReady());
  const p3Id = await p3.evaluate(() => window.lp.engine.getId());
  await connectEngines(p3, p1, 'fo-1', p3Id);
});

test('the default broker vanishes before the election moves: the engine follows once it does', async ({ hosts, context }) => {
  const { hostA, hostB, p1, p2 } = await connectedOnA(hosts, context, ['fo-3', 'fo-4']);
  expect(await hostA.stop()).toBe(0);
  await p1.waitForFunction(() => !window.lp.engine.isReady());
  // The data channel does not depend on the broker.
  await p1.evaluate(() => window.lp.engine.triggerEvent('during', 'outage'));
  await p2.waitForFunction(() => window.lp.log.events.some((e) => e.name === 'during'));
  await defaultMovesTo(hostB, p1, p2);
  expect(await p1.evaluate(() => window.lp.engine.getId())).toBe('fo-3');
  expect(await p1.evaluate(() => window.lp.log.disconnected.length)).toBe(0);
  await p2.evaluate(() => window.lp.engine.triggerEvent('after', 'failover'));
  await p1.waitForFunction(() => window.lp.log.events.some((e) => e.name === 'after'));
});
