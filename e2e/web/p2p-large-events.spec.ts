/**
 * Large events (issue 13): between two engines a 1 MiB event travels as a
 * header and raw 64 KiB pieces (src-renderer/p2p/large-events.ts) and arrives
 * whole, in order with the small events around it; exactly 1 MiB of data is
 * admitted and one byte more is refused with `too-large`; a stock PeerJS page
 * still gets a large event from our engine in its own format (BinaryPack
 * chunks). Real Chromium pages, the real host's broker.
 *
 * Every page records the sizes of the frames it hands to its data channels
 * (a wrapper around `RTCDataChannel.prototype.send`), so the specs see which
 * wire format was used, not only that the data arrived.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { connectEngines, openEngine, openStock, P2P_LAUNCH_OPTIONS, register, useP2PEnvironment } from '../fixtures/p2p/harness.js';

test.use({ launchOptions: P2P_LAUNCH_OPTIONS });

const MIB = 1024 * 1024;
/** The piece size of large-events.ts (a page function cannot read constants from here: repeated there). */
const PIECE = 64 * 1024;

const env = useP2PEnvironment();

declare global {
  interface Window {
    /** Byte sizes of binary frames sent on any data channel of the page (text frames: not recorded). */
    binaryFramesSent?: number[];
  }
}

/** Records binary frame sizes in every page of the context (before any page script runs). */
async function recordFrames(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    window.binaryFramesSent = [];
    const send = RTCDataChannel.prototype.send;
    // One signature for send's overloads: the wrapper passes its argument through unchanged.
    const forward = send as (this: RTCDataChannel, data: unknown) => void;
    RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: string | Blob | ArrayBuffer | ArrayBufferView) {
      if (typeof data !== 'string') window.binaryFramesSent?.push(data instanceof Blob ? data.size : data.byteLength);
      forward.call(this, data);
    };
  });
}

const pieceFrames = (page: Page): Promise<number> => page.evaluate((piece) => (window.binaryFramesSent ?? []).filter((n) => n === piece).length, PIECE);

test('two engines exchange 1 MiB events both ways as raw pieces, in order with small events; 1 MiB + 1 byte is refused', async ({ context }) => {
  await recordFrames(context);
  const a = await openEngine(context, env.fixtures);
  const b = await openEngine(context, env.fixtures);
  await register(a, env.host.brokerEndpoint, 'large-a');
  await register(b, env.host.brokerEndpoint, 'large-b');
  await connectEngines(a, b, 'large-b', 'large-a');
  // The initiator reads the answerer's capabilities in its hello.
  await a.waitForFunction(() => window.lp.engine.getPeerStats()[0]?.engine === true);

  // a (initiator) → b: small, exactly 1 MiB of ASCII, small, in one task.
  const sent = await a.evaluate((mib) => {
    const results = [window.lp.engine.triggerEvent('seq', 'before'), window.lp.engine.triggerEvent('big', 'x'.repeat(mib)), window.lp.engine.triggerEvent('seq', 'after')];
    return results;
  }, MIB);
  expect(sent).toEqual([
    { ok: true, peers: 1 },
    { ok: true, peers: 1 },
    { ok: true, peers: 1 },
  ]);
  await b.waitForFunction(() => window.lp.log.events.filter((e) => e.sender === 'large-a').length >= 3, undefined, { timeout: 20_000 });
  expect(
    await b.evaluate((mib) => window.lp.log.events.map((e) => (e.name === 'big' ? { name: e.name, whole: e.data === 'x'.repeat(mib), sender: e.sender } : { name: e.name, data: e.data, sender: e.sender })), MIB),
  ).toEqual([
    { name: 'seq', data: 'before', sender: 'large-a' },
    { name: 'big', whole: true, sender: 'large-a' },
    { name: 'seq', data: 'after', sender: 'large-a' },
  ]);
  // 1 MiB in 64 KiB pieces: 16 of them.
  expect(await pieceFrames(a)).toBe(16);

  // b (answerer) → a: 1 MiB of two-byte characters (512 Ki × 'é'), pieces cut inside characters.
  expect(await b.evaluate((mib) => window.lp.engine.triggerEventOnPeer('large-a', 'big', 'é'.repeat(mib / 2)), MIB)).toEqual({ ok: true, peers: 1 });
  await a.waitForFunction(() => window.lp.log.events.some((e) => e.name === 'big'), undefined, { timeout: 20_000 });
  expect(await a.evaluate((mib) => window.lp.log.events.find((e) => e.name === 'big')?.data === 'é'.repeat(mib / 2), MIB)).toBe(true);
  expect(await pieceFrames(b)).toBe(16);
  // The frame API sees it too.
  expect(await a.evaluate(() => window.lp.engine.getEventData('big').length)).toBe(MIB / 2);

  // One byte more is refused at the send, with its code, and nothing leaves.
  const refused = await a.evaluate((mib) => window.lp.engine.triggerEvent('big', 'x'.repeat(mib + 1)), MIB);
  expect(refused).toMatchObject({ ok: false, peers: 0, code: 'too-large' });
  expect(await a.evaluate(() => window.lp.engine.getLastError())).toMatch(/too large/);
  await a.evaluate(() => window.lp.engine.triggerEvent('seq', 'last'));
  await b.waitForFunction(() => window.lp.log.events.some((e) => e.data === 'last'));
  expect(await b.evaluate(() => window.lp.log.events.filter((e) => e.name === 'big').length)).toBe(1);
  expect(await pieceFrames(a)).toBe(16);

  for (const page of [a, b]) {
    expect(await page.evaluate(() => window.lp.engine.getStats().malformedIn)).toBe(0);
    expect(await page.evaluate(() => window.lp.engine.getConnectedPeers().length)).toBe(1);
  }
  expect(await b.evaluate(() => window.lp.log.errors)).toEqual([]);
});

for (const version of ['1.4.6', '1.5'] as const) {
  test(`a stock peerjs@${version} page receives a 1 MiB event from our engine in its own format`, async ({ context }) => {
    await recordFrames(context);
    const engine = await openEngine(context, env.fixtures);
    const stock = await openStock(context, env.fixtures, version);
    const engineId = `large-eng-${version.replace(/\./g, '')}`;
    const stockId = `large-stock-${version.replace(/\./g, '')}`;
    await register(engine, env.host.brokerEndpoint, engineId);
    expect(await stock.evaluate(({ id, b }) => window.stock.start(id, b), { id: stockId, b: env.host.brokerEndpoint })).toBe(stockId);
    // Our engine initiates: its metadata declares `large`, but a stock peer never answers with a hello.
    await engine.evaluate((to) => window.lp.engine.connect(to), stockId);
    await engine.waitForFunction((id) => window.lp.engine.getConnectedPeers().includes(id), stockId, { timeout: 15_000 });
    expect(await engine.evaluate((mib) => window.lp.engine.triggerEventOnPeer(window.lp.engine.getConnectedPeers()[0] ?? '', 'big', 'z'.repeat(mib)), MIB)).toEqual({ ok: true, peers: 1 });
    await stock.waitForFunction(() => window.stock.log.events.some((e) => e.eventName === 'big'), undefined, { timeout: 30_000 });
    expect(await stock.evaluate((mib) => window.stock.log.events.map((e) => ({ sender: e.sender, eventName: e.eventName, whole: e.data === 'z'.repeat(mib) })), MIB)).toEqual([
      { sender: engineId, eventName: 'big', whole: true },
    ]);
    // BinaryPack chunks (16,300 bytes of payload each), never a 64 KiB piece.
    expect(await pieceFrames(engine)).toBe(0);
    expect(await engine.evaluate(() => (window.binaryFramesSent ?? []).length)).toBeGreaterThan(60);
    expect(await stock.evaluate(() => window.stock.log.errors)).toEqual([]);
    expect(await engine.evaluate(() => window.lp.log.errors)).toEqual([]);
  });
}
