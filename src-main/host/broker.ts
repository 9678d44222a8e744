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
 * WebSocketServer, route upgrades to it ourselves, and validate every frame
 * before the `peer` package sees it.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import express from 'express';
import { ExpressPeerServer, type IClient } from 'peer';
import { WebSocketServer, type WebSocket, type ServerOptions } from 'ws';
import type { BrokerOptions, BrokerState } from '../../src-preload/contract.js';
import { sendJson, type HostHttpServer } from './http-server.js';

/** Largest signaling frame accepted: SDP offers are a few KiB; anything bigger is abuse. */
export const MAX_FRAME_BYTES = 64 * 1024;
const CLIENT_MESSAGE_TYPES = new Set(['HEARTBEAT', 'OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE', 'EXPIRE']);
const MAX_ID_LENGTH = 256;

/** Why a frame from a signaling client is refused, or null when it is well-formed. */
export function rejectFrame(data: unknown, isBinary: boolean): string | null {
  if (isBinary) return 'binary frame';
  const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : String(data);
  if (text.length > MAX_FRAME_BYTES) return 'frame too large';
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return 'not an object';
  const { type, dst } = message as { type?: unknown; dst?: unknown };
  if (typeof type !== 'string' || !CLIENT_MESSAGE_TYPES.has(type)) return 'unknown message type';
  if (type !== 'HEARTBEAT' && (typeof dst !== 'string' || dst.length === 0 || dst.length > MAX_ID_LENGTH)) {
    return 'missing or invalid destination';
  }
  return null;
}

type PeerApp = ReturnType<typeof ExpressPeerServer>;
type ParentApp = ReturnType<typeof express>;

export class Broker {
  private options: BrokerOptions;
  /** The express app our request route calls; `peer`'s app is mounted in it. */
  private app: ParentApp | null = null;
  private wss: WebSocketServer | null = null;
  private readonly clientIds = new Set<string>();
  private startedAt: number | null = null;
  private lastError: string | null = null;
  private rejectedFrames = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly http: HostHttpServer,
    options: BrokerOptions,
    /** Addresses LAN clients can reach this host on; computed by the host. */
    private readonly addresses: () => string[] = () => [],
  ) {
    this.options = { ...options };
    http.addRequestRoute((req, res, url) => this.routeRequest(req, res, url));
    http.addUpgradeRoute((req, socket, head, url) => this.routeUpgrade(req, socket, head, url));
  }

  get running(): boolean {
    return this.app !== null;
  }

  /** Options take effect at the next start; the port is the host's (see HostHttpServer). */
  setOptions(options: BrokerOptions): void {
    this.options = { ...options };
    this.emitChange();
  }

  getOptions(): BrokerOptions {
    return { ...this.options };
  }

  start(): BrokerState {
    if (this.app) return this.getState();
    if (!this.http.listening) throw new Error('The host is not listening yet; the broker cannot start.');
    const app: PeerApp = ExpressPeerServer(this.http.server, {
      key: this.options.key,
      path: this.options.path,
      concurrent_limit: this.options.concurrentLimit,
      alive_timeout: this.options.aliveTimeoutMs,
      allow_discovery: this.options.allowDiscovery,
      createWebSocketServer: (wsOptions) => this.createSocketServer(wsOptions),
    });
    app.on('connection', (client: IClient) => {
      this.clientIds.add(client.getId());
      this.emitChange();
    });
    app.on('disconnect', (client: IClient) => {
      if (this.clientIds.delete(client.getId())) this.emitChange();
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
    this.emitChange();
    return this.getState();
  }

  stop(): BrokerState {
    if (!this.app) return this.getState();
    const wss = this.wss;
    this.app = null;
    this.wss = null;
    this.startedAt = null;
    this.clientIds.clear();
    if (wss) {
      for (const client of wss.clients) client.terminate();
      wss.close();
    }
    // Note: `peer` keeps two internal timers (message expiry, dead-client sweep)
    // on its now empty realm and exposes no way to stop them; they cost nothing
    // measurable, and the headless host exits explicitly on shutdown.
    this.emitChange();
    return this.getState();
  }

  getState(): BrokerState {
    const running = this.app !== null;
    return {
      running,
      port: this.http.port,
      addresses: this.http.listening ? this.addresses() : [],
      path: this.options.path,
      key: this.options.key,
      clientIds: [...this.clientIds].sort(),
      clients: this.clientIds.size,
      startedAt: this.startedAt,
      uptimeMs: this.startedAt === null ? 0 : Date.now() - this.startedAt,
      lastError: this.lastError,
      rejectedFrames: this.rejectedFrames,
    };
  }

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
    // Registered before `peer` adds its own listener, so it runs first.
    wss.on('connection', (socket: WebSocket) => this.guardFrames(socket));
    this.wss = wss;
    return wss;
  }

  /** Drops malformed frames before `peer` parses them. */
  private guardFrames(socket: WebSocket): void {
    socket.on('error', (error) => this.recordError(`Signaling socket error: ${error.message}`));
    const emit = socket.emit.bind(socket);
    socket.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
      if (event === 'message') {
        const reason = rejectFrame(args[0], args[1] === true);
        if (reason !== null) {
          this.rejectedFrames += 1;
          this.recordError(`Dropped a signaling frame: ${reason}`);
          return false;
        }
      }
      return emit(event, ...args);
    }) as typeof socket.emit;
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
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    return true;
  }

  private recordError(message: string): void {
    this.lastError = message.slice(0, 500);
    this.emitChange();
  }

  private emitChange(): void {
    for (const listener of this.listeners) listener();
  }
}
