/**
 * The game agent: injected by the LAN Party host into every HTML page of a
 * hosted game, before the game's own scripts (served as
 * /lan-party/broker-shim.js; built into one classic script by
 * vite.shim.config.ts). Always installed.
 *
 * 1. Never the internet: PeerJS cloud-broker URLs (socket and REST, at the
 *    WebSocket, fetch and XMLHttpRequest level, so it works however the game
 *    bundles PeerJS) go to the signaling relay on the page's own origin
 *    (RELAY_PATH), which the host relays to the LAN's default broker of the
 *    moment; public STUN/TURN servers are dropped. A game that names its own
 *    broker is left alone. `window.lanPartyBroker` describes the relay.
 * 2. Telemetry and conditioning of every RTCDataChannel (rtc-agent.ts),
 *    reported to the host over the agent socket (agent-link.ts).
 * 3. On a test bench instance (bench-identity.ts: the bench's URL
 *    parameters): its identity, storage of its own (scoped-storage.ts), focus
 *    keys, gamepad, canvas size and mute for the bench page (bench-frame.ts).
 * 4. Live reload: the host says `reload` when a file of the game's folder
 *    changed, and the page reloads.
 *
 * Exposed on window, read-only: `lanPartyBroker`, `lanPartyAgent`
 * (`{ instance, muted }`, so tests can tie a page to its instance), and on a
 * bench instance `lanPartyInstance` / `lanPartyCount`. A prefix the host may
 * still prepend (`window.__LAN_PARTY_BROKER__ = …`) is ignored.
 */
import { AGENT_LIMITS } from '../../src-preload/game-agent-protocol.js';
import { AgentLink, agentUrl, brokerLine, newInstanceId } from './agent-link.js';
import { installBenchFrame, type BenchFrame } from './bench-frame.js';
import { benchFromSearch, storagePrefix } from './bench-identity.js';
import { isRelaySocket, relayBroker, rewriteCloudUrl, stripCloudIceServers, tagRelaySocket, type ShimBroker } from './cloud-url.js';
import { RtcAgent } from './rtc-agent.js';
import { isolateStorage } from './scoped-storage.js';
import { SignalingWatch } from './signaling-watch.js';
import { Telemetry } from './telemetry.js';

declare global {
  interface Window {
    /** Read-only: the signaling relay on this game's own origin, as PeerJS options (host, port, path, key, secure). */
    readonly lanPartyBroker?: Readonly<ShimBroker>;
    /** Read-only: this page's game-agent instance id, and whether the bench muted it. */
    readonly lanPartyAgent?: Readonly<{ instance: string; muted: boolean }>;
    /** Read-only, on a test bench instance only: its 1-based index and the bench's count. */
    readonly lanPartyInstance?: number;
    readonly lanPartyCount?: number;
  }
}

/** How often the agent reads RTT and candidate from each peer connection while its socket is up. */
const STATS_INTERVAL_MS = 1_000;

interface EngineLike {
  getQueuedCounts?: () => unknown;
}

/**
 * The frame-queue backlog per event name when the page runs our engine (the
 * GDevelop drop-in puts it at `gdjs.evtTools.p2p.lanPartyEngine`), else null.
 * The globals are the game's: read defensively.
 */
function readBacklog(): Array<[string, number]> | null {
  try {
    const engine = (globalThis as { gdjs?: { evtTools?: { p2p?: { lanPartyEngine?: EngineLike } } } }).gdjs?.evtTools?.p2p?.lanPartyEngine;
    if (!engine || typeof engine.getQueuedCounts !== 'function') return null;
    const counts = engine.getQueuedCounts();
    if (!Array.isArray(counts)) return null;
    const out: Array<[string, number]> = [];
    for (const entry of counts.slice(0, AGENT_LIMITS.maxEventNamesPerInstance)) {
      if (Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'number') out.push([entry[0], entry[1]]);
    }
    return out;
  } catch {
    return null;
  }
}

function install(): void {
  const page = window.location;
  const instance = newInstanceId();
  const identity = benchFromSearch(page.search);
  if (identity.problem) console.warn(identity.problem);
  const bench = identity.bench;
  let benchFrame: BenchFrame | null = null;
  if (bench) {
    // First of all: the game's scripts must never see the shared storage.
    isolateStorage(window, storagePrefix(bench));
    benchFrame = installBenchFrame(window);
    Object.defineProperty(window, 'lanPartyInstance', { value: bench.instance, enumerable: false, writable: false, configurable: false });
    Object.defineProperty(window, 'lanPartyCount', { value: bench.count, enumerable: false, writable: false, configurable: false });
  }
  const telemetry = new Telemetry();
  const signaling = new SignalingWatch();
  const rewrite = (input: string): string => rewriteCloudUrl(input, page, instance) ?? input;

  // Captured before any wrapping: the agent's own socket is never rewritten or watched.
  const NativeWebSocket = window.WebSocket;
  const relayUrls = new WeakMap<WebSocket, string>();
  // A subclass keeps `instanceof WebSocket`, the static constants and every method.
  class LanPartyWebSocket extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      const asked = String(url);
      const target = rewriteCloudUrl(asked, page, instance) ?? tagRelaySocket(asked, page, instance) ?? asked;
      super(target, protocols);
      if (isRelaySocket(target, page)) {
        relayUrls.set(this, target);
        this.addEventListener('message', (event: MessageEvent) => {
          signaling.frame(event.data, false, target);
          // A peer or our id may have been named: the next report says so (signaling frames are few).
          telemetry.touch();
        });
      }
    }

    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      const relay = relayUrls.get(this);
      if (relay !== undefined) {
        signaling.frame(data, true, relay);
        telemetry.touch();
      }
      super.send(data);
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

  const nativeOpen = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function open(this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
    return (nativeOpen as (...args: unknown[]) => void).call(this, method, rewrite(String(url)), ...rest);
  } as typeof XMLHttpRequest.prototype.open;

  const NativePeerConnection = window.RTCPeerConnection as typeof RTCPeerConnection | undefined;
  const NativeDataChannel = window.RTCDataChannel as typeof RTCDataChannel | undefined;
  let rtc: RtcAgent | null = null;
  if (NativePeerConnection && NativeDataChannel) {
    const nativeGetStats = NativePeerConnection.prototype.getStats as (this: RTCPeerConnection) => Promise<RTCStatsReport>;
    const nativeSend = NativeDataChannel.prototype.send as (this: RTCDataChannel, data: never) => void;
    const agent = new RtcAgent({ telemetry, nativeSend, nativeGetStats });
    rtc = agent;
    class LanPartyPeerConnection extends NativePeerConnection {
      constructor(configuration?: RTCConfiguration) {
        super(stripCloudIceServers(configuration));
        agent.trackPc(this);
      }

      override createDataChannel(label: string, options?: RTCDataChannelInit): RTCDataChannel {
        const channel = super.createDataChannel(label, options);
        agent.trackChannel(channel, this);
        return channel;
      }

      override getStats(...args: [MediaStreamTrack | null | undefined]): Promise<RTCStatsReport> {
        return agent.gameStats(this, super.getStats(...args));
      }

      override setConfiguration(configuration?: RTCConfiguration): void {
        super.setConfiguration(stripCloudIceServers(configuration));
      }
    }
    window.RTCPeerConnection = LanPartyPeerConnection;
    NativeDataChannel.prototype.send = function send(this: RTCDataChannel, data: string | Blob | ArrayBuffer | ArrayBufferView) {
      agent.send(this, data);
    } as typeof NativeDataChannel.prototype.send;
  }

  Object.defineProperty(window, 'lanPartyBroker', { value: Object.freeze(relayBroker(page)), enumerable: false, writable: false, configurable: false });
  const agentView = Object.freeze({
    instance,
    get muted(): boolean {
      return benchFrame?.muted ?? false;
    },
  });
  Object.defineProperty(window, 'lanPartyAgent', { value: agentView, enumerable: false, writable: false, configurable: false });

  const url = agentUrl(page);
  if (url === null) return;
  let brokerState: string | null = null;
  let timers: Array<ReturnType<typeof setInterval>> = [];
  const link = new AgentLink({
    NativeWebSocket,
    url,
    hello: { type: 'hello', instance, page: `${page.pathname}${page.search}`.slice(0, 2_048), bench },
    onMessage(message) {
      if (message.type === 'reload') {
        console.info('LAN Party: a file of the game changed; reloading');
        window.location.reload();
        return;
      }
      if (message.type === 'conditions') {
        rtc?.setConditions(message.instance, message.links, message.spike);
        return;
      }
      const line = brokerLine(brokerState, message);
      brokerState = message.state;
      if (line) console[line.level](line.text);
    },
    onUp(up) {
      for (const timer of timers) clearInterval(timer);
      timers = [];
      if (!up) return;
      telemetry.touch();
      const report = (): void => {
        telemetry.setPeerId(signaling.peerId);
        const message = telemetry.buildReport((label) => signaling.peerOf(label), readBacklog());
        if (message) link.send(message);
      };
      report();
      timers.push(setInterval(report, AGENT_LIMITS.reportIntervalMs));
      if (rtc) {
        const agent = rtc;
        timers.push(setInterval(() => agent.pollStats(), STATS_INTERVAL_MS));
      }
    },
  });
}

// Once per page: a page that includes the script twice keeps the first agent.
if (!Object.prototype.hasOwnProperty.call(window, 'lanPartyAgent')) install();
