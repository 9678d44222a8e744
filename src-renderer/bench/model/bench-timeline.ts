/**
 * The bench's combined event timeline: the `{eventName, data}` messages of
 * this bench's instances (contract event `instanceEvents`), each tagged with
 * the index of the instance it belongs to, oldest first, bounded in entries
 * AND in bytes.
 *
 * Events name their instance by agent id; which bench index that is comes
 * from the `instances` state, pushed at most every 500 ms while events come
 * as they happen. So an event of an agent not known yet waits in a small
 * bounded queue until the next state says whose it is (a freshly rejoined
 * instance's first moves are kept); events of instances outside this bench
 * (another window of the game, another game) are dropped. Names the user
 * hid are dropped at intake, not at display, so a flood of them (a game's
 * heartbeat: 8 instances x 7 links x 4/s each way) cannot evict the events
 * worth seeing from the bounded rows.
 */
import type { InstanceEvents, InstancesState } from '../../../src-preload/game-agent-protocol';

export interface TimelineEntry {
  seq: number;
  /** Epoch ms on the instance page's clock. */
  t: number;
  /** Bench index (1-based). */
  index: number;
  dir: 'in' | 'out';
  name: string;
  /** Bytes on the wire. */
  size: number;
  /** Preview (the agent caps it at AGENT_LIMITS.maxEventDataChars). */
  data: string;
}

type PendingEvent = InstanceEvents['events'][number];

/** Kept rows: a screenful many times over, cheap to render in full (see Timeline.tsx). */
export const TIMELINE_CAPACITY = 300;
/** Bytes the kept rows may cost (UTF-16 strings plus a fixed overhead each). 300 rows of maximal previews (~0.7 KiB) fit. */
export const TIMELINE_BYTE_BUDGET = 256 * 1024;
/** Events waiting for their instance to be identified. */
export const PENDING_CAPACITY = 256;
/** Agent ids remembered as this bench's (a long session of reloads makes many). */
const KNOWN_AGENTS_CAPACITY = 1024;
const ENTRY_OVERHEAD_BYTES = 64;
/** Event names remembered for the show/hide switches (the agent tracks at most 64 per instance; a bench needs a handful). */
export const MAX_NAMES = 16;

function costOf(entry: Pick<TimelineEntry, 'name' | 'data'>): number {
  return ENTRY_OVERHEAD_BYTES + 2 * (entry.name.length + entry.data.length);
}

export class BenchTimeline {
  private rows: TimelineEntry[] = [];
  private bytes = 0;
  private seq = 0;
  private pending: PendingEvent[] = [];
  private readonly indexOfAgent = new Map<string, number>();
  private foreignAgents = new Set<string>();
  private names: readonly string[] = [];
  private hiddenNames: ReadonlySet<string> = new Set();
  /** Events dropped since the page loaded: over the bounds, or from the host's own per-push bound. */
  dropped = 0;

  constructor(
    private readonly benchId: string,
    private readonly capacity = TIMELINE_CAPACITY,
    private readonly byteBudget = TIMELINE_BYTE_BUDGET,
  ) {}

  /** Oldest first. A new array after every change (React compares by identity). */
  get entries(): readonly TimelineEntry[] {
    return this.rows;
  }

  /** Names seen so far (at most MAX_NAMES, sorted), for the show/hide switches. A new array when one is added. */
  get eventNames(): readonly string[] {
    return this.names;
  }

  get hidden(): ReadonlySet<string> {
    return this.hiddenNames;
  }

  /** Hides (or shows again) a name: its kept rows go at once, and its next events are not kept. */
  setHidden(name: string, hide: boolean): void {
    const next = new Set(this.hiddenNames);
    if (hide) next.add(name);
    else next.delete(name);
    this.hiddenNames = next;
    if (!hide) return;
    this.rows = this.rows.filter((row) => row.name !== name);
    this.bytes = this.rows.reduce((sum, row) => sum + costOf(row), 0);
  }

  /** Learns which agents are this bench's instances; resolves the waiting events. Returns whether rows changed. */
  updateInstances(state: InstancesState): boolean {
    const foreign = new Set<string>();
    for (const instance of state.instances) {
      if (instance.bench?.id === this.benchId) {
        this.indexOfAgent.delete(instance.id);
        this.indexOfAgent.set(instance.id, instance.bench.instance);
        if (this.indexOfAgent.size > KNOWN_AGENTS_CAPACITY) this.indexOfAgent.delete(this.indexOfAgent.keys().next().value as string);
      } else {
        foreign.add(instance.id);
      }
    }
    this.foreignAgents = foreign;
    if (this.pending.length === 0) return false;
    const waiting = this.pending;
    this.pending = [];
    return this.add(waiting);
  }

  /** Adds a pushed batch; returns whether rows changed. */
  addEvents(batch: InstanceEvents): boolean {
    this.dropped += batch.dropped;
    return this.add(batch.events);
  }

  clear(): void {
    this.rows = [];
    this.bytes = 0;
  }

  private add(events: readonly PendingEvent[]): boolean {
    const added: TimelineEntry[] = [];
    for (const event of events) {
      const index = this.indexOfAgent.get(event.instance);
      if (index !== undefined) {
        this.noteName(event.name);
        if (this.hiddenNames.has(event.name)) continue;
        added.push({ seq: this.seq++, t: event.t, index, dir: event.dir, name: event.name, size: event.size, data: event.data });
      } else if (!this.foreignAgents.has(event.instance)) {
        this.pending.push(event);
      }
    }
    if (this.pending.length > PENDING_CAPACITY) {
      this.dropped += this.pending.length - PENDING_CAPACITY;
      this.pending = this.pending.slice(-PENDING_CAPACITY);
    }
    if (added.length === 0) return false;
    // Pages' clocks are the same machine's; a late batch (identified at the next state) still sorts into place.
    const rows = [...this.rows, ...added].sort((a, b) => a.t - b.t || a.seq - b.seq);
    let bytes = this.bytes;
    for (const entry of added) bytes += costOf(entry);
    let start = 0;
    while (rows.length - start > 1 && (rows.length - start > this.capacity || bytes > this.byteBudget)) {
      bytes -= costOf(rows[start] as TimelineEntry);
      start += 1;
    }
    this.rows = start > 0 ? rows.slice(start) : rows;
    this.bytes = bytes;
    return true;
  }

  private noteName(name: string): void {
    if (this.names.length >= MAX_NAMES || this.names.includes(name)) return;
    this.names = [...this.names, name].sort();
  }

  /** Bytes the kept rows count for (see TIMELINE_BYTE_BUDGET). */
  get byteCount(): number {
    return this.bytes;
  }
}

/** One colour per bench index (1..16), distinct on light and dark backgrounds. */
export const INSTANCE_COLOURS = [
  '#e6194b',
  '#3cb44b',
  '#4363d8',
  '#f58231',
  '#911eb4',
  '#42d4f4',
  '#f032e6',
  '#9a9d00',
  '#e6a0b0',
  '#469990',
  '#9a6324',
  '#800000',
  '#2f8f5f',
  '#808000',
  '#000075',
  '#a9a9a9',
] as const;

export function colourOf(index: number): string {
  return INSTANCE_COLOURS[(Math.max(1, Math.floor(index)) - 1) % INSTANCE_COLOURS.length] as string;
}
