/**
 * The bench page's link to the host, outside React: the hosted games (to find
 * this bench's game and its port), the instances (to label each tile) and the
 * combined timeline, each a Store the components read. Also the network
 * presets: what the user chose for a tile is remembered by index and applied
 * again to the new page a reload or a rejoin brings (a new page is a new agent
 * instance, which starts unconditioned).
 */
import type { HostState, LanPartyApi } from '../../../src-preload/contract';
import type { GameInstance, InstancesState } from '../../../src-preload/game-agent-protocol';
import { NO_DIRECTED_CONDITIONS, type NetworkPresetId } from '../../../src-preload/network-conditions';
import { Store } from '../../dashboard/model/store';
import { benchInstances, presetChoice } from './bench-instances';
import { BenchTimeline, type TimelineEntry } from './bench-timeline';

export type PresetPick = NetworkPresetId | 'none';

export interface SessionView {
  host: HostState | null;
  /** By bench index. */
  instances: ReadonlyMap<number, GameInstance>;
  /** The last failure the user should see (a refused call, a lost host), or null. */
  problem: string | null;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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
 * an animation. Once per animation frame, with 8 dots instances moving 10
 * times/s each (~800 events/s with their heartbeats), the bench page's frame
 * p99 was 66.6 ms (test-bench bench scenario); the games run in another
 * process (bench-params.ts), so this page's own rendering is what is left.
 */
const TIMELINE_RENDER_MS = 100;

export class BenchSession {
  readonly view = new Store<SessionView>({ host: null, instances: new Map(), problem: null });
  readonly timeline = new Store<TimelineView>({ entries: [], names: [], hidden: new Set() });
  private readonly events: BenchTimeline;
  private readonly wanted = new Map<number, PresetPick>();
  /** Agent ids a wanted preset was already sent to (so a slow host is not asked twice). */
  private readonly applied = new Map<number, string>();
  private unsubscribers: (() => void)[] = [];
  private flushScheduled = false;

  constructor(
    private readonly api: LanPartyApi,
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

  /** The preset for one tile (now, and for its next pages). */
  async setPreset(index: number, preset: PresetPick): Promise<void> {
    this.wanted.set(index, preset);
    this.applied.delete(index);
    const instance = this.view.get().instances.get(index);
    if (instance) await this.apply(index, instance, preset);
  }

  /** One preset for every tile. */
  async setPresetAll(indexes: readonly number[], preset: PresetPick): Promise<void> {
    await Promise.all(indexes.map((index) => this.setPreset(index, preset)));
  }

  private onInstances(state: InstancesState): void {
    const instances = benchInstances(state, this.benchId);
    this.patch({ instances });
    if (this.events.updateInstances(state)) this.scheduleFlush();
    for (const [index, preset] of this.wanted) {
      const instance = instances.get(index);
      if (!instance || this.applied.get(index) === instance.id) continue;
      const current = presetChoice(instance);
      if (current === preset && !instance.conditions.cut) {
        this.applied.set(index, instance.id);
        continue;
      }
      void this.apply(index, instance, preset);
    }
  }

  private async apply(index: number, instance: GameInstance, preset: PresetPick): Promise<void> {
    this.applied.set(index, instance.id);
    try {
      const state =
        preset === 'none'
          ? await this.api.setNetworkConditions({ instance: instance.id, conditions: { ...NO_DIRECTED_CONDITIONS } })
          : await this.api.setNetworkConditions({ instance: instance.id, preset });
      this.onInstances(state);
    } catch (error) {
      this.applied.delete(index);
      this.patch({ problem: `Could not set the network of instance ${index}: ${messageOf(error)}` });
    }
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
