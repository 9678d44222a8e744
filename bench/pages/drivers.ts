/**
 * The three peers the benchmark compares, behind one interface, so every
 * scenario runs the same code against each:
 *
 * - `engine`: our P2P engine (the standalone bundle a game imports);
 * - `stock`: stock PeerJS with GDevelop's settings (`binary` serialization,
 *   `reliable: false`, `{ eventName, data }` messages): what users have today;
 * - `raw`: a bare `RTCDataChannel` (reliable, ordered: the guarantees our
 *   engine gives) negotiated through the same broker with the PeerJS
 *   signaling protocol, one JSON text frame per event: the floor;
 * - `rawBatch`: the same channel, but the events sent in one task go as ONE
 *   frame (a JSON array), flushed in a microtask: what coalescing between two
 *   engines would buy, measured rather than guessed (bench/README.md).
 *
 * Runs in Chromium pages (served transpiled by bench/peers/page-server.ts) and
 * in Node (bench/peers/node-worker.ts, over node-datachannel's polyfill), so
 * it only uses what both have, and gets the libraries injected (`Deps`).
 */
import type { DataConnection, Peer as StockPeer, PeerOptions } from 'peerjs';
import type { P2PEngine, P2PEngineOptions } from '../../src-renderer/p2p/index.js';

export type Kind = 'engine' | 'stock' | 'raw' | 'rawBatch';
/** The three compared everywhere; `rawBatch` is an extra throughput row (see below). */
export const KINDS: readonly Kind[] = ['raw', 'stock', 'engine'];

export interface BrokerInfo {
  host: string;
  port: number;
  path: string;
  key: string;
}

export type EventHandler = (name: string, data: string, from: string) => void;

export interface BenchPeer {
  readonly kind: Kind;
  readonly id: string;
  /** The one handler of received events (a scenario replaces it). */
  onEvent(handler: EventHandler): void;
  /** Opens a link to `remoteId`; resolves when it is open on our side. */
  connect(remoteId: string, timeoutMs?: number): Promise<void>;
  send(to: string, name: string, data: string): void;
  broadcast(name: string, data: string): void;
  /** Ids with an open link (either direction). */
  openPeers(): string[];
  /** Errors reported by the library so far (bounded). */
  errors(): string[];
  destroy(): void;
}

export interface Deps {
  createP2PEngine?: (options?: P2PEngineOptions) => P2PEngine;
  Peer?: typeof StockPeer;
}

const MAX_ERRORS = 50;

/** What every kind keeps alike: its bounded list of library errors, and the one event handler a scenario sets. */
function peerCommon(kind: Kind, id: string) {
  const errors: string[] = [];
  let handler: EventHandler = () => undefined;
  /** Records an error the library reported (the first MAX_ERRORS only). */
  const error = (message: string): void => {
    if (errors.length < MAX_ERRORS) errors.push(message);
  };
  const members: Pick<BenchPeer, 'kind' | 'id' | 'onEvent' | 'errors'> = {
    kind,
    id,
    onEvent(h) {
      handler = h;
    },
    errors: () => errors.slice(),
  };
  return {
    error,
    /** Hands a received event to the scenario's handler. */
    deliver: (name: string, data: string, from: string): void => handler(name, data, from),
    /** The link to `to` in `links`; when there is none, undefined and an error recorded (the measurement will say why it stalled). */
    linkTo<L>(links: ReadonlyMap<string, L>, to: string): L | undefined {
      const link = links.get(to);
      if (link === undefined) error(`${kind}: no link to ${to}`);
      return link;
    },
    /** The BenchPeer members that are the same for every kind. */
    members,
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function createPeer(kind: Kind, id: string, broker: BrokerInfo, deps: Deps): Promise<BenchPeer> {
  switch (kind) {
    case 'engine':
      return createEnginePeer(id, broker, deps);
    case 'stock':
      return createStockPeer(id, broker, deps);
    case 'raw':
      return createRawPeer(id, broker, false);
    case 'rawBatch':
      return createRawPeer(id, broker, true);
  }
}

// ---------------------------------------------------------------------------
// Our engine
// ---------------------------------------------------------------------------

async function createEnginePeer(id: string, broker: BrokerInfo, deps: Deps): Promise<BenchPeer> {
  if (!deps.createP2PEngine) throw new Error('engine bundle not loaded');
  const engine = deps.createP2PEngine();
  const common = peerCommon('engine', id);
  const names = new Set<string>();
  engine.on('error', (e) => common.error(e.message));
  // A link that drops during a measurement explains a stalled one: keep why.
  engine.on('peerDisconnected', (e) => common.error(`disconnected from ${e.peerId}: ${e.reason}`));
  engine.on('event', (e) => {
    names.add(e.name);
    common.deliver(e.name, e.data, e.sender);
  });
  // A game drains its per-frame queues every frame; without this the listener-only bench would
  // let them grow to their 100k limit and measure the overflow path instead.
  const drain = setInterval(() => {
    for (const name of names) engine.getAllEventData(name);
  }, 16);
  const ready = new Promise<void>((resolve, reject) => {
    engine.on('ready', () => resolve());
    engine.on('error', (e) => {
      if (!engine.isReady()) reject(new Error(e.message));
    });
  });
  engine.overrideId(id);
  engine.useBroker(broker.host, broker.port, broker.path, broker.key, false);
  await withTimeout(ready, 15_000, `engine ${id} registration`);
  return {
    ...common.members,
    connect(remoteId, timeoutMs = 15_000) {
      if (engine.getConnectedPeers().includes(remoteId)) return Promise.resolve();
      const opened = new Promise<void>((resolve, reject) => {
        const offs = [
          engine.on('peerConnected', (e) => {
            if (e.peerId !== remoteId) return;
            offs.forEach((off) => off());
            resolve();
          }),
          engine.on('error', (e) => {
            if (!e.message.includes(remoteId)) return;
            offs.forEach((off) => off());
            reject(new Error(e.message));
          }),
        ];
      });
      engine.connect(remoteId);
      return withTimeout(opened, timeoutMs, `engine connect ${id} -> ${remoteId}`);
    },
    send(to, name, data) {
      engine.triggerEventOnPeer(to, name, data);
    },
    broadcast(name, data) {
      engine.triggerEvent(name, data);
    },
    openPeers: () => engine.getConnectedPeers(),
    destroy() {
      clearInterval(drain);
      engine.destroy();
    },
  };
}

// ---------------------------------------------------------------------------
// Stock PeerJS, GDevelop's way
// ---------------------------------------------------------------------------

/** GDevelop's P2P extension connects with these (serialization: PeerJS's default, `binary`). */
export const GDEVELOP_CONNECT_OPTIONS = { reliable: false } as const;

async function createStockPeer(id: string, broker: BrokerInfo, deps: Deps): Promise<BenchPeer> {
  const Peer = deps.Peer;
  if (!Peer) throw new Error('stock peerjs not loaded');
  const options: PeerOptions = { host: broker.host, port: broker.port, path: broker.path, key: broker.key, secure: false, config: { iceServers: [] }, debug: 0 };
  const peer = new Peer(id, options);
  const common = peerCommon('stock', id);
  const links = new Map<string, DataConnection>();
  /** Sends waiting for `open` (node-datachannel can deliver data before the answering side's open). */
  const pending = new Map<DataConnection, unknown[]>();

  const track = (conn: DataConnection): void => {
    if (!conn.open) pending.set(conn, []);
    conn.on('open', () => {
      links.set(conn.peer, conn);
      const queued = pending.get(conn) ?? [];
      pending.delete(conn);
      for (const message of queued) conn.send(message);
    });
    conn.on('data', (d) => {
      const message = d as { eventName?: unknown; data?: unknown } | null;
      if (message && typeof message.eventName === 'string' && typeof message.data === 'string') {
        // The reply may go out before `open` fired on this side: remember the link now.
        if (!links.has(conn.peer)) links.set(conn.peer, conn);
        common.deliver(message.eventName, message.data, conn.peer);
      }
    });
    conn.on('close', () => {
      if (links.get(conn.peer) === conn) links.delete(conn.peer);
    });
    conn.on('error', (e) => common.error(String(e)));
  };
  const sendOn = (conn: DataConnection, message: unknown): void => {
    const queue = pending.get(conn);
    if (queue) queue.push(message);
    else conn.send(message);
  };

  peer.on('connection', (conn) => track(conn));
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      peer.once('open', () => resolve());
      peer.once('error', (e) => reject(e instanceof Error ? e : new Error(String(e))));
    }),
    15_000,
    `stock ${id} registration`,
  );
  peer.on('error', (e) => common.error(String(e)));
  return {
    ...common.members,
    connect(remoteId, timeoutMs = 15_000) {
      if (links.has(remoteId)) return Promise.resolve();
      const conn = peer.connect(remoteId, { ...GDEVELOP_CONNECT_OPTIONS });
      track(conn);
      const opened = new Promise<void>((resolve, reject) => {
        conn.once('open', () => resolve());
        conn.once('error', (e) => reject(e instanceof Error ? e : new Error(String(e))));
      });
      return withTimeout(opened, timeoutMs, `stock connect ${id} -> ${remoteId}`);
    },
    send(to, name, data) {
      const conn = common.linkTo(links, to);
      if (conn) sendOn(conn, { eventName: name, data });
    },
    broadcast(name, data) {
      // GDevelop's "trigger event on all peers": one send per connection.
      for (const conn of links.values()) sendOn(conn, { eventName: name, data });
    },
    openPeers: () => [...links.keys()],
    destroy() {
      peer.destroy();
    },
  };
}

// ---------------------------------------------------------------------------
// Raw RTCDataChannel over the PeerJS signaling protocol
// ---------------------------------------------------------------------------

/** Above this many bytes queued in the channel, sends wait for `bufferedamountlow` (Chromium throws past 16 MiB). */
const RAW_HIGH_WATER = 8 * 1024 * 1024;
const RAW_LOW_WATER = 1024 * 1024;
/** Large messages go as binary pieces of this size (under every implementation's max-message-size). */
const RAW_PIECE_BYTES = 64 * 1024;

interface RawLink {
  remoteId: string;
  pc: RTCPeerConnection;
  dc: RTCDataChannel | null;
  open: boolean;
  /** Sends waiting for the channel to drain (or to open). */
  queue: (string | Uint8Array)[];
  /** Candidates that arrived before the remote description. */
  candidates: RTCIceCandidateInit[];
  remoteSet: boolean;
  /** A large message being received: its pieces still expected, and the parts. */
  incoming: { left: number; parts: Uint8Array[]; bytes: number } | null;
  /** rawBatch: the events of the current task, sent as one frame in a microtask. */
  batch: string[];
}

interface SignalMessage {
  type: string;
  src?: string;
  payload?: { sdp?: RTCSessionDescriptionInit; candidate?: RTCIceCandidateInit; connectionId?: string };
}

async function createRawPeer(id: string, broker: BrokerInfo, batching: boolean): Promise<BenchPeer> {
  const common = peerCommon(batching ? 'rawBatch' : 'raw', id);
  const links = new Map<string, RawLink>();
  const openWaiters = new Map<string, () => void>();
  const token = Math.random().toString(36).slice(2);
  const base = broker.path.endsWith('/') ? broker.path : `${broker.path}/`;
  const ws = new WebSocket(`ws://${broker.host}:${broker.port}${base}peerjs?key=${encodeURIComponent(broker.key)}&id=${encodeURIComponent(id)}&token=${token}`);
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  const signal = (type: string, dst: string, payload: unknown): void => {
    if (ws.readyState === 1) ws.send(JSON.stringify({ type, dst, payload }));
  };

  const flush = (link: RawLink): void => {
    const dc = link.dc;
    if (!dc || !link.open) return;
    let sent = 0;
    while (sent < link.queue.length && dc.bufferedAmount <= RAW_HIGH_WATER) {
      const item = link.queue[sent] as string | Uint8Array;
      if (typeof item === 'string') dc.send(item);
      else dc.send(item as Uint8Array<ArrayBuffer>);
      sent += 1;
    }
    if (sent > 0) link.queue.splice(0, sent);
  };

  const deliverText = (link: RawLink, text: string): void => {
    if (text.startsWith('{"lpPieces":')) {
      const left = (JSON.parse(text) as { lpPieces: number }).lpPieces;
      link.incoming = { left, parts: [], bytes: 0 };
      return;
    }
    const parsed = JSON.parse(text) as { eventName: string; data: string } | { eventName: string; data: string }[];
    if (Array.isArray(parsed)) for (const message of parsed) common.deliver(message.eventName, message.data, link.remoteId);
    else common.deliver(parsed.eventName, parsed.data, link.remoteId);
  };

  const onMessage = (link: RawLink, data: unknown): void => {
    try {
      if (typeof data === 'string') {
        deliverText(link, data);
        return;
      }
      const incoming = link.incoming;
      const piece = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
      if (!incoming || !piece) return;
      incoming.parts.push(piece);
      incoming.bytes += piece.byteLength;
      incoming.left -= 1;
      if (incoming.left > 0) return;
      link.incoming = null;
      const whole = new Uint8Array(incoming.bytes);
      let offset = 0;
      for (const part of incoming.parts) {
        whole.set(part, offset);
        offset += part.byteLength;
      }
      deliverText(link, decoder.decode(whole));
    } catch (error) {
      common.error(`raw: bad message from ${link.remoteId}: ${String(error)}`);
    }
  };

  const attachChannel = (link: RawLink, dc: RTCDataChannel): void => {
    link.dc = dc;
    dc.binaryType = 'arraybuffer';
    dc.bufferedAmountLowThreshold = RAW_LOW_WATER;
    dc.onbufferedamountlow = () => flush(link);
    dc.onmessage = (e: MessageEvent) => onMessage(link, e.data);
    dc.onclose = () => {
      link.open = false;
      if (links.get(link.remoteId) === link) links.delete(link.remoteId);
    };
    const markOpen = (): void => {
      if (link.open) return;
      link.open = true;
      flush(link);
      openWaiters.get(link.remoteId)?.();
      openWaiters.delete(link.remoteId);
    };
    dc.onopen = markOpen;
    if (dc.readyState === 'open') markOpen();
  };

  const newLink = (remoteId: string): RawLink => {
    const pc = new RTCPeerConnection({ iceServers: [] });
    const link: RawLink = { remoteId, pc, dc: null, open: false, queue: [], candidates: [], remoteSet: false, incoming: null, batch: [] };
    pc.onicecandidate = (e) => {
      if (e.candidate) signal('CANDIDATE', remoteId, { candidate: e.candidate.toJSON(), connectionId: 'raw' });
    };
    links.set(remoteId, link);
    return link;
  };

  const applyCandidates = async (link: RawLink): Promise<void> => {
    for (const candidate of link.candidates.splice(0)) await link.pc.addIceCandidate(candidate);
  };

  const onSignal = async (message: SignalMessage): Promise<void> => {
    const src = message.src;
    if (!src) return;
    if (message.type === 'OFFER' && message.payload?.sdp) {
      const link = newLink(src);
      link.pc.ondatachannel = (e) => attachChannel(link, e.channel);
      await link.pc.setRemoteDescription(message.payload.sdp);
      const answer = await link.pc.createAnswer();
      await link.pc.setLocalDescription(answer);
      signal('ANSWER', src, { sdp: { type: answer.type, sdp: answer.sdp }, connectionId: 'raw' });
      // Candidates only once both descriptions are set: libdatachannel (Node) has no ICE transport before.
      link.remoteSet = true;
      await applyCandidates(link);
    } else if (message.type === 'ANSWER' && message.payload?.sdp) {
      const link = links.get(src);
      if (!link) return;
      await link.pc.setRemoteDescription(message.payload.sdp);
      link.remoteSet = true;
      await applyCandidates(link);
    } else if (message.type === 'CANDIDATE' && message.payload?.candidate) {
      const link = links.get(src);
      if (!link) return;
      if (link.remoteSet) await link.pc.addIceCandidate(message.payload.candidate);
      else link.candidates.push(message.payload.candidate);
    }
  };

  const opened = new Promise<void>((resolve, reject) => {
    ws.onmessage = (e: MessageEvent) => {
      let message: SignalMessage;
      try {
        message = JSON.parse(String(e.data)) as SignalMessage;
      } catch {
        return;
      }
      if (message.type === 'OPEN') resolve();
      else if (message.type === 'ID-TAKEN' || message.type === 'ERROR') reject(new Error(`raw ${id}: ${message.type}`));
      else onSignal(message).catch((error: unknown) => common.error(`raw signaling: ${String(error)}`));
    };
    ws.onerror = () => reject(new Error(`raw ${id}: WebSocket error`));
  });
  await withTimeout(opened, 15_000, `raw ${id} registration`);
  // The broker drops clients silent for its alive timeout (60 s by default).
  const heartbeat = setInterval(() => {
    if (ws.readyState === 1) ws.send('{"type":"HEARTBEAT"}');
  }, 5_000);

  const flushBatch = (link: RawLink): void => {
    const texts = link.batch;
    link.batch = [];
    if (texts.length === 1) link.queue.push(texts[0] as string);
    else if (texts.length > 1) link.queue.push(`[${texts.join(',')}]`);
    flush(link);
  };

  const sendTo = (link: RawLink, name: string, data: string): void => {
    const text = JSON.stringify({ eventName: name, data });
    if (batching && text.length * 3 <= RAW_PIECE_BYTES) {
      // Bounded by the piece size too, so a batch never needs chunking.
      if (link.batch.length === 0) queueMicrotask(() => flushBatch(link));
      else if ((link.batch.length + 1) * text.length * 3 > RAW_PIECE_BYTES) flushBatch(link);
      link.batch.push(text);
      return;
    }
    if (text.length * 3 <= RAW_PIECE_BYTES) {
      link.queue.push(text);
    } else {
      const bytes = encoder.encode(text);
      const count = Math.ceil(bytes.byteLength / RAW_PIECE_BYTES);
      link.queue.push(`{"lpPieces":${count}}`);
      for (let i = 0; i < count; i += 1) link.queue.push(bytes.subarray(i * RAW_PIECE_BYTES, (i + 1) * RAW_PIECE_BYTES));
    }
    flush(link);
  };

  return {
    ...common.members,
    async connect(remoteId, timeoutMs = 15_000) {
      const existing = links.get(remoteId);
      if (existing?.open) return;
      const link = newLink(remoteId);
      const open = new Promise<void>((resolve) => openWaiters.set(remoteId, resolve));
      attachChannel(link, link.pc.createDataChannel('bench', { ordered: true }));
      const offer = await link.pc.createOffer();
      await link.pc.setLocalDescription(offer);
      signal('OFFER', remoteId, { sdp: { type: offer.type, sdp: offer.sdp }, connectionId: 'raw', type: 'raw' });
      await withTimeout(open, timeoutMs, `raw connect ${id} -> ${remoteId}`);
    },
    send(to, name, data) {
      const link = common.linkTo(links, to);
      if (link) sendTo(link, name, data);
    },
    broadcast(name, data) {
      for (const link of links.values()) if (link.open) sendTo(link, name, data);
    },
    openPeers: () => [...links.values()].filter((l) => l.open).map((l) => l.remoteId),
    destroy() {
      clearInterval(heartbeat);
      for (const link of links.values()) {
        try {
          link.dc?.close();
          link.pc.close();
        } catch {
          // Already closed.
        }
      }
      links.clear();
      ws.close();
    },
  };
}
