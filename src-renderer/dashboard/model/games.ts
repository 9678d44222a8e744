/** Games on the LAN as the dashboard lists them: every instance's advertised games with a URL to play. */
import type { LanState } from '../../../src-preload/contract';

export interface LanGameEntry {
  /** Unique key: instance id + game port. */
  key: string;
  name: string;
  /** Name of the machine that hosts it. */
  hostName: string;
  self: boolean;
  /** `http://<address>:<game port>/`: every game is its own origin. */
  url: string;
}

/**
 * `selfHostname` is how this page reaches its own host (`location.hostname` in
 * a browser): for games of this very host it is an address the player can
 * certainly reach; other hosts' games use their advertised LAN address. Only
 * the address is taken from the page, never its port, path or query (a token).
 */
export function lanGames(lan: LanState, selfHostname: string | null): LanGameEntry[] {
  const entries: LanGameEntry[] = [];
  for (const instance of lan.instances) {
    const address = instance.self && selfHostname ? selfHostname : instance.address;
    if (address === null || address === '') continue;
    for (const game of instance.games) {
      entries.push({
        key: `${instance.instanceId}:${game.port}`,
        name: game.name,
        hostName: instance.name,
        self: instance.self,
        url: `http://${bracket(address)}:${game.port}/`,
      });
    }
  }
  return entries.sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name) || a.key.localeCompare(b.key));
}

/** IPv6 literals in a URL need brackets (`location.hostname` already has them). */
function bracket(address: string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
}
