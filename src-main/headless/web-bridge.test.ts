/**
 * The invoke path end to end, with real parts only: a LanHost on loopback, its
 * WebBridge, a `ws` socket, and the client the dashboard uses, generated from
 * the contract (src-preload/api-client.ts) over the shared framing
 * (src-preload/bridge-calls.ts). What a dashboard, a bench page or a tool would
 * notice if the one dispatcher or the generated client broke.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createApiClient } from '../../src-preload/api-client.js';
import { BridgeCalls } from '../../src-preload/bridge-calls.js';
import {
  BRIDGE_PATH,
  bridgeProtocols,
  eventChannels,
  eventMethodName,
  invokeChannels,
  type EventName,
  type HostState,
  type LanPartyApi,
} from '../../src-preload/contract.js';
import { LanHost } from '../host/lan-host.js';
import { defaultSettings } from '../host/settings.js';
import { CONTROL_REFUSED, WebBridge } from './web-bridge.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startBridgedHost(): Promise<number> {
  const settings = { ...defaultSettings(), discovery: false, broker: { ...defaultSettings().broker, port: 0 } };
  const host = new LanHost({ mode: 'headless', settings, bindHost: '127.0.0.1', shimFile: '/nonexistent/shim.js', notifyIntervalMs: 5 });
  const bridge = new WebBridge(host, 'test-token-0123');
  cleanups.push(() => host.stop(), () => bridge.close());
  await host.start();
  return host.port ?? 0;
}

/** `hostHeader`: a name other than 127.0.0.1 makes the caller a player on the LAN (no control). */
async function connect(port: number, hostHeader?: string): Promise<{ api: LanPartyApi; calls: BridgeCalls }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${BRIDGE_PATH}`, bridgeProtocols(), hostHeader ? { headers: { Host: hostHeader } } : {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const calls = new BridgeCalls((frame) => ws.send(frame));
  ws.on('message', (data) => calls.receive(String(data)));
  ws.on('close', () => calls.failAll(new Error('closed')));
  cleanups.push(() => ws.close());
  return { api: createApiClient(calls.apiTransport()), calls };
}

describe('the generated client over the web bridge', () => {
  it('has one function per contract channel and nothing else', async () => {
    const { api } = await connect(await startBridgedHost());
    const expected = [...Object.keys(invokeChannels), ...(Object.keys(eventChannels) as EventName[]).map(eventMethodName)];
    expect(Object.keys(api).sort()).toEqual(expected.sort());
    for (const name of expected) expect(typeof (api as unknown as Record<string, unknown>)[name]).toBe('function');
  });

  it('calls, answers, pushes events, and reports refusals and failures with their messages', async () => {
    const port = await startBridgedHost();
    const { api } = await connect(port);

    const state = await api.getHostState();
    expect(state.canControl).toBe(true);

    const pushed: HostState[] = [];
    const unsubscribe = api.onHostState((next) => pushed.push(next));
    expect((await api.updateSettings({ displayName: 'Ada' })).displayName).toBe('Ada');
    await expect.poll(() => pushed.some((next) => next.settings?.displayName === 'Ada')).toBe(true);
    unsubscribe();

    // Input is parsed with the contract's schema before anything runs: nothing changes.
    await expect(api.updateSettings({ broker: { port: -1 } })).rejects.toThrow(/^Invalid input for updateSettings: broker\.port/);
    expect((await api.getHostState()).settings?.broker.port).toBe(0);
    // A handler's failure is the host's own message.
    await expect(api.hostGame({ path: '/nonexistent/lan-party-game' })).rejects.toThrow(/^No game at \/nonexistent\/lan-party-game/);
    // An answer of null arrives as null.
    expect(await api.setOwnPeerId({ peerId: 'player-1' })).toBeNull();
    // A no-input channel ignores what it is handed (e.g. a click event from `onClick={api.getLanState}`).
    await expect((api.getLanState as (input: unknown) => Promise<unknown>)({ type: 'click' })).resolves.toMatchObject({ discovery: 'off' });
  });

  it('refuses a control channel to a player before looking at its input, and names an unknown method', async () => {
    const port = await startBridgedHost();
    const { api, calls } = await connect(port, `lan-party.example:${port}`);
    expect((await api.getHostState()).canControl).toBe(false);
    // Invalid input too: a player learns nothing about a control channel's schema.
    expect(await calls.request('updateSettings', { broker: { port: -1 } })).toEqual({ ok: false, error: CONTROL_REFUSED });
    await expect(api.stopBroker()).rejects.toThrow(CONTROL_REFUSED);
    expect(await calls.request('noSuchMethod' as never, undefined)).toEqual({ ok: false, error: 'Unknown method "noSuchMethod"' });
  });
});
