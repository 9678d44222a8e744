/**
 * P2P engine, web tier: real WebRTC between Chromium pages running the
 * standalone engine bundle, signaling through the real headless host's broker.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { connectEngines, waitForEngineLinks, openConnectedEngines, openEngine, P2P_LAUNCH_OPTIONS, register, useP2PEnvironment } from '../fixtures/p2p/harness.js';

test.use({ launchOptions: P2P_LAUNCH_OPTIONS });

const env = useP2PEnvironment();

/** Two registered engines in `context`, a connected to b. */
function pair(context: BrowserContext, aId: string, bId: string): Promise<[Page, Page]> {
  return openConnectedEngines([context, context], env.fixtures, env.host.brokerEndpoint, [aId, bId]);
}

/** `a` leaves every peer (`disconnectFromAllPeers`) or every peer and the broker (`disconnectFromAll`): `b` sees it once, `a` keeps no peer. */
async function disconnectEveryPeer(a: Page, b: Page, method: 'disconnectFromAllPeers' | 'disconnectFromAll', stillReady: boolean): Promise<void> {
  await a.evaluate((m) => window.lp.engine[m](), method);
  await b.waitForFunction(() => window.lp.log.disconnected.length === 1);
  expect(await a.evaluate(() => [window.lp.engine.isReady(), window.lp.engine.getConnectedPeers().length])).toEqual([stillReady, 0]);
}

test('connect by id: both sides see the peer, with direction; the frame API reports incoming only', async ({ context }) => {
  const [a, b] = await pair(context, 'core-a1', 'core-b1');
  const aLog = await a.evaluate(() => window.lp.log.connected.map(({ peerId, direction, engine }) => ({ peerId, direction, engine })));
  const bLog = await b.evaluate(() => window.lp.log.connected.map(({ peerId, direction, engine }) => ({ peerId, direction, engine })));
  expect(aLog).toEqual([{ peerId: 'core-b1', direction: 'outgoing', engine: false }]);
  expect(bLog).toEqual([{ peerId: 'core-a1', direction: 'incoming', engine: true }]);
  // Frame API: "Peer Connected" only for incoming connections (as the reference), one frame long.
  expect(await a.evaluate(() => window.lp.engine.peerConnected())).toBe(false);
  expect(await b.evaluate(() => [window.lp.engine.peerConnected(), window.lp.engine.getLastConnectedPeer()])).toEqual([true, 'core-a1']);
  await b.evaluate(() => window.lp.engine.endFrame());
  expect(await b.evaluate(() => window.lp.engine.peerConnected())).toBe(false);
  // The initiator learns the other side is an engine from its hello, then measures RTT by heartbeat.
  await a.waitForFunction(() => window.lp.engine.getPeerStats()[0]?.engine === true);
  await a.waitForFunction(() => (window.lp.engine.getPeerStats()[0]?.rttMs ?? null) !== null);
  const stats = await a.evaluate(() => window.lp.engine.getPeerStats()[0]);
  expect(stats).toMatchObject({ peerId: 'core-b1', state: 'open', direction: 'outgoing', serialization: 'binary', connections: 1 });
  // A second connect to a connected peer is a no-op.
  await a.evaluate(() => window.lp.engine.connect('core-b1'));
  expect(await a.evaluate(() => window.lp.engine.getPeerStats()[0]?.connections)).toBe(1);
});

test('events both ways, string and variable forms; frame and listener APIs agree', async ({ context }) => {
  const [a, b] = await pair(context, 'core-a2', 'core-b2');
  await a.evaluate(() => {
    window.lp.engine.triggerEvent('chat', 'hello');
    window.lp.engine.triggerVariableEvent('state', { x: 1, tags: ['a'] });
    window.lp.engine.triggerVariableEventOnPeer('core-b2', 'n', 42);
    window.lp.engine.triggerVariableEventOnPeer('core-b2', 's', 'abc');
  });
  await b.waitForFunction(() => window.lp.log.events.length === 4);
  expect(await b.evaluate(() => window.lp.log.events)).toEqual([
    { name: 'chat', data: 'hello', sender: 'core-a2' },
    { name: 'state', data: '{"x":1,"tags":["a"]}', sender: 'core-a2' },
    { name: 'n', data: '42', sender: 'core-a2' },
    { name: 's', data: '"abc"', sender: 'core-a2' },
  ]);
  const frame = await b.evaluate(() => {
    const e = window.lp.engine;
    return {
      chat: [e.eventTriggered('chat', false), e.getEventData('chat'), e.getEventSender('chat')],
      state: e.getEventVariable('state', null),
      n: e.getEventVariable('n', null),
      s: e.getEventVariable('s', null),
      chatAsVariable: e.getEventVariable('chat', 'unchanged'),
    };
  });
  expect(frame).toEqual({
    chat: [true, 'hello', 'core-a2'],
    state: { x: 1, tags: ['a'] },
    n: 42,
    s: 'abc',
    chatAsVariable: 'unchanged',
  });
  // And back.
  await b.evaluate(() => {
    window.lp.engine.triggerEventOnPeer('core-a2', 'reply', 'pong');
    window.lp.engine.triggerVariableEvent('flag', true);
  });
  await a.waitForFunction(() => window.lp.log.events.length === 2);
  expect(await a.evaluate(() => window.lp.log.events)).toEqual([
    { name: 'reply', data: 'pong', sender: 'core-b2' },
    { name: 'flag', data: 'true', sender: 'core-b2' },
  ]);
  // A large event (over PeerJS's 16,300-byte frame) crosses too, both ways.
  const big = 'x'.repeat(100_000);
  await a.evaluate((data) => window.lp.engine.triggerEvent('big', data), big);
  await b.waitForFunction(() => window.lp.log.events.some((e) => e.name === 'big'));
  expect(await b.evaluate(() => window.lp.log.events.find((e) => e.name === 'big')?.data.length)).toBe(100_000);
  await b.evaluate((data) => window.lp.engine.triggerEvent('big', data), big);
  await a.waitForFunction(() => window.lp.log.events.some((e) => e.name === 'big'));
  expect(await a.evaluate(() => window.lp.log.events.find((e) => e.name === 'big')?.data.length)).toBe(100_000);
  expect(await a.evaluate(() => window.lp.log.errors)).toEqual([]);
  expect(await b.evaluate(() => window.lp.log.errors)).toEqual([]);
});

test('a burst of 1,000 events: no loss without data loss, newest only with it', async ({ context }) => {
  const [a, b] = await pair(context, 'core-a3', 'core-b3');
  await b.evaluate(() => {
    // The game evaluated both conditions once before the burst: this sets their modes.
    window.lp.engine.eventTriggered('all', false);
    window.lp.engine.eventTriggered('latest', true);
  });
  await a.evaluate(() => {
    for (let i = 0; i < 1000; i += 1) {
      window.lp.engine.triggerEvent('all', String(i));
      window.lp.engine.triggerEvent('latest', String(i));
    }
  });
  await b.waitForFunction(() => window.lp.log.events.length === 2000, undefined, { timeout: 20_000 });
  const result = await b.evaluate(() => {
    // 1,000 game frames evaluating both conditions, as a game loop would.
    const e = window.lp.engine;
    const latest: string[] = [];
    const all: string[] = [];
    for (let frame = 0; frame < 1000; frame += 1) {
      if (e.eventTriggered('latest', true)) latest.push(`${frame}:${e.getEventData('latest')}:${e.getEventSender('latest')}`);
      if (e.eventTriggered('all', false)) all.push(e.getEventData('all'));
      e.endFrame();
    }
    return { latest, all, allAfter: e.eventTriggered('all', false) };
  });
  expect(result.latest).toEqual(['0:999:core-a3']);
  expect(result.all).toEqual(Array.from({ length: 1000 }, (_, i) => String(i)));
  expect(result.allAfter).toBe(false);
  // getAllEventData consumes everything at once.
  await a.evaluate(() => {
    for (let i = 0; i < 1000; i += 1) window.lp.engine.triggerEvent('bulk', String(i));
  });
  await b.waitForFunction(() => window.lp.engine.getStats().id !== '' && window.lp.log.events.filter((e) => e.name === 'bulk').length === 1000);
  const bulk = await b.evaluate(() => window.lp.engine.getAllEventData('bulk').map((i) => i.data));
  expect(bulk).toEqual(Array.from({ length: 1000 }, (_, i) => String(i)));
  expect(await b.evaluate(() => window.lp.engine.eventTriggered('bulk', false))).toBe(false);
});

test('a burst between two engines travels coalesced (fewer frames than events), complete and in order, both ways', async ({ context }) => {
  const [a, b] = await pair(context, 'core-a9', 'core-b9');
  // The initiator batches once the answerer's hello (declaring the capability) has arrived.
  await a.waitForFunction(() => window.lp.engine.getPeerStats()[0]?.engine === true);
  const send = (page: Page, to: string): Promise<string[]> =>
    page.evaluate((peer) => {
      const sent: string[] = [];
      const e = window.lp.engine;
      // 3 game frames of 1,500 events; a large event (alone on the wire) in the middle of the second.
      for (let frame = 0; frame < 3; frame += 1) {
        for (let i = 0; i < 1500; i += 1) {
          const data = frame === 1 && i === 700 ? 'L'.repeat(40_000) : `${frame}:${i}`;
          sent.push(data.length > 100 ? `large ${data.length}` : data);
          if (i % 2 === 0) e.triggerEvent('burst', data);
          else e.triggerEventOnPeer(peer, 'burst', data);
        }
      }
      return sent;
    }, to);
  const [sentByA, sentByB] = await Promise.all([send(a, 'core-b9'), send(b, 'core-a9')]);
  const received = (page: Page): Promise<string[]> =>
    page.evaluate(() => window.lp.log.events.filter((e) => e.name === 'burst').map((e) => (e.data.length > 100 ? `large ${e.data.length}` : e.data)));
  await b.waitForFunction(() => window.lp.log.events.filter((e) => e.name === 'burst').length === 4500, undefined, { timeout: 20_000 });
  await a.waitForFunction(() => window.lp.log.events.filter((e) => e.name === 'burst').length === 4500, undefined, { timeout: 20_000 });
  expect(await received(b)).toEqual(sentByA);
  expect(await received(a)).toEqual(sentByB);
  // One frame-queue entry per event, in order.
  expect(await b.evaluate(() => window.lp.engine.getAllEventData('burst').length)).toBe(4500);
  for (const [page, peer] of [
    [a, 'core-b9'],
    [b, 'core-a9'],
  ] as const) {
    const stats = await page.evaluate(() => window.lp.engine.getPeerStats()[0]);
    expect(stats).toMatchObject({ peerId: peer, messagesOut: 4500, messagesIn: 4500 });
    // Coalesced: at most a handful of frames per game frame (1,000 events or 16 KB each, plus the large one alone).
    expect(stats?.framesOut).toBeLessThanOrEqual(20);
    expect(stats?.framesIn).toBeLessThanOrEqual(20);
  }
  expect(await a.evaluate(() => window.lp.log.errors)).toEqual([]);
  expect(await b.evaluate(() => window.lp.log.errors)).toEqual([]);
});

test('disconnect from a peer: both sides report it once; the other peers stay', async ({ context }) => {
  const [a, b] = await pair(context, 'core-a4', 'core-b4');
  const c = await openEngine(context, env.fixtures);
  await register(c, env.host.brokerEndpoint, 'core-c4');
  await connectEngines(c, a, 'core-a4', 'core-c4');
  await a.evaluate(() => window.lp.engine.disconnectFromPeer('core-b4'));
  await b.waitForFunction(() => window.lp.log.disconnected.length === 1);
  expect(await a.evaluate(() => window.lp.log.disconnected.map(({ peerId, reason }) => ({ peerId, reason })))).toEqual([{ peerId: 'core-b4', reason: 'local' }]);
  expect(await b.evaluate(() => window.lp.log.disconnected.map(({ peerId, reason }) => ({ peerId, reason })))).toEqual([{ peerId: 'core-a4', reason: 'closed' }]);
  expect(await a.evaluate(() => [window.lp.engine.peerDisconnected(), window.lp.engine.getLastDisconnectedPeer()])).toEqual([true, 'core-b4']);
  expect(await a.evaluate(() => window.lp.engine.getConnectedPeers())).toEqual(['core-c4']);
  // Sending to the peer that left records the error; nothing throws.
  await a.evaluate(() => window.lp.engine.triggerEventOnPeer('core-b4', 'e', 'x'));
  expect(await a.evaluate(() => window.lp.engine.getLastError())).toBe('Peer core-b4 is not connected');
  // Still exactly once after a while (no late duplicate from the heartbeat or ICE).
  await a.waitForTimeout(2_500);
  expect(await a.evaluate(() => window.lp.log.disconnected.length)).toBe(1);
  expect(await b.evaluate(() => window.lp.log.disconnected.length)).toBe(1);
});

test('disconnect from all peers keeps the broker link; new connections still work', async ({ context }) => {
  const [a, b] = await pair(context, 'core-a5', 'core-b5');
  await disconnectEveryPeer(a, b, 'disconnectFromAllPeers', true);
  await connectEngines(a, b, 'core-b5', 'core-a5');
});

test('disconnect from broker: data channels keep working, not ready, id kept, no reconnect', async ({ context }) => {
  const [a, b] = await pair(context, 'core-a6', 'core-b6');
  await a.evaluate(() => window.lp.engine.disconnectFromBroker());
  expect(await a.evaluate(() => [window.lp.engine.isReady(), window.lp.engine.getId()])).toEqual([false, 'core-a6']);
  await a.evaluate(() => window.lp.engine.triggerEvent('after', 'broker-gone'));
  await b.waitForFunction(() => window.lp.log.events.some((e) => e.name === 'after'));
  await b.evaluate(() => window.lp.engine.triggerEvent('back', 'ok'));
  await a.waitForFunction(() => window.lp.log.events.some((e) => e.name === 'back'));
  // No automatic reconnection.
  await a.waitForTimeout(1_500);
  expect(await a.evaluate(() => [window.lp.engine.isReady(), window.lp.log.ready.length])).toEqual([false, 1]);
  // A new connect needs a broker: clear error, no throw.
  await a.evaluate(() => window.lp.engine.connect('core-b6-other'));
  expect(await a.evaluate(() => window.lp.engine.getLastError())).toMatch(/Not connected to a broker/);
  // Connecting to the broker again re-registers the same id; the old data channel still works.
  await a.evaluate((b) => window.lp.engine.useBroker(b.host, b.port, '', '', false), env.host.brokerEndpoint);
  await a.waitForFunction(() => window.lp.engine.isReady());
  expect(await a.evaluate(() => window.lp.engine.getId())).toBe('core-a6');
  await a.evaluate(() => window.lp.engine.triggerEvent('again', '1'));
  await b.waitForFunction(() => window.lp.log.events.some((e) => e.name === 'again'));
  expect(await b.evaluate(() => window.lp.log.disconnected.length)).toBe(0);
});

test('disconnect from all: every connection and the broker link; nothing is re-created', async ({ context }) => {
  const [a, b] = await pair(context, 'core-a7', 'core-b7');
  await disconnectEveryPeer(a, b, 'disconnectFromAll', false);
  await a.waitForTimeout(1_500);
  expect(await a.evaluate(() => [window.lp.engine.isReady(), window.lp.log.ready.length])).toEqual([false, 1]);
  // b cannot reach a any more through the broker: the id is free.
  await b.evaluate(() => window.lp.engine.connect('core-a7'));
  await b.waitForFunction(() => window.lp.log.errors.includes('Could not connect to peer core-a7'), undefined, { timeout: 20_000 });
});

test('override id, a taken id, an invalid id, and an unknown peer id', async ({ context }) => {
  const a = await openEngine(context, env.fixtures);
  const b = await openEngine(context, env.fixtures);
  expect(await a.evaluate(() => window.lp.engine.getId())).toBe('');
  expect(await register(a, env.host.brokerEndpoint, 'core-taken')).toBe('core-taken');
  // Taken.
  await b.evaluate((bk) => {
    window.lp.engine.overrideId('core-taken');
    window.lp.engine.useBroker(bk.host, bk.port, bk.path, bk.key, bk.secure);
  }, env.host.brokerEndpoint);
  await b.waitForFunction(() => window.lp.engine.errorOccurred());
  expect(await b.evaluate(() => [window.lp.engine.getLastError(), window.lp.engine.isReady(), window.lp.engine.getId()])).toEqual([
    'ID "core-taken" is taken',
    false,
    '',
  ]);
  // Invalid override: error, and the next connection uses a generated id.
  await b.evaluate(() => window.lp.engine.overrideId('bad id!'));
  expect(await b.evaluate(() => window.lp.engine.getLastError())).toMatch(/^Invalid client id "bad id!"/);
  const generated = await register(b, env.host.brokerEndpoint);
  expect(generated).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  // Unknown id: the broker answers EXPIRE, the engine records the reference's message.
  await b.evaluate(() => window.lp.engine.connect('core-nobody'));
  await b.waitForFunction(() => window.lp.log.errors.includes('Could not connect to peer core-nobody'), undefined, { timeout: 20_000 });
  expect(await b.evaluate(() => window.lp.log.errors.filter((e) => e === 'Could not connect to peer core-nobody').length)).toBe(1);
  // Already connected to a broker: ignored with an error.
  await b.evaluate((bk) => window.lp.engine.useBroker(bk.host, bk.port, bk.path, bk.key, bk.secure), env.host.brokerEndpoint);
  expect(await b.evaluate(() => window.lp.engine.getLastError())).toMatch(/Already connected to a broker/);
  expect(await b.evaluate(() => window.lp.engine.getId())).toBe(generated);
});

test('bad input never throws out of a public method', async ({ context }) => {
  const a = await openEngine(context, env.fixtures);
  const result = await a.evaluate(() => {
    const e = window.lp.engine as unknown as Record<string, (...args: unknown[]) => unknown>;
    const thrown: string[] = [];
    const calls: [string, unknown[]][] = [
      ['connect', [null]],
      ['connect', [{}]],
      ['triggerEvent', [undefined, undefined]],
      ['triggerEvent', ['e', { not: 'a string' }]],
      ['triggerVariableEvent', ['e', () => 1]],
      ['triggerEventOnPeer', [42, 'e', 'd']],
      ['useBroker', ['', -1, null, null, 'yes']],
      ['useBroker', ['host/with/slash', 9000]],
      ['addIceServer', ['http://not-ice']],
      ['overrideId', [Symbol('x')]],
      ['disconnectFromPeer', [undefined]],
      ['getEventData', [null]],
      ['eventTriggered', [123, 'yes']],
      ['getEventVariable', [{}]],
    ];
    for (const [name, args] of calls) {
      try {
        e[name]?.(...args);
      } catch (error) {
        thrown.push(`${name}: ${String(error)}`);
      }
    }
    return { thrown, errors: window.lp.log.errors.length };
  });
  expect(result.thrown).toEqual([]);
  expect(result.errors).toBeGreaterThanOrEqual(10);
});

test('a page closed abruptly is reported disconnected within 3 s, once', async ({ context, browser }) => {
  // b lives in its own browser context, hence its own renderer process: crashing it must not take a down.
  const other = await browser.newContext();
  const [a, b] = await openConnectedEngines([context, other], env.fixtures, env.host.brokerEndpoint, ['core-a8', 'core-b8']);
  const c = await openEngine(context, env.fixtures);
  await register(c, env.host.brokerEndpoint, 'core-c8');
  await connectEngines(c, a, 'core-a8', 'core-c8');
  await waitForEngineLinks(a, b, c);

  // b's renderer crashes: no SCTP/DTLS goodbye reaches a, only the heartbeat can tell.
  const cdp = await other.newCDPSession(b);
  const before = await a.evaluate(() => performance.now());
  // The crash command never gets an answer (the page is gone): fire and forget.
  void cdp.send('Page.crash').catch(() => undefined);
  await a.waitForFunction(() => window.lp.log.disconnected.length === 1, undefined, { timeout: 5_000 });
  const crashed = await a.evaluate(() => window.lp.log.disconnected[0]);
  expect(crashed?.peerId).toBe('core-b8');
  expect((crashed?.t ?? Infinity) - before).toBeLessThan(3_000);

  // c's page is closed: reported too, within 3 s.
  const beforeClose = await a.evaluate(() => performance.now());
  await c.close();
  await a.waitForFunction(() => window.lp.log.disconnected.length === 2, undefined, { timeout: 5_000 });
  const closed = await a.evaluate(() => window.lp.log.disconnected[1]);
  expect(closed?.peerId).toBe('core-c8');
  expect((closed?.t ?? Infinity) - beforeClose).toBeLessThan(3_000);

  await a.waitForTimeout(2_000);
  expect(await a.evaluate(() => window.lp.log.disconnected.map((d) => d.peerId))).toEqual(['core-b8', 'core-c8']);
  await other.close();
});

test('simultaneous connects from both sides: one peer each side, every event once, no spurious disconnect', async ({ context }) => {
  // Whether this makes one data connection or two overlapping ones depends on timing (each side
  // ignores a connect to a peer it is already connecting with); the invariants hold either way.
  // The deterministic overlap case (close the old, keep the new) is in p2p-interop.spec.ts and engine.test.ts.
  const a = await openEngine(context, env.fixtures);
  const b = await openEngine(context, env.fixtures);
  await register(a, env.host.brokerEndpoint, 'core-a9');
  await register(b, env.host.brokerEndpoint, 'core-b9');
  await Promise.all([a.evaluate(() => window.lp.engine.connect('core-b9')), b.evaluate(() => window.lp.engine.connect('core-a9'))]);
  await a.waitForFunction(() => window.lp.engine.getConnectedPeers().includes('core-b9'));
  await b.waitForFunction(() => window.lp.engine.getConnectedPeers().includes('core-a9'));
  await a.waitForTimeout(1_000);
  for (const page of [a, b]) {
    const stats = await page.evaluate(() => window.lp.engine.getPeerStats());
    expect(stats).toHaveLength(1);
    expect([1, 2]).toContain(stats[0]?.connections);
    expect(await page.evaluate(() => window.lp.log.connected.length)).toBe(1);
  }
  // Each side's frame API reports the peer once if an incoming connection exists there.
  for (const page of [a, b]) {
    const incoming = await page.evaluate(() => window.lp.log.connected[0]?.direction === 'incoming' || window.lp.engine.getPeerStats()[0]?.connections === 2);
    expect(await page.evaluate(() => window.lp.engine.peerConnected())).toBe(incoming);
  }
  await a.evaluate(() => window.lp.engine.triggerEvent('x', '1'));
  await b.evaluate(() => window.lp.engine.triggerEvent('y', '2'));
  await b.waitForFunction(() => window.lp.log.events.length === 1);
  await a.waitForFunction(() => window.lp.log.events.length === 1);
  await a.waitForTimeout(500);
  expect(await b.evaluate(() => window.lp.log.events)).toEqual([{ name: 'x', data: '1', sender: 'core-a9' }]);
  expect(await a.evaluate(() => window.lp.log.events)).toEqual([{ name: 'y', data: '2', sender: 'core-b9' }]);
  expect(await a.evaluate(() => window.lp.log.disconnected.length)).toBe(0);
  expect(await b.evaluate(() => window.lp.log.disconnected.length)).toBe(0);
});
