/**
 * The event console's data: received and sent events in a bounded ring,
 * published to React at most once per animation frame.
 *
 * Pause stops recording (arrivals are counted, not kept): a paused view stays
 * exactly as it was, and memory stays bounded however long the pause lasts.
 */
import { EventRing, type EventDirection } from './event-ring';
import { createFrameBatcher, type FrameBatcher, type FrameScheduler } from './frame-batcher';
import { Store } from './store';

/** Entries kept: a few seconds of a 5,000 events/s burst, minutes of a normal game. */
export const EVENT_HISTORY = 20_000;

export interface EventLogView {
  firstSeq: number;
  nextSeq: number;
  /** Events received since the page opened (kept, evicted or cleared). */
  received: number;
  sent: number;
  paused: boolean;
  /** Events that arrived while paused (not recorded). */
  skipped: number;
  /** Received per second, measured over the last second. */
  rate: number;
}

export class EventFeed {
  readonly ring = new EventRing(EVENT_HISTORY);
  readonly view: Store<EventLogView>;
  private readonly batcher: FrameBatcher;
  private received = 0;
  private sent = 0;
  private paused = false;
  private skipped = 0;
  private rate = 0;
  private lastRateAt = 0;
  private lastRateCount = 0;

  constructor(schedule: FrameScheduler, private readonly now: () => number = Date.now) {
    this.view = new Store<EventLogView>(this.snapshot());
    this.batcher = createFrameBatcher(() => this.view.set(this.snapshot()), schedule);
    this.lastRateAt = now();
  }

  onReceived(sender: string, name: string, data: string): void {
    this.received += 1;
    if (this.paused) this.skipped += 1;
    else this.ring.push({ at: this.now(), direction: 'in', peer: sender, name, data });
    this.batcher.request();
  }

  onSent(target: string, name: string, data: string): void {
    this.sent += 1;
    if (!this.paused) this.ring.push({ at: this.now(), direction: 'out', peer: target, name, data });
    this.batcher.request();
  }

  setPaused(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    if (!paused) this.skipped = 0;
    this.publish();
  }

  clear(): void {
    this.ring.clear();
    this.skipped = 0;
    this.publish();
  }

  /** Called once a second: the arrival rate shown in the console header. */
  sampleRate(): void {
    const now = this.now();
    const elapsed = now - this.lastRateAt;
    if (elapsed <= 0) return;
    const rate = Math.round(((this.received - this.lastRateCount) * 1000) / elapsed);
    this.lastRateAt = now;
    this.lastRateCount = this.received;
    if (rate !== this.rate) {
      this.rate = rate;
      this.batcher.request();
    }
  }

  dispose(): void {
    this.batcher.dispose();
  }

  private publish(): void {
    this.batcher.request();
    // Pause, resume and clear are user actions: show them now, even when frames are throttled.
    this.batcher.flushNow();
  }

  private snapshot(): EventLogView {
    return {
      firstSeq: this.ring.firstSeq,
      nextSeq: this.ring.nextSeq,
      received: this.received,
      sent: this.sent,
      paused: this.paused,
      skipped: this.skipped,
      rate: this.rate,
    };
  }
}

export type { EventDirection };
