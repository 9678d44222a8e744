/**
 * The P2P engine: GDevelop's P2P API (frame face) and a typed listener API,
 * over one state, on PeerJS data connections. Framework-free, no Electron:
 * runs in the dashboard and in any web game (see docs/p2p-api.md).
 *
 * Structure:
 * - `FrameState` (pure) holds the per-frame queues and the error flag/log;
 * - `LanConnection` (one per data connection) decodes and validates frames;
 * - `Outbox` coalesces the events of one task into one frame per link, on
 *   links whose other end declared the `batch` capability (engines only);
 * - this class owns the broker link(s), the connections ("links") grouped per
 *   remote peer id ("sessions"), the heartbeat tick and the listeners.
 *
 * Invariants that fix the reference's bugs:
 * - connections are tracked per connection, never in a map keyed by peer id
 *   alone, so overlapping connections to one peer never overwrite each other;
 *   a peer is connected while at least one of its connections is open, and is
 *   reported disconnected exactly once when the last one closes;
 * - "disconnect from broker" only closes the signaling link (PeerJS
 *   `disconnect()`), keeps the id and every data connection, and never
 *   reconnects by itself; nothing re-creates a Peer behind the caller's back;
 * - every public method catches: bad input and internal failures become
 *   recorded errors, never exceptions in the game.
 */
import { Peer, type PeerOptions } from 'peerjs';
import { type EngineConnection, isEngineConnection, LanConnection, type SendResult } from './connection.js';
import { createHttpDefaultBrokerSource, sameEndpoint } from './default-broker.js';
import { FrameState, type FrameLimits, type QueuedEvent } from './frame-state.js';
import { DEFAULT_HEARTBEAT_TIMING, HEARTBEAT_TICK_MS, type HeartbeatTiming, Liveness } from './heartbeat.js';
import { encodePiece, fitsBatch, Outbox, type Piece } from './outbox.js';
import type {
  BrokerEndpoint,
  DefaultBrokerSource,
  Direction,
  DisconnectReason,
  EngineStats,
  IceServer,
  P2PEventMap,
  P2PEventName,
  PeerStats,
} from './types.js';
import {
  buildEvent,
  buildVariableEvent,
  type BuildResult,
  type Decoded,
  describe,
  ENGINE_CAPS,
  HELLO_VERSION,
  isLanPartyMetadata,
  LAN_PARTY_METADATA,
  metadataDeclares,
  type WireEvent,
} from './wire.js';
import type { P2PErrorEntry } from './errors.js';

/**
 * Peer ids as the spec allows them. Kept equal to `PEER_ID_PATTERN` of
 * `src-preload/contract.ts` by `contract-compat.test.ts` (importing the value
 * would bundle zod into every game).
 */
export const PEER_ID_PATTERN = /^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/;
export const MAX_PEER_ID_LENGTH = 64;

/** Serializations our own connections use: see docs/p2p-api.md ("Connections we open"). */
export const OUTGOING_CONNECTION_OPTIONS = {
  serialization: 'binary',
  reliable: true,
  metadata: LAN_PARTY_METADATA,
} as const;

/** How long an outgoing connection may stay unopened before it is reported as failed. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;

/** A heartbeat tick later than this means our own page was frozen (see tick()). */
const FROZEN_TICK_MS = 1_500;

/** How often ICE stats are read for a stock peer's RTT. */
const ICE_RTT_INTERVAL_MS = 2_000;

/** Malformed frames from one connection are recorded as an error at most this often (they are always counted). */
const MALFORMED_ERROR_INTERVAL_MS = 1_000;

/** Re-checks of the default broker after losing it, before waiting for the source to announce a change. */
const MAX_DEFAULT_RETRIES = 5;
const DEFAULT_RETRY_DELAY_MS = 1_000;

/** @internal */
export type PeerFactory = (id: string, options: PeerOptions) => Peer;

export interface P2PEngineOptions {
  /** Where "use default broker" looks; default: `/api/lan` of the page's origin. */
  defaultBroker?: DefaultBrokerSource;
  /** Outgoing connections not open after this long are failed (ms). */
  connectTimeoutMs?: number;
  heartbeat?: Partial<HeartbeatTiming>;
  limits?: Partial<FrameLimits>;
  /** @internal Injected by unit tests (a fake PeerJS). */
  peerFactory?: PeerFactory;
  /** @internal Injected by unit tests. */
  now?: () => number;
}

type Listener<K extends P2PEventName> = (payload: P2PEventMap[K]) => void;

interface Link {
  seq: number;
  conn: EngineConnection;
  peerId: string;
  direction: Direction;
  state: 'connecting' | 'open' | 'closed';
  owner: Peer;
  liveness: Liveness;
  createdAt: number;
  /** Set when this engine decides why the link closes, before it closes it. */
  closeReason: DisconnectReason | null;
  /** An error about this link was recorded already (no duplicate "Could not connect"). */
  errorReported: boolean;
  lastMalformedErrorAt: number;
  rttPending: boolean;
  lastRttPollAt: number;
  /** The other end declared the `batch` capability (metadata when incoming, hello when outgoing). */
  batch: boolean;
}

/** The counters a session keeps are exactly those `getPeerStats()` reports. */
type SessionCounters = Pick<
  PeerStats,
  'connectedSince' | 'messagesIn' | 'messagesOut' | 'bytesIn' | 'bytesOut' | 'framesIn' | 'framesOut' | 'malformedIn'
>;

interface Session extends SessionCounters {
  peerId: string;
  links: Link[];
  connected: boolean;
  direction: Direction;
  /** Already queued for the frame "Peer connected" condition during this connected period. */
  frameReported: boolean;
}

interface Signal {
  peer: Peer;
  endpoint: BrokerEndpoint;
  viaDefault: boolean;
  id: string;
  /** A broker error that retrying cannot fix (id taken, invalid id or key). */
  fatal: boolean;
  /** Re-registering the id we already had: the broker may not have dropped our old socket yet. */
  ownId: boolean;
  attempt: number;
}

/** Re-registrations of our own id answered ID-TAKEN are retried this many times (the broker drops a closed socket within ms). */
const OWN_ID_RETRIES = 3;
const OWN_ID_RETRY_DELAY_MS = 300;

function isStringId(id: unknown): id is string {
  return typeof id === 'string' && id.length <= MAX_PEER_ID_LENGTH && PEER_ID_PATTERN.test(id);
}

/** A quoted, bounded rendering of untrusted input for error messages. */
function quote(value: unknown): string {
  if (typeof value === 'string') return `"${value.length > 80 ? `${value.slice(0, 80)}…` : value}"`;
  return `<${typeof value}>`;
}

/** A random id in UUID form (allowed by the id pattern); getRandomValues works in insecure contexts too. */
function randomId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export class P2PEngine {
  private readonly frame: FrameState;
  private readonly listeners: { [K in P2PEventName]: Set<Listener<K>> } = {
    ready: new Set(),
    brokerDisconnected: new Set(),
    peerConnected: new Set(),
    peerDisconnected: new Set(),
    event: new Set(),
    error: new Set(),
  };
  /** Snapshots of the listener sets, taken when they change rather than on every event. */
  private readonly listenerLists = new Map<P2PEventName, readonly unknown[]>();
  private readonly outbox = new Outbox<Link>((link, text, bytes, count) => this.sendBatchOn(link, text, bytes, count));
  private readonly now: () => number;
  private readonly peerFactory: PeerFactory;
  private readonly heartbeat: HeartbeatTiming;
  private readonly connectTimeoutMs: number;
  private defaultSource: DefaultBrokerSource | null;
  private readonly explicitDefaultSource: boolean;

  private signal: Signal | null = null;
  private ready = false;
  private id = '';
  private pendingId: string | null = null;
  /** Shared by every Peer: PeerJS reads `options.config` when it creates each RTCPeerConnection. */
  private readonly rtcConfig: RTCConfiguration = { iceServers: [] };
  private readonly iceServers: IceServer[] = [];
  private readonly retired = new Set<Peer>();
  private readonly sessions = new Map<string, Session>();
  private readonly links = new Set<Link>();
  private linkSeq = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private lastTickAt = 0;

  /** Bumped by every explicit broker disconnect: pending retries from before it are void. */
  private brokerGeneration = 0;
  private followDefault = false;
  private unsubscribeDefault: (() => void) | null = null;
  private defaultRetries = 0;
  private defaultRetryTimer: ReturnType<typeof setTimeout> | null = null;
  private waitingForDefaultReported = false;

  private malformedTotal = 0;
  private droppedTotal = 0;
  private destroyed = false;

  constructor(options: P2PEngineOptions = {}) {
    this.frame = new FrameState(options.limits);
    this.now = options.now ?? (() => Date.now());
    this.peerFactory = options.peerFactory ?? ((id, peerOptions) => new Peer(id, peerOptions));
    this.heartbeat = { ...DEFAULT_HEARTBEAT_TIMING, ...options.heartbeat };
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.defaultSource = options.defaultBroker ?? null;
    this.explicitDefaultSource = options.defaultBroker !== undefined;
  }

  // ===========================================================================
  // Actions
  // ===========================================================================

  /** "Connect to the default broker server": the LAN's elected broker, followed when it moves. */
  useDefaultBroker(): void {
    this.guard('useDefaultBroker', () => {
      if (this.signal) {
        this.recordError('Already connected to a broker: disconnect from it first');
        return;
      }
      if (!this.defaultSource) {
        this.defaultSource = createHttpDefaultBrokerSource();
      }
      const source = this.defaultSource;
      this.followDefault = true;
      this.defaultRetries = 0;
      this.waitingForDefaultReported = false;
      this.unsubscribeDefault ??= source.subscribe((endpoint) => this.onDefaultBroker(endpoint));
      this.checkDefaultBroker();
    });
  }

  /** "Connect to a broker server". Empty path means "/", empty key means "peerjs". */
  useBroker(host: string, port: number, path = '/', key = 'peerjs', ssl = false): void {
    this.guard('useBroker', () => {
      if (this.signal) {
        this.recordError('Already connected to a broker: disconnect from it first');
        return;
      }
      const endpoint = this.normalizeEndpoint(host, port, path, key, ssl);
      if (typeof endpoint === 'string') {
        this.recordError(endpoint);
        return;
      }
      this.stopFollowingDefault();
      this.startSignal(endpoint, false, null);
    });
  }

  /** "Override the client ID": used for the next broker connection only. */
  overrideId(id: string): void {
    this.guard('overrideId', () => {
      if (!isStringId(id)) {
        this.recordError(`Invalid client id ${quote(id)}: use letters and digits, optionally separated by single spaces, "-" or "_" (at most ${MAX_PEER_ID_LENGTH})`);
        return;
      }
      this.pendingId = id;
    });
  }

  /** "Use a custom ICE server": appended to the list used by connections opened afterwards (default list: empty). */
  addIceServer(urls: string, username?: string, credential?: string): void {
    this.guard('addIceServer', () => {
      if (typeof urls !== 'string' || urls.length > 500 || !/^(stun|stuns|turn|turns):/.test(urls)) {
        this.recordError(`Invalid ICE server URL ${quote(urls)}: it starts with stun:, stuns:, turn: or turns:`);
        return;
      }
      if ((username !== undefined && typeof username !== 'string') || (credential !== undefined && typeof credential !== 'string')) {
        this.recordError('Invalid ICE server credentials: username and credential are strings');
        return;
      }
      if (this.iceServers.length >= 16) {
        this.recordError('Too many ICE servers (at most 16)');
        return;
      }
      const server: IceServer = { urls };
      if (username) server.username = username;
      if (credential) server.credential = credential;
      this.iceServers.push(server);
      this.rtcConfig.iceServers = this.iceServers.map((s) => ({ ...s }));
    });
  }

  /** "Connect to another client". A second connect to a connected (or connecting) peer is a no-op. */
  connect(peerId: string): void {
    this.guard('connect', () => {
      if (!isStringId(peerId)) {
        this.recordError(`Invalid peer id ${quote(peerId)}`);
        return;
      }
      if (peerId === this.id || peerId === this.signal?.id) {
        this.recordError(`Cannot connect to yourself (${peerId})`);
        return;
      }
      const session = this.sessions.get(peerId);
      if (session && session.links.some((l) => l.state !== 'closed')) return;
      const signal = this.signal;
      if (!signal || signal.peer.disconnected || signal.peer.destroyed) {
        this.recordError(`Not connected to a broker: cannot connect to peer ${peerId}`);
        return;
      }
      const conn = signal.peer.connect(peerId, { ...OUTGOING_CONNECTION_OPTIONS, metadata: { ...LAN_PARTY_METADATA } });
      if (!isEngineConnection(conn)) {
        this.recordError(`Could not connect to peer ${peerId}`);
        return;
      }
      this.addLink(conn, 'outgoing', signal.peer);
    });
  }

  /** "Trigger event on all connected clients". */
  triggerEvent(eventName: string, data: string): void {
    this.guard('triggerEvent', () => this.sendToAll(buildEvent(eventName, data)));
  }

  /** "Trigger event on all connected clients (variable)": data is JSON.stringify(value). */
  triggerVariableEvent(eventName: string, value: unknown): void {
    this.guard('triggerVariableEvent', () => this.sendToAll(buildVariableEvent(eventName, value)));
  }

  /** "Trigger event on a specific client". Records `Peer <id> is not connected` when it is not. */
  triggerEventOnPeer(peerId: string, eventName: string, data: string): void {
    this.guard('triggerEventOnPeer', () => this.sendToPeer(peerId, buildEvent(eventName, data)));
  }

  /** "Trigger event on a specific client (variable)". */
  triggerVariableEventOnPeer(peerId: string, eventName: string, value: unknown): void {
    this.guard('triggerVariableEventOnPeer', () => this.sendToPeer(peerId, buildVariableEvent(eventName, value)));
  }

  /** "Disconnect from a peer": closes every connection with it; "Peer disconnected" fires locally too. */
  disconnectFromPeer(peerId: string): void {
    this.guard('disconnectFromPeer', () => {
      const session = typeof peerId === 'string' ? this.sessions.get(peerId) : undefined;
      if (!session || session.links.length === 0) {
        this.recordError(`Peer ${typeof peerId === 'string' ? peerId : quote(peerId)} is not connected`);
        return;
      }
      for (const link of session.links.slice()) this.closeLink(link, 'local');
    });
  }

  /** "Disconnect from all peers": closes every data connection; the broker link stays. */
  disconnectFromAllPeers(): void {
    this.guard('disconnectFromAllPeers', () => {
      for (const link of [...this.links]) this.closeLink(link, 'local');
    });
  }

  /**
   * "Disconnect from broker": closes the signaling link only. Data connections
   * keep working, "Is P2P ready" becomes false, the id is kept, and nothing
   * reconnects automatically (default-broker following stops too).
   */
  disconnectFromBroker(): void {
    this.guard('disconnectFromBroker', () => {
      this.brokerGeneration += 1;
      this.stopFollowingDefault();
      this.retireSignal();
    });
  }

  /** "Disconnect from all": every connection and the broker link; nothing is re-created. */
  disconnectFromAll(): void {
    this.guard('disconnectFromAll', () => {
      this.brokerGeneration += 1;
      this.stopFollowingDefault();
      this.retireSignal();
      for (const link of [...this.links]) this.closeLink(link, 'local');
      for (const peer of [...this.retired]) this.destroyPeer(peer);
      this.retired.clear();
      this.updateTimer();
    });
  }

  // ===========================================================================
  // Conditions and expressions (frame face)
  // ===========================================================================

  /** "Is P2P ready": true while the broker link is open. */
  isReady(): boolean {
    return this.ready;
  }

  /** "Peer Connected": true while the queue of newly connected (incoming) peers is non-empty. */
  peerConnected(): boolean {
    return this.frame.peerConnected();
  }

  /** "Peer disconnected": true while the queue of disconnected peers is non-empty. */
  peerDisconnected(): boolean {
    return this.frame.peerDisconnected();
  }

  /** "An error occurred": true once after an error was recorded; reading clears it. */
  errorOccurred(): boolean {
    return this.frame.errorOccurred();
  }

  /** "Event triggered by peer": evaluating sets the data-loss mode for that name. */
  eventTriggered(eventName: string, dataLoss = false): boolean {
    if (typeof eventName !== 'string') return false;
    return this.frame.eventTriggered(eventName, dataLoss === true);
  }

  /** `GetEventData(name)`: data of the head item, "" when none. */
  getEventData(eventName: string): string {
    return typeof eventName === 'string' ? this.frame.getEventData(eventName) : '';
  }

  /** `GetEventSender(name)`: sender of the head item, "" when none. */
  getEventSender(eventName: string): string {
    return typeof eventName === 'string' ? this.frame.getEventSender(eventName) : '';
  }

  /**
   * "Get event data (variable)": the head item's data parsed as JSON, or
   * `current` (the variable's value, left unchanged) when empty or not JSON.
   */
  getEventVariable(eventName: string, current?: unknown): unknown {
    return typeof eventName === 'string' ? this.frame.getEventVariable(eventName, current) : current;
  }

  /** Every queued item of that name at once, oldest first, consumed. */
  getAllEventData(eventName: string): QueuedEvent[] {
    return typeof eventName === 'string' ? this.frame.getAllEventData(eventName) : [];
  }

  /** `GetID()`: this client's id, "" before the first broker connection. */
  getId(): string {
    return this.id;
  }

  /** `GetLastConnectedPeer()`: head of the connected-peers queue, "" when none. */
  getLastConnectedPeer(): string {
    return this.frame.getLastConnectedPeer();
  }

  /** `GetLastDisconnectedPeer()`: head of the disconnected-peers queue, "" when none. */
  getLastDisconnectedPeer(): string {
    return this.frame.getLastDisconnectedPeer();
  }

  /** `GetLastError()`: text of the last error, "" when none. */
  getLastError(): string {
    return this.frame.getLastError();
  }

  /** Call once per frame after the game's events: drops the head of every queue. */
  endFrame(): void {
    this.frame.endFrame();
  }

  // ===========================================================================
  // Listener face, stats, lifecycle
  // ===========================================================================

  /** Subscribes to every item, once, in order. Returns the function that unsubscribes. */
  on<K extends P2PEventName>(type: K, listener: Listener<K>): () => void {
    const set = this.listeners[type] as Set<Listener<K>> | undefined;
    if (!set || typeof listener !== 'function') return () => undefined;
    set.add(listener);
    this.listenerLists.delete(type);
    return () => {
      set.delete(listener);
      this.listenerLists.delete(type);
    };
  }

  /** Ids of the peers currently connected (at least one open connection). */
  getConnectedPeers(): string[] {
    return [...this.sessions.values()].filter((s) => s.connected).map((s) => s.peerId);
  }

  /** Per-peer stats (peers connected or connecting). */
  getPeerStats(): PeerStats[] {
    const out: PeerStats[] = [];
    for (const session of this.sessions.values()) {
      const link = this.primaryLink(session) ?? session.links[0];
      if (!link) continue;
      out.push({
        peerId: session.peerId,
        state: session.connected ? 'open' : 'connecting',
        direction: session.direction,
        engine: link.conn.remoteIsEngine,
        serialization: link.conn.serialization,
        connections: session.links.length,
        rttMs: link.liveness.rttMs,
        messagesIn: session.messagesIn,
        messagesOut: session.messagesOut,
        bytesIn: session.bytesIn,
        bytesOut: session.bytesOut,
        framesIn: session.framesIn,
        framesOut: session.framesOut,
        malformedIn: session.malformedIn,
        connectedSince: session.connectedSince,
      });
    }
    return out;
  }

  getStats(): EngineStats {
    return {
      ready: this.ready,
      id: this.id,
      broker: this.signal ? { ...this.signal.endpoint } : null,
      malformedIn: this.malformedTotal,
      droppedEvents: this.droppedTotal,
      errorsRecorded: this.frame.errors.total,
    };
  }

  /** The bounded error log, oldest first. */
  getErrorLog(): P2PErrorEntry[] {
    return this.frame.errors.list();
  }

  /** Releases everything (connections, broker links, timers, listeners). The engine is unusable afterwards. */
  destroy(): void {
    if (this.destroyed) return;
    this.disconnectFromAll();
    this.destroyed = true;
    for (const set of Object.values(this.listeners)) set.clear();
    this.listenerLists.clear();
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  // ===========================================================================
  // Internals: errors and listeners
  // ===========================================================================

  /** Runs a public method body; anything thrown becomes a recorded error. */
  private guard(method: string, body: () => void): void {
    if (this.destroyed) return;
    try {
      body();
    } catch (error) {
      this.recordError(`${method} failed: ${describe(error)}`);
    }
  }

  private recordError(message: string): void {
    const entry = this.frame.recordError(message, this.now());
    this.emit('error', { message: entry.message, at: entry.at });
  }

  private emit<K extends P2PEventName>(type: K, payload: P2PEventMap[K]): void {
    // A snapshot, so that (un)subscribing from a listener does not change who gets this item.
    let list = this.listenerLists.get(type) as readonly Listener<K>[] | undefined;
    if (!list) {
      list = [...this.listeners[type]] as Listener<K>[];
      this.listenerLists.set(type, list);
    }
    for (const listener of list) {
      try {
        listener(payload);
      } catch (error) {
        // A listener's bug must not break the engine nor the other listeners; not recorded as a P2P error
        // (an 'error' listener that throws would otherwise loop).
        console.error(`LAN Party P2P: a "${type}" listener threw`, error);
      }
    }
  }

  // ===========================================================================
  // Internals: brokers
  // ===========================================================================

  private normalizeEndpoint(host: unknown, port: unknown, path: unknown, key: unknown, ssl: unknown): BrokerEndpoint | string {
    if (typeof host !== 'string' || host.trim().length === 0 || host.length > 255 || /[\s/?#@]/.test(host.trim())) {
      return `Invalid broker host ${quote(host)}`;
    }
    const portNumber = typeof port === 'string' && /^\d+$/.test(port) ? Number(port) : port;
    if (typeof portNumber !== 'number' || !Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) {
      return `Invalid broker port ${typeof port === 'number' ? String(port) : quote(port)}`;
    }
    // The reference breaks on an empty path: empty means "/".
    let brokerPath = typeof path === 'string' && path.length > 0 ? path : '/';
    if (!brokerPath.startsWith('/')) brokerPath = `/${brokerPath}`;
    if (brokerPath.length > 100 || !/^\/[A-Za-z0-9._~/-]*$/.test(brokerPath)) return `Invalid broker path ${quote(path)}`;
    const brokerKey = typeof key === 'string' && key.length > 0 ? key : 'peerjs';
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(brokerKey)) return `Invalid broker key ${quote(key)}`;
    return { host: host.trim(), port: portNumber, path: brokerPath, key: brokerKey, secure: ssl === true };
  }

  private stopFollowingDefault(): void {
    this.followDefault = false;
    if (this.unsubscribeDefault) {
      try {
        this.unsubscribeDefault();
      } catch {
        // A faulty source must not block a disconnect.
      }
    }
    this.unsubscribeDefault = null;
    if (this.defaultRetryTimer !== null) clearTimeout(this.defaultRetryTimer);
    this.defaultRetryTimer = null;
  }

  /** Asks the default source once and registers there when appropriate. */
  private checkDefaultBroker(): void {
    const source = this.defaultSource;
    if (!source || !this.followDefault) return;
    let pending: Promise<BrokerEndpoint | null>;
    try {
      pending = source.get();
    } catch (error) {
      this.recordError(`Could not get the LAN's default broker: ${describe(error)}`);
      return;
    }
    pending.then(
      (endpoint) => this.onDefaultBroker(endpoint),
      (error: unknown) => {
        if (!this.followDefault) return;
        this.recordError(`Could not get the LAN's default broker: ${describe(error)}`);
        this.scheduleDefaultRetry();
      },
    );
  }

  private scheduleDefaultRetry(): void {
    if (!this.followDefault || this.defaultRetryTimer !== null || this.defaultRetries >= MAX_DEFAULT_RETRIES) return;
    this.defaultRetries += 1;
    this.defaultRetryTimer = setTimeout(() => {
      this.defaultRetryTimer = null;
      if (!this.signal) this.checkDefaultBroker();
    }, DEFAULT_RETRY_DELAY_MS * this.defaultRetries);
  }

  /** The default broker is (now) `endpoint`: register there, or move there keeping the same id. */
  private onDefaultBroker(endpoint: BrokerEndpoint | null): void {
    if (!this.followDefault || this.destroyed) return;
    try {
      if (endpoint === null) {
        if (!this.signal && !this.waitingForDefaultReported) {
          this.waitingForDefaultReported = true;
          this.recordError('No default broker on this LAN yet: waiting for one');
        }
        return;
      }
      const current = this.signal;
      if (current) {
        if (!current.viaDefault || sameEndpoint(current.endpoint, endpoint)) return;
        // The election moved: same id on the new broker; data connections stay on the old Peer object.
        const id = this.id || current.id;
        this.retireSignal();
        this.startSignal(endpoint, true, id);
        return;
      }
      this.startSignal(endpoint, true, null);
    } catch (error) {
      this.recordError(`Could not use the default broker: ${describe(error)}`);
    }
  }

  /**
   * Registers on `endpoint`. The id: `forcedId` (a default-broker move), else
   * the override, else the id we already had, else a fresh random one.
   */
  private startSignal(endpoint: BrokerEndpoint, viaDefault: boolean, forcedId: string | null, attempt = 0): void {
    const id = forcedId ?? this.pendingId ?? (this.id || randomId());
    if (forcedId === null) this.pendingId = null;
    const ownId = id === this.id;
    const options: PeerOptions = {
      host: endpoint.host,
      port: endpoint.port,
      path: endpoint.path,
      key: endpoint.key,
      secure: endpoint.secure,
      config: this.rtcConfig,
      debug: 0,
      serializers: {
        binary: LanConnection,
        'binary-utf8': LanConnection,
        json: LanConnection,
        raw: LanConnection,
        default: LanConnection,
      },
    };
    const peer = this.peerFactory(id, options);
    this.acceptAnySerialization(peer);
    const signal: Signal = { peer, endpoint, viaDefault, id, fatal: false, ownId, attempt };
    this.signal = signal;
    this.ready = false;
    peer.on('open', (openedId: string) => {
      if (this.signal !== signal) return;
      this.ready = true;
      this.id = typeof openedId === 'string' && openedId ? openedId : id;
      signal.id = this.id;
      this.defaultRetries = 0;
      this.waitingForDefaultReported = false;
      this.emit('ready', { id: this.id, broker: { ...endpoint } });
    });
    peer.on('connection', (conn: unknown) => {
      if (isEngineConnection(conn)) this.addLink(conn, 'incoming', peer);
    });
    peer.on('error', (error: unknown) => this.onPeerError(peer, error));
    peer.on('disconnected', () => {
      if (this.signal !== signal) return;
      // Lost the broker (it went away, or a fatal error): the data connections live on in the retired Peer.
      this.retireSignal();
      if (viaDefault && this.followDefault && !signal.fatal) this.scheduleDefaultRetry();
    });
    peer.on('close', () => {
      if (this.signal === signal) {
        this.signal = null;
        this.setNotReady(signal.id);
      }
      this.retired.delete(peer);
    });
  }

  /**
   * PeerJS instantiates `_serializers[offer.serialization]` for every incoming
   * offer; an unknown name (a MsgPack peer, a hostile offer) would throw a
   * TypeError inside its socket handler. Unknown names get our connection
   * class, which treats the frames as BinaryPack and drops what does not decode.
   */
  private acceptAnySerialization(peer: Peer): void {
    const internals = peer as unknown as { _serializers?: Record<string, unknown> };
    const table = internals._serializers;
    if (typeof table !== 'object' || table === null) return;
    internals._serializers = new Proxy(table, {
      get: (target, key) => (typeof key === 'string' && Object.hasOwn(target, key) ? target[key] : LanConnection),
    });
  }

  private setNotReady(id: string): void {
    if (!this.ready) return;
    this.ready = false;
    this.emit('brokerDisconnected', { id });
  }

  /** Closes the current signaling link, keeping its Peer (and its data connections) alive. */
  private retireSignal(): void {
    const signal = this.signal;
    if (!signal) return;
    this.signal = null;
    this.setNotReady(signal.id);
    const hasLinks = [...this.links].some((l) => l.owner === signal.peer);
    if (hasLinks) {
      this.retired.add(signal.peer);
      try {
        signal.peer.disconnect();
      } catch {
        // Already torn down.
      }
    } else {
      this.destroyPeer(signal.peer);
    }
  }

  private destroyPeer(peer: Peer): void {
    this.retired.delete(peer);
    try {
      if (!peer.destroyed) peer.destroy();
    } catch {
      // PeerJS may touch closed sockets here; nothing left to save.
    }
  }

  private onPeerError(peer: Peer, error: unknown): void {
    const type = typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
    const message = describe(error);
    const signal = this.signal?.peer === peer ? this.signal : null;
    if (signal && type === 'unavailable-id' && signal.ownId && signal.attempt < OWN_ID_RETRIES) {
      // Our own id, still held by our previous socket on this broker: retry shortly, silently.
      signal.fatal = true;
      const { endpoint, viaDefault, id, attempt } = signal;
      const generation = this.brokerGeneration;
      setTimeout(() => {
        // Not if the caller disconnected (or chose another broker) meanwhile.
        if (this.signal === null && !this.destroyed && generation === this.brokerGeneration) {
          this.startSignal(endpoint, viaDefault, id, attempt + 1);
        }
      }, OWN_ID_RETRY_DELAY_MS * (attempt + 1));
      return;
    }
    if (signal && (type === 'unavailable-id' || type === 'invalid-id' || type === 'invalid-key')) {
      signal.fatal = true;
    }
    if (type === 'peer-unavailable') {
      // "Could not connect to peer <id>": fail the pending outgoing links to that id, once.
      const match = /Could not connect to peer (.+)$/.exec(message);
      const target = match?.[1];
      let reported = false;
      for (const link of [...this.links]) {
        if (link.owner === peer && link.peerId === target && link.state === 'connecting') {
          if (!reported) this.recordError(message);
          reported = true;
          link.errorReported = true;
          this.closeLink(link, 'error');
        }
      }
      if (!reported) this.recordError(message);
      return;
    }
    this.recordError(message);
  }

  // ===========================================================================
  // Internals: links and sessions
  // ===========================================================================

  private addLink(conn: EngineConnection, direction: Direction, owner: Peer): void {
    const peerId = conn.peer;
    if (!isStringId(peerId)) {
      // The broker should never relay such an id; do not let it into our tables.
      this.recordError(`Refused a connection from an invalid peer id ${quote(peerId)}`);
      conn.close();
      return;
    }
    const now = this.now();
    this.linkSeq += 1;
    const link: Link = {
      seq: this.linkSeq,
      conn,
      peerId,
      direction,
      state: 'connecting',
      owner,
      liveness: new Liveness(now, this.heartbeat),
      createdAt: now,
      closeReason: null,
      errorReported: false,
      lastMalformedErrorAt: Number.NEGATIVE_INFINITY,
      rttPending: false,
      lastRttPollAt: now,
      // An initiator declares its capabilities in its metadata; ours learn the answerer's from its hello.
      batch: direction === 'incoming' && metadataDeclares(conn.metadata, 'batch'),
    };
    // An incoming connection that carries our metadata comes from an engine: text frames and heartbeat at once.
    conn.remoteIsEngine = direction === 'incoming' && isLanPartyMetadata(conn.metadata);
    conn.sink = (decoded, bytes) => this.onFrame(link, decoded, bytes);
    conn.activity = () => {
      if (link.state !== 'closed') link.liveness.onReceive(this.now());
    };
    let session = this.sessions.get(peerId);
    if (!session) {
      session = {
        peerId,
        links: [],
        connected: false,
        direction,
        frameReported: false,
        connectedSince: null,
        messagesIn: 0,
        messagesOut: 0,
        bytesIn: 0,
        bytesOut: 0,
        framesIn: 0,
        framesOut: 0,
        malformedIn: 0,
      };
      this.sessions.set(peerId, session);
    }
    session.links.push(link);
    this.links.add(link);
    conn.on('open', () => this.onLinkOpen(link));
    conn.on('close', () => this.onLinkClosed(link));
    conn.on('error', (error: unknown) => this.onLinkError(link, error));
    conn.on('iceStateChanged', (state: unknown) => link.liveness.onIceState(String(state), this.now()));
    this.updateTimer();
  }

  private onLinkOpen(link: Link): void {
    if (link.state !== 'connecting') return;
    link.state = 'open';
    link.liveness.onReceive(this.now());
    if (link.conn.remoteIsEngine && link.direction === 'incoming') {
      // Tell the initiator we are an engine too: it switches to text frames and starts its heartbeat,
      // and to batches if it reads them too. Sent before anything else on the link, so it precedes any batch.
      link.conn.sendControl({ t: 'hello', v: HELLO_VERSION, caps: ENGINE_CAPS });
    }
    const session = this.sessions.get(link.peerId);
    if (!session) return;
    if (!session.connected) {
      session.connected = true;
      session.direction = link.direction;
      session.connectedSince = this.now();
      session.frameReported = false;
      if (link.direction === 'incoming') this.pushConnectedToFrame(session);
      this.emit('peerConnected', { peerId: session.peerId, direction: link.direction, engine: link.conn.remoteIsEngine });
    } else if (link.direction === 'incoming' && !session.frameReported) {
      // Both sides connected at once: the reference would report the incoming one; so do we, once.
      this.pushConnectedToFrame(session);
    }
  }

  private pushConnectedToFrame(session: Session): void {
    session.frameReported = true;
    const result = this.frame.pushConnected(session.peerId);
    if (result.error) this.recordError(result.error);
  }

  private onLinkError(link: Link, error: unknown): void {
    const type = typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
    if (link.state === 'closed') return;
    if (type === 'negotiation-failed' || type === 'connection-closed') {
      // ICE failed/closed: PeerJS closes the connection right after; report why.
      link.closeReason ??= 'ice-failed';
      if (link.state === 'connecting' && !link.errorReported) {
        link.errorReported = true;
        this.recordError(`Could not connect to peer ${link.peerId}`);
      }
      return;
    }
    this.recordError(`Connection with ${link.peerId}: ${describe(error)}`);
  }

  /** Closes a link on our side; `reason` is what the disconnect report will say. */
  private closeLink(link: Link, reason: DisconnectReason): void {
    if (link.state === 'closed') return;
    link.closeReason ??= reason;
    // Events this task queued on the link leave before it closes, as they would have without coalescing.
    this.outbox.flush(link);
    try {
      link.conn.close();
    } catch {
      // LanConnection.close already guards; belt and braces.
    }
    // PeerJS emits 'close' only for connections that were open; finish the bookkeeping either way.
    this.onLinkClosed(link);
  }

  /** A link is gone: exactly once per link, and the peer is reported when its last open link goes. */
  private onLinkClosed(link: Link): void {
    if (link.state === 'closed') return;
    const wasOpen = link.state === 'open';
    link.state = 'closed';
    this.links.delete(link);
    link.conn.sink = null;
    link.conn.activity = null;
    const session = this.sessions.get(link.peerId);
    // Only when the link closed under us within the task that queued events (ours flush first).
    const lost = this.outbox.discard(link);
    if (lost > 0) this.recordError(`${lost} events to ${link.peerId} were not sent: the connection closed`);
    if (!wasOpen && !link.errorReported && link.closeReason !== 'local') {
      link.errorReported = true;
      this.recordError(`Could not connect to peer ${link.peerId}`);
    }
    if (session) {
      session.links = session.links.filter((l) => l !== link);
      const stillOpen = session.links.some((l) => l.state === 'open');
      if (session.connected && !stillOpen) {
        session.connected = false;
        session.connectedSince = null;
        const result = this.frame.pushDisconnected(session.peerId);
        if (result.error) this.recordError(result.error);
        this.emit('peerDisconnected', { peerId: session.peerId, reason: link.closeReason ?? 'closed' });
      }
      if (session.links.length === 0) this.sessions.delete(session.peerId);
    }
    // A retired Peer (old broker) whose last connection closed has nothing left to keep alive.
    if (this.retired.has(link.owner) && ![...this.links].some((l) => l.owner === link.owner)) {
      this.destroyPeer(link.owner);
    }
    this.updateTimer();
  }

  /** The open link used to send to a session: the oldest open one, so one direction keeps one order. */
  private primaryLink(session: Session): Link | undefined {
    let best: Link | undefined;
    for (const link of session.links) {
      if (link.state === 'open' && (!best || link.seq < best.seq)) best = link;
    }
    return best;
  }

  private onFrame(link: Link, decoded: Decoded, bytes: number): void {
    if (link.state === 'closed') return;
    const now = this.now();
    link.liveness.onReceive(now);
    const session = this.sessions.get(link.peerId);
    if (session) session.bytesIn += bytes;
    switch (decoded.kind) {
      case 'invalid': {
        this.malformedTotal += 1;
        if (session) session.malformedIn += 1;
        if (now - link.lastMalformedErrorAt >= MALFORMED_ERROR_INTERVAL_MS) {
          link.lastMalformedErrorAt = now;
          this.recordError(`Dropped a malformed message from ${link.peerId} (${decoded.reason}); ${session?.malformedIn ?? 1} so far`);
        }
        return;
      }
      case 'control': {
        const control = decoded.control;
        if (control.t === 'hello') {
          link.conn.remoteIsEngine = true;
          if (control.caps?.includes('batch') === true) link.batch = true;
        } else if (control.t === 'ping') {
          if (link.conn.remoteIsEngine) link.conn.sendControl({ t: 'pong', s: control.s, ts: control.ts });
        } else {
          link.liveness.onPong(now, control);
        }
        return;
      }
      case 'event': {
        if (!session) return;
        session.framesIn += 1;
        this.deliver(session, link, decoded.event);
        return;
      }
      case 'batch': {
        if (!session) return;
        session.framesIn += 1;
        // One queue entry and one callback per event, in order, exactly as if they had come one by one.
        // A listener may close the link meanwhile: the rest of this frame was received, so it is delivered.
        for (const event of decoded.events) this.deliver(session, link, event);
        return;
      }
    }
  }

  private deliver(session: Session, link: Link, event: WireEvent): void {
    session.messagesIn += 1;
    const { eventName, data } = event;
    const result = this.frame.pushEvent(eventName, data, link.peerId);
    if (result.outcome === 'dropped') this.droppedTotal += 1;
    if (result.error) this.recordError(result.error);
    this.emit('event', { name: eventName, data, sender: link.peerId });
  }

  private sendToAll(built: BuildResult): void {
    if (!built.ok) {
      this.recordError(built.error);
      return;
    }
    // Built once for every link that batches, even when none does (then nothing is built).
    let piece: Piece | null = null;
    for (const session of this.sessions.values()) {
      if (!session.connected) continue;
      const link = this.primaryLink(session);
      if (link && this.batches(link)) {
        piece ??= encodePiece(built.event);
        this.sendBatched(session, link, built.event, piece);
      } else {
        this.sendSingle(session, link, built.event);
      }
    }
  }

  private sendToPeer(peerId: unknown, built: BuildResult): void {
    const session = typeof peerId === 'string' ? this.sessions.get(peerId) : undefined;
    if (!session || !session.connected) {
      this.recordError(`Peer ${typeof peerId === 'string' ? peerId : quote(peerId)} is not connected`);
      return;
    }
    if (!built.ok) {
      this.recordError(built.error);
      return;
    }
    const link = this.primaryLink(session);
    if (link && this.batches(link)) this.sendBatched(session, link, built.event, encodePiece(built.event));
    else this.sendSingle(session, link, built.event);
  }

  /**
   * A link batches when its other end is an engine that declared `batch`, on a
   * binary connection (where text frames are engine-only): never toward a
   * stock peer, nor an older engine.
   */
  private batches(link: Link): boolean {
    return link.batch && link.conn.remoteIsEngine && (link.conn.serialization === 'binary' || link.conn.serialization === 'binary-utf8');
  }

  /** Every event on a batching link goes through here, so the link keeps the send order. */
  private sendBatched(session: Session, link: Link, event: WireEvent, piece: Piece): void {
    if (fitsBatch(piece)) {
      this.outbox.add(link, piece);
      return;
    }
    // Too large for a batch: what is pending leaves first, then this event alone.
    this.outbox.flush(link);
    this.sendSingle(session, link, event);
  }

  /** The outbox's sender: one batch frame; stats count its events (and one frame). */
  private sendBatchOn(link: Link, text: string, bytes: number, count: number): void {
    if (link.state !== 'open') {
      this.recordError(`${count} events to ${link.peerId} were not sent: the connection closed`);
      return;
    }
    const result = link.conn.sendBatch(text, bytes, count);
    if (!result.ok) {
      this.recordError(result.error);
      return;
    }
    const session = this.sessions.get(link.peerId);
    if (!session) return;
    session.messagesOut += count;
    session.bytesOut += result.bytes;
    session.framesOut += 1;
  }

  private sendSingle(session: Session, link: Link | undefined, event: WireEvent): void {
    if (!link) {
      this.recordError(`Peer ${session.peerId} is not connected`);
      return;
    }
    const result: SendResult = link.conn.sendEvent(event);
    if (!result.ok) {
      this.recordError(result.error);
      return;
    }
    session.messagesOut += 1;
    session.bytesOut += result.bytes;
    session.framesOut += 1;
  }

  // ===========================================================================
  // Internals: heartbeat, timeouts, RTT
  // ===========================================================================

  /** Runs the tick only while there are links: an idle engine schedules nothing. */
  private updateTimer(): void {
    const needed = this.links.size > 0 && !this.destroyed;
    if (needed && this.timer === null) {
      this.lastTickAt = this.now();
      this.timer = setInterval(() => this.tick(), HEARTBEAT_TICK_MS);
    } else if (!needed && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private tick(): void {
    try {
      const now = this.now();
      // A tick this late means OUR page was frozen (a long synchronous load, a debugger): the peers'
      // frames may still be queued behind this very task. Grant one timeout of grace rather than
      // declaring everyone gone. Background tabs tick once a second, which is not "late".
      const frozen = now - this.lastTickAt > FROZEN_TICK_MS;
      this.lastTickAt = now;
      for (const link of [...this.links]) {
        if (frozen && link.state === 'open') link.liveness.onReceive(now);
        if (link.state === 'connecting') {
          if (now - link.createdAt > this.connectTimeoutMs) {
            if (!link.errorReported) {
              link.errorReported = true;
              this.recordError(
                `Could not connect to peer ${link.peerId} (no connection after ${Math.round(this.connectTimeoutMs / 1000)} s; on a LAN without a default route, Chromium needs camera/microphone permission to gather ICE candidates)`,
              );
            }
            this.closeLink(link, 'error');
          }
          continue;
        }
        if (link.state !== 'open') continue;
        if (link.conn.remoteIsEngine) {
          if (link.liveness.engineSilent(now)) {
            this.closeLink(link, 'timeout');
            continue;
          }
          const ping = link.liveness.nextPing(now);
          if (ping) link.conn.sendControl({ t: 'ping', s: ping.s, ts: ping.ts });
        } else {
          if (link.liveness.stockVanished(now)) {
            this.closeLink(link, 'ice-failed');
            continue;
          }
          if (!link.rttPending && now - link.lastRttPollAt >= ICE_RTT_INTERVAL_MS) this.pollIceRtt(link, now);
        }
      }
    } catch (error) {
      this.recordError(`Heartbeat failed: ${describe(error)}`);
    }
  }

  /** Stock peers never answer our pings: their RTT comes from ICE's own consent checks. */
  private pollIceRtt(link: Link, now: number): void {
    const pc = link.conn.peerConnection;
    if (!pc || typeof pc.getStats !== 'function') return;
    link.rttPending = true;
    link.lastRttPollAt = now;
    pc.getStats()
      .then((report) => {
        report.forEach((stat: { type?: string; nominated?: boolean; state?: string; currentRoundTripTime?: number }) => {
          if (stat.type === 'candidate-pair' && stat.nominated && stat.state === 'succeeded' && typeof stat.currentRoundTripTime === 'number') {
            link.liveness.setRtt(stat.currentRoundTripTime * 1000);
          }
        });
      })
      .catch(() => undefined)
      .finally(() => {
        link.rttPending = false;
      });
  }
}
