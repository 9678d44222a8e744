/**
 * The P2P engine's public API: GDevelop's P2P API (frame face) and a typed
 * listener API, over one state, on PeerJS data connections. Framework-free,
 * no Electron: runs in the dashboard and in any web game (docs/p2p-api.md).
 *
 * Structure:
 * - `EngineCore` (engine-core.ts): the frame state (frame-state.ts, pure),
 *   the clock, the listeners and the error recorder, shared by all parts;
 * - `BrokerLink` (broker-link.ts): broker registration, the id, the ICE list,
 *   following the LAN's default broker;
 * - `LinkTable` (links.ts): the data connections grouped per peer, frames in,
 *   the heartbeat; `Sends` (sends.ts) the send path and its coalescing;
 * - this class: the public functions, each guarded: bad input and internal
 *   failures become recorded errors, never exceptions in the game.
 */
import { Peer } from 'peerjs';
import { isEngineConnection } from './connection.js';
import { BrokerLink, type PeerFactory } from './broker-link.js';
import { EngineCore, type Listener } from './engine-core.js';
import type { P2PErrorEntry } from './errors.js';
import type { FrameLimits, FrameQueueMode, QueuedEvent } from './frame-state.js';
import { DEFAULT_HEARTBEAT_TIMING, type HeartbeatTiming } from './heartbeat.js';
import { isStringId, quote } from './ids.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, LinkTable } from './links.js';
import type { DefaultBrokerSource, EngineStats, IceServer, P2PEventName, PeerStats, SendOutcome } from './types.js';
import { buildEvent, buildVariableEvent, describe, LAN_PARTY_METADATA } from './wire.js';

export { MAX_PEER_ID_LENGTH, PEER_ID_PATTERN } from './ids.js';
export { DEFAULT_CONNECT_TIMEOUT_MS } from './links.js';
export type { PeerFactory } from './broker-link.js';

/** Serializations our own connections use: see docs/p2p-api.md ("Connections we open"). */
export const OUTGOING_CONNECTION_OPTIONS = {
  serialization: 'binary',
  reliable: true,
  metadata: LAN_PARTY_METADATA,
} as const;

export interface P2PEngineOptions {
  /** Where "use default broker" looks; default: `/api/lan` of the page's origin. */
  defaultBroker?: DefaultBrokerSource;
  /** Outgoing connections not open after this long are failed (ms). */
  connectTimeoutMs?: number;
  heartbeat?: Partial<HeartbeatTiming>;
  limits?: Partial<FrameLimits>;
  /**
   * When the frame queues (conditions and expressions) keep items: `auto`
   * (default) from the first frame call on, `on` from the start, `off` never.
   * See `FrameQueueMode`.
   */
  frameQueues?: FrameQueueMode;
  /** @internal Injected by unit tests (a fake PeerJS). */
  peerFactory?: PeerFactory;
  /** @internal Injected by unit tests. */
  now?: () => number;
}

export class P2PEngine {
  private readonly core: EngineCore;
  private readonly broker: BrokerLink;
  private readonly links: LinkTable;

  constructor(options: P2PEngineOptions = {}) {
    this.core = new EngineCore(options.now ?? (() => Date.now()), options.limits, options.frameQueues);
    const heartbeat = { ...DEFAULT_HEARTBEAT_TIMING, ...options.heartbeat };
    this.links = new LinkTable(this.core, heartbeat, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, (peer) => this.broker.releaseIfIdle(peer));
    this.broker = new BrokerLink(
      this.core,
      {
        addIncoming: (conn, peer) => this.links.addLink(conn, 'incoming', peer),
        hasLinks: (peer) => this.links.hasLinks(peer),
        failConnecting: (peer, target) => this.links.failConnecting(peer, target),
      },
      options.peerFactory ?? ((id, peerOptions) => new Peer(id, peerOptions)),
      options.defaultBroker ?? null,
    );
  }

  // ===========================================================================
  // Actions
  // ===========================================================================

  /** "Connect to the default broker server": the LAN's elected broker, followed when it moves. */
  useDefaultBroker(): void {
    this.guard('useDefaultBroker', () => this.broker.useDefaultBroker());
  }

  /** "Connect to a broker server". Empty path means "/", empty key means "peerjs". */
  useBroker(host: string, port: number, path = '/', key = 'peerjs', ssl = false): void {
    this.guard('useBroker', () => this.broker.useBroker(host, port, path, key, ssl));
  }

  /** "Override the client ID": used for the next broker connection only. */
  overrideId(id: string): void {
    this.guard('overrideId', () => this.broker.overrideId(id));
  }

  /** "Use a custom ICE server": appended to the list used by connections opened afterwards (default list: empty). */
  addIceServer(urls: string, username?: string, credential?: string): void {
    this.guard('addIceServer', () => this.broker.addIceServer(urls, username, credential));
  }

  /**
   * Replaces the whole ICE server list (what `addIceServer` appended too) for
   * connections opened afterwards: settings that change apply to the next
   * connection without a reload. All or nothing: an invalid entry is recorded
   * (`invalid-argument`) and the list stays as it was.
   */
  setIceServers(servers: readonly IceServer[]): void {
    this.guard('setIceServers', () => this.broker.setIceServers(servers));
  }

  /** "Connect to another client". A second connect to a connected (or connecting) peer is a no-op. */
  connect(peerId: string): void {
    this.guard('connect', () => {
      if (!isStringId(peerId)) {
        this.core.recordError('invalid-argument', `Invalid peer id ${quote(peerId)}`);
        return;
      }
      if (this.broker.isSelf(peerId)) {
        this.core.recordError('invalid-argument', `Cannot connect to yourself (${peerId})`);
        return;
      }
      if (this.links.hasLiveLink(peerId)) return;
      const peer = this.broker.connectablePeer();
      if (!peer) {
        this.core.recordError('no-broker', `Not connected to a broker: cannot connect to peer ${peerId}`);
        return;
      }
      const conn = peer.connect(peerId, { ...OUTGOING_CONNECTION_OPTIONS, metadata: { ...LAN_PARTY_METADATA } });
      if (!isEngineConnection(conn)) {
        this.core.recordError('peer-unavailable', `Could not connect to peer ${peerId}`);
        return;
      }
      this.links.addLink(conn, 'outgoing', peer);
    });
  }

  /** "Trigger event on all connected clients". The result says whether every connection took it. */
  triggerEvent(eventName: string, data: string): SendOutcome {
    return this.guardSend('triggerEvent', () => this.links.sends.sendToAll(buildEvent(eventName, data)));
  }

  /** "Trigger event on all connected clients (variable)": data is JSON.stringify(value). */
  triggerVariableEvent(eventName: string, value: unknown): SendOutcome {
    return this.guardSend('triggerVariableEvent', () => this.links.sends.sendToAll(buildVariableEvent(eventName, value)));
  }

  /** "Trigger event on a specific client". Records `Peer <id> is not connected` when it is not. */
  triggerEventOnPeer(peerId: string, eventName: string, data: string): SendOutcome {
    return this.guardSend('triggerEventOnPeer', () => this.links.sends.sendToPeer(peerId, buildEvent(eventName, data)));
  }

  /** "Trigger event on a specific client (variable)". */
  triggerVariableEventOnPeer(peerId: string, eventName: string, value: unknown): SendOutcome {
    return this.guardSend('triggerVariableEventOnPeer', () => this.links.sends.sendToPeer(peerId, buildVariableEvent(eventName, value)));
  }

  /** "Disconnect from a peer": closes every connection with it; "Peer disconnected" fires locally too. */
  disconnectFromPeer(peerId: string): void {
    this.guard('disconnectFromPeer', () => {
      if (typeof peerId !== 'string' || !this.links.closePeer(peerId, 'local')) {
        this.core.recordError('peer-not-connected', `Peer ${typeof peerId === 'string' ? peerId : quote(peerId)} is not connected`);
      }
    });
  }

  /** "Disconnect from all peers": closes every data connection; the broker link stays. */
  disconnectFromAllPeers(): void {
    this.guard('disconnectFromAllPeers', () => this.links.closeAll('local'));
  }

  /**
   * "Disconnect from broker": closes the signaling link only. Data connections
   * keep working, "Is P2P ready" becomes false, the id is kept, and nothing
   * reconnects automatically (default-broker following stops too).
   */
  disconnectFromBroker(): void {
    this.guard('disconnectFromBroker', () => this.broker.disconnect());
  }

  /** "Disconnect from all": every connection and the broker link; nothing is re-created. */
  disconnectFromAll(): void {
    this.guard('disconnectFromAll', () => {
      this.broker.disconnect();
      this.links.closeAll('local');
      this.broker.destroyRetired();
      this.links.updateTimer();
    });
  }

  // ===========================================================================
  // Conditions and expressions (frame face)
  // ===========================================================================

  /** "Is P2P ready": true while the broker link is open. */
  isReady(): boolean {
    return this.broker.ready;
  }

  /** "Peer Connected": true while the queue of newly connected (incoming) peers is non-empty. */
  peerConnected(): boolean {
    return this.core.frame.peerConnected();
  }

  /** "Peer disconnected": true while the queue of disconnected peers is non-empty. */
  peerDisconnected(): boolean {
    return this.core.frame.peerDisconnected();
  }

  /** "An error occurred": true once after an error was recorded; reading clears it. */
  errorOccurred(): boolean {
    return this.core.frame.errorOccurred();
  }

  /** "Event triggered by peer": evaluating sets the data-loss mode for that name. */
  eventTriggered(eventName: string, dataLoss = false): boolean {
    if (typeof eventName !== 'string') return false;
    return this.core.frame.eventTriggered(eventName, dataLoss === true);
  }

  /** `GetEventData(name)`: data of the head item, "" when none. */
  getEventData(eventName: string): string {
    return typeof eventName === 'string' ? this.core.frame.getEventData(eventName) : '';
  }

  /** `GetEventSender(name)`: sender of the head item, "" when none. */
  getEventSender(eventName: string): string {
    return typeof eventName === 'string' ? this.core.frame.getEventSender(eventName) : '';
  }

  /**
   * "Get event data (variable)": the head item's data parsed as JSON, or
   * `current` (the variable's value, left unchanged) when empty or not JSON.
   */
  getEventVariable(eventName: string, current?: unknown): unknown {
    return typeof eventName === 'string' ? this.core.frame.getEventVariable(eventName, current) : current;
  }

  /** Every queued item of that name at once, oldest first, consumed. */
  getAllEventData(eventName: string): QueuedEvent[] {
    return typeof eventName === 'string' ? this.core.frame.getAllEventData(eventName) : [];
  }

  /** `GetID()`: this client's id, "" before the first broker connection. */
  getId(): string {
    return this.broker.id;
  }

  /** `GetLastConnectedPeer()`: head of the connected-peers queue, "" when none. */
  getLastConnectedPeer(): string {
    return this.core.frame.getLastConnectedPeer();
  }

  /** `GetLastDisconnectedPeer()`: head of the disconnected-peers queue, "" when none. */
  getLastDisconnectedPeer(): string {
    return this.core.frame.getLastDisconnectedPeer();
  }

  /** `GetLastError()`: text of the last error, "" when none. */
  getLastError(): string {
    return this.core.frame.getLastError();
  }

  /** Call once per frame after the game's events: drops the head of every queue. */
  endFrame(): void {
    this.core.frame.endFrame();
  }

  // ===========================================================================
  // Listener face, stats, lifecycle
  // ===========================================================================

  /** Subscribes to every item, once, in order. Returns the function that unsubscribes. */
  on<K extends P2PEventName>(type: K, listener: Listener<K>): () => void {
    return this.core.on(type, listener);
  }

  /** Ids of the peers currently connected (at least one open connection). */
  getConnectedPeers(): string[] {
    return this.links.connectedPeers();
  }

  /** Per-peer stats (peers connected or connecting). */
  getPeerStats(): PeerStats[] {
    return this.links.peerStats();
  }

  getStats(): EngineStats {
    return {
      ready: this.broker.ready,
      id: this.broker.id,
      broker: this.broker.endpoint,
      malformedIn: this.links.malformedTotal,
      droppedEvents: this.links.droppedTotal,
      errorsRecorded: this.core.frame.errors.total,
    };
  }

  /** Events waiting in the frame queues per event name (read-only; the game agent reports it as backlog). */
  getQueuedCounts(): Array<[name: string, count: number]> {
    return this.core.frame.queuedCounts();
  }

  /** The bounded error log, oldest first. */
  getErrorLog(): P2PErrorEntry[] {
    return this.core.frame.errors.list();
  }

  /** Releases everything (connections, broker links, timers, listeners). The engine is unusable afterwards. */
  destroy(): void {
    if (this.core.destroyed) return;
    this.disconnectFromAll();
    this.core.destroyed = true;
    this.core.clearListeners();
    this.links.stop();
  }

  // ===========================================================================
  // Guards
  // ===========================================================================

  /**
   * Runs a public method body; anything thrown becomes a recorded error. While
   * it runs, what it queues for the frame API is the game's own doing (see
   * `FrameState.pushDisconnected`).
   */
  private guard(method: string, body: () => void): void {
    if (this.core.destroyed) return;
    this.core.gameCalls += 1;
    try {
      body();
    } catch (error) {
      this.core.recordError('internal', `${method} failed: ${describe(error)}`);
    } finally {
      this.core.gameCalls -= 1;
    }
  }

  /** `guard` for the sends, which return what they did (a send that threw: its `internal` error). */
  private guardSend(method: string, body: () => SendOutcome): SendOutcome {
    if (this.core.destroyed) return { ok: false, peers: 0, code: 'internal', message: 'The engine was destroyed' };
    let outcome: SendOutcome | null = null;
    this.guard(method, () => {
      outcome = body();
    });
    return outcome ?? { ok: false, peers: 0, code: 'internal', message: this.core.frame.getLastError() };
  }
}
