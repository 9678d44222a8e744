/**
 * Injected by the LAN Party host into every HTML page of a hosted game, before
 * the game's own scripts. It makes the public PeerJS cloud broker mean the LAN
 * default broker: a game that creates `new Peer()` with no broker options, or a
 * GDevelop game told to "connect to the default broker server", registers on
 * the LAN instead of needing the internet. A game that names its own broker is
 * left alone: only cloud-broker URLs are rewritten, at the WebSocket, fetch and
 * XMLHttpRequest level, so it works however the game bundles PeerJS. PeerJS's
 * default internet STUN/TURN servers are dropped too (unreachable offline).
 *
 * The host prepends `window.__LAN_PARTY_BROKER__ = {...}` (the default broker
 * at serve time); without it the shim does nothing.
 */
import { rewriteCloudUrl, stripCloudIceServers, type ShimBroker } from './cloud-url';

declare global {
  interface Window {
    __LAN_PARTY_BROKER__?: ShimBroker | null;
    /** Read-only: the LAN broker this page was given, for games that want to show it. */
    readonly lanPartyBroker?: Readonly<ShimBroker>;
  }
}

function install(broker: ShimBroker): void {
  const base = window.location.href;
  const rewrite = (input: string): string => rewriteCloudUrl(input, base, broker) ?? input;

  const NativeWebSocket = window.WebSocket;
  // A subclass keeps `instanceof WebSocket`, the static constants and every method.
  class LanPartyWebSocket extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(rewrite(String(url)), protocols);
    }
  }
  window.WebSocket = LanPartyWebSocket;

  const nativeFetch = window.fetch.bind(window);
  window.fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    if (input instanceof Request) {
      const target = rewrite(input.url);
      return nativeFetch(target === input.url ? input : new Request(target, input), init);
    }
    return nativeFetch(rewrite(String(input)), init);
  };

  const NativePeerConnection = window.RTCPeerConnection;
  if (NativePeerConnection) {
    class LanPartyPeerConnection extends NativePeerConnection {
      constructor(configuration?: RTCConfiguration) {
        super(stripCloudIceServers(configuration));
      }
    }
    window.RTCPeerConnection = LanPartyPeerConnection;
  }

  const nativeOpen = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function open(this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
    return (nativeOpen as (...args: unknown[]) => void).call(this, method, rewrite(String(url)), ...rest);
  } as typeof XMLHttpRequest.prototype.open;

  Object.defineProperty(window, 'lanPartyBroker', { value: Object.freeze({ ...broker }), enumerable: false });
}

const broker = window.__LAN_PARTY_BROKER__;
if (broker) install(broker);
