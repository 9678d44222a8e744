/**
 * Instance events on their way to control dashboards: gathered and pushed at
 * most every BATCH_INTERVAL_MS, at most MAX_EVENTS_PER_PUSH events and
 * MAX_BYTES_PER_PUSH bytes (name + data) per push; what does not fit is
 * counted in the push's `dropped`. A dashboard so gets at most ~1 MiB/s of
 * events whatever the games send (64 instances x 200 events per 500 ms would
 * be 25,600 events/s).
 */
import type { EventReport, InstanceEvents } from '../../../src-preload/game-agent-protocol.js';
import { ChangeCoalescer } from '../change-coalescer.js';

export const BATCH_INTERVAL_MS = 250;
export const MAX_EVENTS_PER_PUSH = 500;
export const MAX_BYTES_PER_PUSH = 256 * 1024;
/** Per event, beyond its name and data: the JSON keys, time, link, instance. */
const EVENT_OVERHEAD_BYTES = 120;

export class EventBatcher {
  private events: InstanceEvents['events'] = [];
  private bytes = 0;
  private dropped = 0;
  private readonly flusher = new ChangeCoalescer(() => this.flush(), BATCH_INTERVAL_MS);
  private readonly listeners = new Set<(batch: InstanceEvents) => void>();

  add(instance: string, events: readonly EventReport[], dropped = 0): void {
    if (this.listeners.size === 0) return;
    this.dropped += dropped;
    for (const event of events) {
      const size = event.name.length + event.data.length + EVENT_OVERHEAD_BYTES;
      if (this.events.length >= MAX_EVENTS_PER_PUSH || this.bytes + size > MAX_BYTES_PER_PUSH) {
        this.dropped += 1;
        continue;
      }
      this.events.push({ ...event, instance });
      this.bytes += size;
    }
    if (this.events.length > 0 || this.dropped > 0) this.flusher.schedule();
  }

  onBatch(listener: (batch: InstanceEvents) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.flusher.cancel();
    this.listeners.clear();
  }

  private flush(): void {
    const batch: InstanceEvents = { events: this.events, dropped: this.dropped };
    this.events = [];
    this.bytes = 0;
    this.dropped = 0;
    for (const listener of this.listeners) listener(batch);
  }
}
