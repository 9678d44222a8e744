/**
 * The engine's data connections ("links"), grouped per remote peer id
 * ("sessions"): their lifecycle, the frames they receive, the heartbeat tick
 * and the per-peer stats. The send path is sends.ts.
 *
 * Invariants that fix the reference's bugs:
 * - connections are tracked per connection, never in a map keyed by peer id
 *   alone, so overlapping connections to one peer never overwrite each other;
 *   a peer is connected while at least one of its connections is open, and is
 *   reported disconnected exactly once when the last one closes;
 * - `disconnected` ICE state (often transient) is not final while the channel
 *   still delivers (heartbeat.ts judges liveness).
 */
import type { Peer } from 'peerjs';
import type { EngineConnection } from './connection.js';
import type { EngineCore } from './engine-core.js';
import { HEARTBEAT_TICK_MS, type HeartbeatTiming, Liveness } from './heartbeat.js';
import { classifyConnectFailure, type IcePath, IceWatch, turnAuthFailure } from './ice-diagnosis.js';
import { isStringId, quote } from './ids.js';
import { Sends } from './sends.js';
import { TransportWatch } from './transport-watch.js';
import type { Direction, DisconnectReason, PeerStats } from './types.js';
import { LARGE_CAP } from './large-events.js';
import { type Decoded, describe, ENGINE_CAPS, HELLO_VERSION, isLanPartyMetadata, metadataDeclares, type WireEvent } from './wire.js';

/** How long an outgoing connection may stay unopened before it is reported as failed. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;

/** A heartbeat tick later than this means our own page was frozen (see tick()). */
const FROZEN_TICK_MS = 1_500;

/** How often ICE stats are read for a stock peer's RTT. */
const ICE_RTT_INTERVAL_MS = 2_000;

/** Malformed frames from one connection are recorded as an error at most this often (they are always counted). */
const MALFORMED_ERROR_INTERVAL_MS = 1_000;

export interface Link {
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
  /** Transport stats (and stock-peer probes) for liveness; null without an RTCPeerConnection (unit-test fakes). */
  transport: TransportWatch | null;
  /** What ICE reported (ice-diagnosis.ts); null without an RTCPeerConnection (unit-test fakes). */
  ice: IceWatch | null;
  /** Direct or relayed, read from the selected candidate pair once open. */
  path: IcePath | null;
}

/** The counters a session keeps are exactly those `getPeerStats()` reports. */
type SessionCounters = Pick<
  PeerStats,
  'connectedSince' | 'messagesIn' | 'messagesOut' | 'bytesIn' | 'bytesOut' | 'framesIn' | 'framesOut' | 'malformedIn'
>;

export interface Session extends SessionCounters {
  peerId: string;
  links: Link[];
  connected: boolean;
  direction: Direction;
  /** Already queued for the frame "Peer connected" condition during this connected period. */
  frameReported: boolean;
}

export class LinkTable {
  readonly sessions = new Map<string, Session>();
  readonly sends: Sends;
  private readonly links = new Set<Link>();
  private linkSeq = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private lastTickAt = 0;
  malformedTotal = 0;
  droppedTotal = 0;

  constructor(
    private readonly core: EngineCore,
    private readonly heartbeat: HeartbeatTiming,
    private readonly connectTimeoutMs: number,
    /** A Peer lost a link: broker-link.ts releases it if it was retired and carries none any more. */
    private readonly onOwnerIdle: (peer: Peer) => void,
  ) {
    this.sends = new Sends(core, this);
  }

  /** `peer` still carries data connections. */
  hasLinks(peer: Peer): boolean {
    for (const link of this.links) if (link.owner === peer) return true;
    return false;
  }

  /** A connection to `peerId` is open or opening (a second connect is then a no-op). */
  hasLiveLink(peerId: string): boolean {
    return this.sessions.get(peerId)?.links.some((l) => l.state !== 'closed') === true;
  }

  /** The broker says `target` does not exist: fail the links still opening to it through `peer` (the error is recorded already). */
  failConnecting(peer: Peer, target: string): void {
    for (const link of [...this.links]) {
      if (link.owner === peer && link.peerId === target && link.state === 'connecting') {
        link.errorReported = true;
        this.closeLink(link, 'error');
      }
    }
  }

  /** Closes every connection with `peerId`; false when there is none. */
  closePeer(peerId: string, reason: DisconnectReason): boolean {
    const session = this.sessions.get(peerId);
    if (!session || session.links.length === 0) return false;
    for (const link of session.links.slice()) this.closeLink(link, reason);
    return true;
  }

  closeAll(reason: DisconnectReason): void {
    for (const link of [...this.links]) this.closeLink(link, reason);
  }

  /** Stops the heartbeat tick for good (destroy). */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Ids of the peers currently connected (at least one open connection). */
  connectedPeers(): string[] {
    return [...this.sessions.values()].filter((s) => s.connected).map((s) => s.peerId);
  }

  /** Per-peer stats (peers connected or connecting). */
  peerStats(): PeerStats[] {
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
        path: link.path?.path ?? null,
        candidateTypes: link.path ? { local: link.path.local, remote: link.path.remote } : null,
      });
    }
    return out;
  }

  addLink(conn: EngineConnection, direction: Direction, owner: Peer): void {
    const peerId = conn.peer;
    if (!isStringId(peerId)) {
      // The broker should never relay such an id; do not let it into our tables.
      this.core.recordError('invalid-argument', `Refused a connection from an invalid peer id ${quote(peerId)}`);
      conn.close();
      return;
    }
    const now = this.core.now();
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
      transport: conn.peerConnection ? new TransportWatch(conn.peerConnection, () => this.core.now()) : null,
      ice: null,
      path: null,
    };
    link.ice = this.watchIce(link);
    // An incoming connection that carries our metadata comes from an engine: text frames and heartbeat at once.
    conn.remoteIsEngine = direction === 'incoming' && isLanPartyMetadata(conn.metadata);
    conn.largePieces = direction === 'incoming' && metadataDeclares(conn.metadata, LARGE_CAP);
    conn.sink = (decoded, bytes) => this.onFrame(link, decoded, bytes);
    conn.activity = () => {
      if (link.state !== 'closed') link.liveness.onReceive(this.core.now());
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
    conn.on('iceStateChanged', (state: unknown) => {
      link.liveness.onIceState(String(state), this.core.now());
      // The selected pair may change (e.g. to a relay after a direct path dropped): read it again.
      if (link.state === 'open' && (state === 'connected' || state === 'completed')) this.readPath(link);
    });
    // An engine has one attempt at a peer at a time (engine.connect does nothing while a link is live), so its new offer
    // means it gave up on an older one still connecting here: close that one now, or it holds a second connection
    // until the 15 s connect timeout (measured, e2e/lan/redial.spec.ts: a machine back from a pulled cable gathered no
    // ICE candidates for its first offer, redialled 1.5 s later, and the dead twin stayed here "connecting").
    if (direction === 'incoming' && conn.remoteIsEngine) {
      for (const older of session.links) {
        if (older !== link && older.direction === 'incoming' && older.state === 'connecting' && older.conn.remoteIsEngine) this.closeLink(older, 'local');
      }
    }
    this.updateTimer();
  }

  private onLinkOpen(link: Link): void {
    if (link.state !== 'connecting') return;
    link.state = 'open';
    link.liveness.onReceive(this.core.now());
    this.readPath(link);
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
      session.connectedSince = this.core.now();
      session.frameReported = false;
      if (link.direction === 'incoming') this.pushConnectedToFrame(session);
      this.core.emit('peerConnected', { peerId: session.peerId, direction: link.direction, engine: link.conn.remoteIsEngine });
    } else if (link.direction === 'incoming' && !session.frameReported) {
      // Both sides connected at once: the reference would report the incoming one; so do we, once.
      this.pushConnectedToFrame(session);
    }
  }

  private pushConnectedToFrame(session: Session): void {
    session.frameReported = true;
    const result = this.core.frame.pushConnected(session.peerId, this.core.gameCalls > 0);
    if (result.error) this.core.recordError(result.code ?? 'queue-full', result.error);
  }

  private onLinkError(link: Link, error: unknown): void {
    const type = typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
    if (link.state === 'closed') return;
    if (type === 'negotiation-failed' || type === 'connection-closed') {
      // ICE failed/closed: PeerJS closes the connection right after; report why.
      link.closeReason ??= 'ice-failed';
      if (link.state === 'connecting') this.reportConnectFailure(link, null);
      return;
    }
    this.core.recordError('connection-error', `Connection with ${link.peerId}: ${describe(error)}`);
  }

  /** Closes a link on our side; `reason` is what the disconnect report will say. */
  closeLink(link: Link, reason: DisconnectReason): void {
    if (link.state === 'closed') return;
    link.closeReason ??= reason;
    // Events this task queued on the link leave before it closes, as they would have without coalescing.
    this.sends.outbox.flush(link);
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
    link.transport?.close();
    const session = this.sessions.get(link.peerId);
    // Only when the link closed under us within the task that queued events (ours flush first).
    const lost = this.sends.outbox.discard(link);
    if (lost > 0) this.core.recordError('send-failed', `${lost} events to ${link.peerId} were not sent: the connection closed`);
    if (!wasOpen && !link.errorReported && link.closeReason !== 'local') {
      link.errorReported = true;
      this.core.recordError('peer-unavailable', `Could not connect to peer ${link.peerId}`);
    }
    if (session) {
      session.links = session.links.filter((l) => l !== link);
      const stillOpen = session.links.some((l) => l.state === 'open');
      if (session.connected && !stillOpen) {
        session.connected = false;
        session.connectedSince = null;
        const result = this.core.frame.pushDisconnected(session.peerId, this.core.gameCalls > 0);
        if (result.error) this.core.recordError(result.code ?? 'queue-full', result.error);
        this.core.emit('peerDisconnected', { peerId: session.peerId, reason: link.closeReason ?? 'closed' });
      }
      if (session.links.length === 0) this.sessions.delete(session.peerId);
    }
    // A retired Peer (old broker) whose last connection closed has nothing left to keep alive.
    this.onOwnerIdle(link.owner);
    this.updateTimer();
  }

  /** The open link used to send to a session: the oldest open one, so one direction keeps one order. */
  primaryLink(session: Session): Link | undefined {
    let best: Link | undefined;
    for (const link of session.links) {
      if (link.state === 'open' && (!best || link.seq < best.seq)) best = link;
    }
    return best;
  }

  private onFrame(link: Link, decoded: Decoded, bytes: number): void {
    if (link.state === 'closed') return;
    const now = this.core.now();
    link.liveness.onReceive(now);
    const session = this.sessions.get(link.peerId);
    if (session) session.bytesIn += bytes;
    switch (decoded.kind) {
      case 'invalid': {
        this.malformedTotal += 1;
        if (session) session.malformedIn += 1;
        if (now - link.lastMalformedErrorAt >= MALFORMED_ERROR_INTERVAL_MS) {
          link.lastMalformedErrorAt = now;
          this.core.recordError('malformed-message', `Dropped a malformed message from ${link.peerId} (${decoded.reason}); ${session?.malformedIn ?? 1} so far`);
        }
        return;
      }
      case 'control': {
        const control = decoded.control;
        if (control.t === 'hello') {
          link.conn.remoteIsEngine = true;
          if (control.caps?.includes('batch') === true) link.batch = true;
          if (control.caps?.includes(LARGE_CAP) === true) link.conn.largePieces = true;
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
    const result = this.core.frame.pushEvent(eventName, data, link.peerId);
    if (result.outcome === 'dropped') this.droppedTotal += 1;
    if (result.error) this.core.recordError(result.code ?? 'queue-full', result.error);
    this.core.emit('event', { name: eventName, data, sender: link.peerId });
  }

  // ---------------------------------------------------------------------------
  // Why a connection failed, and its path (ice-diagnosis.ts)
  // ---------------------------------------------------------------------------

  /** Watches the link's ICE; a TURN server refusing our credentials is recorded at once, not after the timeout. */
  private watchIce(link: Link): IceWatch | null {
    const pc = link.conn.peerConnection;
    if (!pc || typeof pc.addEventListener !== 'function') return null;
    return new IceWatch(pc, (url) => {
      if (link.state !== 'connecting' || this.core.destroyed) return;
      const failure = turnAuthFailure(link.peerId, url);
      this.core.recordError(failure.code, failure.message);
    });
  }

  /** Records once why a link that never opened failed; a TURN refusal already recorded is not repeated. */
  private reportConnectFailure(link: Link, timeoutMs: number | null): void {
    if (link.errorReported) return;
    link.errorReported = true;
    const report = link.ice?.snapshot();
    if (!report) {
      const after = timeoutMs === null ? '' : ` (no connection after ${Math.round(timeoutMs / 1000)} s)`;
      this.core.recordError('peer-unavailable', `Could not connect to peer ${link.peerId}${after}`);
      return;
    }
    const failure = classifyConnectFailure(link.peerId, report, timeoutMs);
    if (failure.code === 'turn-auth-failed') return;
    this.core.recordError(failure.code, failure.message);
  }

  private readPath(link: Link): void {
    const ice = link.ice;
    if (!ice) return;
    void ice.path().then((path) => {
      if (path && link.state === 'open') link.path = path;
    });
  }

  // ---------------------------------------------------------------------------
  // Heartbeat, timeouts, RTT
  // ---------------------------------------------------------------------------

  /** Runs the tick only while there are links: an idle engine schedules nothing. */
  updateTimer(): void {
    const needed = this.links.size > 0 && !this.core.destroyed;
    if (needed && this.timer === null) {
      this.lastTickAt = this.core.now();
      this.timer = setInterval(() => this.tick(), HEARTBEAT_TICK_MS);
    } else if (!needed && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private tick(): void {
    try {
      const now = this.core.now();
      // A tick this late means OUR page was frozen (a long synchronous load, a debugger): the peers'
      // frames may still be queued behind this very task. Grant one timeout of grace rather than
      // declaring everyone gone. Background tabs tick once a second, which is not "late".
      const frozen = now - this.lastTickAt > FROZEN_TICK_MS;
      this.lastTickAt = now;
      for (const link of [...this.links]) {
        if (frozen && link.state === 'open') link.liveness.onReceive(now);
        if (link.state === 'connecting') {
          if (now - link.createdAt > this.connectTimeoutMs) {
            this.reportConnectFailure(link, this.connectTimeoutMs);
            this.closeLink(link, 'error');
          }
          continue;
        }
        if (link.state !== 'open') continue;
        // Packets reaching our transport prove the peer alive even while its script is stalled (heartbeat.ts).
        link.transport?.tick(now, link.liveness, !link.conn.remoteIsEngine);
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
      this.core.recordError('internal', `Heartbeat failed: ${describe(error)}`);
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
