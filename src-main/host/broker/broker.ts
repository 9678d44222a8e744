/**
 * The embedded PeerJS broker: the `peer` package's server, mounted on the
 * host's own HTTP server so one port serves everything, and startable and
 * stoppable at runtime without closing that port.
 *
 * Why not `PeerServer()`: it owns its HTTP server and port. Why not plain
 * `ExpressPeerServer(server)`: its WebSocketServer attaches to every upgrade
 * of the server and answers 400 to the paths that are not its own (the web
 * bridge), and a garbage frame becomes an `error` event on the express app that
 * crashes the process when nobody listens. So we hand it a `noServer`
 * WebSocketServer, route upgrades to it ourselves, and guard every socket
 * before the `peer` package sees it:
 *   - registration: ids as the contract allows them, and at most
 *     `perAddressLimit` sockets per address (broker/registration-gate.ts);
 *   - frames: well-formed client messages only (broker/frames.ts), a socket
 *     that sends only garbage is cut, and messages for absent ids are bounded
 *     in bytes (broker/offline-queue.ts);
 *   - state: what a LAN client triggers reaches listeners coalesced
 *     (change-coalescer.ts), and the state carries a bounded list of ids.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import express from 'express';
import { ExpressPeerServer, type IClient } from 'peer';
import { WebSocketServer, type WebSocket, type ServerOptions } from 'ws';
import { SocketLiveness } from './socket-liveness.js';
import { BROKER_STATE_MAX_CLIENT_IDS, type BrokerOptions, type BrokerState } from '../../../src-preload/contract.js';
import { AddressGate, invalidIdRefusal, normalizeAddress, perAddressRefusal, type RegistrationRefusal } from './registration-gate.js';
import { inspectFrame, MAX_FRAME_BYTES, REFUSAL_MESSAGES, type ClientMessageType, type RefusalReason } from './frames.js';
import { OFFLINE_EXPIRE_MS, OFFLINE_SWEEP_MS, OfflineQueueBudget } from './offline-queue.js';
import { ChangeCoalescer } from '../change-coalescer.js';
import { sendJson, type HostHttpServer } from '../http-server.js';

export { MAX_FRAME_BYTES, rejectFrame } from './frames.js';

/**
 * Client churn and refused frames reach listeners at most 4 times a second:
 * each notification pushes the broker state (at most ~5 KiB with 64 listed
 * ids) to every dashboard, so churn costs a dashboard ~40 KiB/s at most.
 */
export const BROKER_NOTIFY_INTERVAL_MS = 250;
/**
 * A stock PeerJS client never sends a frame we refuse; a socket that sends this
 * many is terminated (not read any further), so one socket of garbage costs
 * the host a bounded amount of work.
 */
export const MAX_REFUSED_FRAMES_PER_SOCKET = 1_000;
/**
 * A message to a registered client whose socket already has this much unsent
 * is dropped: a client that does not read cannot make the host buffer for it
 * without limit (16 of the largest frames; a reading client drains in ms).
 */
export const MAX_RELAY_BUFFERED_BYTES = 1024 * 1024;
/** The EXPIRE that tells a sender its OFFER was dropped is only sent to a sender that reads. */
const MAX_NOTICE_BUFFERED_BYTES = 64 * 1024;
/** A refused registration gets this long to read its ERROR and close before the socket is cut. */
const REFUSED_SOCKET_GRACE_MS = 1_000;

type PeerApp = ReturnType<typeof ExpressPeerServer>;
type ParentApp = ReturnType<typeof express>;

export class Broker {
  private options: BrokerOptions;
  /** The express app our request route calls; `peer`'s app is mounted in it. */
  private app: ParentApp | null = null;
  private wss: WebSocketServer | null = null;
  /** Cuts sockets of machines gone silent (a pulled cable), so their ids are free when they come back. */
  private readonly liveness = new SocketLiveness();
  /** Registered clients by id, as `peer` reports them. */
  private readonly clients = new Map<string, IClient>();
  /** The listed ids (bounded, sorted), recomputed after the clients change. */
  private listedIds: string[] | null = null;
  /** Sockets `peer` registered, with their client's id (the `src` of what they send). */
  private registered = new WeakMap<WebSocket, string>();
  private gate: AddressGate;
  private readonly offline = new OfflineQueueBudget();
  private startedAt: number | null = null;
  private lastError: string | null = null;
  private rejectedFrames = 0;
  private droppedMessages = 0;
  private refusedRegistrations = 0;
  private readonly listeners = new Set<() => void>();
  private readonly changes = new ChangeCoalescer(() => this.notify(), BROKER_NOTIFY_INTERVAL_MS);

  constructor(
    private readonly http: HostHttpServer,
    options: BrokerOptions,
    /** Addresses LAN clients can reach this host on; computed by the host. */
    private readonly addresses: () => string[] = () => [],
  ) {
    this.options = { ...options };
    this.gate = new AddressGate(options.perAddressLimit);
    http.addRequestRoute((req, res, url) => this.routeRequest(req, res, url));
    http.addUpgradeRoute((req, socket, head, url) => this.routeUpgrade(req, socket, head, url));
  }

  get running(): boolean {
    return this.app !== null;
  }

  /** Options take effect at the next start; the port is the host's (see HostHttpServer). */
  setOptions(options: BrokerOptions): void {
    this.options = { ...options };
    this.changes.flush();
  }

  getOptions(): BrokerOptions {
    return { ...this.options };
  }

  start(): BrokerState {
    if (this.app) return this.getState();
    if (!this.http.listening) throw new Error('The host is not listening yet; the broker cannot start.');
    // One gate per run: sockets of a previous run release their slots on the gate they took them from.
    this.gate = new AddressGate(this.options.perAddressLimit);
    this.registered = new WeakMap();
    const app: PeerApp = ExpressPeerServer(this.http.server, {
      key: this.options.key,
      path: this.options.path,
      concurrent_limit: this.options.concurrentLimit,
      alive_timeout: this.options.aliveTimeoutMs,
      allow_discovery: this.options.allowDiscovery,
      // Stated, not defaulted: the offline-queue ledger relies on them.
      expire_timeout: OFFLINE_EXPIRE_MS,
      cleanup_out_msgs: OFFLINE_SWEEP_MS,
      createWebSocketServer: (wsOptions) => this.createSocketServer(wsOptions),
    });
    app.on('connection', (client: IClient) => {
      const id = client.getId();
      this.clients.set(id, client);
      this.listedIds = null;
      // `peer` has just delivered what it queued for this id.
      this.offline.delivered(id);
      const socket = client.getSocket();
      if (socket) this.registered.set(socket, id);
      this.changes.schedule();
    });
    app.on('disconnect', (client: IClient) => {
      const id = client.getId();
      if (this.clients.get(id) !== client) return;
      this.clients.delete(id);
      this.listedIds = null;
      this.changes.schedule();
    });
    // Without this listener, an error inside `peer` would crash the process.
    app.on('error', (error: Error) => this.recordError(`Broker error: ${error.message}`));
    // `peer` initialises when mounted in an express app. The parent is mounted at
    // '/', so the broker's WebSocket path is `<path>/peerjs` as stock clients expect.
    const parent = express();
    parent.disable('x-powered-by');
    parent.use('/', app);
    this.app = parent;
    this.startedAt = Date.now();
    this.lastError = null;
    this.changes.flush();
    return this.getState();
  }

  stop(): BrokerState {
    if (!this.app) return this.getState();
    const wss = this.wss;
    this.app = null;
    this.wss = null;
    this.startedAt = null;
    this.clients.clear();
    this.listedIds = null;
    this.offline.clear();
    this.liveness.stop();
    if (wss) {
      for (const client of wss.clients) client.terminate();
      wss.close();
    }
    // Note: `peer` keeps two internal timers (message expiry, dead-client sweep)
    // on its now empty realm and exposes no way to stop them; they cost nothing
    // measurable, and the headless host exits explicitly on shutdown.
    this.changes.flush();
    return this.getState();
  }

  getState(): BrokerState {
    const running = this.app !== null;
    this.listedIds ??= [...this.clients.keys()].sort().slice(0, BROKER_STATE_MAX_CLIENT_IDS);
    return {
      running,
      port: this.http.port,
      addresses: this.http.listening ? this.addresses() : [],
      path: this.options.path,
      key: this.options.key,
      clientIds: [...this.listedIds],
      clients: this.clients.size,
      startedAt: this.startedAt,
      uptimeMs: this.startedAt === null ? 0 : Date.now() - this.startedAt,
      lastError: this.lastError,
      rejectedFrames: this.rejectedFrames,
      droppedMessages: this.droppedMessages,
      refusedRegistrations: this.refusedRegistrations,
    };
  }

  /** Called at most once per BROKER_NOTIFY_INTERVAL_MS for what clients do; at once for start, stop and options. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** `<path>/peerjs` with exactly one slash in between, as `peer` computes it. */
  private get socketPath(): string {
    return `${this.options.path.replace(/\/+$/, '')}/peerjs`;
  }

  private createSocketServer(wsOptions: ServerOptions): WebSocketServer {
    const wss = new WebSocketServer({ noServer: true, path: wsOptions.path, maxPayload: MAX_FRAME_BYTES });
    this.wss = wss;
    return wss;
  }

  /** A new signaling socket: refused with a PeerJS ERROR, or guarded and handed to `peer`. */
  private onSocket(wss: WebSocketServer, socket: WebSocket, req: http.IncomingMessage, url: URL): void {
    const address = normalizeAddress(req.socket.remoteAddress);
    const gate = this.gate;
    const refusal = invalidIdRefusal(url.searchParams.get('id')) ?? (gate.admit(address) ? null : perAddressRefusal(gate.limit));
    if (refusal) {
      this.refuseRegistration(socket, refusal);
      return;
    }
    socket.once('close', () => gate.release(address));
    this.guardFrames(socket);
    this.liveness.watch(socket);
    wss.emit('connection', socket, req);
  }

  private refuseRegistration(socket: WebSocket, refusal: RegistrationRefusal): void {
    this.refusedRegistrations += 1;
    socket.on('error', () => socket.terminate());
    // The shape of `peer`'s own refusals; stock clients report `msg` as a server-error.
    socket.send(JSON.stringify({ type: 'ERROR', payload: refusal }));
    socket.close(1008, refusal.code);
    // A client that never answers the close must not hold the socket for ws's 30 s close timeout.
    setTimeout(() => socket.terminate(), REFUSED_SOCKET_GRACE_MS).unref();
    this.changes.schedule();
  }

  /** Drops malformed frames, and messages over a byte bound, before `peer` parses them. */
  private guardFrames(socket: WebSocket): void {
    let refused = 0;
    socket.on('error', (error) => this.recordError(`Signaling socket error: ${error.message}`));
    const emit = socket.emit.bind(socket);
    socket.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
      if (event !== 'message') return emit(event, ...args);
      // Cut: frames already read in the same chunk are not even inspected.
      if (refused >= MAX_REFUSED_FRAMES_PER_SOCKET) return false;
      const verdict = inspectFrame(args[0], args[1] === true);
      if (!verdict.ok) {
        this.recordRefusal(verdict.reason);
        refused += 1;
        if (refused >= MAX_REFUSED_FRAMES_PER_SOCKET) socket.terminate();
        return false;
      }
      if (verdict.dst !== null && !this.admitRelay(socket, verdict.type, verdict.dst, verdict.bytes)) return false;
      return emit(event, ...args);
    }) as typeof socket.emit;
  }

  /** Whether `peer` may relay (or queue) this message; counts it as dropped when not. */
  private admitRelay(socket: WebSocket, type: ClientMessageType, dst: string, bytes: number): boolean {
    const src = this.registered.get(socket);
    // Not registered (refused by `peer`, closing): `peer` does not listen to it.
    if (src === undefined) return false;
    const target = this.clients.get(dst);
    if (target) {
      const buffered = target.getSocket()?.bufferedAmount ?? 0;
      if (buffered <= MAX_RELAY_BUFFERED_BYTES) return true;
      this.countDropped();
      return false;
    }
    // `peer` does not queue these for absent ids.
    if (type === 'LEAVE' || type === 'EXPIRE') return true;
    if (this.offline.admit(dst, bytes, Date.now())) return true;
    this.countDropped();
    // What `peer` would tell the sender once the target never came: stock clients report "Could not connect to peer".
    if (type === 'OFFER' && socket.bufferedAmount <= MAX_NOTICE_BUFFERED_BYTES) {
      socket.send(JSON.stringify({ type: 'EXPIRE', src: dst, dst: src }));
    }
    return false;
  }

  private routeRequest(req: http.IncomingMessage, res: http.ServerResponse, url: URL): boolean {
    const base = this.options.path.replace(/\/+$/, '');
    // Only the two REST endpoints PeerJS clients use; `/` stays free for the page.
    const rest = url.pathname.startsWith(`${base}/`) ? url.pathname.slice(base.length + 1) : null;
    if (rest !== `${this.options.key}/id` && rest !== `${this.options.key}/peers`) return false;
    const app = this.app;
    if (!app) {
      // Claimed even when stopped: a client must not mistake another route's answer for an id.
      sendJson(res, 503, { error: 'The LAN Party broker on this host is stopped' });
      return true;
    }
    app(req, res);
    return true;
  }

  private routeUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean {
    const wss = this.wss;
    if (!wss || url.pathname !== this.socketPath) return false;
    wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(wss, ws, req, url));
    return true;
  }

  /** Per refused frame: two increments and a constant string, never an allocation or a synchronous notification. */
  private recordRefusal(reason: RefusalReason): void {
    this.rejectedFrames += 1;
    this.lastError = REFUSAL_MESSAGES[reason];
    this.changes.schedule();
  }

  private countDropped(): void {
    this.droppedMessages += 1;
    this.changes.schedule();
  }

  private recordError(message: string): void {
    this.lastError = message.slice(0, 500);
    this.changes.schedule();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
