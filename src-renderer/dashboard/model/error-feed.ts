/**
 * Every error the dashboard shows, from every source, in one bounded log:
 * the P2P engine's, the host's (broker, discovery), the bridge's, and the
 * dashboard's own failed actions. A repeated message is folded into one entry
 * with a count, so a flood cannot push everything else out.
 */

export type ErrorSource = 'p2p' | 'broker' | 'discovery' | 'host' | 'dashboard';

export interface ErrorEntry {
  seq: number;
  at: number;
  source: ErrorSource;
  message: string;
  /** How many times in a row this same message was recorded. */
  count: number;
}

export class ErrorFeed {
  private entries: ErrorEntry[] = [];
  private seq = 0;
  private seenSeq = 0;

  constructor(private readonly capacity = 200) {}

  record(source: ErrorSource, message: string, at: number): void {
    const text = message.length > 500 ? `${message.slice(0, 499)}…` : message;
    const last = this.entries[this.entries.length - 1];
    this.seq += 1;
    if (last && last.source === source && last.message === text) {
      this.entries[this.entries.length - 1] = { ...last, seq: this.seq, at, count: last.count + 1 };
      return;
    }
    this.entries = [...this.entries, { seq: this.seq, at, source, message: text, count: 1 }];
    if (this.entries.length > this.capacity) this.entries = this.entries.slice(this.entries.length - this.capacity);
  }

  /** Oldest first; a new array after each change (safe to hand to React). */
  list(): readonly ErrorEntry[] {
    return this.entries;
  }

  last(): ErrorEntry | null {
    return this.entries[this.entries.length - 1] ?? null;
  }

  /** Errors recorded since `markSeen` (the header's badge). */
  unseen(): number {
    return this.entries.filter((e) => e.seq > this.seenSeq).length;
  }

  markSeen(): void {
    this.seenSeq = this.seq;
  }

  clear(): void {
    this.entries = [];
    this.seenSeq = this.seq;
  }
}
