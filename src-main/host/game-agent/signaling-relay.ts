/**
 * The signaling relay on every game's own origin: the page agent rewrites
 * PeerJS cloud-broker URLs to RELAY_PATH, so a game's signaling socket comes
 * here, and the host opens one upstream socket for it to the LAN's default
 * broker OF THE MOMENT (resolved when the game connects, again whenever it
 * moves). So a game page never reaches for the internet, and never depends on
 * which broker was the default when the page was served:
 *
 * - No default broker: the game's socket is held open and nothing is sent
 *   (PeerJS waits for OPEN); its agent is told `waiting`; the upstream opens
 *   as soon as a broker appears (LanHost's change notification, 50 ms).
 * - The upstream dies or the default moves: the relay registers again
 *   upstream with the SAME id and token, without closing the game's socket,
 *   and swallows the second OPEN; game -> broker frames wait meanwhile
 *   (heartbeats dropped, at most MAX_GAP_BUFFER_BYTES).
 * - Everything else from upstream (ERROR, ID-TAKEN, OFFER...) goes to the game.
 *
 * REST: `<key>/id` is answered here with a fresh random id (the `peer`
 * package's own format, a UUID), so a game gets an id with no broker at all;
 * `<key>/peers` is relayed to the default broker (2 s, 256 KiB), `[]` when
 * there is none or it does not answer.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { BrokerEndpoint, HostedGame } from '../../../src-preload/contract.js';
import { AGENT_LIMITS, RELAY_INSTANCE_PARAM, RELAY_PATH } from '../../../src-preload/game-agent-protocol.js';
import { MAX_FRAME_BYTES } from '../broker/frames.js';

export type RelayState = 'waiting' | 'connected' | 'moving';

/** Relayed signaling sockets open at once per game origin (a game in a handful of windows, with a wide margin). */
export const MAX_RELAY_SOCKETS_PER_GAME = 64;
/** Game -> broker frames kept while the upstream is away (signaling of a few connections being set up). */
export const MAX_GAP_BUFFER_BYTES = 256 * 1024;
/** A game that does not read is not written to past this (the broker's own bound for a slow reader). */
const MAX_GAME_BUFFERED_BYTES = 1024 * 1024;
/** Retry delays while the default broker is known but not reachable (restarting, or its host just left). */
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 1_000;
const UPSTREAM_HANDSHAKE_MS = 3_000;
const PEERS_TIMEOUT_MS = 2_000;
const MAX_PEERS_BYTES = 256 * 1024;
/** What the game's signaling query may carry into the upstream one. */
const QUERY_VALUE = /^[A-Za-z0-9 ._-]{1,64}$/;

export interface SignalingRelayOptions {
  /** The LAN's default broker as this host reaches it, now; null when there is none. */
  upstream(): BrokerEndpoint | null;
  /** The relay's state for a page's instance (from its socket's RELAY_INSTANCE_PARAM); null when its socket closed. */
  onState?(instance: string, gameId: string, address: string, state: { state: RelayState; peerId: string | null } | null): void;
}

export interface RelayCounters {
  /** Sockets refused over MAX_RELAY_SOCKETS_PER_GAME or with a bad query. */
  refusedSockets: number;
  /** Game -> broker frames dropped during a gap (over the byte bound), or broker -> game to a game that does not read. */
  droppedFrames: number;
  /** Re-registrations done upstream (broker gone or moved) with the game's socket kept. */
  reRegistrations: number;
  /** The last re-registration's gap: upstream lost -> OPEN again, ms. */
  lastGapMs: number | null;
}

function endpointKey(endpoint: BrokerEndpoint): string {
  return `${endpoint.secure ? 'wss' : 'ws'}://${endpoint.host}:${endpoint.port}${endpoint.path}|${endpoint.key}`;
}

function origin(endpoint: BrokerEndpoint, scheme: 'ws' | 'http'): string {
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `${scheme}${endpoint.secure ? 's' : ''}://${host}:${endpoint.port}`;
}

function basePath(endpoint: BrokerEndpoint): string {
  return endpoint.path.replace(/\/+$/, '');
}

class RelaySession {
  private upstream: WebSocket | null = null;
  private upstreamKey: string | null = null;
  private upstreamOpen = false;
  /** The game got its OPEN: later ones (re-registrations) are swallowed. */
  private registered = false;
  private buffer: string[] = [];
  private bufferedBytes = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private retries = 0;
  private lostAt: number | null = null;
  private state: RelayState | null = null;
  private closed = false;
  /** The broker refused the registration (ERROR, ID-TAKEN): when it closes, the game's socket closes too, as it would on the broker itself. */
  private refused = false;

  constructor(
    private readonly relay: SignalingRelay,
    private readonly game: WebSocket,
    private readonly query: { id: string; token: string; version: string | null },
    private readonly report: (state: RelayState, peerId: string | null) => void,
  ) {
    game.on('message', (data, isBinary) => this.fromGame(data, isBinary));
    game.on('error', () => game.terminate());
    game.on('close', () => this.close());
    this.connect();
  }

  /** The default broker may have changed: connect when waiting, move when it is another one. */
  reconsider(): void {
    if (this.closed) return;
    const endpoint = this.relay.options.upstream();
    if (!this.upstream) {
      if (!this.retryTimer || endpoint) this.connect();
      return;
    }
    if (endpoint && endpointKey(endpoint) !== this.upstreamKey) {
      // The default moved while ours still answers: leave it (freeing the id there) and register on the new one.
      const old = this.upstream;
      this.upstream = null;
      this.lostAt ??= Date.now();
      old.close();
      this.connect();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.upstream?.close();
    this.upstream = null;
    this.buffer = [];
    if (this.game.readyState === WebSocket.OPEN || this.game.readyState === WebSocket.CONNECTING) this.game.close();
    this.relay.forget(this);
  }

  private setState(state: RelayState): void {
    if (state === this.state) return;
    this.state = state;
    this.report(state, this.registered ? this.query.id : null);
  }

  private connect(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.closed) return;
    const endpoint = this.relay.options.upstream();
    if (!endpoint) {
      this.setState(this.registered ? 'moving' : 'waiting');
      return;
    }
    const params = new URLSearchParams({ key: endpoint.key, id: this.query.id, token: this.query.token });
    if (this.query.version) params.set('version', this.query.version);
    const url = `${origin(endpoint, 'ws')}${basePath(endpoint)}/peerjs?${params.toString()}`;
    const ws = new WebSocket(url, { maxPayload: MAX_FRAME_BYTES, handshakeTimeout: UPSTREAM_HANDSHAKE_MS });
    this.upstream = ws;
    this.upstreamKey = endpointKey(endpoint);
    this.upstreamOpen = false;
    ws.on('open', () => {
      if (this.upstream !== ws) return;
      this.upstreamOpen = true;
      for (const frame of this.buffer) ws.send(frame);
      this.buffer = [];
      this.bufferedBytes = 0;
    });
    ws.on('message', (data, isBinary) => {
      if (this.upstream === ws) this.fromUpstream(data, isBinary);
    });
    ws.on('error', () => {
      // 'close' follows.
    });
    ws.on('close', () => {
      if (this.upstream !== ws) return;
      this.upstream = null;
      this.upstreamOpen = false;
      if (this.closed) return;
      if (this.refused) {
        this.close();
        return;
      }
      this.lostAt ??= Date.now();
      this.setState(this.registered ? 'moving' : 'waiting');
      const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** this.retries);
      this.retries += 1;
      this.retryTimer = setTimeout(() => this.connect(), delay);
      this.retryTimer.unref();
    });
  }

  private fromUpstream(data: RawData, isBinary: boolean): void {
    if (isBinary) return;
    const text = rawText(data);
    const type = frameType(text);
    if (type === 'ID-TAKEN' || type === 'ERROR') this.refused = true;
    if (type === 'OPEN') {
      this.retries = 0;
      if (this.registered) {
        // Registered again with the same id: the game never learns the broker changed.
        if (this.lostAt !== null) {
          this.relay.counters.reRegistrations += 1;
          this.relay.counters.lastGapMs = Date.now() - this.lostAt;
        }
        this.lostAt = null;
        this.setState('connected');
        return;
      }
      this.registered = true;
      this.lostAt = null;
      this.setState('connected');
    }
    if (this.game.bufferedAmount > MAX_GAME_BUFFERED_BYTES) {
      this.relay.counters.droppedFrames += 1;
      return;
    }
    this.game.send(text);
  }

  private fromGame(data: RawData, isBinary: boolean): void {
    // PeerJS speaks JSON text; binary frames are not the protocol (the broker would refuse them too).
    if (isBinary) return;
    const text = rawText(data);
    const upstream = this.upstream;
    if (upstream && this.upstreamOpen && upstream.readyState === WebSocket.OPEN) {
      upstream.send(text);
      return;
    }
    // In a gap, a heartbeat means nothing (the new registration is alive by definition).
    if (frameType(text) === 'HEARTBEAT') return;
    const size = Buffer.byteLength(text);
    if (this.bufferedBytes + size > MAX_GAP_BUFFER_BYTES) {
      this.relay.counters.droppedFrames += 1;
      return;
    }
    this.buffer.push(text);
    this.bufferedBytes += size;
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as Buffer).toString('utf8');
}

/** The `type` of a PeerJS frame without trusting it is JSON at all. */
function frameType(text: string): string | null {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string' ? (value as { type: string }).type : null;
  } catch {
    return null;
  }
}

export class SignalingRelay {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private readonly sessions = new Map<RelaySession, string>();
  private readonly perGame = new Map<string, number>();
  readonly counters: RelayCounters = { refusedSockets: 0, droppedFrames: 0, reRegistrations: 0, lastGapMs: null };
  private closed = false;

  constructor(readonly options: SignalingRelayOptions) {}

  /** `${RELAY_PATH}peerjs` upgrades on a game's origin; false for any other path. */
  handleUpgrade(game: HostedGame, req: http.IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean {
    if (url.pathname !== `${RELAY_PATH}peerjs`) return false;
    const id = url.searchParams.get('id');
    const token = url.searchParams.get('token');
    const version = url.searchParams.get('version');
    const count = this.perGame.get(game.id) ?? 0;
    const valid = id !== null && token !== null && QUERY_VALUE.test(id) && QUERY_VALUE.test(token) && (version === null || QUERY_VALUE.test(version));
    if (this.closed || !valid || count >= MAX_RELAY_SOCKETS_PER_GAME) {
      this.counters.refusedSockets += 1;
      const status = valid ? '503 Service Unavailable' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return true;
    }
    const rawInstance = url.searchParams.get(RELAY_INSTANCE_PARAM);
    const instance = rawInstance !== null && AGENT_LIMITS.instanceIdPattern.test(rawInstance) ? rawInstance : null;
    const address = req.socket.remoteAddress ?? '';
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      // Counted once the handshake succeeded (ws completes it synchronously): a failed one holds no slot.
      this.perGame.set(game.id, (this.perGame.get(game.id) ?? 0) + 1);
      const report = (state: RelayState, peerId: string | null): void => {
        if (instance) this.options.onState?.(instance, game.id, address, { state, peerId });
      };
      const session = new RelaySession(this, ws, { id: id as string, token: token as string, version }, report);
      this.sessions.set(session, game.id);
      ws.once('close', () => {
        if (instance) this.options.onState?.(instance, game.id, address, null);
      });
    });
    return true;
  }

  /** `${RELAY_PATH}<key>/id` and `/peers` on a game's origin; false for any other path. */
  handleRequest(req: http.IncomingMessage, res: http.ServerResponse, url: URL): boolean {
    if (!url.pathname.startsWith(RELAY_PATH)) return false;
    const rest = url.pathname.slice(RELAY_PATH.length);
    if (/^[A-Za-z0-9_-]{1,64}\/id$/.test(rest)) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(randomUUID());
      return true;
    }
    if (/^[A-Za-z0-9_-]{1,64}\/peers$/.test(rest)) {
      void this.peers().then((body) => {
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end(body);
      });
      return true;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Not a LAN Party relay path');
    return true;
  }

  /** LanHost's state changed: every session re-resolves the default broker. */
  reconsider(): void {
    for (const session of [...this.sessions.keys()]) session.reconsider();
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  close(): void {
    this.closed = true;
    for (const session of [...this.sessions.keys()]) session.close();
    this.wss.close();
  }

  /** @internal A session ended. */
  forget(session: RelaySession): void {
    const gameId = this.sessions.get(session);
    if (gameId === undefined) return;
    this.sessions.delete(session);
    const count = (this.perGame.get(gameId) ?? 1) - 1;
    if (count <= 0) this.perGame.delete(gameId);
    else this.perGame.set(gameId, count);
  }

  private async peers(): Promise<string> {
    const endpoint = this.options.upstream();
    if (!endpoint) return '[]';
    try {
      const response = await fetch(`${origin(endpoint, 'http')}${basePath(endpoint)}/${endpoint.key}/peers`, { signal: AbortSignal.timeout(PEERS_TIMEOUT_MS) });
      if (!response.ok) return '[]';
      const text = await response.text();
      if (Buffer.byteLength(text) > MAX_PEERS_BYTES) return '[]';
      const value = JSON.parse(text) as unknown;
      return Array.isArray(value) && value.every((item) => typeof item === 'string') ? text : '[]';
    } catch {
      return '[]';
    }
  }
}
