/**
 * Large events between two LAN Party engines: the event's data as UTF-8 bytes
 * (`TextEncoder`) in binary pieces of 64 KiB, after one small JSON text header
 * naming the event and the byte count; the receiver copies the pieces into one
 * buffer allocated at the header and decodes it once (`TextDecoder`). Pure: no
 * WebRTC (connection.ts sends and feeds it).
 *
 * Why (bench/README.md, "Large payloads"): as BinaryPack chunks of 16,300
 * bytes a 1 MiB event travelled at 12.6 MB/s, 0.50x a raw `RTCDataChannel`;
 * the receiver spent most of its time in garbage collection (1.1 s per 8 MiB)
 * and BinaryPack's JavaScript string decoding, the sender in
 * `concatArrayBuffers` and a JavaScript UTF-8 pass. Here every byte is handled
 * by native code: one encode, one copy per piece, one decode; and the data is
 * not JSON-escaped (the name travels in the header), so nothing is parsed but
 * the header.
 *
 * Wire format, only on a `binary` connection toward an engine that declared
 * the `large` capability (stock peers and older engines keep BinaryPack):
 *   text frame   {"lp":1,"t":"L","n":<event name>,"b":<data bytes>}
 *   then exactly ceil(b / 64 KiB) binary frames holding the data's bytes.
 * The sender hands the header and all the pieces to the channel in one
 * synchronous run, so on the ordered channel nothing comes between them; a
 * receiver that sees anything else before the last piece drops the message.
 *
 * Bounds: a header may declare at most `maxBytes` (the event data limit,
 * 1 MiB); that many bytes are allocated and no more are accepted; one message
 * is reassembled at a time per connection (a new header drops an unfinished
 * one), so a peer can pin at most one declared size per connection. Every
 * malformed header or piece is dropped and counted (`dropped`), never thrown.
 */
import { MAX_EVENT_DATA_BYTES, MAX_EVENT_NAME_LENGTH, type WireEvent } from './wire.js';

/** Capability an engine declares when it reads large events in this format. */
export const LARGE_CAP = 'large';

/** Bytes per piece: what the raw baseline sends, under every implementation's max-message-size (Chromium 256 KiB). */
export const PIECE_BYTES = 64 * 1024;

/** Every header starts with exactly this (our encoder writes the keys in this order). */
export const LARGE_HEADER_PREFIX = '{"lp":1,"t":"L",';

/** Longest header text accepted (a 256-character name, JSON-escaped at worst 6 characters each, and the count). */
const MAX_HEADER_LENGTH = LARGE_HEADER_PREFIX.length + MAX_EVENT_NAME_LENGTH * 6 + 64;

export interface LargeLimits {
  /** Most data bytes a header may declare. */
  readonly maxBytes: number;
  /** Largest piece accepted. */
  readonly maxPieceBytes: number;
}

export const DEFAULT_LARGE_LIMITS: LargeLimits = { maxBytes: MAX_EVENT_DATA_BYTES, maxPieceBytes: PIECE_BYTES };

/** The header text of a large event whose data is `bytes` UTF-8 bytes. */
export function largeHeader(eventName: string, bytes: number): string {
  return `${LARGE_HEADER_PREFIX}"n":${JSON.stringify(eventName)},"b":${bytes}}`;
}

/** True when a text frame is (or claims to be) a large-event header. */
export function isLargeHeader(text: string): boolean {
  return text.startsWith(LARGE_HEADER_PREFIX);
}

/** The data's bytes cut into pieces: views of `data`, never copies. */
export function splitPieces(data: Uint8Array, pieceBytes: number = PIECE_BYTES): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  for (let offset = 0; offset < data.byteLength; offset += pieceBytes) pieces.push(data.subarray(offset, offset + pieceBytes));
  return pieces;
}

export type LargeResult =
  /** Consumed; the message is not complete yet. */
  | { kind: 'pending' }
  /** The last piece arrived: the event, and its size on the wire (header and data). */
  | { kind: 'event'; event: WireEvent; bytes: number }
  | { kind: 'invalid'; reason: string };

interface Assembly {
  readonly eventName: string;
  readonly buffer: Uint8Array;
  readonly headerBytes: number;
  filled: number;
}

const PENDING: LargeResult = { kind: 'pending' };

/** Reassembles the large events of one connection, one at a time. */
export class LargeReassembly {
  private current: Assembly | null = null;
  /** Malformed headers and pieces, and messages dropped unfinished. */
  dropped = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(private readonly limits: LargeLimits = DEFAULT_LARGE_LIMITS) {}

  /** True while a message's pieces are expected: the connection's next binary frames are pieces. */
  get active(): boolean {
    return this.current !== null;
  }

  /** Bytes held for the message being reassembled (its declared size). */
  get heldBytes(): number {
    return this.current?.buffer.byteLength ?? 0;
  }

  /**
   * A header text frame. An unfinished message is dropped first: call
   * `interrupt` before, to report it (the connection does).
   */
  header(text: string): LargeResult {
    this.current = null;
    if (text.length > MAX_HEADER_LENGTH) return this.invalid('large-event header is too long');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return this.invalid('large-event header is not JSON');
    }
    const { n, b } = value as { n?: unknown; b?: unknown };
    if (typeof n !== 'string' || n.length === 0 || n.length > MAX_EVENT_NAME_LENGTH) return this.invalid('large-event header: bad event name');
    if (typeof b !== 'number' || !Number.isInteger(b) || b < 1 || b > this.limits.maxBytes) {
      return this.invalid(`large-event header: size outside 1..${this.limits.maxBytes} bytes`);
    }
    this.current = { eventName: n, buffer: new Uint8Array(b), headerBytes: text.length, filled: 0 };
    return PENDING;
  }

  /** A binary frame while `active`: the next piece of the data. */
  piece(bytes: Uint8Array): LargeResult {
    const current = this.current;
    if (!current) return this.invalid('large-event piece without a header');
    const remaining = current.buffer.byteLength - current.filled;
    if (bytes.byteLength === 0 || bytes.byteLength > this.limits.maxPieceBytes || bytes.byteLength > remaining) {
      this.current = null;
      return this.invalid(`large-event piece of ${bytes.byteLength} bytes does not fit (${remaining} bytes expected)`);
    }
    current.buffer.set(bytes, current.filled);
    current.filled += bytes.byteLength;
    if (current.filled < current.buffer.byteLength) return PENDING;
    this.current = null;
    let data: string;
    try {
      data = this.decoder.decode(current.buffer);
    } catch {
      return this.invalid('large event is not UTF-8');
    }
    return { kind: 'event', event: { eventName: current.eventName, data }, bytes: current.headerBytes + current.buffer.byteLength };
  }

  /**
   * Another frame arrived while a message was unfinished (a sender never
   * interleaves): the message is dropped and reported. Null when none was.
   */
  interrupt(): LargeResult | null {
    if (!this.current) return null;
    const { filled, buffer } = this.current;
    this.current = null;
    return this.invalid(`large event interrupted after ${filled} of ${buffer.byteLength} bytes`);
  }

  /** The connection closed: forget the unfinished message (not counted: nothing was wrong with it). */
  reset(): void {
    this.current = null;
  }

  private invalid(reason: string): LargeResult {
    this.dropped += 1;
    return { kind: 'invalid', reason };
  }
}
