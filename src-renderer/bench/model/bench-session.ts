/**
 * The bench page's link to the host, outside React: the hosted games (to find
 * this bench's game and its port), the instances (to label each tile) and the
 * combined timeline, each a Store the components read. Also the network
 * presets: a tile's preset is set on its bench slot (game, bench id, index),
 * which the host remembers and applies again to the new page a reload or a
 * rejoin brings (a new page is a new agent instance). The page keeps no copy:
 * what a tile shows is the conditions the host reports for its instance.
 */
import type { HostState, LanPartyApi } from '../../../src-preload/contract';
import type { GameInstance, InstancesState } from '../../../src-preload/game-agent-protocol';
import { NO_DIRECTED_CONDITIONS } from '../../../src-preload/network-conditions';
import { Store } from '../../dashboard/model/store';
import { benchInstances, type PresetPick } from './bench-instances';
import { BenchTimeline, type TimelineEntry } from './bench-timeline';
import { messageOf } from '../../dashboard/model/format';

export interface SessionView {
  host: HostState | null;
  /** By bench index. */
  instances: ReadonlyMap<number, GameInstance>;
  /** The last failure the user should see (a refused call, a lost host), or null. */
  problem: string | null;
}

export interface TimelineView {
  /** Oldest first. */
  entries: readonly TimelineEntry[];
  /** Event names seen, for the show/hide switches. */
  names: readonly string[];
  hidden: ReadonlySet<string>;
}

/**
 * The timeline is re-rendered at most this often: a list read by a person, not
 * an animation. (What made the bench page slow was how much each render drew,
 * not how often: see BenchTimelinePanel.tsx, which draws only the rows in view.)
 */
const TIMELINE_RENDER_MS = 100;

export class BenchSession {
  readonly view = new Store<SessionView>({ host: null, instances: new Map(), problem: null });
  readonly timeline = new Store<TimelineView>({ entries: [], names: [], hidden: new Set() });
  private readonly events: BenchTimeline;
  private unsubscribers: (() => void)[] = [];
  private flushScheduled = false;

  constructor(
    private readonly api: LanPartyApi,
    /** The hosted game on the bench (null when the address names none: no preset is set then). */
    private readonly gameId: string | null,
    readonly benchId: string,
    /** Coalesces timeline renders: at most one per TIMELINE_RENDER_MS (then on an animation frame), however many batches arrive. */
    private readonly requestFrame: (callback: () => void) => void = (callback) =>
      setTimeout(() => requestAnimationFrame(() => callback()), TIMELINE_RENDER_MS),
  ) {
    this.events = new BenchTimeline(benchId);
  }

  start(): void {
    this.unsubscribers.push(
      this.api.onHostState((host) => this.patch({ host })),
      this.api.onInstances((state) => this.onInstances(state)),
      this.api.onInstanceEvents((batch) => {
        if (this.events.addEvents(batch)) this.scheduleFlush();
      }),
    );
    this.api.getHostState().then(
      (host) => this.patch({ host }),
      (error: unknown) => this.patch({ problem: `Could not reach the LAN Party host: ${messageOf(error)}` }),
    );
    this.api.getInstances().then(
      (state) => this.onInstances(state),
      (error: unknown) => this.patch({ problem: `No control of this host, so no labels or network presets: ${messageOf(error)}` }),
    );
  }

  /** Hides (or shows again) an event name in the timeline. */
  setHidden(name: string, hide: boolean): void {
    this.events.setHidden(name, hide);
    this.publishTimeline();
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
  }

  /** The preset for one tile: its page now, if any, and its next pages (the host keeps it). */
  async setPreset(index: number, preset: PresetPick): Promise<void> {
    if (this.gameId === null) return;
    const slot = { gameId: this.gameId, bench: { id: this.benchId, instance: index } };
    try {
      const state = await this.api.setNetworkConditions(preset === 'none' ? { ...slot, conditions: { ...NO_DIRECTED_CONDITIONS } } : { ...slot, preset });
      this.onInstances(state);
    } catch (error) {
      this.patch({ problem: `Could not set the network of instance ${index}: ${messageOf(error)}` });
    }
  }

  /** One preset for every tile. */
  async setPresetAll(indexes: readonly number[], preset: PresetPick): Promise<void> {
    await Promise.all(indexes.map((index) => this.setPreset(index, preset)));
  }

  private onInstances(state: InstancesState): void {
    const instances = benchInstances(state, this.benchId);
    this.patch({ instances });
    if (this.events.updateInstances(state)) this.scheduleFlush();
  }

  private patch(change: Partial<SessionView>): void {
    this.view.update((current) => ({ ...current, ...change }));
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.requestFrame(() => {
      this.flushScheduled = false;
      this.publishTimeline();
    });
  }

  private publishTimeline(): void {
    this.timeline.set({ entries: this.events.entries, names: this.events.eventNames, hidden: this.events.hidden });
  }
}
