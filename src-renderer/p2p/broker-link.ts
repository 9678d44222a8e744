/**
 * The engine's broker registration: the signaling link (a PeerJS `Peer`), the
 * id, the ICE list, and following the LAN's default broker.
 *
 * Invariants that fix the reference's bugs:
 * - "disconnect from broker" only closes the signaling link (PeerJS
 *   `disconnect()`), keeps the id and every data connection, and never
 *   reconnects by itself; nothing re-creates a Peer behind the caller's back;
 * - when the default broker moves, the same id registers on the new one; the
 *   old Peer is "retired": it keeps its data connections and is destroyed when
 *   the last one closes (links.ts tells us, `releaseIfIdle`);
 * - a fatal broker error (id taken, invalid id or key) stops every automatic
 *   registration, default-broker following included, until the game acts.
 */
import type { Peer, PeerOptions } from 'peerjs';
import { type EngineConnection, isEngineConnection, LanConnection } from './connection.js';
import { createHttpDefaultBrokerSource, sameEndpoint } from './default-broker.js';
import type { EngineCore } from './engine-core.js';
import { isStringId, MAX_PEER_ID_LENGTH, quote, randomId } from './ids.js';
import { isBrokerKey, isBrokerPath, isIceServerUrl, MAX_BROKER_HOST_LENGTH, MAX_ICE_CREDENTIAL_LENGTH, MAX_ICE_SERVERS, MAX_PORT } from './limits.js';
import type { BrokerEndpoint, DefaultBrokerSource, IceServer } from './types.js';
import { describe } from './wire.js';

/** Re-checks of the default broker after losing it, before waiting for the source to announce a change. */
const MAX_DEFAULT_RETRIES = 5;
const DEFAULT_RETRY_DELAY_MS = 1_000;

/** Re-registrations of our own id answered ID-TAKEN are retried this many times (the broker drops a closed socket within ms). */
const OWN_ID_RETRIES = 3;
const OWN_ID_RETRY_DELAY_MS = 300;

/** @internal */
export type PeerFactory = (id: string, options: PeerOptions) => Peer;

/** One registration on a broker: its PeerJS `Peer` (the signaling socket) and how it came to be. */
interface Registration {
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

/** What the broker link needs from the data connections (links.ts). */
export interface BrokerLinkHost {
  /** An incoming data connection arrived through `peer`. */
  addIncoming(conn: EngineConnection, peer: Peer): void;
  /** `peer` still carries data connections. */
  hasLinks(peer: Peer): boolean;
  /** The broker says `target` does not exist: fail the connections still opening to it through `peer`. */
  failConnecting(peer: Peer, target: string): void;
}

export class BrokerLink {
  private registration: Registration | null = null;
  private isOpen = false;
  private ownIdValue = '';
  private pendingId: string | null = null;
  /** Shared by every Peer: PeerJS reads `options.config` when it creates each RTCPeerConnection. */
  private readonly rtcConfig: RTCConfiguration = { iceServers: [] };
  private readonly iceServers: IceServer[] = [];
  private readonly retired = new Set<Peer>();
  /** Peers whose signaling socket we read EXPIRE from (see watchExpire). */
  private readonly expireWatched = new WeakSet<Peer>();

  /** Bumped by every explicit broker disconnect and fatal error: pending retries from before it are void. */
  private brokerGeneration = 0;
  private followDefault = false;
  private unsubscribeDefault: (() => void) | null = null;
  private defaultRetries = 0;
  private defaultRetryTimer: ReturnType<typeof setTimeout> | null = null;
  private waitingForDefaultReported = false;

  constructor(
    private readonly core: EngineCore,
    private readonly host: BrokerLinkHost,
    private readonly peerFactory: PeerFactory,
    private defaultSource: DefaultBrokerSource | null,
  ) {}

  /** "Is P2P ready": the broker link is open. */
  get ready(): boolean {
    return this.isOpen;
  }

  /** Our id, "" before the first registration. */
  get id(): string {
    return this.ownIdValue;
  }

  /** The broker we are registered (or registering) on. */
  get endpoint(): BrokerEndpoint | null {
    return this.registration ? { ...this.registration.endpoint } : null;
  }

  /** `peerId` is us (registered, or registering). */
  isSelf(peerId: string): boolean {
    return peerId === this.ownIdValue || peerId === this.registration?.id;
  }

  /** The Peer to open new connections through, when its broker link is up. */
  connectablePeer(): Peer | null {
    const registration = this.registration;
    if (!registration || registration.peer.disconnected || registration.peer.destroyed) return null;
    return registration.peer;
  }

  // ---------------------------------------------------------------------------
  // Actions (engine.ts guards them)
  // ---------------------------------------------------------------------------

  useDefaultBroker(): void {
    if (this.registration) {
      this.core.recordError('already-connected', 'Already connected to a broker: disconnect from it first');
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
  }

  useBroker(host: unknown, port: unknown, path: unknown, key: unknown, ssl: unknown): void {
    if (this.registration) {
      this.core.recordError('already-connected', 'Already connected to a broker: disconnect from it first');
      return;
    }
    const endpoint = this.normalizeEndpoint(host, port, path, key, ssl);
    if (typeof endpoint === 'string') {
      this.core.recordError('invalid-argument', endpoint);
      return;
    }
    this.stopFollowingDefault();
    this.startRegistration(endpoint, false, null);
  }

  overrideId(id: unknown): void {
    if (!isStringId(id)) {
      this.core.recordError('invalid-argument', `Invalid client id ${quote(id)}: use letters and digits, optionally separated by single spaces, "-" or "_" (at most ${MAX_PEER_ID_LENGTH})`);
      return;
    }
    this.pendingId = id;
  }

  addIceServer(urls: unknown, username?: unknown, credential?: unknown): void {
    const server = checkIceServer(urls, username, credential);
    if (typeof server === 'string') {
      this.core.recordError('invalid-argument', server);
      return;
    }
    if (this.iceServers.length >= MAX_ICE_SERVERS) {
      this.core.recordError('invalid-argument', `Too many ICE servers (at most ${MAX_ICE_SERVERS})`);
      return;
    }
    this.iceServers.push(server);
    this.rtcConfig.iceServers = this.iceServers.map((s) => ({ ...s }));
  }

  /**
   * Replaces the whole ICE list (settings): connections opened afterwards use
   * exactly `servers`, so a corrected TURN password takes effect without a
   * reload. All or nothing: one invalid entry leaves the list unchanged.
   */
  setIceServers(servers: unknown): void {
    if (!Array.isArray(servers)) {
      this.core.recordError('invalid-argument', 'Invalid ICE server list: an array of { urls, username?, credential? }');
      return;
    }
    if (servers.length > MAX_ICE_SERVERS) {
      this.core.recordError('invalid-argument', `Too many ICE servers (at most ${MAX_ICE_SERVERS})`);
      return;
    }
    const next: IceServer[] = [];
    for (const entry of servers as unknown[]) {
      const fields = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {};
      const server = checkIceServer(fields['urls'], fields['username'] ?? undefined, fields['credential'] ?? undefined);
      if (typeof server === 'string') {
        this.core.recordError('invalid-argument', server);
        return;
      }
      next.push(server);
    }
    this.iceServers.splice(0, this.iceServers.length, ...next);
    this.rtcConfig.iceServers = this.iceServers.map((s) => ({ ...s }));
  }

  /** "Disconnect from broker": the signaling link only; nothing registers again by itself. */
  disconnect(): void {
    this.brokerGeneration += 1;
    this.stopFollowingDefault();
    this.retireRegistration();
  }

  /** Destroys every retired Peer ("disconnect from all", after its links were closed). */
  destroyRetired(): void {
    for (const peer of [...this.retired]) this.destroyPeer(peer);
    this.retired.clear();
  }

  /** A retired Peer (old broker) whose last connection closed has nothing left to keep alive. */
  releaseIfIdle(peer: Peer): void {
    if (this.retired.has(peer) && !this.host.hasLinks(peer)) this.destroyPeer(peer);
  }


  private normalizeEndpoint(host: unknown, port: unknown, path: unknown, key: unknown, ssl: unknown): BrokerEndpoint | string {
    if (typeof host !== 'string' || host.trim().length === 0 || host.length > MAX_BROKER_HOST_LENGTH || /[\s/?#@]/.test(host.trim())) {
      return `Invalid broker host ${quote(host)}`;
    }
    const portNumber = typeof port === 'string' && /^\d+$/.test(port) ? Number(port) : port;
    if (typeof portNumber !== 'number' || !Number.isInteger(portNumber) || portNumber < 1 || portNumber > MAX_PORT) {
      return `Invalid broker port ${typeof port === 'number' ? String(port) : quote(port)}`;
    }
    // The reference breaks on an empty path: empty means "/".
    let brokerPath = typeof path === 'string' && path.length > 0 ? path : '/';
    if (!brokerPath.startsWith('/')) brokerPath = `/${brokerPath}`;
    if (!isBrokerPath(brokerPath)) return `Invalid broker path ${quote(path)}`;
    const brokerKey = typeof key === 'string' && key.length > 0 ? key : 'peerjs';
    if (!isBrokerKey(brokerKey)) return `Invalid broker key ${quote(key)}`;
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
      this.core.recordError('default-broker', `Could not get the LAN's default broker: ${describe(error)}`);
      return;
    }
    pending.then(
      (endpoint) => this.onDefaultBroker(endpoint),
      (error: unknown) => {
        if (!this.followDefault) return;
        this.core.recordError('default-broker', `Could not get the LAN's default broker: ${describe(error)}`);
        this.scheduleDefaultRetry();
      },
    );
  }

  private scheduleDefaultRetry(): void {
    if (!this.followDefault || this.defaultRetryTimer !== null || this.defaultRetries >= MAX_DEFAULT_RETRIES) return;
    this.defaultRetries += 1;
    this.defaultRetryTimer = setTimeout(() => {
      this.defaultRetryTimer = null;
      if (!this.registration) this.checkDefaultBroker();
    }, DEFAULT_RETRY_DELAY_MS * this.defaultRetries);
  }

  /** The default broker is (now) `endpoint`: register there, or move there keeping the same id. */
  private onDefaultBroker(endpoint: BrokerEndpoint | null): void {
    if (!this.followDefault || this.core.destroyed) return;
    try {
      if (endpoint === null) {
        if (!this.registration && !this.waitingForDefaultReported) {
          this.waitingForDefaultReported = true;
          this.core.recordError('default-broker', 'No default broker on this LAN yet: waiting for one');
        }
        return;
      }
      const current = this.registration;
      if (current) {
        if (!current.viaDefault || sameEndpoint(current.endpoint, endpoint)) return;
        // The election moved: same id on the new broker; data connections stay on the old Peer object.
        const id = this.ownIdValue || current.id;
        this.retireRegistration();
        this.startRegistration(endpoint, true, id);
        return;
      }
      this.startRegistration(endpoint, true, null);
    } catch (error) {
      this.core.recordError('default-broker', `Could not use the default broker: ${describe(error)}`);
    }
  }

  /**
   * Registers on `endpoint`. The id: `forcedId` (a default-broker move), else
   * the override, else the id we already had, else a fresh random one.
   */
  private startRegistration(endpoint: BrokerEndpoint, viaDefault: boolean, forcedId: string | null, attempt = 0): void {
    const id = forcedId ?? this.pendingId ?? (this.ownIdValue || randomId());
    if (forcedId === null) this.pendingId = null;
    const ownId = id === this.ownIdValue;
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
    this.watchExpire(peer);
    const registration: Registration = { peer, endpoint, viaDefault, id, fatal: false, ownId, attempt };
    this.registration = registration;
    this.isOpen = false;
    peer.on('open', (openedId: string) => {
      if (this.registration !== registration) return;
      this.isOpen = true;
      this.ownIdValue = typeof openedId === 'string' && openedId ? openedId : id;
      registration.id = this.ownIdValue;
      this.defaultRetries = 0;
      this.waitingForDefaultReported = false;
      this.core.emit('ready', { id: this.ownIdValue, broker: { ...endpoint } });
    });
    peer.on('connection', (conn: unknown) => {
      if (isEngineConnection(conn)) this.host.addIncoming(conn, peer);
    });
    peer.on('error', (error: unknown) => this.onPeerError(peer, error));
    peer.on('disconnected', () => {
      if (this.registration !== registration) return;
      // Lost the broker (it went away, or a fatal error): the data connections live on in the retired Peer.
      this.retireRegistration();
      if (viaDefault && this.followDefault && !registration.fatal) this.scheduleDefaultRetry();
    });
    peer.on('close', () => {
      if (this.registration === registration) {
        this.registration = null;
        this.setNotReady(registration.id);
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
    if (!this.isOpen) return;
    this.isOpen = false;
    this.core.emit('brokerDisconnected', { id });
  }

  /** Closes the current registration (its signaling link), keeping its Peer (and its data connections) alive. */
  private retireRegistration(): void {
    const registration = this.registration;
    if (!registration) return;
    this.registration = null;
    this.setNotReady(registration.id);
    if (this.host.hasLinks(registration.peer)) {
      this.retired.add(registration.peer);
      try {
        registration.peer.disconnect();
      } catch {
        // Already torn down.
      }
    } else {
      this.destroyPeer(registration.peer);
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
    // PeerJS's typed error (`PeerError.type`), never its English text.
    const type = typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
    const message = describe(error);
    const registration = this.registration?.peer === peer ? this.registration : null;
    if (registration && type === 'unavailable-id' && registration.ownId && registration.attempt < OWN_ID_RETRIES) {
      // Our own id, still held by our previous socket on this broker: retry shortly, silently.
      registration.fatal = true;
      const { endpoint, viaDefault, id, attempt } = registration;
      const generation = this.brokerGeneration;
      setTimeout(() => {
        // Not if the caller disconnected (or chose another broker) meanwhile.
        if (this.registration === null && !this.core.destroyed && generation === this.brokerGeneration) {
          this.startRegistration(endpoint, viaDefault, id, attempt + 1);
        }
      }, OWN_ID_RETRY_DELAY_MS * (attempt + 1));
      return;
    }
    if (registration && (type === 'unavailable-id' || type === 'invalid-id' || type === 'invalid-key')) {
      // Retrying cannot fix it: nothing registers again by itself (not even on a default-broker move,
      // which would pick a random id the game never asked for) until the game calls a broker action.
      registration.fatal = true;
      this.brokerGeneration += 1;
      this.stopFollowingDefault();
    }
    if (type === 'peer-unavailable') {
      // The broker's EXPIRE: our socket listener (watchExpire) names the target, right after this.
      if (this.expireWatched.has(peer)) return;
      this.core.recordError('peer-unavailable', message);
      return;
    }
    this.core.recordError(type === 'unavailable-id' ? 'id-taken' : 'broker-error', message);
  }

  /**
   * The broker answers EXPIRE, with the target id as `src`, to an offer for an
   * id it does not know. PeerJS turns it into a `peer-unavailable` error that
   * names the target only in English text; the signaling socket's message (a
   * public PeerJS getter) carries it as data, so the target is read there.
   * Without the socket (another PeerJS), the connect timeout fails the link.
   */
  private watchExpire(peer: Peer): void {
    const socket = (peer as { socket?: unknown }).socket;
    if (typeof socket !== 'object' || socket === null || typeof (socket as { on?: unknown }).on !== 'function') return;
    (socket as { on(event: string, listener: (message: unknown) => void): unknown }).on('message', (message) => {
      if (typeof message !== 'object' || message === null) return;
      const { type, src } = message as { type?: unknown; src?: unknown };
      if (type === 'EXPIRE' && typeof src === 'string') this.onExpire(peer, src);
    });
    this.expireWatched.add(peer);
  }

  /** Fails the pending outgoing links to `target` opened through `peer`, with one error. */
  private onExpire(peer: Peer, target: string): void {
    if (this.core.destroyed) return;
    this.core.recordError('peer-unavailable', `Could not connect to peer ${quote(target).slice(1, -1)}`);
    this.host.failConnecting(peer, target);
  }
}

/** A valid ICE server, or why not. */
function checkIceServer(urls: unknown, username: unknown, credential: unknown): IceServer | string {
  if (!isIceServerUrl(urls)) {
    return `Invalid ICE server URL ${quote(urls)}: it starts with stun:, stuns:, turn: or turns:`;
  }
  if ((username !== undefined && typeof username !== 'string') || (credential !== undefined && typeof credential !== 'string')) {
    return 'Invalid ICE server credentials: username and credential are strings';
  }
  // Bounded as the settings bound them (the contract's IceServerSchema): the engine and the settings accept the same servers.
  if ((username?.length ?? 0) > MAX_ICE_CREDENTIAL_LENGTH || (credential?.length ?? 0) > MAX_ICE_CREDENTIAL_LENGTH) {
    return `Invalid ICE server credentials: username and credential have at most ${MAX_ICE_CREDENTIAL_LENGTH} characters`;
  }
  const server: IceServer = { urls };
  if (username) server.username = username;
  if (credential) server.credential = credential;
  return server;
}
