/**
 * LanHost's games <-> LAN wiring, with discovery off (no mDNS outside the
 * LAN suite's namespaces): the host's own LAN entry lists what it serves,
 * under the names the mDNS record would carry, and drops a stopped game.
 * The mDNS side (re-announce and withdrawal) is proven in e2e/lan/game-advertising.spec.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HostChange } from './lan-host.js';
import { LanHost } from './lan-host.js';
import { defaultSettings } from './settings.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function gameFolder(name: string): string {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'lan-party-lanhost-test-'));
  cleanups.push(() => fs.rmSync(parent, { recursive: true, force: true }));
  const folder = path.join(parent, name);
  fs.mkdirSync(folder);
  fs.writeFileSync(path.join(folder, 'index.html'), '<!doctype html><title>t</title>');
  return folder;
}

async function startHost(): Promise<LanHost> {
  const settings = { ...defaultSettings(), discovery: false, broker: { ...defaultSettings().broker, port: 0 } };
  const host = new LanHost({ mode: 'headless', settings, bindHost: '127.0.0.1', shimFile: '/nonexistent/shim.js', notifyIntervalMs: 5 });
  cleanups.push(() => host.stop());
  await host.start();
  return host;
}

const selfGames = (host: LanHost) => host.getLanState().instances.find((instance) => instance.self)?.games;

describe('LanHost: hosted games in the LAN state', () => {
  it('lists a hosted game on its own instance, and withdraws it when hosting stops', async () => {
    const host = await startHost();
    expect(selfGames(host)).toEqual([]);
    const changes: Array<ReadonlySet<HostChange>> = [];
    host.onChange((change) => changes.push(change));

    const dots = await host.hostGame(gameFolder('Dots'));
    expect(selfGames(host)).toEqual([{ name: 'Dots', path: dots.path }]);
    expect(dots.path).toMatch(/^\/games\/[0-9a-f]{8}\/$/);
    await expect.poll(() => changes.some((change) => change.has('lan') && change.has('games'))).toBe(true);

    const second = await host.hostGame(gameFolder('Space Race'));
    expect(selfGames(host)).toEqual([
      { name: 'Dots', path: dots.path },
      { name: 'Space Race', path: second.path },
    ]);
    host.stopHostingGame(dots.id);
    expect(selfGames(host)).toEqual([{ name: 'Space Race', path: second.path }]);
  });

  it('lists names as the mDNS record carries them (bounded UTF-8)', async () => {
    const host = await startHost();
    await host.hostGame(gameFolder('é'.repeat(40)));
    expect(selfGames(host)?.[0]?.name).toBe('é'.repeat(24));
  });
});
