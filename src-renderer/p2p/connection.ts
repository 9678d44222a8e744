/**
 * One PeerJS data connection, for every serialization a stock PeerJS
 * 1.4.x/1.5.x client can offer (`binary`, `binary-utf8`, `json`, `raw`, and
 * the `default` alias of `binary`).
 *
 * Why our own DataConnection class (registered through PeerJS's `serializers`
 * option) instead of the stock ones:
 * - the stock classes throw from the message handler on a malformed frame
 *   (BinaryPack or JSON.parse), which surfaces as an uncaught error in the game
 *   and loses the count; here every frame is decoded inside try/catch,
 *   validated, and a bad one is dropped and counted;
 * - stock `json` is not interoperable across versions: 1.4.x sends and expects
 *   TEXT frames, 1.5.x sends and expects BINARY (UTF-8) frames and refuses
 *   messages of 16,300 bytes or more. We read both and answer in the form the
 *   other side understands (1.4.x offers carry a `browser` field, 1.5.x offers
 *   do not; a received frame settles it);
 * - between two LAN Party engines a `binary` connection carries JSON TEXT
 *   frames (native JSON, no BinaryPack, no chunking below 16 KB): stock peers
 *   never send text on a binary connection, so both encodings coexist on the
 *   same ordered channel and a stock peer never sees a text frame from us;
 * - between two engines that both read them (capability `large`), events too
 *   large for one text frame travel as a header and raw UTF-8 pieces of 64 KiB
 *   (large-events.ts) instead of BinaryPack chunks: 0.50x a raw channel before;
 * - chunk reassembly is bounded (size, count of partial messages).
 */
import { BufferedConnection, util } from 'peerjs';
import type { Peer } from 'peerjs';
import { isLargeHeader, largeHeader, LargeReassembly, type LargeResult, splitPieces } from './large-events.js';
import { describe, type ControlMessage, type Decoded, decodeText, decodeValue, encodeControl, MAX_EVENT_DATA_BYTES, MAX_MESSAGE_BYTES, utf8Length, type WireEvent } from './wire.js';

/** Largest frame PeerJS sends unchunked (Firefox to Chrome cuts frames at 16 KiB). */
export const CHUNK_MTU = 16_300;

/** Largest single frame we send on a connection that cannot chunk (json/raw): Chromium's SCTP max-message-size. */
export const MAX_UNCHUNKED_FRAME_BYTES = 256 * 1024;

/** Messages waiting in PeerJS's send buffer (beyond the channel's own 8 MB buffer) before sends are refused. */
export const MAX_SEND_BUFFER_MESSAGES = 50_000;

/** Partial chunked messages kept per connection at once. */
const MAX_PARTIAL_MESSAGES = 16;

export type Serialization = 'binary' | 'binary-utf8' | 'json' | 'raw';

/** Receives every decoded frame; `bytes` is the frame's size on the wire. */
export type FrameSink = (decoded: Decoded, bytes: number) => void;

export type SendResult = { ok: true; bytes: number } | { ok: false; code: 'send-failed' | 'too-large'; error: string };

/**
 * What the engine needs from a data connection. `LanConnection` is the real
 * one; unit tests drive the engine with fakes of this shape (no WebRTC in Node).
 */
export interface EngineConnection {
  readonly peer: string;
  readonly metadata: unknown;
  readonly serialization: string;
  remoteIsEngine: boolean;
  /** The other end (an engine) declared `large`: events too large for a text frame go as raw pieces (large-events.ts). */
  largePieces?: boolean;
  sink: FrameSink | null;
  /**
   * Called for EVERY frame that arrives, including chunks consumed into a
   * message still being reassembled: proof the peer is alive. Without it a
   * large message taking longer than the heartbeat timeout to arrive (its
   * chunks queued ahead of the pings) made a busy link look silent.
   */
  activity: (() => void) | null;
  readonly peerConnection?: RTCPeerConnection | null;
  sendEvent(event: WireEvent): SendResult;
  sendControl(control: ControlMessage): SendResult;
  /** Sends a batch frame's text (built by outbox.ts; `bytes` is its UTF-8 size, already bounded). */
  sendBatch(text: string, bytes: number, count: number): SendResult;
  close(): void;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- PeerJS's typed emitter, seen loosely
  on(event: 'open' | 'close' | 'error' | 'iceStateChanged', listener: (...args: any[]) => void): unknown;
}

/** Duck-typed check of what PeerJS hands us (a LanConnection, or a test fake). */
export function isEngineConnection(value: unknown): value is EngineConnection {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.peer === 'string' && typeof v.sendEvent === 'function' && typeof v.sendControl === 'function' && typeof v.on === 'function' && typeof v.close === 'function';
}

interface Partial {
  parts: (Uint8Array | undefined)[];
  count: number;
  total: number;
  bytes: number;
}

interface ConnectOptions {
  serialization?: unknown;
  _payload?: { browser?: unknown } | undefined;
}

function normalizeSerialization(value: unknown): Serialization {
  if (value === 'json' || value === 'raw' || value === 'binary-utf8') return value;
  // 'binary', 'default' (PeerJS's alias) and anything unknown are BinaryPack.
  return 'binary';
}

function toUint8(value: unknown): Uint8Array | null {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return null;
}

export class LanConnection extends BufferedConnection {
  override readonly serialization: Serialization;
  /** Where decoded frames go (set by the engine as soon as it sees the connection). */
  sink: FrameSink | null = null;
  activity: (() => void) | null = null;
  /** The other end is a LAN Party engine: control messages are honoured and we send text frames. */
  remoteIsEngine = false;
  largePieces = false;
  /** `json` only: the remote speaks text frames (PeerJS 1.4.x) rather than UTF-8 binary frames (1.5.x). */
  private jsonText: boolean;
  private readonly partials = new Map<number, Partial>();
  /** Large events from an engine (binary connections only): one at a time, bounded by the event data limit. */
  private readonly large = new LargeReassembly();
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private readonly encoder = new TextEncoder();

  // PeerJS instantiates serializer classes with exactly these arguments.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  constructor(peerId: string, provider: Peer, options: any) {
    super(peerId, provider, options);
    const opts = (options ?? {}) as ConnectOptions;
    this.serialization = normalizeSerialization(opts.serialization);
    this.jsonText = opts._payload !== undefined && opts._payload !== null && 'browser' in opts._payload;
  }

  /** Bytes of a received frame, before decoding. */
  private static frameBytes(data: unknown): number {
    if (typeof data === 'string') return utf8Length(data);
    if (data instanceof ArrayBuffer) return data.byteLength;
    if (ArrayBuffer.isView(data)) return data.byteLength;
    return 0;
  }

  protected override _handleDataMessage(e: MessageEvent): void {
    this.activity?.();
    const data: unknown = e.data;
    const bytes = LanConnection.frameBytes(data);
    let decoded: Decoded | null;
    try {
      decoded = this.decodeFrame(data, bytes);
    } catch (error) {
      decoded = { kind: 'invalid', reason: `undecodable frame (${describe(error)})` };
    }
    if (decoded) this.deliver(decoded, bytes);
  }

  private deliver(decoded: Decoded, bytes: number): void {
    try {
      this.sink?.(decoded, bytes);
    } catch (error) {
      // The sink is the engine; a bug there must not kill the channel's message loop.
      console.error('LAN Party P2P: frame handler failed', error);
    }
  }

  /** Returns null when the frame was consumed internally (a chunk, a close request). */
  private decodeFrame(data: unknown, bytes: number): Decoded | null {
    if (bytes > MAX_MESSAGE_BYTES + 1024) return { kind: 'invalid', reason: `frame of ${bytes} bytes is too large` };
    if (typeof data === 'string') {
      if (this.serialization === 'json') this.jsonText = true;
      // A sender never puts anything between a large event's header and its last piece.
      const interrupted = this.large.interrupt();
      if (interrupted) this.deliverLarge(interrupted);
      if (isLargeHeader(data) && (this.serialization === 'binary' || this.serialization === 'binary-utf8')) {
        this.deliverLarge(this.large.header(data));
        return null;
      }
      return this.decodeTextValue(data);
    }
    const buffer = toUint8(data);
    if (!buffer) return { kind: 'invalid', reason: 'unsupported frame type' };
    if (this.large.active) {
      this.deliverLarge(this.large.piece(buffer));
      return null;
    }
    if (this.serialization === 'json' || this.serialization === 'raw') {
      if (this.serialization === 'json') this.jsonText = false;
      let text: string;
      try {
        text = this.decoder.decode(buffer);
      } catch {
        return { kind: 'invalid', reason: 'not UTF-8' };
      }
      return this.decodeTextValue(text);
    }
    // binary / binary-utf8: BinaryPack.
    const ab = buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength ? buffer.buffer : buffer.slice().buffer;
    const value: unknown = util.unpack(ab as ArrayBuffer);
    return this.handleUnpacked(value);
  }

  /** Hands a large event's outcome to the sink (a piece still pending: nothing). */
  private deliverLarge(result: LargeResult): void {
    if (result.kind === 'event') this.deliver({ kind: 'event', event: result.event }, result.bytes);
    else if (result.kind === 'invalid') this.deliver(result, 0);
  }

  private decodeTextValue(text: string): Decoded | null {
    // Stock peers never send text frames on a binary connection: there, text frames are an engine's
    // (events and control). On json/raw, text is the norm and control needs the engine metadata.
    const allowControl = this.remoteIsEngine || this.serialization === 'binary' || this.serialization === 'binary-utf8';
    const decoded = decodeText(text, allowControl);
    if (decoded.kind === 'invalid' && this.isPeerJsClose(safeParse(text))) {
      this.close();
      return null;
    }
    return decoded;
  }

  /** PeerJS 1.5 `close({ flush: true })` sends `{ __peerData: { type: 'close' } }`. */
  private isPeerJsClose(value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    const peerData = (value as { __peerData?: unknown }).__peerData;
    return typeof peerData === 'object' && peerData !== null && (peerData as { type?: unknown }).type === 'close';
  }

  private handleUnpacked(value: unknown): Decoded | null {
    if (typeof value === 'object' && value !== null && '__peerData' in value) {
      if (this.isPeerJsClose(value)) {
        this.close();
        return null;
      }
      return this.handleChunk(value as Record<string, unknown>);
    }
    // BinaryPack frames come from stock peers (or an engine's large message): events only.
    return decodeValue(value, false);
  }

  /** PeerJS chunks: `{ __peerData: id, n, total, data }`, reassembled within bounds. */
  private handleChunk(chunk: Record<string, unknown>): Decoded | null {
    const { __peerData: id, n, total } = chunk;
    const part = toUint8(chunk.data);
    const maxChunks = Math.ceil((MAX_MESSAGE_BYTES + 1024) / CHUNK_MTU);
    if (
      typeof id !== 'number' ||
      !Number.isInteger(n) ||
      !Number.isInteger(total) ||
      (total as number) < 1 ||
      (total as number) > maxChunks ||
      (n as number) < 0 ||
      (n as number) >= (total as number) ||
      !part
    ) {
      return { kind: 'invalid', reason: 'malformed chunk' };
    }
    let partial = this.partials.get(id);
    if (!partial) {
      if (this.partials.size >= MAX_PARTIAL_MESSAGES) {
        // Drop the oldest partial message: a peer that never finishes one must not pin memory.
        const oldest = this.partials.keys().next().value;
        if (oldest !== undefined) this.partials.delete(oldest);
      }
      partial = { parts: [], count: 0, total: total as number, bytes: 0 };
      this.partials.set(id, partial);
    }
    if (partial.total !== total || partial.parts[n as number] !== undefined) {
      this.partials.delete(id);
      return { kind: 'invalid', reason: 'inconsistent chunk' };
    }
    partial.parts[n as number] = part;
    partial.count += 1;
    partial.bytes += part.byteLength;
    if (partial.bytes > MAX_MESSAGE_BYTES + 1024) {
      this.partials.delete(id);
      return { kind: 'invalid', reason: 'chunked message is too large' };
    }
    if (partial.count < partial.total) return null;
    this.partials.delete(id);
    const whole = new Uint8Array(partial.bytes);
    let offset = 0;
    for (const p of partial.parts) {
      if (!p) return { kind: 'invalid', reason: 'missing chunk' };
      whole.set(p, offset);
      offset += p.byteLength;
    }
    const value: unknown = util.unpack(whole.buffer);
    if (typeof value === 'object' && value !== null && '__peerData' in value) {
      return { kind: 'invalid', reason: 'nested chunk' };
    }
    return decodeValue(value, false);
  }

  // ---------------------------------------------------------------------------
  // Sending
  // ---------------------------------------------------------------------------

  /** Sends a game event in the form the other end understands. Never throws. */
  sendEvent(event: WireEvent): SendResult {
    if (!this.open || !this.dataChannel) return { ok: false, code: 'send-failed', error: `Connection to ${this.peer} is not open` };
    if (this.bufferSize >= MAX_SEND_BUFFER_MESSAGES) {
      return { ok: false, code: 'send-failed', error: `Send buffer to ${this.peer} is full (${MAX_SEND_BUFFER_MESSAGES} messages): event "${event.eventName}" dropped` };
    }
    try {
      if (this.serialization === 'json' || this.serialization === 'raw') {
        const text = JSON.stringify({ eventName: event.eventName, data: event.data });
        const bytes = utf8Length(text);
        if (bytes > MAX_UNCHUNKED_FRAME_BYTES) {
          return { ok: false, code: 'too-large', error: `Event "${event.eventName}" is too large for a ${this.serialization} connection (${bytes} bytes)` };
        }
        // raw: a stock peer on `raw` receives exactly this JSON text.
        if (this.serialization === 'raw' || this.jsonText) this._bufferedSend(text as unknown as ArrayBuffer);
        else this._bufferedSend(this.encoder.encode(text).buffer);
        return { ok: true, bytes };
      }
      if (this.remoteIsEngine) {
        // Each UTF-16 unit is at least one byte: longer data cannot fit a text frame, skip building its text.
        if (event.data.length <= CHUNK_MTU) {
          const text = JSON.stringify({ eventName: event.eventName, data: event.data });
          const bytes = text.length <= CHUNK_MTU ? utf8Length(text) : Number.POSITIVE_INFINITY;
          if (bytes <= CHUNK_MTU) {
            this._bufferedSend(text as unknown as ArrayBuffer);
            return { ok: true, bytes };
          }
        }
        if (this.largePieces) return this.sendLarge(event);
      }
      const packed = util.pack({ eventName: event.eventName, data: event.data });
      if (packed instanceof Promise) return { ok: false, code: 'send-failed', error: 'internal: BinaryPack returned a promise for a string message' };
      const buffer = packed as ArrayBuffer;
      if (buffer.byteLength <= CHUNK_MTU) {
        this._bufferedSend(buffer);
      } else {
        for (const chunk of util.chunk(buffer)) {
          const piece = util.pack(chunk as unknown as Parameters<typeof util.pack>[0]);
          if (piece instanceof Promise) return { ok: false, code: 'send-failed', error: 'internal: BinaryPack returned a promise for a chunk' };
          this._bufferedSend(piece as ArrayBuffer);
        }
      }
      return { ok: true, bytes: buffer.byteLength };
    } catch (error) {
      return { ok: false, code: 'send-failed', error: `Could not send event "${event.eventName}" to ${this.peer}: ${describe(error)}` };
    }
  }

  /**
   * A large event to an engine that reads them (large-events.ts): the header,
   * then every piece, in one synchronous run so nothing comes between them.
   */
  private sendLarge(event: WireEvent): SendResult {
    const data = this.encoder.encode(event.data);
    if (data.byteLength > MAX_EVENT_DATA_BYTES) {
      return { ok: false, code: 'too-large', error: `Event "${event.eventName}" is too large (data limit ${MAX_EVENT_DATA_BYTES} bytes of UTF-8)` };
    }
    const header = largeHeader(event.eventName, data.byteLength);
    this._bufferedSend(header as unknown as ArrayBuffer);
    // Views of one buffer: RTCDataChannel.send copies each into the network thread.
    for (const piece of splitPieces(data)) this._bufferedSend(piece as unknown as ArrayBuffer);
    return { ok: true, bytes: header.length + data.byteLength };
  }

  /**
   * Sends a batch of events as one JSON text frame (only ever to an engine
   * that declared the `batch` capability). The send buffer bound applies per
   * frame, as for single events.
   */
  sendBatch(text: string, bytes: number, count: number): SendResult {
    if (!this.open || !this.dataChannel) return { ok: false, code: 'send-failed', error: `Connection to ${this.peer} is not open: ${count} events not sent` };
    if (this.bufferSize >= MAX_SEND_BUFFER_MESSAGES) {
      return { ok: false, code: 'send-failed', error: `Send buffer to ${this.peer} is full (${MAX_SEND_BUFFER_MESSAGES} messages): ${count} events dropped` };
    }
    try {
      this._bufferedSend(text as unknown as ArrayBuffer);
      return { ok: true, bytes };
    } catch (error) {
      return { ok: false, code: 'send-failed', error: `Could not send ${count} events to ${this.peer}: ${describe(error)}` };
    }
  }

  /** Sends a control message (only ever to another engine). */
  sendControl(control: ControlMessage): SendResult {
    if (!this.open || !this.dataChannel) return { ok: false, code: 'send-failed', error: `Connection to ${this.peer} is not open` };
    try {
      const text = encodeControl(control);
      this._bufferedSend(text as unknown as ArrayBuffer);
      return { ok: true, bytes: text.length };
    } catch (error) {
      return { ok: false, code: 'send-failed', error: `Could not send a heartbeat to ${this.peer}: ${describe(error)}` };
    }
  }

  /** PeerJS's own DataConnection.send, for completeness: routes through our encoder. */
  protected override _send(data: unknown): void {
    // Only PeerJS itself calls this (close with flush); games use sendEvent.
    if (typeof data === 'object' && data !== null && 'eventName' in data) {
      this.sendEvent(data as WireEvent);
      return;
    }
    try {
      const packed = this.serialization === 'binary' || this.serialization === 'binary-utf8' ? util.pack(data as Parameters<typeof util.pack>[0]) : JSON.stringify(data);
      if (!(packed instanceof Promise)) this._bufferedSend(packed as ArrayBuffer);
    } catch {
      // Nothing sensible to report: PeerJS internals only.
    }
  }

  override close(options?: { flush?: boolean }): void {
    this.partials.clear();
    this.large.reset();
    try {
      super.close(options);
    } catch (error) {
      // Closing must never throw into the game (PeerJS touches a torn-down RTCPeerConnection here).
      console.error('LAN Party P2P: error while closing a connection', error);
    }
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
