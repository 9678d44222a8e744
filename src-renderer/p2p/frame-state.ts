/**
 * The frame model of the P2P API (spec: "Frame model", "Conditions",
 * "Expressions"): per event name a queue of `{ data, sender }`, a queue of
 * newly connected peers, one of disconnected peers, and the error flag.
 * `endFrame()` drops the head of every queue, so each item is visible for
 * exactly one frame.
 *
 * Three rules beyond the spec's wording (issue 13, defects 1-3):
 * - the queues only hold what a frame loop will consume: in the default mode
 *   (`auto`) they start at the first frame call (a queue condition or
 *   expression, `getAllEventData`, `endFrame`), so an app that only listens
 *   (`on(...)`) never fills them; `on` and `off` force them either way;
 * - an item the game causes itself during a frame (its own
 *   `disconnectFromPeer` after it evaluated a condition) becomes visible at
 *   the next frame, so that frame's `endFrame()` does not drop it unseen;
 * - the name cap counts live (non-empty) queues only: a drained name is freed,
 *   whoever used it; the data-loss mode the game chose is kept apart.
 *
 * Pure and synchronous (no timers, no WebRTC) so every row of the spec tables
 * is unit-tested under Node. The engine feeds it; games read it.
 */
import { ErrorLog, type P2PErrorCode, type P2PErrorEntry } from './errors.js';

export interface QueuedEvent {
  data: string;
  sender: string;
}

/**
 * When the frame queues hold items:
 * - `auto` (default): from the first frame call on (a queue condition or
 *   expression, `getAllEventData` or `endFrame`); before it, and for an app
 *   that never makes one (it uses the listener API), nothing is kept;
 * - `on`: from the start, as the spec's frame model says (items that arrive
 *   before the game's first frame are kept too);
 * - `off`: never (the frame conditions stay false, the expressions "").
 */
export type FrameQueueMode = 'auto' | 'on' | 'off';

export interface FrameLimits {
  /** Items kept per event name without data loss. Generous: 60 items a second for half an hour. */
  maxQueuePerEvent: number;
  /** Bytes kept per event name (see `queuedEventBytes`): a peer sending 1 MiB events must not grow the page with them. */
  maxQueueBytesPerEvent: number;
  /** Bytes kept by every event queue together: the per-name cap times 1,024 names would be 16 GiB. */
  maxQueueBytesTotal: number;
  /** Distinct event names with a non-empty queue at once: names come from remote peers, so they are bounded too. */
  maxEventNames: number;
  /**
   * Items kept in each of the connected/disconnected peer queues. Their bytes
   * are bounded by this count: an item is a peer id of at most 64 characters.
   */
  maxPeerQueue: number;
  /** Entries kept in the error log. */
  errorLogCapacity: number;
}

const MIB = 1024 * 1024;

export const DEFAULT_FRAME_LIMITS: FrameLimits = {
  maxQueuePerEvent: 100_000,
  // 16 MiB holds 8 events of the largest size (1 MiB of text, counted as 2 MiB below) or 100,000 items of
  // 70 characters: a game that reads one item per frame is never the one that reaches it.
  maxQueueBytesPerEvent: 16 * MIB,
  maxQueueBytesTotal: 64 * MIB,
  maxEventNames: 1_024,
  maxPeerQueue: 10_000,
  errorLogCapacity: 100,
};

/**
 * Memory of a queued item beyond its text, bytes: measured 97 bytes per item
 * for 200,000 events of 25 characters kept as `{ data, sender }` in an array
 * (Node 20 / V8, heap after GC; the sender string is shared with the link).
 */
export const QUEUED_ITEM_OVERHEAD_BYTES = 96;

/**
 * What one queued event costs against the byte caps: an upper bound of what
 * V8 keeps (ASCII text is stored one byte per character, other text two).
 */
export function queuedEventBytes(data: string): number {
  return QUEUED_ITEM_OVERHEAD_BYTES + 2 * data.length;
}

/**
 * What happened to a pushed item. `error` is set when the engine must record
 * an error (only on the first overflow of an episode, so a flood does not
 * flush the error log). `skipped`: the frame queues are not in use (see
 * `FrameQueueMode`), nothing was kept and nothing was lost for a frame loop.
 */
export interface PushResult {
  outcome: 'queued' | 'replaced' | 'dropped' | 'skipped';
  error?: string;
  code?: P2PErrorCode;
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

  /** The newest item. */
  tail(): T | undefined {
    return this.length > 0 ? this.items[this.items.length - 1] : undefined;
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

  drain(): T[] {
    const out = this.items.slice(this.start);
    this.items = [];
    this.start = 0;
    return out;
  }
}

interface Queued extends QueuedEvent {
  bytes: number;
}

/** A live (non-empty) event queue; deleted as soon as it is empty, which frees its name. */
interface EventQueue {
  items: Fifo<Queued>;
  bytes: number;
  /** Set while the queue is full, so only the first overflow of an episode records an error. */
  overflowing: boolean;
}

/** A peer id queued for "Peer connected"/"Peer disconnected", with the frame from which it is visible. */
interface PeerItem {
  peerId: string;
  visibleFrom: number;
}

/** Data-loss modes remembered at once: the game's own names, bounded anyway (the oldest is forgotten, then set again at its next evaluation). */
const MAX_DATA_LOSS_NAMES = 16_384;

/** An overflow episode ends when the queue is back to half its caps (or drained): a sustained flood records one error, not one per frame. */
function belowHalf(items: number, bytes: number, maxItems: number, maxBytes: number): boolean {
  return items * 2 <= maxItems && bytes * 2 <= maxBytes;
}

function mib(bytes: number): string {
  return `${Math.round((bytes / MIB) * 10) / 10} MiB`;
}

export class FrameState {
  private readonly events = new Map<string, EventQueue>();
  /** Names the game last evaluated with "data loss allowed" (every other name is FIFO without loss). */
  private readonly dataLossNames = new Set<string>();
  private eventBytes = 0;
  private readonly connected = new Fifo<PeerItem>();
  private readonly disconnected = new Fifo<PeerItem>();
  private connectedOverflowing = false;
  private disconnectedOverflowing = false;
  private namesOverflowing = false;
  private totalOverflowing = false;
  /** Frames ended so far: items carry the frame from which they are visible. */
  private frame = 0;
  /** The game read a queue since the last endFrame(): its frame is under way. */
  private readInFrame = false;
  private active: boolean;
  readonly errors: ErrorLog;
  private readonly limits: FrameLimits;

  constructor(
    limits: Partial<FrameLimits> = {},
    private readonly mode: FrameQueueMode = 'auto',
  ) {
    this.limits = { ...DEFAULT_FRAME_LIMITS, ...limits };
    this.errors = new ErrorLog(this.limits.errorLogCapacity);
    this.active = mode === 'on';
  }

  // -------------------------------------------------------------------------
  // Feeding (the engine)
  // -------------------------------------------------------------------------

  /** An event arrived from `sender`. */
  pushEvent(name: string, data: string, sender: string): PushResult {
    if (!this.active) return { outcome: 'skipped' };
    const limits = this.limits;
    const bytes = queuedEventBytes(data);
    const item: Queued = { data, sender, bytes };
    const queue = this.events.get(name);
    if (queue && this.dataLossNames.has(name)) {
      // Data loss allowed: the queue holds only the newest item.
      const old = queue.bytes;
      if (this.eventBytes - old + bytes > limits.maxQueueBytesTotal) return this.totalOverflow(name, sender);
      queue.items.drain();
      queue.items.push(item);
      queue.bytes = bytes;
      this.eventBytes += bytes - old;
      return { outcome: 'replaced' };
    }
    if (queue) {
      if (queue.items.length >= limits.maxQueuePerEvent) {
        return this.queueOverflow(queue, `Event queue "${name}" is full (${limits.maxQueuePerEvent} items): dropping new events until the game catches up`);
      }
      if (queue.bytes + bytes > limits.maxQueueBytesPerEvent) {
        return this.queueOverflow(queue, `Event queue "${name}" is full (${mib(limits.maxQueueBytesPerEvent)}): dropping new events until the game catches up`);
      }
    } else if (this.events.size >= limits.maxEventNames) {
      if (this.namesOverflowing) return { outcome: 'dropped' };
      this.namesOverflowing = true;
      return {
        outcome: 'dropped',
        code: 'queue-full',
        error: `Too many distinct event names (${limits.maxEventNames}): dropped event "${name}" from ${sender}`,
      };
    } else if (bytes > limits.maxQueueBytesPerEvent) {
      return { outcome: 'dropped', code: 'queue-full', error: `Event "${name}" from ${sender} is larger than its queue (${mib(limits.maxQueueBytesPerEvent)}): dropped` };
    }
    if (this.eventBytes + bytes > limits.maxQueueBytesTotal) return this.totalOverflow(name, sender);
    if (queue) {
      queue.items.push(item);
      queue.bytes += bytes;
    } else {
      const created: EventQueue = { items: new Fifo(), bytes, overflowing: false };
      created.items.push(item);
      this.events.set(name, created);
    }
    this.eventBytes += bytes;
    return { outcome: 'queued' };
  }

  private queueOverflow(queue: EventQueue, error: string): PushResult {
    if (queue.overflowing) return { outcome: 'dropped' };
    queue.overflowing = true;
    return { outcome: 'dropped', code: 'queue-full', error };
  }

  private totalOverflow(name: string, sender: string): PushResult {
    if (this.totalOverflowing) return { outcome: 'dropped' };
    this.totalOverflowing = true;
    return {
      outcome: 'dropped',
      code: 'queue-full',
      error: `Event queues are full (${mib(this.limits.maxQueueBytesTotal)} in total): dropped event "${name}" from ${sender}; dropping new events until the game catches up`,
    };
  }

  /**
   * A peer connected (the frame condition only counts incoming connections:
   * the engine decides). `local`: the game's own call caused it (see `pushDisconnected`).
   */
  pushConnected(peerId: string, local = false): PushResult {
    if (!this.active) return { outcome: 'skipped' };
    if (this.connected.length >= this.limits.maxPeerQueue) {
      if (this.connectedOverflowing) return { outcome: 'dropped' };
      this.connectedOverflowing = true;
      return { outcome: 'dropped', code: 'queue-full', error: `Connected-peers queue is full (${this.limits.maxPeerQueue}): dropped ${peerId}` };
    }
    this.connected.push(this.peerItem(this.connected, peerId, local));
    return { outcome: 'queued' };
  }

  /**
   * A peer disconnected. `local`: the game's own call (`disconnectFromPeer`)
   * caused it, synchronously, inside its frame; if the game already read a
   * queue in this frame, its "Peer disconnected" may have been evaluated
   * before: the item becomes visible at the next frame, for a whole frame.
   */
  pushDisconnected(peerId: string, local = false): PushResult {
    if (!this.active) return { outcome: 'skipped' };
    if (this.disconnected.length >= this.limits.maxPeerQueue) {
      if (this.disconnectedOverflowing) return { outcome: 'dropped' };
      this.disconnectedOverflowing = true;
      return {
        outcome: 'dropped',
        code: 'queue-full',
        error: `Disconnected-peers queue is full (${this.limits.maxPeerQueue}): dropped ${peerId}`,
      };
    }
    this.disconnected.push(this.peerItem(this.disconnected, peerId, local));
    return { outcome: 'queued' };
  }

  private peerItem(queue: Fifo<PeerItem>, peerId: string, local: boolean): PeerItem {
    const from = local && this.readInFrame ? this.frame + 1 : this.frame;
    // Never before the item ahead of it: a queue shows its items in order.
    return { peerId, visibleFrom: Math.max(from, queue.tail()?.visibleFrom ?? 0) };
  }

  recordError(code: P2PErrorCode, message: string, at: number): P2PErrorEntry {
    return this.errors.record(code, message, at);
  }

  // -------------------------------------------------------------------------
  // Conditions and expressions (the game)
  // -------------------------------------------------------------------------

  /** Every queue read goes through here: in `auto` mode it starts the queues, and it marks the frame as under way. */
  private read(): void {
    if (this.mode === 'auto') this.active = true;
    this.readInFrame = true;
  }

  /**
   * "Event triggered by peer (name, data loss allowed)". Evaluating sets the
   * mode for that name; switching to data loss keeps only the newest item.
   */
  eventTriggered(name: string, dataLoss: boolean): boolean {
    this.read();
    if (dataLoss) this.rememberDataLoss(name);
    else this.dataLossNames.delete(name);
    const queue = this.events.get(name);
    if (!queue) return false;
    if (dataLoss && queue.items.length > 1) {
      const newest = queue.items.tail();
      queue.items.drain();
      if (newest) {
        queue.items.push(newest);
        this.eventBytes -= queue.bytes - newest.bytes;
        queue.bytes = newest.bytes;
      }
    }
    return queue.items.length > 0;
  }

  private rememberDataLoss(name: string): void {
    if (this.dataLossNames.has(name)) return;
    if (this.dataLossNames.size >= MAX_DATA_LOSS_NAMES) {
      const oldest = this.dataLossNames.values().next().value;
      if (oldest !== undefined) this.dataLossNames.delete(oldest);
    }
    this.dataLossNames.add(name);
  }

  /** Data of the head item (oldest without data loss, newest with it), "" when none. */
  getEventData(name: string): string {
    this.read();
    return this.events.get(name)?.items.head()?.data ?? '';
  }

  /** Sender of the head item, "" when none. */
  getEventSender(name: string): string {
    this.read();
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
    this.read();
    const queue = this.events.get(name);
    if (!queue) return [];
    this.deleteQueue(name, queue);
    return queue.items.drain().map(({ data, sender }) => ({ data, sender }));
  }

  /** Number of items waiting for that name. */
  queuedCount(name: string): number {
    return this.events.get(name)?.items.length ?? 0;
  }

  /** Bytes (as counted against the caps) waiting for that name, or in every queue when no name is given. */
  queuedBytes(name?: string): number {
    return name === undefined ? this.eventBytes : (this.events.get(name)?.bytes ?? 0);
  }

  /** Names with a live (non-empty) queue: what counts against `maxEventNames`. */
  liveNames(): number {
    return this.events.size;
  }

  peerConnected(): boolean {
    return this.visibleHead(this.connected) !== undefined;
  }

  peerDisconnected(): boolean {
    return this.visibleHead(this.disconnected) !== undefined;
  }

  getLastConnectedPeer(): string {
    return this.visibleHead(this.connected)?.peerId ?? '';
  }

  getLastDisconnectedPeer(): string {
    return this.visibleHead(this.disconnected)?.peerId ?? '';
  }

  private visibleHead(queue: Fifo<PeerItem>): PeerItem | undefined {
    this.read();
    const head = queue.head();
    return head && head.visibleFrom <= this.frame ? head : undefined;
  }

  /** "An error occurred": true once after an error; reading clears the flag. */
  errorOccurred(): boolean {
    return this.errors.consumeFlag();
  }

  getLastError(): string {
    return this.errors.lastError;
  }

  /**
   * Items waiting per event name (read-only; the game agent reports it as the
   * backlog a frame loop has not consumed yet). Empty names are left out.
   */
  queuedCounts(): Array<[name: string, count: number]> {
    const out: Array<[string, number]> = [];
    for (const [name, queue] of this.events) if (queue.items.length > 0) out.push([name, queue.items.length]);
    return out;
  }

  // -------------------------------------------------------------------------
  // Frame boundary
  // -------------------------------------------------------------------------

  /** Drops the head of every queue that was visible in this frame: each item is visible for exactly one frame. */
  endFrame(): void {
    if (this.mode === 'auto') this.active = true;
    const limits = this.limits;
    for (const [name, queue] of this.events) {
      const head = queue.items.shift();
      if (head) {
        queue.bytes -= head.bytes;
        this.eventBytes -= head.bytes;
      }
      if (queue.items.length === 0) this.deleteQueue(name, queue);
      else if (belowHalf(queue.items.length, queue.bytes, limits.maxQueuePerEvent, limits.maxQueueBytesPerEvent)) queue.overflowing = false;
    }
    if (this.events.size < limits.maxEventNames) this.namesOverflowing = false;
    if (this.eventBytes * 2 <= limits.maxQueueBytesTotal) this.totalOverflowing = false;
    for (const queue of [this.connected, this.disconnected]) {
      const head = queue.head();
      if (head && head.visibleFrom <= this.frame) queue.shift();
    }
    if (this.connected.length < limits.maxPeerQueue) this.connectedOverflowing = false;
    if (this.disconnected.length < limits.maxPeerQueue) this.disconnectedOverflowing = false;
    this.frame += 1;
    this.readInFrame = false;
  }

  /** An emptied queue frees its name (whoever used it) and its bytes. */
  private deleteQueue(name: string, queue: EventQueue): void {
    this.events.delete(name);
    this.eventBytes -= queue.bytes;
    queue.bytes = 0;
    if (this.events.size < this.limits.maxEventNames) this.namesOverflowing = false;
    if (this.eventBytes * 2 <= this.limits.maxQueueBytesTotal) this.totalOverflowing = false;
  }
}
