/**
 * Coalescing of outgoing events between two LAN Party engines.
 *
 * Why: the cost of a data-channel message is mostly native and per frame
 * (Chromium's `RTCDataChannel.send` on one side, message dispatch on the
 * other: ~30 µs together), while our per-event JavaScript is a few µs. One
 * frame per event caps any implementation near a raw channel's message rate;
 * sending the events of one task as one frame lifts it several times
 * (measured in bench/README.md, "Coalescing").
 *
 * How, without adding latency: the first event queued in a task schedules a
 * microtask that sends everything pending. A microtask runs before the task
 * ends, and `send` only hands the frame to the network thread anyway, so an
 * event leaves no later than it would have alone; what a game sends in one
 * synchronous run (its frame) leaves as one frame. No timer: coalescing never
 * waits for more events.
 *
 * Bounds: a batch is flushed early before it would exceed `MAX_BATCH_BYTES`
 * of UTF-8 text (the size the engine already sends as one unchunked text
 * frame) or when it reaches `MAX_BATCH_EVENTS` events. An event too large for
 * any batch does not go through here: the caller flushes the pending batch
 * (`flush`) and sends it alone, so the order on a link is the send order.
 *
 * Pure logic over an injected sender and scheduler: no WebRTC, unit-tested
 * directly (outbox.test.ts). Only links whose other end declared the `batch`
 * capability ever get here (sends.ts): stock peers never see a batch.
 */
import { CHUNK_MTU } from './connection.js';
import { utf8Length, type WireEvent } from './wire.js';

/** A batch reaching this many events is sent at once. */
export const MAX_BATCH_EVENTS = 1_000;

/** Largest batch frame, UTF-8 bytes: the engine's unchunked text-frame limit (16,300). */
export const MAX_BATCH_BYTES = CHUNK_MTU;

const PREFIX = '{"lp":1,"t":"b","e":[';
const SUFFIX = ']}';
/** Bytes of a batch frame around its entries (ASCII). */
const OVERHEAD = PREFIX.length + SUFFIX.length;

/** Anything outside ASCII: then, and only then, the exact UTF-8 length needs a pass over the text. */
const NON_ASCII = /[\u0080-\uffff]/;

/** One event's entries in a batch (`"name","data"`, JSON-encoded once) and their UTF-8 size. */
export interface Piece {
  readonly text: string;
  readonly bytes: number;
}

/** Encodes an event for a batch; built once per event even when it goes to several links. */
export function encodePiece(event: WireEvent): Piece {
  const text = `${JSON.stringify(event.eventName)},${JSON.stringify(event.data)}`;
  // `text.length` is exact for ASCII (the usual game payload); count exactly only otherwise.
  return { text, bytes: NON_ASCII.test(text) ? utf8Length(text) : text.length };
}

/**
 * True when the event cannot fit a batch whatever its characters (each UTF-16
 * unit is at least one UTF-8 byte, plus the quotes and comma): it then goes
 * alone without being encoded for a batch. For a 1 MiB event that skips a
 * `JSON.stringify` and a scan of the data (2 to 3 ms measured in Node 20).
 */
export function exceedsBatch(event: WireEvent): boolean {
  return event.data.length + event.eventName.length + 5 + OVERHEAD > MAX_BATCH_BYTES;
}

/** True when the event fits in a batch frame on its own; otherwise it must travel alone. */
export function fitsBatch(piece: Piece): boolean {
  return piece.bytes + OVERHEAD <= MAX_BATCH_BYTES;
}

/** The text of a batch frame holding `pieces` (see wire.ts, `parseBatch`). */
export function batchText(pieces: readonly string[]): string {
  return `${PREFIX}${pieces.join(',')}${SUFFIX}`;
}

/** Sends one batch frame on `key`'s link; the sender records failures (one error per frame). */
export type BatchSender<K> = (key: K, text: string, bytes: number, count: number) => void;

interface Pending {
  pieces: string[];
  /** UTF-8 bytes of the frame so far, overhead included. */
  bytes: number;
}

export class Outbox<K> {
  private readonly pending = new Map<K, Pending>();
  private scheduled = false;
  /**
   * The previous flush of this run, so that a broadcast (the same events
   * queued on several links in the same order) builds its text once and
   * sends it per link. Cleared at the end of each run: it never compares
   * across tasks.
   */
  private last: { pieces: readonly string[]; text: string } | null = null;

  constructor(
    private readonly sender: BatchSender<K>,
    // Wrapped: a bare `queueMicrotask` called as a method of this object throws "Illegal invocation" in browsers.
    private readonly schedule: (callback: () => void) => void = (callback) => queueMicrotask(callback),
  ) {}

  /** Queues an event (it must `fitsBatch`) for `key`'s link. */
  add(key: K, piece: Piece): void {
    let pending = this.pending.get(key);
    // Comma before the entry, except for the first one.
    if (pending && pending.bytes + 1 + piece.bytes > MAX_BATCH_BYTES) {
      this.flush(key);
      pending = undefined;
    }
    if (!pending) {
      pending = { pieces: [piece.text], bytes: OVERHEAD + piece.bytes };
      this.pending.set(key, pending);
    } else {
      pending.pieces.push(piece.text);
      pending.bytes += 1 + piece.bytes;
    }
    if (pending.pieces.length >= MAX_BATCH_EVENTS) {
      this.flush(key);
    } else if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => this.flushAll());
    }
  }

  /** Sends what is pending for `key` now (before a large event, before closing the link). */
  flush(key: K): void {
    const pending = this.pending.get(key);
    if (!pending) return;
    // Removed before sending: the sender may record an error whose listener sends again.
    this.pending.delete(key);
    const { pieces } = pending;
    const last = this.last;
    const text = last !== null && samePieces(last.pieces, pieces) ? last.text : batchText(pieces);
    this.last = { pieces, text };
    this.sender(key, text, pending.bytes, pieces.length);
  }

  /** Sends everything pending, link by link (the microtask at the end of a task). */
  flushAll(): void {
    this.scheduled = false;
    try {
      // Bounded: each pass empties a link; events queued by a listener meanwhile wait for the next microtask.
      for (const key of [...this.pending.keys()]) this.flush(key);
    } finally {
      this.last = null;
    }
  }

  /** Forgets what is pending for `key` (its link is gone); returns how many events that was. */
  discard(key: K): number {
    const pending = this.pending.get(key);
    if (!pending) return 0;
    this.pending.delete(key);
    return pending.pieces.length;
  }

  /** Events waiting for `key` (tests and stats). */
  pendingCount(key: K): number {
    return this.pending.get(key)?.pieces.length ?? 0;
  }
}

/** Same entries in the same order (a broadcast's pieces are the same string objects: compared by reference first). */
function samePieces(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}
