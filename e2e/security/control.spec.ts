/**
 * Control is a capability (issue 10, items 3, 2 and 9), against a real
 * `lan-party host` on loopback:
 * - DNS rebinding: names that merely start like loopback (`127.evil.example`)
 *   get no control;
 * - the token never shows in a URL the page requests, its address bar, its
 *   history, a Referer or a log line of ours; an old-style `?token=` grants nothing;
 * - a player (no control) learns no host settings, TURN credentials least of all.
 * Chromium resolves `control.lan` to 127.0.0.1, so the host sees a
 * non-loopback Host (as from another machine) while every packet stays on loopback.
 */
import type { Page, Request } from '@playwright/test';
import { expect, test } from '../fixtures/test.js';
import type { HostState } from '../../src-preload/contract.js';
import { recordAttack, type AttackRow } from '../fixtures/attack-table.js';
import { BridgeConnection, callBridge } from '../fixtures/bridge.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../fixtures/chromium.js';
import { startFixtureServer, type FixtureServer } from '../fixtures/fixture-origin.js';
import type { RunningHost } from '../fixtures/host.js';

const LAN_NAME = 'control.lan';
const REFUSED = /needs host control/;

test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${LAN_NAME} 127.0.0.1`] } });

/** Another origin, for the page the dashboard navigates to; it records the Referer each request carried. */
let elsewhere: FixtureServer;
const referers: Array<string | undefined> = [];

test.beforeAll(async () => {
  elsewhere = await startFixtureServer(undefined, {
    route: (req, _res, url) => {
      if (url.pathname === '/pages/blank.html') referers.push(req.headers.referer);
      return false;
    },
  });
});

test.afterAll(async () => {
  await elsewhere.close();
});

async function displayName(host: RunningHost): Promise<string> {
  const state = (await callBridge(host.port, 'getHostState')) as HostState;
  if (!state.canControl) throw new Error('the test bridge (loopback) should have host control');
  return state.settings.displayName;
}

test('DNS rebinding: a Host that only starts like loopback gets no control', async ({ fileHost: host }) => {
  const before = await displayName(host);
  const names = ['127.evil.example', '127.0.0.1.nip.io', 'localhost.evil', '[::1].evil', '127.0.0.1.evil', 'localhost.'];
  let attempts = 0;
  for (const name of names) {
    const rebound = `${name}:${host.port}`;
    // As the rebound page would (Origin equal to its Host), and as a tool would (no Origin).
    for (const origin of [`http://${rebound}`, undefined]) {
      const bridge = await BridgeConnection.open(host.port, { host: rebound, origin });
      try {
        const reply = await bridge.call('updateSettings', { displayName: 'Rebound' });
        attempts += 1;
        expect(reply.ok, `${rebound} (Origin ${origin ?? 'none'})`).toBe(false);
        if (!reply.ok) expect(reply.error).toMatch(REFUSED);
        const state = await bridge.call('getHostState');
        expect(state.ok && (state.value as HostState).canControl).toBe(false);
      } finally {
        bridge.close();
      }
    }
  }
  expect(await displayName(host)).toBe(before);
  recordAttack(test.info(), {
    attack: 'DNS rebinding: bridge with Host/Origin 127.evil.example, 127.0.0.1.nip.io, localhost.evil, [::1].evil... calls updateSettings',
    attempts,
    outcome: 'refused (loopback names matched exactly); display name unchanged',
  });
});

/** Every URL the page's tab requests, WebSockets included, and every Referer it sends. */
function recordTraffic(page: Page): { urls: string[]; referers: string[] } {
  const seen = { urls: [] as string[], referers: [] as string[] };
  page.on('request', (request: Request) => {
    seen.urls.push(request.url());
    const referer = request.headers()['referer'];
    if (referer) seen.referers.push(referer);
  });
  page.on('websocket', (ws) => seen.urls.push(ws.url()));
  return seen;
}

const hasControl = (page: Page) => expect(page.getByTestId('broker-toggle')).toBeVisible();
const isPlayer = (page: Page) => expect(page.getByText('Starting and stopping the broker is done on the host machine.')).toBeVisible();

test('the token leaves no trace: not in a requested URL, the address bar, history, a Referer or our output', async ({ fileHost: host, context }) => {
  const page = await context.newPage();
  const traffic = recordTraffic(page);
  const dashboard = `http://${LAN_NAME}:${host.port}/`;
  const response = await page.goto(`${dashboard}#token=${host.token}`);
  expect(response?.headers()['referrer-policy']).toBe('no-referrer');
  // Every answer of the dashboard's origin, not only its page.
  for (const path of ['api/lan', 'no-such-file', 'peerjs/id']) {
    expect((await fetch(`${host.url}${path}`)).headers.get('referrer-policy'), path).toBe('no-referrer');
  }
  await hasControl(page);
  // Moved into this tab's session storage: gone from the address bar and from this history entry.
  expect(await page.evaluate(() => [location.href, document.URL])).toEqual([dashboard, dashboard]);

  // A reload keeps control (same tab).
  await page.reload();
  await hasControl(page);
  expect(page.url()).toBe(dashboard);

  // A link to another origin: no Referer, an empty document.referrer.
  const target = `${elsewhere.origin}/pages/blank.html`;
  referers.length = 0;
  await page.evaluate((href) => {
    const link = document.createElement('a');
    link.href = href;
    link.textContent = 'elsewhere';
    document.body.append(link);
    link.click();
  }, target);
  await page.waitForURL(target);
  expect(await page.evaluate(() => document.referrer)).toBe('');
  expect(referers).toEqual([undefined]);
  // Back in history: the dashboard's entry has no token either.
  await page.goBack();
  expect(page.url()).toBe(dashboard);
  await hasControl(page);

  // A fragment never leaves the browser; every URL requested and every Referer sent is free of the token.
  const leaks = [...traffic.urls.map((url) => url.replace(/#.*$/, '')), ...traffic.referers].filter((text) => text.includes(host.token));
  expect(leaks).toEqual([]);
  expect(traffic.urls.some((url) => url.startsWith(`ws://${LAN_NAME}:${host.port}/lan-party/bridge`))).toBe(true);
  // Our own output: the token is printed at start only, once in the control address and once in the
  // machine-readable ready line (LAN_PARTY_READY, for launchers), and never logged again.
  const tokenLines = host.output().split('\n').filter((line) => line.includes(host.token));
  expect(tokenLines.map((line) => line.split(host.token).length - 1)).toEqual([1, 1]);
  expect(tokenLines[0]).toContain(`#token=${host.token}`);
  expect(tokenLines[1]).toMatch(/^LAN_PARTY_READY /);

  // A new tab does not inherit it.
  const other = await context.newPage();
  await other.goto(dashboard);
  await isPlayer(other);
  recordAttack(test.info(), {
    attack: 'read the control token from request URLs, the address bar, history, Referer (link to another origin) or host output',
    attempts: `${traffic.urls.length} requests, ${traffic.referers.length} Referers, 3 loads`,
    outcome: 'not found: #token= moved to session storage; Referrer-Policy no-referrer',
  });
});

type Caller = NonNullable<Parameters<typeof BridgeConnection.open>[1]>;

/** The token offered the wrong way: each caller's bridge asks the host to stop its broker; `page`, an address the dashboard is opened at. */
const MISUSED_TOKEN: Array<{ title: string; callers: (host: RunningHost) => Caller[]; page?: (host: RunningHost) => string; row: AttackRow }> = [
  {
    title: 'an old-style ?token= grants nothing, in the bridge URL or the page address',
    callers: (host) => [{ host: `${LAN_NAME}:${host.port}`, origin: `http://${LAN_NAME}:${host.port}`, query: `?token=${host.token}` }],
    page: (host) => `http://${LAN_NAME}:${host.port}/?token=${host.token}`,
    row: { attack: 'control with the token in the URL query (bridge ?token=, page ?token=)', attempts: 2, outcome: 'refused: the token is read from the handshake only' },
  },
  {
    title: "a stolen token is useless in another site's page",
    // The right token, as our page offers it (handshake) and as the old bridge read it (query).
    callers: (host) => {
      const evil = { host: `${LAN_NAME}:${host.port}`, origin: 'http://evil.example' };
      return [{ ...evil, token: host.token }, { ...evil, query: `?token=${host.token}` }];
    },
    row: {
      attack: "the right token offered from another origin's page (Origin evil.example), in the handshake and in the query",
      attempts: 2,
      outcome: 'refused: a browser offering the token must be our own page (Origin = Host)',
    },
  },
];

for (const misuse of MISUSED_TOKEN) {
  test(misuse.title, async ({ fileHost: host, contexts }) => {
    for (const caller of misuse.callers(host)) {
      const bridge = await BridgeConnection.open(host.port, caller);
      try {
        const reply = await bridge.call('stopBroker');
        expect(reply.ok).toBe(false);
        if (!reply.ok) expect(reply.error).toMatch(REFUSED);
      } finally {
        bridge.close();
      }
    }
    if (misuse.page) {
      const page = await (await contexts.open()).newPage();
      await page.goto(misuse.page(host));
      await isPlayer(page);
    }
    expect(((await callBridge(host.port, 'getHostState')) as HostState).broker.running).toBe(true);
    recordAttack(test.info(), misuse.row);
  });
}

test('a player learns no host settings: no TURN credentials, interfaces or broker limits', async ({ fileHost: host }) => {
  const secrets = ['turn-user-s3cret', 'turn-pass-s3cret', 'turn-pass-2-s3cret', 'turn.secret.example'];
  const turn = (credential: string) => [{ urls: 'turn:turn.secret.example:3478', username: 'turn-user-s3cret', credential }];
  const owner = await BridgeConnection.open(host.port);
  const player = await BridgeConnection.open(host.port, { host: `${LAN_NAME}:${host.port}`, origin: `http://${LAN_NAME}:${host.port}` });
  try {
    expect((await owner.call('updateSettings', { iceServers: turn('turn-pass-s3cret') })).ok).toBe(true);
    const state = await player.call('getHostState');
    expect(state.ok).toBe(true);
    const view = (state.ok ? state.value : null) as HostState;
    expect(view.canControl).toBe(false);
    expect(view.settings).toBeNull();
    // A change pushes events to every connection: the player's carry nothing secret either.
    expect((await owner.call('updateSettings', { iceServers: turn('turn-pass-2-s3cret') })).ok).toBe(true);
    await expect.poll(() => player.events.filter((e) => e.event === 'hostState').length).toBeGreaterThan(0);
    for (const { event, payload } of player.events) if (event === 'hostState') expect((payload as HostState).settings).toBeNull();
    const seen = JSON.stringify([view, player.events]);
    expect(secrets.filter((secret) => seen.includes(secret))).toEqual([]);
    // The owner does see them (the test proves a difference, not an empty host).
    const own = await owner.call('getHostState');
    expect(own.ok && (own.value as HostState).settings?.iceServers[0]?.credential).toBe('turn-pass-2-s3cret');
    recordAttack(test.info(), {
      attack: 'a player reads host settings (getHostState, hostState events) after a TURN server with credentials was set',
      attempts: `1 call, ${player.events.length} events`,
      outcome: 'host state and its events carry settings: null',
    });
  } finally {
    await owner.call('updateSettings', { iceServers: [] });
    owner.close();
    player.close();
  }
});
