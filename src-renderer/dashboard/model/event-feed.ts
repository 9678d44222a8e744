/**
 * The event console's data: received and sent events in a bounded ring,
 * published to React at most once per animation frame.
 *
 * Pause stops recording (arrivals are counted, not kept): a paused view stays
 * exactly as it was, and memory stays bounded however long the pause lasts.
 *
 * Bounded in bytes too: a peer can send 1 MiB per event, and 20,000 of those
 * kept whole took a dashboard's heap to 1.5 GB (issue 10). Each entry keeps a
 * display copy of at most 4 KiB, and full data only within EVENT_DATA_BUDGET.
 */
import type { InstanceEvents } from '../../../src-preload/game-agent-protocol';
import { eventData } from './event-data';
import { EventRing, type EventDirection } from './event-ring';
import { createFrameBatcher, type FrameBatcher, type FrameScheduler } from './frame-batcher';
import { Store } from './store';

/** Entries kept: a few seconds of a 5,000 events/s burst, minutes of a normal game. */
export const EVENT_HISTORY = 20_000;

/**
 * Bytes of event data the console keeps (display copies and full data, UTF-8;
 * see event-ring.ts): the newest ~30 events of 1 MiB in full, or all 20,000
 * events of a game whose events average under 1.6 KiB. Measured with a stock
 * peer sending 1 MiB events (e2e/security/peer-flood-dashboard.spec.ts): the
 * dashboard's heap after GC grew by 107 MB for 101 events with full data kept,
 * and by about this budget with it.
 */
export const EVENT_DATA_BUDGET = 32 * 1024 * 1024;

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
  /** Bytes of data kept (at most EVENT_DATA_BUDGET). */
  keptBytes: number;
  /** Events of game instances hosted here (both directions), and those the host left out of its pushes. */
  fromGames: number;
  gamesDropped: number;
}

export class EventFeed {
  readonly ring = new EventRing(EVENT_HISTORY, EVENT_DATA_BUDGET);
  readonly view: Store<EventLogView>;
  private readonly batcher: FrameBatcher;
  private received = 0;
  private sent = 0;
  private paused = false;
  private skipped = 0;
  private rate = 0;
  private lastRateAt = 0;
  private lastRateCount = 0;
  private fromGames = 0;
  private gamesDropped = 0;

  constructor(schedule: FrameScheduler, private readonly now: () => number = Date.now) {
    this.view = new Store<EventLogView>(this.snapshot());
    this.batcher = createFrameBatcher(() => this.view.set(this.snapshot()), schedule);
    this.lastRateAt = now();
  }

  onReceived(sender: string, name: string, data: string): void {
    this.received += 1;
    if (this.paused) this.skipped += 1;
    else this.ring.push({ at: this.now(), direction: 'in', peer: sender, name, ...eventData(data) });
    this.batcher.request();
  }

  onSent(target: string, name: string, data: string): void {
    this.sent += 1;
    if (!this.paused) this.ring.push({ at: this.now(), direction: 'out', peer: target, name, ...eventData(data) });
    this.batcher.request();
  }

  /**
   * A batch from the `instanceEvents` channel: each event of a game instance,
   * tagged with the instance so the console can filter by it. `peerOf` names
   * the link's remote peer. The host bounds each push; the ring bounds what
   * is kept, exactly as for this dashboard's own events.
   */
  onInstanceEvents(batch: InstanceEvents, peerOf: (instance: string, link: string) => string): void {
    this.gamesDropped += batch.dropped;
    for (const event of batch.events) {
      this.fromGames += 1;
      if (this.paused) this.skipped += 1;
      // The data is the agent's preview (at most AGENT_LIMITS.maxEventDataChars): never a full copy to download.
      else
        this.ring.push({
          // The page's clock (a game page may run on another machine); a nonsense time falls back to arrival.
          at: Number.isFinite(event.t) ? event.t : this.now(),
          direction: event.dir,
          peer: peerOf(event.instance, event.link),
          name: event.name,
          instance: event.instance,
          ...eventData(event.data),
        });
    }
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
      keptBytes: this.ring.keptBytes,
      fromGames: this.fromGames,
      gamesDropped: this.gamesDropped,
    };
  }
}

export type { EventDirection };
