/**
 * Interop: unmodified PeerJS clients (1.4.6, what GDevelop games bundle, and
 * 1.5.x) in Chromium, through our broker, exchanging `{ eventName, data }`
 * events with our engine in both directions, each side initiating.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { openEngine, openStock, P2P_LAUNCH_OPTIONS, register, useP2PEnvironment } from '../fixtures/p2p/harness.js';

test.use({ launchOptions: P2P_LAUNCH_OPTIONS });

const env = useP2PEnvironment();

const VERSIONS = ['1.4.6', '1.5'] as const;
type Version = (typeof VERSIONS)[number];

let counter = 0;
function ids(version: Version): { engineId: string; stockId: string } {
  counter += 1;
  const v = version.replace(/\./g, '');
  return { engineId: `eng-${v}-${counter}`, stockId: `stock-${v}-${counter}` };
}

async function setup(context: BrowserContext, version: Version): Promise<{ engine: Page; stock: Page; engineId: string; stockId: string }> {
  const { engineId, stockId } = ids(version);
  const engine = await openEngine(context, env.fixtures);
  const stock = await openStock(context, env.fixtures, version);
  await register(engine, env.host.brokerEndpoint, engineId);
  expect(await stock.evaluate(({ id, b }) => window.stock.start(id, b), { id: stockId, b: env.host.brokerEndpoint })).toBe(stockId);
  return { engine, stock, engineId, stockId };
}

/** Events both ways on an established connection, checking sender, order and data. */
async function exchange(engine: Page, stock: Page, engineId: string, stockId: string, label: string): Promise<void> {
  await stock.evaluate(
    ({ to, l }) => {
      window.stock.send(to, 'fromStock', `${l}-1`);
      window.stock.send(to, 'fromStock', JSON.stringify({ l, n: 2 }));
    },
    { to: engineId, l: label },
  );
  await engine.waitForFunction(() => window.lp.log.events.filter((e) => e.name === 'fromStock').length >= 2);
  expect(await engine.evaluate(() => window.lp.log.events.filter((e) => e.name === 'fromStock'))).toEqual([
    { name: 'fromStock', data: `${label}-1`, sender: stockId },
    { name: 'fromStock', data: JSON.stringify({ l: label, n: 2 }), sender: stockId },
  ]);
  expect(await engine.evaluate(() => window.lp.engine.getEventVariable('fromStock', 'unchanged'))).toBe('unchanged');
  await engine.evaluate(
    ({ to, l }) => {
      window.lp.engine.triggerEventOnPeer(to, 'fromEngine', `${l}-a`);
      window.lp.engine.triggerVariableEvent('fromEngine', { l, ok: true });
    },
    { to: stockId, l: label },
  );
  await stock.waitForFunction(() => window.stock.log.events.filter((e) => e.eventName === 'fromEngine').length >= 2);
  expect(await stock.evaluate(() => window.stock.log.events.filter((e) => e.eventName === 'fromEngine'))).toEqual([
    { sender: engineId, eventName: 'fromEngine', data: `${label}-a` },
    { sender: engineId, eventName: 'fromEngine', data: JSON.stringify({ l: label, ok: true }) },
  ]);
  expect(await engine.evaluate(() => window.lp.log.errors)).toEqual([]);
  expect(await stock.evaluate(() => window.stock.log.errors)).toEqual([]);
}

for (const version of VERSIONS) {
  test.describe(`stock peerjs@${version}`, () => {
    test('stock initiates with GDevelop settings (default serialization, reliable: false)', async ({ context }) => {
      const { engine, stock, engineId, stockId } = await setup(context, version);
      const serialization = await stock.evaluate((to) => window.stock.connect(to, { reliable: false }), engineId);
      expect(serialization).toBe('binary');
      await engine.waitForFunction((id) => window.lp.engine.getConnectedPeers().includes(id), stockId);
      expect(await engine.evaluate(() => window.lp.log.connected.map(({ peerId, direction, engine: e }) => ({ peerId, direction, e })))).toEqual([
        { peerId: stockId, direction: 'incoming', e: false },
      ]);
      expect(await engine.evaluate(() => [window.lp.engine.peerConnected(), window.lp.engine.getLastConnectedPeer()])).toEqual([true, stockId]);
      await exchange(engine, stock, engineId, stockId, `${version}-stock-initiates`);
    });

    test('our engine initiates (reliable, ordered, binary, marked as ours)', async ({ context }) => {
      const { engine, stock, engineId, stockId } = await setup(context, version);
      await engine.evaluate((to) => window.lp.engine.connect(to), stockId);
      await engine.waitForFunction((id) => window.lp.engine.getConnectedPeers().includes(id), stockId, { timeout: 15_000 });
      expect(await stock.evaluate(() => window.stock.log.connections)).toEqual([{ peer: engineId, serialization: 'binary', metadata: { lanParty: 1, caps: ['batch', 'large'] } }]);
      await exchange(engine, stock, engineId, stockId, `${version}-engine-initiates`);
      // The stock peer never answers a hello, so it never receives a heartbeat or any text frame.
      await engine.waitForTimeout(1_500);
      expect(await engine.evaluate(() => window.lp.engine.getPeerStats()[0]?.engine)).toBe(false);
      expect(await stock.evaluate(() => window.stock.log.events.length)).toBe(2);
      expect(await engine.evaluate(() => window.lp.engine.getConnectedPeers())).toEqual([stockId]);
    });

    const serializations = version === '1.4.6' ? ['binary-utf8', 'json', 'raw'] : ['json', 'raw'];
    for (const serialization of serializations) {
      test(`stock initiates with serialization "${serialization}"`, async ({ context }) => {
        const { engine, stock, engineId, stockId } = await setup(context, version);
        await stock.evaluate(({ to, s }) => window.stock.connect(to, { serialization: s, reliable: true }), { to: engineId, s: serialization });
        await engine.waitForFunction((id) => window.lp.engine.getConnectedPeers().includes(id), stockId);
        expect(await engine.evaluate(() => window.lp.engine.getPeerStats()[0]?.serialization)).toBe(serialization);
        await exchange(engine, stock, engineId, stockId, `${version}-${serialization}`);
      });
    }

    test('large events are chunked and reassembled both ways (binary)', async ({ context }) => {
      const { engine, stock, engineId, stockId } = await setup(context, version);
      await stock.evaluate((to) => window.stock.connect(to, { reliable: false }), engineId);
      await engine.waitForFunction((id) => window.lp.engine.getConnectedPeers().includes(id), stockId);
      const big = 'y'.repeat(60_000);
      await stock.evaluate(({ to, d }) => window.stock.send(to, 'big', d), { to: engineId, d: big });
      await engine.waitForFunction(() => window.lp.log.events.some((e) => e.name === 'big'));
      expect(await engine.evaluate(() => window.lp.log.events.find((e) => e.name === 'big')?.data === 'y'.repeat(60_000))).toBe(true);
      await engine.evaluate(({ to, d }) => window.lp.engine.triggerEventOnPeer(to, 'big', d), { to: stockId, d: big });
      await stock.waitForFunction(() => window.stock.log.events.some((e) => e.eventName === 'big'));
      expect(await stock.evaluate(() => window.stock.log.events.find((e) => e.eventName === 'big')?.data === 'y'.repeat(60_000))).toBe(true);
    });

    test('malformed messages are dropped and counted, never thrown; valid ones still flow', async ({ context }) => {
      const { engine, stock, engineId, stockId } = await setup(context, version);
      await stock.evaluate((to) => window.stock.connect(to, { reliable: true }), engineId);
      await engine.waitForFunction((id) => window.lp.engine.getConnectedPeers().includes(id), stockId);
      const pageErrors: string[] = [];
      engine.on('pageerror', (error) => pageErrors.push(String(error)));
      await stock.evaluate((to) => {
        for (const value of [{ foo: 1 }, 'just a string', 42, [1, 2], { eventName: 'x', data: 5 }, { eventName: 5, data: 'x' }, null]) {
          window.stock.sendRaw(to, value);
        }
        window.stock.send(to, 'ok', 'still works');
      }, engineId);
      await engine.waitForFunction(() => window.lp.log.events.some((e) => e.name === 'ok'));
      const stats = await engine.evaluate(() => ({ engine: window.lp.engine.getStats().malformedIn, peer: window.lp.engine.getPeerStats()[0]?.malformedIn, events: window.lp.log.events.length }));
      expect(stats).toEqual({ engine: 7, peer: 7, events: 1 });
      expect(await engine.evaluate(() => window.lp.engine.getLastError())).toMatch(/^Dropped a malformed message from /);
      expect(pageErrors).toEqual([]);
      expect(await engine.evaluate(() => window.lp.engine.getConnectedPeers())).toEqual([stockId]);
    });

    test('overlapping connections: closing the old one keeps the new one', async ({ context }) => {
      const { engine, stock, engineId, stockId } = await setup(context, version);
      await stock.evaluate((to) => window.stock.connect(to, { reliable: false }), engineId);
      await stock.evaluate((to) => window.stock.connect(to, { reliable: false }), engineId);
      await engine.waitForFunction(() => window.lp.engine.getPeerStats()[0]?.connections === 2);
      await stock.evaluate((to) => window.stock.closeOldest(to), engineId);
      await engine.waitForFunction(() => window.lp.engine.getPeerStats()[0]?.connections === 1);
      expect(await engine.evaluate(() => window.lp.log.disconnected.length)).toBe(0);
      await exchange(engine, stock, engineId, stockId, `${version}-overlap`);
      // Now the last one goes: reported once.
      const before = await engine.evaluate(() => performance.now());
      await stock.close();
      await engine.waitForFunction(() => window.lp.log.disconnected.length === 1, undefined, { timeout: 50_000 });
      // No heartbeat with a stock peer: ICE notices (about 10 s here: Chromium's ICE "disconnected",
      // then our grace period with no traffic). Well before ICE "failed" (30 s).
      const after = await engine.evaluate(() => window.lp.log.disconnected[0]?.t ?? Number.POSITIVE_INFINITY);
      expect(after - before).toBeLessThan(20_000);
      expect(await engine.evaluate(() => window.lp.log.disconnected.map((d) => d.peerId))).toEqual([stockId]);
    });
  });
}
