/**
 * Maps a URL aimed at the public PeerJS cloud broker to the LAN default
 * broker. Pure, so it is unit tested; `broker-shim.ts` applies it in pages.
 *
 * Stock PeerJS 1.x with no broker options uses host `0.peerjs.com`, port 443,
 * path `/`, key `peerjs`: the socket is `wss://0.peerjs.com:443/peerjs?key=peerjs&id=..&token=..`
 * and the id request `https://0.peerjs.com:443/peerjs/id?ts=..`.
 */
export interface ShimBroker {
  host: string;
  port: number;
  path: string;
  key: string;
  secure: boolean;
}

export const PEERJS_CLOUD_HOSTS: readonly string[] = ['0.peerjs.com'];

/** The LAN URL for a cloud-broker URL, or null when the URL is not for the cloud broker. */
export function rewriteCloudUrl(input: string, base: string, broker: ShimBroker): string | null {
  let url: URL;
  try {
    url = new URL(input, base);
  } catch {
    return null;
  }
  if (!PEERJS_CLOUD_HOSTS.includes(url.hostname)) return null;
  const socket = url.protocol === 'ws:' || url.protocol === 'wss:';
  const scheme = socket ? (broker.secure ? 'wss:' : 'ws:') : broker.secure ? 'https:' : 'http:';
  const prefix = broker.path.endsWith('/') ? broker.path : `${broker.path}/`;
  let pathname: string;
  if (socket) {
    pathname = `${prefix}peerjs`;
  } else {
    // REST: `/<cloud key>/id` and `/<cloud key>/peers`; keep anything else under the prefix.
    const rest = /^\/[^/]+\/(id|peers)$/.exec(url.pathname);
    pathname = rest ? `${prefix}${broker.key}/${rest[1]}` : `${prefix}${url.pathname.replace(/^\/+/, '')}`;
  }
  const params = new URLSearchParams(url.search);
  if (params.has('key')) params.set('key', broker.key);
  const query = params.toString();
  const host = broker.host.includes(':') && !broker.host.startsWith('[') ? `[${broker.host}]` : broker.host;
  return `${scheme}//${host}:${broker.port}${pathname}${query ? `?${query}` : ''}`;
}

/** ICE servers of PeerJS's built-in default config: internet services an offline LAN cannot reach. */
const PEERJS_DEFAULT_ICE = /^(stun:stun\.l\.google\.com(:\d+)?|turns?:[a-z0-9-]+\.turn\.peerjs\.com(:\d+)?)$/i;

/**
 * Drops PeerJS's default internet STUN/TURN servers from an RTCConfiguration.
 * On a LAN they only cost lookups that go nowhere (and traffic off the LAN);
 * host candidates connect players on the same network. Servers a game chose
 * itself are kept.
 */
export function stripCloudIceServers<T extends { iceServers?: { urls: string | string[] }[] }>(config: T | undefined): T | undefined {
  if (!config?.iceServers) return config;
  const iceServers = config.iceServers
    .map((server) => {
      const urls = (Array.isArray(server.urls) ? server.urls : [server.urls]).filter((url) => !PEERJS_DEFAULT_ICE.test(url));
      return urls.length === 0 ? null : { ...server, urls: Array.isArray(server.urls) ? urls : (urls[0] ?? '') };
    })
    .filter((server): server is NonNullable<typeof server> => server !== null);
  return { ...config, iceServers };
}
