/**
 * The event console's bounded history: a ring addressed by sequence number.
 *
 * Thousands of events a second must cost O(1) each and never grow memory, so
 * entries live in a fixed array at `seq % capacity`. The view renders a
 * window of sequence numbers captured at its last flush; entries evicted
 * since then simply read as `undefined`, so a render never sees a torn array.
 */

export type EventDirection = 'in' | 'out';

export interface LoggedEvent {
  seq: number;
  /** Epoch ms when received (in) or sent (out). */
  at: number;
  direction: EventDirection;
  /** Sender for `in`; target peer id, or "" for everyone, for `out`. */
  peer: string;
  name: string;
  data: string;
}

export class EventRing {
  private readonly slots: (LoggedEvent | undefined)[];
  private next = 0;
  /** First sequence number not cleared. */
  private base = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.slots = new Array<LoggedEvent | undefined>(capacity);
  }

  push(entry: Omit<LoggedEvent, 'seq'>): LoggedEvent {
    const stored: LoggedEvent = { ...entry, seq: this.next };
    this.slots[this.next % this.capacity] = stored;
    this.next += 1;
    return stored;
  }

  /** Sequence number of the oldest entry still kept. */
  get firstSeq(): number {
    return Math.max(this.base, this.next - this.capacity);
  }

  /** Sequence number the next entry will get. */
  get nextSeq(): number {
    return this.next;
  }

  get size(): number {
    return this.next - this.firstSeq;
  }

  /** Entries pushed since creation, including evicted and cleared ones. */
  get total(): number {
    return this.next;
  }

  at(seq: number): LoggedEvent | undefined {
    if (seq < this.firstSeq || seq >= this.next) return undefined;
    return this.slots[seq % this.capacity];
  }

  /** Forgets every entry (sequence numbers keep increasing). */
  clear(): void {
    this.base = this.next;
    this.slots.fill(undefined);
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
