/**
 * The GDevelop drop-in: a game shaped like a GDevelop HTML5 export using the
 * P2P extension (e2e/fixtures/games/gdevelop-p2p: it loads
 * `Extensions/P2P/A_peer.js` and `B_p2ptools.js` and runs a stand-in `gdjs`
 * frame loop), hosted by the real headless host, runs its P2P events on our
 * engine through `gdjs.evtTools.p2p`, unmodified:
 * - every action, condition and expression of the seed reference behaves as
 *   ../shared/spec/p2p-semantics.md says (one table, one row per item);
 * - two instances exchange events while the LAN's default broker moves to
 *   another host and the first host goes away, and report a page killed
 *   abruptly within 3 s;
 * - with the per-game switch set to 'original', the game's own files run.
 */
import path from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import type { GdevelopP2PNamespace } from '../../src-renderer/gdevelop/p2p-adapter.js';
import { callBridge } from '../fixtures/bridge.js';
import { REPO_ROOT, type RunningHost } from '../fixtures/host.js';
import { P2P_LAUNCH_OPTIONS } from '../fixtures/p2p/harness.js';
import { expect, test } from '../fixtures/test.js';

const GAME = path.join(REPO_ROOT, 'e2e/fixtures/games/gdevelop-p2p');

// `host` hosts the export as it is; a test that hosts it another way starts its own (`hosts.start`).
test.use({ launchOptions: P2P_LAUNCH_OPTIONS, hostOptions: { args: ['--game', GAME] } });

/** One call on `gdjs.evtTools.p2p` ([name, ...args]), or `$set`/`$get` of a scene variable; `{ $var: name }` passes a variable. */
type Call = [keyof GdevelopP2PNamespace | '$set' | '$get', ...unknown[]];
interface WatchEntry {
  frame: number;
  t: number;
  results: unknown[];
}

declare global {
  interface Window {
    gdTest: {
      start(): void;
      pause(): void;
      frame(calls: Call[]): Promise<unknown[]>;
      watch(name: string, calls: Call[]): void;
      repeat(calls: Call[], times: number): void;
      logs: Record<string, WatchEntry[]>;
    };
    gdevelopOriginal?: { peer?: boolean; p2ptools?: boolean };
    LanPartyP2P?: unknown;
  }
}

function gameUrlOf(h: RunningHost): string {
  const url = h.ready.games[0]?.url;
  if (!url) throw new Error(`no hosted game in:\n${h.output()}`);
  return url;
}

async function openGame(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => typeof window.gdTest?.frame === 'function');
  return page;
}

/** The calls, in one frame of the game. */
function frame(page: Page, ...calls: Call[]): Promise<unknown[]> {
  return page.evaluate((c) => window.gdTest.frame(c), calls);
}

/** Runs frames until the first call is truthy (at most `timeoutMs`); returns that frame's results. */
async function untilFrame(page: Page, calls: Call[], timeoutMs = 10_000): Promise<unknown[]> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const results = await frame(page, ...calls);
    if (results[0]) return results;
    if (Date.now() > end) throw new Error(`${JSON.stringify(calls)} never became true in ${timeoutMs} ms`);
    await page.waitForTimeout(20);
  }
}

/** Registers on the LAN's default broker (the host that served the game) as `id`. */
async function joinDefault(page: Page, id: string): Promise<void> {
  await frame(page, ['overrideId', id], ['useDefaultBrokerServer']);
  await untilFrame(page, [['isReady']]);
}

/** The items of the seed reference page (p2p-extension-reference.md), in its order: the table must cover each. */
const SEED_ITEMS = [
  'Action: Connect to another client',
  'Action: Disconnect from all',
  'Action: Disconnect from all peers',
  'Action: Disconnect from broker',
  'Action: Disconnect from a peer',
  'Action: Get event data (variable)',
  'Action: Override the client ID',
  'Action: Trigger event on all connected clients',
  'Action: Trigger event on all connected clients (variable)',
  'Action: Trigger event on a specific client',
  'Action: Trigger event on a specific client (variable)',
  'Action: Connect to the default broker server',
  'Action: Connect to a broker server',
  'Action: Use a custom ICE server',
  'Condition: Is P2P ready',
  'Condition: Peer Connected',
  'Condition: Peer disconnected',
  'Condition: An error occurred',
  'Condition: Event triggered by peer',
  'Expression: P2P::GetEventData(string)',
  'Expression: P2P::GetEventSender(string)',
  'Expression: P2P::GetID()',
  'Expression: P2P::GetLastConnectedPeer()',
  'Expression: P2P::GetLastDisconnectedPeer()',
  'Expression: P2P::GetLastError()',
] as const;

interface Players {
  h: RunningHost;
  a: Page;
  b: Page;
  c: Page;
}
type Row = [item: (typeof SEED_ITEMS)[number], check: (p: Players) => Promise<void>];

/** A connects to B; B's "Peer Connected" is true for exactly one frame, with A's id; A's never (it initiated). */
async function connectAB({ a, b }: Players): Promise<void> {
  await frame(a, ['connect', 'gd-b']);
  expect(await untilFrame(b, [['onConnection'], ['getConnectedPeer']])).toEqual([true, 'gd-a']);
  expect(await frame(b, ['onConnection'], ['getConnectedPeer'])).toEqual([false, '']);
  // A sees the link open once it can send to B without an error.
  await expect.poll(async () => (await frame(a, ['sendDataTo', 'gd-b', 'probe', ''], ['onError']))[1], { timeout: 10_000 }).toBe(false);
  expect(await frame(a, ['onConnection'])).toEqual([false]);
  await untilFrame(b, [['onEvent', 'probe', true]]);
}

/** The table: each seed item, what the spec says, through gdjs.evtTools.p2p. Rows run in order on shared players. */
const ROWS: Row[] = [
  [
    'Expression: P2P::GetID()',
    async ({ c }) => {
      // Before any broker connection: "".
      expect(await frame(c, ['getCurrentId'], ['isReady'])).toEqual(['', false]);
    },
  ],
  [
    'Action: Connect to the default broker server',
    async ({ h, a }) => {
      await joinDefault(a, 'gd-a');
      // The LAN's broker (the host's own), not the PeerJS cloud.
      const peers = (await (await fetch(`http://127.0.0.1:${h.port}/peerjs/peers`)).json()) as string[];
      expect(peers).toContain('gd-a');
      // Again while connected: ignored with an error.
      expect(await frame(a, ['useDefaultBrokerServer'], ['onError'], ['getLastError'])).toEqual([undefined, true, expect.stringMatching(/Already connected to a broker/)]);
    },
  ],
  [
    'Condition: Is P2P ready',
    async ({ a }) => {
      expect(await frame(a, ['isReady'], ['getCurrentId'])).toEqual([true, 'gd-a']);
    },
  ],
  [
    'Action: Override the client ID',
    async ({ c }) => {
      expect(await frame(c, ['overrideId', 'bad id!'], ['onError'], ['getLastError'])).toEqual([undefined, true, expect.stringMatching(/^Invalid client id "bad id!"/)]);
      // A taken id: the broker refuses it; not ready.
      await frame(c, ['overrideId', 'gd-a'], ['useDefaultBrokerServer']);
      expect(await untilFrame(c, [['onError'], ['getLastError'], ['isReady']])).toEqual([true, 'ID "gd-a" is taken', false]);
    },
  ],
  [
    'Action: Connect to a broker server',
    async ({ h, b }) => {
      // Empty path and key mean "/" and "peerjs".
      await frame(b, ['overrideId', 'gd-b'], ['useCustomBrokerServer', '127.0.0.1', h.port, '', '', false]);
      expect(await untilFrame(b, [['isReady'], ['getCurrentId']])).toEqual([true, 'gd-b']);
    },
  ],
  [
    'Action: Use a custom ICE server',
    async ({ a }) => {
      // Appended to the list used by connections opened afterwards (a loopback STUN; the connect below still works).
      expect(await frame(a, ['useCustomICECandidate', 'stun:127.0.0.1:3478', '', ''], ['onError'])).toEqual([undefined, false]);
      expect(await frame(a, ['useCustomICECandidate', 'http://not-ice', '', ''], ['onError'], ['getLastError'])).toEqual([
        undefined,
        true,
        expect.stringMatching(/^Invalid ICE server URL/),
      ]);
    },
  ],
  [
    'Action: Connect to another client',
    async (players) => {
      await connectAB(players);
      // An unknown id: the broker's EXPIRE, then the reference's message.
      await frame(players.a, ['connect', 'gd-nobody']);
      expect(await untilFrame(players.a, [['onError'], ['getLastError']], 20_000)).toEqual([true, 'Could not connect to peer gd-nobody']);
    },
  ],
  [
    'Condition: Peer Connected',
    async ({ a, b }) => {
      // A second connect to a connected peer is a no-op: nothing new on either side.
      await frame(a, ['connect', 'gd-b']);
      await b.waitForTimeout(500);
      expect(await frame(b, ['onConnection'])).toEqual([false]);
    },
  ],
  [
    'Expression: P2P::GetLastConnectedPeer()',
    async ({ a }) => {
      expect(await frame(a, ['getConnectedPeer'])).toEqual(['']);
    },
  ],
  [
    'Action: Trigger event on all connected clients',
    async ({ a, b }) => {
      await frame(a, ['sendDataToAll', 'hello', 'world']);
      expect(await untilFrame(b, [['onEvent', 'hello', false], ['getEventData', 'hello'], ['getEventSender', 'hello']])).toEqual([true, 'world', 'gd-a']);
      // Visible for exactly one frame.
      expect(await frame(b, ['onEvent', 'hello', false], ['getEventData', 'hello'])).toEqual([false, '']);
    },
  ],
  [
    'Condition: Event triggered by peer',
    async ({ a, b }) => {
      // No data loss: every item, in order, one per frame.
      await frame(b, ['onEvent', 'chat', false], ['onEvent', 'pos', true]);
      await frame(a, ['sendDataToAll', 'chat', '1'], ['sendDataToAll', 'chat', '2'], ['sendDataToAll', 'chat', '3']);
      await frame(a, ['sendDataToAll', 'pos', '1'], ['sendDataToAll', 'pos', '2'], ['sendDataToAll', 'pos', '3']);
      // Both names arrive before b's next frame (every item is visible for one frame, read or not).
      await b.waitForTimeout(300);
      const both: Call[] = [['onEvent', 'chat', false], ['getEventData', 'chat'], ['onEvent', 'pos', true], ['getEventData', 'pos']];
      // Data loss allowed ("pos"): only the newest, once.
      expect(await untilFrame(b, both)).toEqual([true, '1', true, '3']);
      expect(await frame(b, ...both)).toEqual([true, '2', false, '']);
      expect(await frame(b, ...both)).toEqual([true, '3', false, '']);
      expect(await frame(b, ...both)).toEqual([false, '', false, '']);
    },
  ],
  [
    'Expression: P2P::GetEventData(string)',
    async ({ b }) => {
      expect(await frame(b, ['getEventData', 'never-sent'])).toEqual(['']);
    },
  ],
  [
    'Expression: P2P::GetEventSender(string)',
    async ({ b }) => {
      expect(await frame(b, ['getEventSender', 'never-sent'])).toEqual(['']);
    },
  ],
  [
    'Action: Trigger event on a specific client',
    async ({ a, b }) => {
      await frame(b, ['sendDataTo', 'gd-a', 'direct', 'to-a']);
      expect(await untilFrame(a, [['onEvent', 'direct', false], ['getEventData', 'direct'], ['getEventSender', 'direct']])).toEqual([true, 'to-a', 'gd-b']);
      // Unknown id: an error, not silence.
      expect(await frame(b, ['sendDataTo', 'nobody', 'direct', 'x'], ['onError'], ['getLastError'])).toEqual([undefined, true, 'Peer nobody is not connected']);
    },
  ],
  [
    'Condition: An error occurred',
    async ({ b }) => {
      // True once after an error: the row above read it.
      expect(await frame(b, ['onError'])).toEqual([false]);
      expect(await frame(b, ['sendDataTo', 'nobody', 'x', ''], ['onError'], ['onError'])).toEqual([undefined, true, false]);
    },
  ],
  [
    'Expression: P2P::GetLastError()',
    async ({ b, c }) => {
      expect(await frame(b, ['getLastError'])).toEqual(['Peer nobody is not connected']);
      expect(await frame(c, ['getLastError'])).toEqual(['ID "gd-a" is taken']);
    },
  ],
  [
    'Action: Trigger event on all connected clients (variable)',
    async ({ a, b }) => {
      const state = { x: 1, name: 'abc', list: [2, 3], ok: true };
      await frame(a, ['$set', 'state', state], ['sendVariableToAll', 'state', { $var: 'state' }]);
      expect(await untilFrame(b, [['onEvent', 'state', false], ['getEventData', 'state']])).toEqual([true, JSON.stringify(state)]);
    },
  ],
  [
    'Action: Trigger event on a specific client (variable)',
    async ({ a, b }) => {
      await frame(b, ['$set', 'n', 42], ['sendVariableTo', 'gd-a', 'n', { $var: 'n' }], ['$set', 's', 'abc'], ['sendVariableTo', 'gd-a', 's', { $var: 's' }]);
      await a.waitForTimeout(300);
      expect(await untilFrame(a, [['onEvent', 'n', false], ['getEventData', 'n'], ['onEvent', 's', false], ['getEventData', 's']])).toEqual([true, '42', true, '"abc"']);
    },
  ],
  [
    'Action: Get event data (variable)',
    async ({ a, b }) => {
      const state = { x: 1, nested: { y: [1, 'two'] } };
      await frame(b, ['$set', 'keep', 'unchanged']);
      await frame(a, ['$set', 'out', state], ['sendVariableToAll', 'obj', { $var: 'out' }], ['sendDataToAll', 'text', 'not json']);
      await b.waitForTimeout(300);
      const results = await untilFrame(b, [
        ['onEvent', 'obj', false],
        ['getEventVariable', 'obj', { $var: 'in' }],
        ['$get', 'in'],
        // Data that is not JSON leaves the variable unchanged and records nothing.
        ['onEvent', 'text', false],
        ['getEventVariable', 'text', { $var: 'keep' }],
        ['$get', 'keep'],
        ['onError'],
      ]);
      expect(results).toEqual([true, undefined, state, true, undefined, 'unchanged', false]);
    },
  ],
  [
    'Action: Disconnect from a peer',
    async ({ a, b }) => {
      // Fires locally too, for one whole frame: the game evaluated "Peer disconnected" before its own
      // disconnect in this frame, so it sees the peer in the next one; and on the other side.
      expect(await frame(a, ['onDisconnect'], ['disconnectFromPeer', 'gd-b'])).toEqual([false, undefined]);
      expect(await frame(a, ['onDisconnect'], ['getDisconnectedPeer'])).toEqual([true, 'gd-b']);
      expect(await frame(a, ['onDisconnect'])).toEqual([false]);
      expect(await untilFrame(b, [['onDisconnect'], ['getDisconnectedPeer']])).toEqual([true, 'gd-a']);
    },
  ],
  [
    'Condition: Peer disconnected',
    async ({ a, b }) => {
      // Once per connection: nothing more on either side.
      await a.waitForTimeout(500);
      expect(await frame(a, ['onDisconnect'])).toEqual([false]);
      expect(await frame(b, ['onDisconnect'])).toEqual([false]);
    },
  ],
  [
    'Expression: P2P::GetLastDisconnectedPeer()',
    async ({ a }) => {
      expect(await frame(a, ['getDisconnectedPeer'])).toEqual(['']);
    },
  ],
  [
    'Action: Disconnect from all peers',
    async (players) => {
      const { a, b } = players;
      await connectAB(players);
      await frame(a, ['disconnectFromAllPeers']);
      expect(await untilFrame(b, [['onDisconnect'], ['getDisconnectedPeer']])).toEqual([true, 'gd-a']);
      // The broker link stays.
      expect(await frame(a, ['isReady'])).toEqual([true]);
    },
  ],
  [
    'Action: Disconnect from broker',
    async (players) => {
      const { a, b } = players;
      await connectAB(players);
      await frame(a, ['disconnectFromBroker']);
      // Not ready, the id kept, and the data connection still carries events.
      expect(await frame(a, ['isReady'], ['getCurrentId'])).toEqual([false, 'gd-a']);
      await frame(a, ['sendDataToAll', 'after', 'broker-gone']);
      expect(await untilFrame(b, [['onEvent', 'after', false], ['getEventData', 'after']])).toEqual([true, 'broker-gone']);
    },
  ],
  [
    'Action: Disconnect from all',
    async ({ a, b }) => {
      await frame(b, ['disconnectFromAll']);
      expect(await frame(b, ['isReady'])).toEqual([false]);
      expect(await untilFrame(a, [['onDisconnect'], ['getDisconnectedPeer']])).toEqual([true, 'gd-b']);
      // Nothing is re-created: b stays off the broker.
      await b.waitForTimeout(1_000);
      expect(await frame(b, ['isReady'])).toEqual([false]);
    },
  ],
];

test('every action, condition and expression of the seed reference, through gdjs.evtTools.p2p on our engine', async ({ host: h, browser }) => {
  test.setTimeout(120_000);
  expect(ROWS.map(([item]) => item).sort()).toEqual([...SEED_ITEMS].sort());
  const url = gameUrlOf(h);
  const context = await browser.newContext();
  const players: Players = { h, a: await openGame(context, url), b: await openGame(context, url), c: await openGame(context, url) };
  for (const page of [players.a, players.b, players.c]) {
    // Our engine and adapter ran, never the export's own files.
    expect(await page.evaluate(() => ({ original: window.gdevelopOriginal ?? null, engine: typeof window.LanPartyP2P }))).toEqual({ original: null, engine: 'object' });
    // Each frame is driven by the test from here on (the post-events callback still ends every frame).
    await page.evaluate(() => window.gdTest.pause());
  }
  for (const [item, check] of ROWS) await test.step(item, () => check(players));
  await context.close();
});

test('two exported games exchange events while the default broker restarts, and report a page killed abruptly within 3 s', async ({ host: first, browser }) => {
  test.setTimeout(90_000);
  const url = gameUrlOf(first);
  // Two browser contexts: two renderer processes, so crashing one leaves the other running.
  const c1 = await browser.newContext();
  const c2 = await browser.newContext();
  const contexts = [c1, c2];
  const [p1, p2] = [await openGame(c1, url), await openGame(c2, url)];
  for (const page of [p1, p2]) {
    // The game's own events, every frame, as an exported game runs them.
    await page.evaluate(() => {
      window.gdTest.watch('disconnected', [['onDisconnect'], ['getDisconnectedPeer']]);
      window.gdTest.watch('seq', [['onEvent', 'seq', false], ['getEventData', 'seq'], ['getEventSender', 'seq']]);
      window.gdTest.watch('connected', [['onConnection'], ['getConnectedPeer']]);
    });
  }
  await joinDefault(p1, 'gd-one');
  await joinDefault(p2, 'gd-two');
  await frame(p1, ['connect', 'gd-two']);
  await p2.waitForFunction(() => window.gdTest.logs['connected']?.length === 1);

  // 150 numbered events each way, one per frame, while the LAN's default broker goes away and comes back (stopped and
  // restarted). The signaling relay on the game's origin keeps both pages' sockets and re-registers their ids upstream,
  // without a reload. (A move between two hosts is the LAN tier's: e2e/lan/game-broker-failover.spec.ts.)
  const COUNT = 150;
  await p1.evaluate((n) => window.gdTest.repeat([['sendDataToAll', 'seq', '$n']], n), COUNT);
  await p2.evaluate((n) => window.gdTest.repeat([['sendDataToAll', 'seq', '$n']], n), COUNT);
  await callBridge(first.port, 'stopBroker');
  expect(((await callBridge(first.port, 'getHostState')) as { broker: { running: boolean } }).broker.running).toBe(false);
  await callBridge(first.port, 'startBroker');
  // Both ids are registered again on the restarted broker (asked of that broker itself).
  await expect
    .poll(async () => ((await (await fetch(`http://127.0.0.1:${first.port}/peerjs/peers`)).json()) as string[]).sort(), { timeout: 15_000 })
    .toEqual(['gd-one', 'gd-two']);

  const expected = Array.from({ length: COUNT }, (_, i) => String(i));
  for (const [page, from] of [
    [p1, 'gd-two'],
    [p2, 'gd-one'],
  ] as const) {
    await page.waitForFunction((n) => window.gdTest.logs['seq']?.length === n, COUNT, { timeout: 20_000 });
    const seen = await page.evaluate(() => window.gdTest.logs['seq']?.map((e) => e.results));
    expect(seen).toEqual(expected.map((data) => [true, data, from]));
    expect(await page.evaluate(() => window.gdTest.logs['disconnected']?.length)).toBe(0);
    expect(await frame(page, ['isReady'])).toEqual([true]);
  }

  // p2's renderer crashes: no goodbye reaches p1; its "Peer disconnected" condition fires within 3 s, once.
  const cdp = await c2.newCDPSession(p2);
  const before = await p1.evaluate(() => performance.now());
  void cdp.send('Page.crash').catch(() => undefined);
  await p1.waitForFunction(() => window.gdTest.logs['disconnected']?.length === 1, undefined, { timeout: 5_000 });
  const reported = await p1.evaluate(() => window.gdTest.logs['disconnected']?.[0]);
  expect(reported?.results).toEqual([true, 'gd-two']);
  const elapsed = (reported?.t ?? Infinity) - before;
  expect(elapsed).toBeLessThan(3_000);
  console.log(`[gdevelop] killed peer reported by the "Peer disconnected" condition after ${Math.round(elapsed)} ms`);
  await p1.waitForTimeout(1_000);
  expect(await p1.evaluate(() => window.gdTest.logs['disconnected']?.length)).toBe(1);
  for (const context of contexts) await context.close();
});

test("the per-game switch: 'original' serves the export's own P2P files (CLI flag and bridge), the default serves ours", async ({ hosts, browser }) => {
  const h = await hosts.start({ args: ['--original-gdevelop-runtime', '--game', GAME] });
  const original = gameUrlOf(h);
  const context = await browser.newContext();
  const page = await openGame(context, original);
  expect(await page.evaluate(() => ({ original: window.gdevelopOriginal ?? null, engine: typeof window.LanPartyP2P }))).toEqual({
    original: { peer: true, p2ptools: true },
    engine: 'undefined',
  });
  const served = await (await fetch(new URL('Extensions/P2P/B_p2ptools.js', original))).text();
  expect(served).toContain("GDevelop's placeholder B_p2ptools.js ran");

  // The same export hosted again through the bridge (the dashboard's call), once per runtime.
  const ours = (await callBridge(h.port, 'hostGame', { path: GAME })) as { port: number; gdevelopRuntime?: string };
  const kept = (await callBridge(h.port, 'hostGame', { path: GAME, gdevelopRuntime: 'original' })) as { port: number; gdevelopRuntime?: string };
  expect([ours.gdevelopRuntime, kept.gdevelopRuntime]).toEqual(['lan-party', 'original']);
  expect(await (await fetch(`http://127.0.0.1:${kept.port}/Extensions/P2P/B_p2ptools.js`)).text()).toBe(served);
  const oursPage = await openGame(context, `http://127.0.0.1:${ours.port}/`);
  expect(await oursPage.evaluate(() => ({ original: window.gdevelopOriginal ?? null, engine: typeof window.LanPartyP2P }))).toEqual({ original: null, engine: 'object' });
  await context.close();
});

test("the Games panel's switch: off hosts the export with GDevelop's own runtime, on (default) with ours", async ({ hosts, dashboards }) => {
  const h = await hosts.start();
  const { page } = await dashboards.open(h);
  const runtimeSwitch = page.getByTestId('gdevelop-runtime');
  await expect(runtimeSwitch).toHaveAttribute('aria-checked', 'true');
  await runtimeSwitch.click();
  await expect(runtimeSwitch).toHaveAttribute('aria-checked', 'false');
  await page.getByTestId('game-path').fill(GAME);
  await page.getByTestId('host-game').click();
  await expect(page.getByTestId('hosted-game-runtime')).toHaveText(["GDevelop's own P2P"]);

  await runtimeSwitch.click();
  await page.getByTestId('game-path').fill(GAME);
  await page.getByTestId('host-game').click();
  await expect(page.getByTestId('hosted-game-runtime')).toHaveText(["GDevelop's own P2P", 'GDevelop P2P on LAN Party']);
  // What each game's page runs (ports from the host's own list of games).
  const games = ((await callBridge(h.port, 'getHostState')) as { games: { port: number; gdevelopRuntime?: string }[] }).games;
  const script = async (port: number): Promise<string> => (await fetch(`http://127.0.0.1:${port}/Extensions/P2P/B_p2ptools.js`)).text();
  expect(await Promise.all(games.map(async (g) => [g.gdevelopRuntime, (await script(g.port)).includes('placeholder')]))).toEqual([
    ['original', true],
    ['lan-party', false],
  ]);
});
