/**
 * GDevelop's `gdjs.evtTools.p2p` namespace on our engine: the functions the
 * P2P extension's events call (names and arguments as its JsExtension.js
 * declares them), each mapped to one engine function, so an unmodified
 * GDevelop export runs on our engine (heartbeat, default-broker following,
 * bounded frame queues, typed errors). The mapping is the table of
 * docs/p2p-api.md ("GDevelop games").
 *
 * Frames: GDevelop runs its post-events callbacks once per frame, after the
 * scene's events; the engine's `endFrame()` goes there, and the engine is
 * created with `frameQueues: 'on'` so the game's frame loop owns the queues
 * from the start (a GDevelop scene evaluates its conditions from its first
 * frame, and the post-events callback drains them every frame, so nothing
 * piles up).
 *
 * Pure: the engine and the `gdjs` object are parameters (install-gdevelop.ts
 * finds them in the page).
 */
import type { BrokerEndpoint, P2PEngine } from '../p2p/index.js';

/** The part of a `gdjs.Variable` the adapter uses (GDevelop 5.1+; older runtimes: `gdjs.evtTools.network`). */
export interface GdVariableLike {
  toJSObject?(): unknown;
  fromJSObject?(value: unknown): unknown;
}

/** The part of the `gdjs` global the adapter uses. */
export interface GdjsLike {
  /** GDevelop 5.1+. */
  registerRuntimeScenePostEventsCallback?(callback: () => void): void;
  /** Older GDevelop 5 runtimes: the same callbacks as an array. */
  callbacksRuntimeScenePostEvents?: (() => void)[];
  evtTools?: {
    p2p?: unknown;
    network?: {
      variableStructureToJSON?(variable: unknown): string;
      jsonToVariableStructure?(json: string, variable: unknown): void;
    };
  };
}

/** `gdjs.evtTools.p2p` as the P2P extension's events call it (JsExtension.js `setFunctionName`). */
export interface GdevelopP2PNamespace {
  // Conditions
  onEvent(eventName: string, defaultDataLoss: boolean): boolean;
  isReady(): boolean;
  onError(): boolean;
  onDisconnect(): boolean;
  onConnection(): boolean;
  // Actions
  connect(id: string): void;
  useCustomBrokerServer(host: string, port: number, path: string, key: string, ssl: boolean): void;
  useDefaultBrokerServer(): void;
  useCustomICECandidate(urls: string, username?: string, credential?: string): void;
  forceUseRelayServer(shouldUseRelayServer: boolean): void;
  overrideId(id: string): void;
  sendDataToAll(eventName: string, eventData: string): void;
  sendDataTo(id: string, eventName: string, eventData: string): void;
  sendVariableToAll(eventName: string, variable: GdVariableLike): void;
  sendVariableTo(id: string, eventName: string, variable: GdVariableLike): void;
  getEventVariable(eventName: string, variable: GdVariableLike): void;
  disconnectFromPeer(id: string): void;
  disconnectFromAllPeers(): void;
  disconnectFromBroker(): void;
  disconnectFromAll(): void;
  // Expressions
  getEventData(eventName: string): string;
  getEventSender(eventName: string): string;
  getCurrentId(): string;
  getLastError(): string;
  getDisconnectedPeer(): string;
  getConnectedPeer(): string;
  /** JavaScript-only in GDevelop (the raw PeerJS connection): our connections are the engine's own, so always undefined. */
  getConnectionInstance(id: string): undefined;
  /** Beyond GDevelop: the engine underneath, for JavaScript events that want its listener API or stats. */
  readonly lanPartyEngine: P2PEngine;
}

/** Marks "no JSON in the event" for `getEventVariable` (no JSON value is this object). */
const NO_VALUE: unique symbol = Symbol('no value');

export function createGdevelopP2P(engine: P2PEngine, gdjs: GdjsLike): GdevelopP2PNamespace {
  const network = (): NonNullable<GdjsLike['evtTools']>['network'] => gdjs.evtTools?.network;

  /** The variable's JSON text: `toJSObject` (5.1+), else the older runtime's helper; null when it has neither. */
  const variableJson = (variable: GdVariableLike): string | null => {
    if (typeof variable?.toJSObject === 'function') {
      const json = JSON.stringify(variable.toJSObject());
      return typeof json === 'string' ? json : null;
    }
    const toJson = network()?.variableStructureToJSON;
    return typeof toJson === 'function' ? toJson(variable) : null;
  };

  return {
    onEvent: (eventName, defaultDataLoss) => engine.eventTriggered(eventName, defaultDataLoss === true),
    isReady: () => engine.isReady(),
    onError: () => engine.errorOccurred(),
    onDisconnect: () => engine.peerDisconnected(),
    onConnection: () => engine.peerConnected(),

    connect: (id) => engine.connect(id),
    useCustomBrokerServer: (host, port, path, key, ssl) => engine.useBroker(host, Number(port), path, key, ssl === true),
    useDefaultBrokerServer: () => engine.useDefaultBroker(),
    // GDevelop passes "" for an optional parameter left empty: that means none.
    useCustomICECandidate: (urls, username, credential) => engine.addIceServer(urls, username || undefined, credential || undefined),
    // Relay-only needs a TURN server, which a LAN does not have: GDevelop's "Disable IP address sharing" is ignored here.
    forceUseRelayServer: () => undefined,
    overrideId: (id) => engine.overrideId(id),
    sendDataToAll: (eventName, eventData) => void engine.triggerEvent(eventName, eventData),
    sendDataTo: (id, eventName, eventData) => void engine.triggerEventOnPeer(id, eventName, eventData),
    sendVariableToAll: (eventName, variable) => {
      const json = variableJson(variable);
      // A variable we cannot read: the engine records why (invalid-argument) rather than sending "".
      if (json === null) engine.triggerVariableEvent(eventName, undefined);
      else engine.triggerEvent(eventName, json);
    },
    sendVariableTo: (id, eventName, variable) => {
      const json = variableJson(variable);
      if (json === null) engine.triggerVariableEventOnPeer(id, eventName, undefined);
      else engine.triggerEventOnPeer(id, eventName, json);
    },
    getEventVariable: (eventName, variable) => {
      // Empty or non-JSON data leaves the variable unchanged (spec); GDevelop would reset it.
      const value = engine.getEventVariable(eventName, NO_VALUE);
      if (value === NO_VALUE || typeof variable !== 'object' || variable === null) return;
      if (typeof variable.fromJSObject === 'function') {
        variable.fromJSObject(value);
        return;
      }
      network()?.jsonToVariableStructure?.(engine.getEventData(eventName), variable);
    },
    disconnectFromPeer: (id) => engine.disconnectFromPeer(id),
    disconnectFromAllPeers: () => engine.disconnectFromAllPeers(),
    disconnectFromBroker: () => engine.disconnectFromBroker(),
    disconnectFromAll: () => engine.disconnectFromAll(),

    getEventData: (eventName) => engine.getEventData(eventName),
    getEventSender: (eventName) => engine.getEventSender(eventName),
    getCurrentId: () => engine.getId(),
    getLastError: () => engine.getLastError(),
    getDisconnectedPeer: () => engine.getLastDisconnectedPeer(),
    getConnectedPeer: () => engine.getLastConnectedPeer(),
    getConnectionInstance: () => undefined,
    lanPartyEngine: engine,
  };
}

/**
 * Runs `endFrame()` after each frame's events: on the post-events callback
 * (GDevelop 5.1+), or the older runtimes' callback array. False when `gdjs`
 * offers neither (then nothing would drain the queues: the caller must not
 * keep them).
 */
export function registerEndOfFrame(gdjs: GdjsLike, endFrame: () => void): boolean {
  if (typeof gdjs.registerRuntimeScenePostEventsCallback === 'function') {
    gdjs.registerRuntimeScenePostEventsCallback(endFrame);
    return true;
  }
  if (Array.isArray(gdjs.callbacksRuntimeScenePostEvents)) {
    gdjs.callbacksRuntimeScenePostEvents.push(endFrame);
    return true;
  }
  return false;
}

/**
 * The default broker of a hosted GDevelop game: the signaling relay on the
 * game's own origin that the injected game agent describes
 * (`window.lanPartyBroker`). The serving host relays it to the LAN's default
 * broker of the moment and keeps the page's id when that broker moves, so the
 * engine needs no `/api/lan` of its own. Null when the page has no agent (not
 * served by LAN Party) or the value is not a broker endpoint.
 */
export function relayEndpoint(broker: unknown): BrokerEndpoint | null {
  if (typeof broker !== 'object' || broker === null) return null;
  const { host, port, path, key, secure } = broker as Record<string, unknown>;
  if (typeof host !== 'string' || host.length === 0 || typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) return null;
  if (typeof path !== 'string' || typeof key !== 'string' || typeof secure !== 'boolean') return null;
  return { host, port, path, key, secure };
}
