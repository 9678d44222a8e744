/**
 * Which URLs the app opens as a game: the root origin of a game hosted on this
 * LAN, `http://<address>:<game port>/...`, where the address is this machine's
 * (or an instance's, as discovery knows it) and the port is one of the games
 * that very host serves. The host's own port (its broker and `/api/lan`) is
 * not a game, and neither is any other port of a LAN address.
 */
import type { LanHost } from '../lan-host.js';

export function isLanGameUrl(raw: string, host: LanHost): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  // A game URL carries no credentials; `url.port` is '' for the default port, which no game has.
  if (url.protocol !== 'http:' || url.username !== '' || url.password !== '' || url.port === '') return false;
  const port = Number(url.port);
  const address = url.hostname.replace(/^\[|\]$/g, '');
  const own = new Set(['127.0.0.1', 'localhost', ...host.addresses()]);
  if (own.has(address) && host.games.list().some((game) => game.port === port)) return true;
  return host
    .getLanState()
    .instances.some((instance) => instance.addresses.includes(address) && instance.games.some((game) => game.port === port));
}
