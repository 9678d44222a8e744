/**
 * LanHost's games <-> LAN wiring, with discovery off (no mDNS outside the
 * LAN suite's namespaces): the host's own LAN entry lists what it serves,
 * under the names the mDNS record would carry, and drops a stopped game.
 * The mDNS side (re-announce and withdrawal) is proven in e2e/lan/game-advertising.spec.ts.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { cleanupsAfterEach, gameFolder as testGameFolder } from '../testing/cleanups.js';
import { startLoopbackHost } from '../testing/loopback-host.js';
import { PROTOCOL_VERSION } from './discovery/txt.js';
import { GAME_PORT_ATTEMPTS } from './games/game-origin.js';
import type { HostChange, LanHost } from './lan-host.js';
import { defaultSettings } from './settings.js';

const cleanups = cleanupsAfterEach();
const gameFolder = (name: string): string => testGameFolder(cleanups, 'lan-party-lanhost-test-', name, '<!doctype html><title>t</title>');
const startHost = (): Promise<LanHost> => startLoopbackHost(cleanups, { notifyIntervalMs: 5 });

const selfGames = (host: LanHost) => host.getLanState().instances.find((instance) => instance.self)?.games;

describe('LanHost: hosted games in the LAN state', () => {
  it('lists a hosted game on its own instance, and withdraws it when hosting stops', async () => {
    const host = await startHost();
    expect(selfGames(host)).toEqual([]);
    const changes: Array<ReadonlySet<HostChange>> = [];
    host.onChange((change) => changes.push(change));

    const dots = await host.hostGame(gameFolder('Dots'));
    expect(selfGames(host)).toEqual([{ name: 'Dots', port: dots.port }]);
    // Its own origin: never the host's port.
    expect(dots.port).not.toBe(host.port);
    await expect.poll(() => changes.some((change) => change.has('lan') && change.has('games'))).toBe(true);

    const second = await host.hostGame(gameFolder('Space Race'));
    expect(selfGames(host)).toEqual([
      { name: 'Dots', port: dots.port },
      { name: 'Space Race', port: second.port },
    ]);
    await host.stopHostingGame(dots.id);
    expect(selfGames(host)).toEqual([{ name: 'Space Race', port: second.port }]);
  });

  it("stops listening on every game's port when the host stops", async () => {
    const host = await startHost();
    const ports = [(await host.hostGame(gameFolder('One'))).port, (await host.hostGame(gameFolder('Two'))).port];
    for (const port of ports) expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
    await host.stop();
    for (const port of ports) await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });

  it("gives games the ports after a fixed host port, on the host's address", async () => {
    const probe = net.createServer();
    const free = await new Promise<number>((resolve) => probe.listen(0, '127.0.0.1', () => resolve((probe.address() as net.AddressInfo).port)));
    await new Promise((resolve) => probe.close(resolve));
    const host = await startLoopbackHost(cleanups, { settings: { ...defaultSettings(), discovery: false, broker: { ...defaultSettings().broker, port: free } } });
    const port = host.port ?? 0;
    const game = await host.hostGame(gameFolder('Fixed'));
    // The first free one after the host's (a port held by another program is skipped).
    expect(game.port).toBeGreaterThan(port);
    expect(game.port).toBeLessThanOrEqual(port + GAME_PORT_ATTEMPTS);
  });

  it('lists names as the mDNS record carries them (bounded UTF-8)', async () => {
    const host = await startHost();
    await host.hostGame(gameFolder('é'.repeat(40)));
    expect(selfGames(host)?.[0]?.name).toBe('é'.repeat(24));
  });
});

describe('LanHost: what a player learns', () => {
  it('gives a caller without control no settings (TURN credentials, interfaces, broker limits) and no game sources', async () => {
    const host = await startHost();
    await host.updateSettings({ iceServers: [{ urls: 'turn:turn.example:3478', username: 'user-s3cret', credential: 'pass-s3cret' }], interfaces: ['eth9'] });
    const folder = gameFolder('Game');
    await host.hostGame(folder);
    const player = host.getHostState(false);
    expect(player.canControl).toBe(false);
    expect(player.settings).toBeNull();
    expect(player.games.map((game) => game.source)).toEqual(['']);
    const seen = JSON.stringify(player);
    expect(seen).not.toMatch(/s3cret|turn\.example|eth9|concurrentLimit/);
    expect(seen).not.toContain(folder);
    const owner = host.getHostState(true);
    expect(owner.canControl && owner.settings.iceServers[0]?.credential).toBe('pass-s3cret');
  });
});

describe('LanHost: the LAN with discovery off', () => {
  const self = (host: LanHost) => host.getLanState().instances.find((instance) => instance.self);

  it('is this instance alone, described as its record would be, and its broker is the default while it runs', async () => {
    const host = await startHost();
    await host.updateSettings({ displayName: 'Ada' });
    expect(self(host)).toMatchObject({ instanceId: host.instanceId, name: 'Ada', httpPort: host.port, protocolVersion: PROTOCOL_VERSION });
    await expect.poll(() => host.getLanState().defaultBroker?.instanceId).toBe(host.instanceId);

    host.stopBroker();
    await expect.poll(() => host.getLanState().defaultBroker).toBeNull();
    expect(self(host)?.broker).toBeNull();

    const restarted = host.startBroker();
    await expect.poll(() => host.getLanState().defaultBroker?.instanceId).toBe(host.instanceId);
    expect(self(host)?.broker).toEqual({ port: host.port, path: restarted.path, key: restarted.key, startedAt: restarted.startedAt });
  });
});
