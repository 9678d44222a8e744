/**
 * Network conditioning of one direction of one data channel: when each
 * message may pass, or that it never does. Pure logic over an explicit clock
 * and an injected random source (the agent passes `performance.now()` and
 * `Math.random`); the page glue (conditioning.ts) holds the messages and
 * sends or re-dispatches them when `take()` returns them.
 *
 * The model, per message pushed at `now` (figures from NetworkConditions):
 * - delay = latency ± uniform jitter (never below 0) + a lag spike in force;
 * - bandwidth cap: the message occupies the wire for bytes × 8 / kbit/s ms
 *   after the previous one left it (serialization delay), then the delay;
 * - loss: an unreliable channel drops the message; a lossless one (no
 *   retransmit limit) never does: each loss costs a retransmission timeout
 *   (retransmitDelayMs: one round trip of the set latency plus
 *   RETRANSMIT_FLOOR_MS, as SCTP floors its timeout), and on an ordered
 *   channel every later message waits behind it (head-of-line blocking);
 * - ordered channels never reorder (a message never passes before the one
 *   pushed before it); unordered ones may, by jitter, as on a real network;
 * - a cut: nothing passes. Unreliable messages are dropped (new ones at once,
 *   queued ones when they fall due); lossless ones are held and pass after
 *   the restore, within the byte bound.
 *
 * Bounded in bytes (maxQueuedBytes, per direction of each channel). Past the
 * bound: an unreliable message is dropped (tail drop, as a full router queue
 * does); a lossless message cannot be dropped, so the conditioning gives up
 * holding: everything queued falls due now, in order (counted in `flushes`);
 * during a cut there is no "now", so it is dropped (counted in `overflowed`),
 * as a real sender's buffer overflows behind a pulled cable.
 *
 * With no conditions in force and nothing queued, push() answers 'now': the
 * caller sends synchronously and the queue costs nothing more.
 */
import type { NetworkConditions } from '../../src-preload/network-conditions.js';

/** SCTP implementations floor their retransmission timeout at a few hundred ms; the model uses 200 ms. */
export const RETRANSMIT_FLOOR_MS = 200;
/** A lossless message lost this many times in a row still passes (the loss draw is not repeated past it). */
export const MAX_RETRANSMITS = 8;
/** Default bound per direction of each channel: what a browser's own data-channel send buffer holds (16 MiB). */
export const DEFAULT_MAX_QUEUED_BYTES = 16 * 1024 * 1024;

export interface ChannelKind {
  /** Messages arrive in the order sent. */
  ordered: boolean;
  /** No retransmit limit: nothing is lost, a loss only delays. */
  lossless: boolean;
}

/** What is in force when a message is pushed. */
export interface QueueSettings {
  conditions: NetworkConditions;
  /** Added delay of a lag spike in force now, ms (0 when none). */
  spikeMs: number;
  cut: boolean;
}

export type PushOutcome = 'now' | 'queued' | 'lost' | 'dropped';

export interface QueueCounters {
  /** Unreliable messages lost to the loss rate. */
  lost: number;
  /** Messages dropped by a cut, or past the byte bound. */
  dropped: number;
  /** Lossless messages dropped past the byte bound during a cut. */
  overflowed: number;
  /** Times the byte bound made the queue deliver everything at once (lossless, not cut). */
  flushes: number;
  /** Lossless messages that were lost at least once (and delayed by a retransmission). */
  retransmitted: number;
}

interface Held<T> {
  item: T;
  bytes: number;
  due: number;
}

export function noConditions(c: NetworkConditions): boolean {
  return c.latencyMs === 0 && c.jitterMs === 0 && c.lossPct === 0 && c.bandwidthKbps === null;
}

export function retransmitDelayMs(c: NetworkConditions): number {
  return 2 * c.latencyMs + RETRANSMIT_FLOOR_MS;
}

export class ConditionQueue<T> {
  private held: Held<T>[] = [];
  private head = 0;
  private queuedBytes = 0;
  /** When the wire is free again under a bandwidth cap. */
  private wireFreeAt = -Infinity;
  /** Latest due time handed out (ordered channels never deliver before it). */
  private lastDue = -Infinity;
  readonly counters: QueueCounters = { lost: 0, dropped: 0, overflowed: 0, flushes: 0, retransmitted: 0 };

  constructor(
    private readonly kind: ChannelKind,
    private readonly random: () => number,
    private readonly maxQueuedBytes: number = DEFAULT_MAX_QUEUED_BYTES,
  ) {}

  get size(): number {
    return this.held.length - this.head;
  }

  get bytes(): number {
    return this.queuedBytes;
  }

  /** When the first held message falls due, or null when none is held. */
  nextDue(): number | null {
    return this.size > 0 ? (this.held[this.head] as Held<T>).due : null;
  }

  push(now: number, item: T, bytes: number, settings: QueueSettings): PushOutcome {
    const c = settings.conditions;
    if (!settings.cut && settings.spikeMs <= 0 && noConditions(c) && this.size === 0) return 'now';
    if (settings.cut && !this.kind.lossless) {
      this.counters.dropped += 1;
      return 'dropped';
    }
    let extra = 0;
    if (c.lossPct > 0) {
      const p = c.lossPct / 100;
      if (!this.kind.lossless) {
        if (this.random() < p) {
          this.counters.lost += 1;
          return 'lost';
        }
      } else {
        let losses = 0;
        while (losses < MAX_RETRANSMITS && this.random() < p) losses += 1;
        if (losses > 0) this.counters.retransmitted += 1;
        extra = losses * retransmitDelayMs(c);
      }
    }
    let leaves = now;
    if (c.bandwidthKbps !== null && c.bandwidthKbps > 0) {
      // kbit/s = bits per ms.
      leaves = Math.max(now, this.wireFreeAt) + (bytes * 8) / c.bandwidthKbps;
      this.wireFreeAt = leaves;
    }
    const jitter = c.jitterMs > 0 ? (2 * this.random() - 1) * c.jitterMs : 0;
    let due = leaves + Math.max(0, c.latencyMs + jitter) + Math.max(0, settings.spikeMs) + extra;
    if (this.kind.ordered) due = Math.max(due, this.lastDue);
    if (this.queuedBytes + bytes > this.maxQueuedBytes) {
      if (!this.kind.lossless) {
        this.counters.dropped += 1;
        return 'dropped';
      }
      if (settings.cut) {
        this.counters.overflowed += 1;
        return 'dropped';
      }
      // Give up holding: everything queued, and this message, falls due now, in order.
      this.counters.flushes += 1;
      for (let i = this.head; i < this.held.length; i += 1) (this.held[i] as Held<T>).due = now;
      due = now;
      this.lastDue = now;
      this.wireFreeAt = now;
    }
    this.lastDue = Math.max(this.lastDue, due);
    this.insert({ item, bytes, due });
    return 'queued';
  }

  private insert(entry: Held<T>): void {
    this.queuedBytes += entry.bytes;
    const held = this.held;
    let i = held.length;
    // Ordered: due times only grow, so this is an append. Unordered: a short walk back (jitter reorders locally).
    while (i > this.head && (held[i - 1] as Held<T>).due > entry.due) i -= 1;
    if (i === held.length) held.push(entry);
    else held.splice(i, 0, entry);
  }

  /**
   * The messages that pass at `now`, in delivery order. During a cut none
   * pass: unreliable ones that fall due are dropped, lossless ones stay held.
   */
  take(now: number, cut: boolean): T[] {
    const out: T[] = [];
    const held = this.held;
    if (cut) {
      if (!this.kind.lossless) {
        while (this.head < held.length && (held[this.head] as Held<T>).due <= now) {
          this.queuedBytes -= (held[this.head] as Held<T>).bytes;
          this.head += 1;
          this.counters.dropped += 1;
        }
      }
    } else {
      while (this.head < held.length && (held[this.head] as Held<T>).due <= now) {
        const entry = held[this.head] as Held<T>;
        this.queuedBytes -= entry.bytes;
        this.head += 1;
        out.push(entry.item);
      }
    }
    if (this.head === held.length) {
      this.held = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > held.length) {
      this.held = held.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  /** Everything held, in order, emptying the queue (a closed channel: the caller discards it). */
  clear(): T[] {
    const out = this.held.slice(this.head).map((entry) => entry.item);
    this.held = [];
    this.head = 0;
    this.queuedBytes = 0;
    return out;
  }
}
