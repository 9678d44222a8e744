/**
 * The frame model of the P2P API (spec: "Frame model", "Conditions",
 * "Expressions"): per event name a queue of `{ data, sender }`, a queue of
 * newly connected peers, one of disconnected peers, and the error flag.
 * `endFrame()` drops the head of every queue, so each item is visible for
 * exactly one frame.
 *
 * Pure and synchronous (no timers, no WebRTC) so every row of the spec tables
 * is unit-tested under Node. The engine feeds it; games read it.
 */
import { ErrorLog, type P2PErrorEntry } from './errors.js';

export interface QueuedEvent {
  data: string;
  sender: string;
}

export interface FrameLimits {
  /** Items kept per event name without data loss. Generous: 60 items a second for half an hour. */
  maxQueuePerEvent: number;
  /** Distinct event names kept at once: names come from remote peers, so they are bounded too. */
  maxEventNames: number;
  /** Items kept in each of the connected/disconnected peer queues. */
  maxPeerQueue: number;
  /** Entries kept in the error log. */
  errorLogCapacity: number;
}

export const DEFAULT_FRAME_LIMITS: FrameLimits = {
  maxQueuePerEvent: 100_000,
  maxEventNames: 1_024,
  maxPeerQueue: 10_000,
  errorLogCapacity: 100,
};

/**
 * What happened to a pushed item. `error` is set when the engine must record
 * an error (only on the first overflow of an episode, so a flood does not
 * flush the error log).
 */
export interface PushResult {
  outcome: 'queued' | 'replaced' | 'dropped';
  error?: string;
}

/**
 * A FIFO with O(1) amortised shift: a burst of 100k items drained one per
 * frame must not cost O(n) per frame as `Array.shift` would.
 */
class Fifo<T> {
  private items: T[] = [];
  private start = 0;

  get length(): number {
    return this.items.length - this.start;
  }

  push(item: T): void {
    this.items.push(item);
  }

  head(): T | undefined {
    return this.length > 0 ? this.items[this.start] : undefined;
  }

  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const item = this.items[this.start];
    this.start += 1;
    if (this.start === this.items.length) {
      this.items = [];
      this.start = 0;
    } else if (this.start >= 1024 && this.start * 2 >= this.items.length) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
    return item;
  }

  /** Keeps only the newest item. */
  keepNewest(): void {
    if (this.length <= 1) return;
    this.items = this.items.slice(-1);
    this.start = 0;
  }

  replaceAll(item: T): void {
    this.items = [item];
    this.start = 0;
  }

  drain(): T[] {
    const out = this.items.slice(this.start);
    this.items = [];
    this.start = 0;
    return out;
  }
}

interface EventQueue {
  items: Fifo<QueuedEvent>;
  /** undefined until the game first evaluates "Event triggered" for this name: then no loss. */
  dataLoss: boolean | undefined;
  /** Set while the queue is full, so only the first overflow of an episode records an error. */
  overflowing: boolean;
  /** Items dropped because the queue was full (not counting data-loss overwrites, which are by design). */
  dropped: number;
}

export class FrameState {
  private readonly events = new Map<string, EventQueue>();
  private readonly connected = new Fifo<string>();
  private readonly disconnected = new Fifo<string>();
  private connectedOverflowing = false;
  private disconnectedOverflowing = false;
  private namesOverflowing = false;
  readonly errors: ErrorLog;
  private readonly limits: FrameLimits;

  constructor(limits: Partial<FrameLimits> = {}) {
    this.limits = { ...DEFAULT_FRAME_LIMITS, ...limits };
    this.errors = new ErrorLog(this.limits.errorLogCapacity);
  }

  // -------------------------------------------------------------------------
  // Feeding (the engine)
  // -------------------------------------------------------------------------

  /** An event arrived from `sender`. */
  pushEvent(name: string, data: string, sender: string): PushResult {
    let queue = this.events.get(name);
    if (!queue) {
      if (this.events.size >= this.limits.maxEventNames) {
        if (this.namesOverflowing) return { outcome: 'dropped' };
        this.namesOverflowing = true;
        return {
          outcome: 'dropped',
          error: `Too many distinct event names (${this.limits.maxEventNames}): dropped event "${name}" from ${sender}`,
        };
      }
      queue = { items: new Fifo(), dataLoss: undefined, overflowing: false, dropped: 0 };
      this.events.set(name, queue);
    }
    const item: QueuedEvent = { data, sender };
    if (queue.dataLoss === true && queue.items.length > 0) {
      // Data loss allowed: the queue holds only the newest item.
      queue.items.replaceAll(item);
      return { outcome: 'replaced' };
    }
    if (queue.items.length >= this.limits.maxQueuePerEvent) {
      queue.dropped += 1;
      if (queue.overflowing) return { outcome: 'dropped' };
      queue.overflowing = true;
      return {
        outcome: 'dropped',
        error: `Event queue "${name}" is full (${this.limits.maxQueuePerEvent} items): dropping new events until the game catches up`,
      };
    }
    queue.items.push(item);
    return { outcome: 'queued' };
  }

  /** A peer connected (the frame condition only counts incoming connections: the engine decides). */
  pushConnected(peerId: string): PushResult {
    if (this.connected.length >= this.limits.maxPeerQueue) {
      if (this.connectedOverflowing) return { outcome: 'dropped' };
      this.connectedOverflowing = true;
      return { outcome: 'dropped', error: `Connected-peers queue is full (${this.limits.maxPeerQueue}): dropped ${peerId}` };
    }
    this.connected.push(peerId);
    return { outcome: 'queued' };
  }

  pushDisconnected(peerId: string): PushResult {
    if (this.disconnected.length >= this.limits.maxPeerQueue) {
      if (this.disconnectedOverflowing) return { outcome: 'dropped' };
      this.disconnectedOverflowing = true;
      return {
        outcome: 'dropped',
        error: `Disconnected-peers queue is full (${this.limits.maxPeerQueue}): dropped ${peerId}`,
      };
    }
    this.disconnected.push(peerId);
    return { outcome: 'queued' };
  }

  recordError(message: string, at: number): P2PErrorEntry {
    return this.errors.record(message, at);
  }

  // -------------------------------------------------------------------------
  // Conditions and expressions (the game)
  // -------------------------------------------------------------------------

  /**
   * "Event triggered by peer (name, data loss allowed)". Evaluating sets the
   * mode for that name; switching to data loss keeps only the newest item.
   */
  eventTriggered(name: string, dataLoss: boolean): boolean {
    let queue = this.events.get(name);
    if (!queue) {
      // The game's own names are finite and trusted: not limited by maxEventNames.
      queue = { items: new Fifo(), dataLoss, overflowing: false, dropped: 0 };
      this.events.set(name, queue);
      return false;
    }
    queue.dataLoss = dataLoss;
    if (dataLoss) queue.items.keepNewest();
    return queue.items.length > 0;
  }

  /** Data of the head item (oldest without data loss, newest with it), "" when none. */
  getEventData(name: string): string {
    return this.events.get(name)?.items.head()?.data ?? '';
  }

  /** Sender of the head item, "" when none. */
  getEventSender(name: string): string {
    return this.events.get(name)?.items.head()?.sender ?? '';
  }

  /**
   * "Get event data (variable)": the head data parsed as JSON; `current` when
   * there is none or it is not JSON (the variable is left unchanged and nothing
   * is recorded).
   */
  getEventVariable(name: string, current?: unknown): unknown {
    const data = this.getEventData(name);
    if (data === '') return current;
    try {
      return JSON.parse(data) as unknown;
    } catch {
      return current;
    }
  }

  /** Returns and consumes every queued item of that name, oldest first. */
  getAllEventData(name: string): QueuedEvent[] {
    const queue = this.events.get(name);
    if (!queue) return [];
    queue.overflowing = false;
    return queue.items.drain();
  }

  /** Number of items waiting for that name. */
  queuedCount(name: string): number {
    return this.events.get(name)?.items.length ?? 0;
  }

  /** Events dropped for that name because its queue was full. */
  droppedCount(name: string): number {
    return this.events.get(name)?.dropped ?? 0;
  }

  peerConnected(): boolean {
    return this.connected.length > 0;
  }

  peerDisconnected(): boolean {
    return this.disconnected.length > 0;
  }

  getLastConnectedPeer(): string {
    return this.connected.head() ?? '';
  }

  getLastDisconnectedPeer(): string {
    return this.disconnected.head() ?? '';
  }

  /** "An error occurred": true once after an error; reading clears it. */
  errorOccurred(): boolean {
    return this.errors.consumeFlag();
  }

  getLastError(): string {
    return this.errors.lastError;
  }

  // -------------------------------------------------------------------------
  // Frame boundary
  // -------------------------------------------------------------------------

  /** Drops the head of every queue: each item is visible for exactly one frame. */
  endFrame(): void {
    for (const [name, queue] of this.events) {
      queue.items.shift();
      if (queue.items.length < this.limits.maxQueuePerEvent) queue.overflowing = false;
      // A name only a remote peer used, now drained, frees its slot (keeps the name cap from filling for good).
      if (queue.items.length === 0 && queue.dataLoss === undefined) this.events.delete(name);
    }
    if (this.events.size < this.limits.maxEventNames) this.namesOverflowing = false;
    this.connected.shift();
    this.disconnected.shift();
    if (this.connected.length < this.limits.maxPeerQueue) this.connectedOverflowing = false;
    if (this.disconnected.length < this.limits.maxPeerQueue) this.disconnectedOverflowing = false;
  }
}
