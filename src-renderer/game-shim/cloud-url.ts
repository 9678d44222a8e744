/**
 * Maps a URL aimed at the public PeerJS cloud broker to the signaling relay
 * on the game page's OWN origin (RELAY_PATH), where the serving host relays to
 * the LAN's default broker of the moment (and keeps the page's id when that
 * broker moves). Pure, so it is unit tested; `broker-shim.ts` applies it.
 *
 * Stock PeerJS 1.x with no broker options uses host `0.peerjs.com`, port 443,
 * path `/`, key `peerjs`: the socket is `wss://0.peerjs.com:443/peerjs?key=peerjs&id=..&token=..`
 * and the id request `https://0.peerjs.com:443/peerjs/id?ts=..`.
 */
import { RELAY_INSTANCE_PARAM, RELAY_PATH } from '../../src-preload/game-agent-protocol.js';

/** A broker endpoint, as PeerJS options spell it (`window.lanPartyBroker`). */
export interface ShimBroker {
  host: string;
  port: number;
  path: string;
  key: string;
  secure: boolean;
}

/** The part of `window.location` the rewriting needs. */
export interface PageLocation {
  protocol: string;
  hostname: string;
  /** Hostname and port, as `location.host`. */
  host: string;
  port: string;
}

/** Any host under peerjs.com is the cloud: a request there would leave the LAN. */
export function isCloudHost(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'peerjs.com' || name.endsWith('.peerjs.com');
}

/** The relay on the page's own origin, as a broker endpoint (what `window.lanPartyBroker` says). */
export function relayBroker(page: PageLocation): ShimBroker {
  const secure = page.protocol === 'https:';
  const port = page.port ? Number(page.port) : secure ? 443 : 80;
  return { host: page.hostname, port, path: RELAY_PATH, key: 'peerjs', secure };
}

function parse(input: string, base: string): URL | null {
  try {
    return new URL(input, base);
  } catch {
    return null;
  }
}

function isSocket(url: URL): boolean {
  return url.protocol === 'ws:' || url.protocol === 'wss:';
}

/**
 * The relay URL for a cloud-broker URL (socket or REST), or null when the URL
 * is not for the cloud broker. `instance` is the agent's instance id, added to
 * the socket so the host ties the relayed signaling to this page.
 */
export function rewriteCloudUrl(input: string, page: PageLocation, instance: string): string | null {
  const base = `${page.protocol}//${page.host}/`;
  const url = parse(input, base);
  if (!url || !isCloudHost(url.hostname)) return null;
  const secure = page.protocol === 'https:';
  if (isSocket(url)) {
    // id, token, key and version travel as they are: the relay speaks for the page upstream.
    const params = new URLSearchParams(url.search);
    params.set(RELAY_INSTANCE_PARAM, instance);
    return `${secure ? 'wss:' : 'ws:'}//${page.host}${RELAY_PATH}peerjs?${params.toString()}`;
  }
  // REST: `/<key>/id` and `/<key>/peers`; anything else under the relay too (never the internet).
  const rest = /^\/([^/]+)\/(id|peers)$/.exec(url.pathname);
  const pathname = rest ? `${RELAY_PATH}${rest[1]}/${rest[2]}` : `${RELAY_PATH}${url.pathname.replace(/^\/+/, '')}`;
  return `${secure ? 'https:' : 'http:'}//${page.host}${pathname}${url.search}`;
}

/**
 * A signaling socket aimed at the relay on the page's own origin by a client
 * that was given `window.lanPartyBroker` (our engine in the GDevelop drop-in):
 * the same URL with the instance id added, so the host ties it to this page.
 * Null for any other URL, or when the id is already there.
 */
export function tagRelaySocket(input: string, page: PageLocation, instance: string): string | null {
  const url = parse(input, `${page.protocol}//${page.host}/`);
  if (!url || !isSocket(url) || url.host !== page.host || url.pathname !== `${RELAY_PATH}peerjs`) return null;
  if (url.searchParams.has(RELAY_INSTANCE_PARAM)) return null;
  url.searchParams.set(RELAY_INSTANCE_PARAM, instance);
  return url.toString();
}

/** True when `input` is a signaling socket on the relay of the page's own origin (after rewriting). */
export function isRelaySocket(input: string, page: PageLocation): boolean {
  const url = parse(input, `${page.protocol}//${page.host}/`);
  return url !== null && isSocket(url) && url.host === page.host && url.pathname === `${RELAY_PATH}peerjs`;
}

/**
 * Public STUN/TURN servers a LAN game must not reach: PeerJS's defaults
 * (`stun.l.google.com`, `*.turn.peerjs.com`) and any other peerjs.com or
 * Google STUN host. An offline LAN cannot reach them, and no request may
 * leave it; host candidates connect players on the same network.
 */
const PUBLIC_ICE = /^(stuns?|turns?):(\/\/)?([a-z0-9-]+\.)*(peerjs\.com|google\.com)(:\d+)?([/?].*)?$/i;

export function isPublicIceUrl(url: string): boolean {
  return PUBLIC_ICE.test(url.trim());
}

/** Drops the public STUN/TURN servers (above) from an RTCConfiguration; servers a game chose itself are kept. */
export function stripCloudIceServers<T extends { iceServers?: { urls: string | string[] }[] }>(config: T | undefined): T | undefined {
  if (!config?.iceServers || !Array.isArray(config.iceServers)) return config;
  const iceServers = config.iceServers
    .map((server) => {
      if (typeof server !== 'object' || server === null) return null;
      const list = Array.isArray(server.urls) ? server.urls : [server.urls];
      const urls = list.filter((url) => typeof url === 'string' && !isPublicIceUrl(url));
      return urls.length === 0 ? null : { ...server, urls: Array.isArray(server.urls) ? urls : (urls[0] ?? '') };
    })
    .filter((server): server is NonNullable<typeof server> => server !== null);
  return { ...config, iceServers };
}
