/**
 * The event console's bounded history: a ring addressed by sequence number,
 * bounded in entries AND in bytes of data.
 *
 * Thousands of events a second must cost O(1) each and never grow memory, so
 * entries live in a fixed array at `seq % capacity`. The view renders a
 * window of sequence numbers captured at its last flush; entries evicted
 * since then simply read as `undefined`, so a render never sees a torn array.
 *
 * Bytes: an entry costs its display copy, plus its full data while kept (see
 * event-data.ts; sizes are UTF-8 bytes). Over the byte budget, the full data
 * of the oldest truncated entries goes first (the entry stays, truncated);
 * then, if the display copies alone exceed it, the oldest entries. The newest
 * entry is always kept. Entries are never mutated: dropping full data
 * replaces the entry, so a row holding the old object re-renders.
 */
import type { EventData } from './event-data';

export type EventDirection = 'in' | 'out';

export interface LoggedEvent extends EventData {
  seq: number;
  /** Epoch ms when received (in) or sent (out). */
  at: number;
  direction: EventDirection;
  /** Sender for `in`; target peer id, or "" for everyone, for `out`. */
  peer: string;
  name: string;
  /** The game instance whose traffic this is (its agent's id); "" for this dashboard's own engine. */
  instance: string;
}

/** What `push` takes: `instance` defaults to "" (this dashboard's own engine). */
export type NewEvent = Omit<LoggedEvent, 'seq' | 'instance'> & { instance?: string };

/** True when the entry shows only the start of its data. */
export function isTruncated(entry: LoggedEvent): boolean {
  return entry.bytes > entry.displayBytes;
}

/** Bytes the ring counts for an entry: its display copy, and its full data while kept. */
function cost(entry: LoggedEvent): number {
  return entry.displayBytes + (entry.full !== null ? entry.bytes : 0);
}

export class EventRing {
  private readonly slots: (LoggedEvent | undefined)[];
  private next = 0;
  /** Oldest sequence number kept. */
  private first = 0;
  private bytes = 0;
  /** Sequence numbers of entries holding full data, oldest first (stale ones are skipped). */
  private fullSeqs: number[] = [];
  private fullHead = 0;

  constructor(
    readonly capacity: number,
    readonly byteBudget: number = Number.POSITIVE_INFINITY,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    if (!(byteBudget >= 0)) throw new RangeError('byteBudget must be a non-negative number of bytes');
    this.slots = new Array<LoggedEvent | undefined>(capacity);
  }

  push(entry: NewEvent): LoggedEvent {
    if (this.next - this.first === this.capacity) this.evictOldest();
    // One object literal of a fixed shape, not a spread: this runs 5,000 times a second in a burst.
    const stored: LoggedEvent = {
      seq: this.next,
      at: entry.at,
      direction: entry.direction,
      peer: entry.peer,
      name: entry.name,
      instance: entry.instance ?? '',
      display: entry.display,
      displayBytes: entry.displayBytes,
      bytes: entry.bytes,
      full: entry.full,
    };
    this.slots[this.next % this.capacity] = stored;
    this.next += 1;
    this.bytes += cost(stored);
    if (stored.full !== null) this.fullSeqs.push(stored.seq);
    this.enforceBudget();
    // The newest entry is always kept, but a tiny budget may have dropped its full data already.
    return this.slots[stored.seq % this.capacity] ?? stored;
  }

  /** Sequence number of the oldest entry still kept. */
  get firstSeq(): number {
    return this.first;
  }

  /** Sequence number the next entry will get. */
  get nextSeq(): number {
    return this.next;
  }

  get size(): number {
    return this.next - this.first;
  }

  /** Entries pushed since creation, including evicted and cleared ones. */
  get total(): number {
    return this.next;
  }

  /** Bytes of data kept (display copies and full data), never above `byteBudget` but for the newest entry. */
  get keptBytes(): number {
    return this.bytes;
  }

  at(seq: number): LoggedEvent | undefined {
    if (seq < this.first || seq >= this.next) return undefined;
    return this.slots[seq % this.capacity];
  }

  /** The whole data of an entry, or null when the entry or its full data was evicted (a download is refused then). */
  fullData(seq: number): string | null {
    const entry = this.at(seq);
    if (!entry) return null;
    return isTruncated(entry) ? entry.full : entry.display;
  }

  /** Forgets every entry (sequence numbers keep increasing). */
  clear(): void {
    this.first = this.next;
    this.slots.fill(undefined);
    this.bytes = 0;
    this.fullSeqs = [];
    this.fullHead = 0;
  }

  private evictOldest(): void {
    const slot = this.first % this.capacity;
    const old = this.slots[slot];
    if (old) this.bytes -= cost(old);
    this.slots[slot] = undefined;
    this.first += 1;
  }

  private enforceBudget(): void {
    while (this.bytes > this.byteBudget && this.fullHead < this.fullSeqs.length) {
      const seq = this.fullSeqs[this.fullHead] as number;
      this.fullHead += 1;
      const entry = this.at(seq);
      if (!entry || entry.full === null) continue;
      this.slots[seq % this.capacity] = { ...entry, full: null };
      this.bytes -= entry.bytes;
    }
    while (this.bytes > this.byteBudget && this.size > 1) this.evictOldest();
    // Forget queued sequence numbers of entries evicted since (they are all at the front), and compact.
    while (this.fullHead < this.fullSeqs.length && (this.fullSeqs[this.fullHead] as number) < this.first) this.fullHead += 1;
    if (this.fullHead > 1_024 && this.fullHead * 2 > this.fullSeqs.length) {
      this.fullSeqs = this.fullSeqs.slice(this.fullHead);
      this.fullHead = 0;
    }
  }
}

/** Case-insensitive match of the console filter against an entry's name or peer (id or known name). */
export function matchesFilter(entry: LoggedEvent, needle: string, peerName: (id: string) => string | null): boolean {
  if (needle === '') return true;
  if (entry.name.toLowerCase().includes(needle)) return true;
  if (entry.peer.toLowerCase().includes(needle)) return true;
  const name = entry.peer ? peerName(entry.peer) : null;
  return name !== null && name.toLowerCase().includes(needle);
}

/** The console's source filter: '' = every source, 'self' = this dashboard's own engine, else one instance id. */
export function matchesSource(entry: LoggedEvent, source: string): boolean {
  if (source === '') return true;
  if (source === 'self') return entry.instance === '';
  return entry.instance === source;
}
