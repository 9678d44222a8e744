/**
 * Foundation, web tier: the real `lan-party host` on loopback, its page in
 * Debian's Chromium, and a stock peerjs@1.5 client registering with its broker.
 */
import { expect, test } from '../fixtures/test.js';
import { BRIDGE_PATH, bridgeProtocols } from '../../src-preload/contract.js';
import { BridgeConnection } from '../fixtures/bridge.js';
import { startFixtureServer, type FixtureServer } from '../fixtures/fixture-origin.js';

let fixtures: FixtureServer;

test.beforeAll(async () => {
  fixtures = await startFixtureServer();
});

test.afterAll(async () => {
  await fixtures.close();
});

test('the page shows the running broker and counts a stock peerjs client', async ({ host, page, context }) => {
  await page.goto(host.url);
  await expect(page.getByTestId('broker-running')).toHaveText('running');
  await expect(page.getByTestId('broker-port')).toHaveText(String(host.port));
  // The dashboard's own engine registers on the LAN's default broker (this one) by itself: one client.
  await expect(page.getByTestId('own-peer-id')).toHaveText(/\S/, { timeout: 15_000 });
  await expect(page.getByTestId('broker-clients')).toHaveText('1');

  // A stock peerjs 1.5 client on another origin, pointed at our broker.
  const player = await context.newPage();
  await player.goto(`${fixtures.origin}/pages/blank.html`);
  await player.addScriptTag({ url: `${fixtures.origin}/peerjs-1.5/peerjs.min.js` });
  const id = await player.evaluate(
    ({ port }) =>
      new Promise<string>((resolve, reject) => {
        const peer = new (window as unknown as { peerjs: { Peer: new (id: string, o: object) => { on(e: string, f: (x: unknown) => void): void } } }).peerjs.Peer(
          'stock-client-1',
          { host: '127.0.0.1', port, path: '/', key: 'peerjs', secure: false, config: { iceServers: [] } },
        );
        peer.on('open', (value) => resolve(String(value)));
        peer.on('error', (error) => reject(new Error(String(error))));
      }),
    { port: host.port },
  );
  expect(id).toBe('stock-client-1');
  await expect(page.getByTestId('broker-clients')).toHaveText('2');

  // Leaving is reflected too.
  await player.close();
  await expect(page.getByTestId('broker-clients')).toHaveText('1');
});

test('the host page can stop and restart the broker', async ({ host, page }) => {
  await page.goto(host.url);
  await page.getByTestId('broker-toggle').click();
  await expect(page.getByTestId('broker-running')).toHaveText('stopped');
  const stopped = await fetch(`http://127.0.0.1:${host.port}/peerjs/id`);
  expect(stopped.status).toBe(503);
  await page.getByTestId('broker-toggle').click();
  await expect(page.getByTestId('broker-running')).toHaveText('running');
  const started = await fetch(`http://127.0.0.1:${host.port}/peerjs/id`);
  expect(started.status).toBe(200);
});

test('a control call from another origin is refused, even with the token; the token works for our own page or a tool', async ({ host, page }) => {
  await page.goto(`${fixtures.origin}/pages/blank.html`);
  const call = (token: string | null, method: string) =>
    page.evaluate(
      ({ url, protocols, method }) =>
        new Promise<{ ok: boolean; error?: string }>((resolve, reject) => {
          const ws = new WebSocket(url, protocols);
          ws.onerror = () => reject(new Error('bridge socket failed'));
          ws.onopen = () => ws.send(JSON.stringify({ id: 1, method }));
          ws.onmessage = (message) => {
            const data = JSON.parse(String(message.data)) as { kind: string; id?: number; ok: boolean; error?: string };
            if (data.kind === 'reply' && data.id === 1) {
              ws.close();
              resolve({ ok: data.ok, error: data.error });
            }
          };
        }),
      { url: `ws://127.0.0.1:${host.port}${BRIDGE_PATH}`, protocols: bridgeProtocols(token), method },
    );

  const refused = await call(null, 'stopBroker');
  expect(refused.ok).toBe(false);
  expect(refused.error).toContain('needs host control');
  // Player features still work for that caller.
  expect((await call(null, 'getLanState')).ok).toBe(true);
  // The broker is still running.
  expect((await fetch(`http://127.0.0.1:${host.port}/peerjs/id`)).status).toBe(200);

  // A token pasted into another site's page is useless there.
  expect(host.token).not.toBe('');
  expect((await call(host.token, 'stopBroker')).ok).toBe(false);
  expect((await fetch(`http://127.0.0.1:${host.port}/peerjs/id`)).status).toBe(200);

  // A tool (no Origin) reaching the host by a LAN name gets control with the token only.
  const lanTool = { host: `player.lan:${host.port}` };
  const withoutToken = await BridgeConnection.open(host.port, lanTool);
  const withToken = await BridgeConnection.open(host.port, { ...lanTool, token: host.token });
  try {
    expect((await withoutToken.call('stopBroker')).ok).toBe(false);
    expect((await withToken.call('stopBroker')).ok).toBe(true);
  } finally {
    withoutToken.close();
    withToken.close();
  }
  expect((await fetch(`http://127.0.0.1:${host.port}/peerjs/id`)).status).toBe(503);
});
