/** Games on the LAN as the dashboard lists them: every instance's advertised games with a URL to play. */
import type { LanState } from '../../../src-preload/contract';

export interface LanGameEntry {
  /** Unique key: instance id + path. */
  key: string;
  name: string;
  /** Name of the machine that hosts it. */
  hostName: string;
  self: boolean;
  url: string;
}

/**
 * `selfHost` is how this page reaches its own host (`location.host` in a
 * browser): for games of this very host it is an address the player can
 * certainly reach; other hosts' games use their advertised LAN address.
 */
export function lanGames(lan: LanState, selfHost: string | null): LanGameEntry[] {
  const entries: LanGameEntry[] = [];
  for (const instance of lan.instances) {
    for (const game of instance.games) {
      const authority = instance.self && selfHost ? selfHost : instance.address ? `${bracket(instance.address)}:${instance.httpPort}` : null;
      if (authority === null) continue;
      entries.push({
        key: `${instance.instanceId}${game.path}`,
        name: game.name,
        hostName: instance.name,
        self: instance.self,
        url: `http://${authority}${game.path}`,
      });
    }
  }
  return entries.sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name) || a.key.localeCompare(b.key));
}

function bracket(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}
