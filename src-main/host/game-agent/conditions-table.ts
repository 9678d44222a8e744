/**
 * Which network conditions every instance and link is played under. Targets,
 * most specific first: a link of an instance > an instance > every instance
 * of a game > every instance. Setting a broader target replaces the more
 * specific settings beneath it (the dashboard's "one preset for every instance
 * of this game" means exactly that), and a game's setting also applies to its
 * instances that open later. `--network` is the starting value of "every
 * instance": that setting on the uplink only (see network-conditions.ts).
 */
import {
  NO_CONDITIONS,
  NO_DIRECTED_CONDITIONS,
  type DirectedConditions,
  type NetworkConditions,
} from '../../../src-preload/network-conditions.js';

export interface LagSpike {
  ms: number;
  /** Epoch ms when it ends. */
  until: number;
}

function copy(value: DirectedConditions): DirectedConditions {
  return { up: { ...value.up }, down: { ...value.down }, cut: value.cut };
}

export class ConditionsTable {
  private all: DirectedConditions;
  private readonly games = new Map<string, DirectedConditions>();
  private readonly instances = new Map<string, DirectedConditions>();
  private readonly links = new Map<string, Map<string, DirectedConditions>>();
  private readonly spikes = new Map<string, LagSpike>();

  constructor(cliUplink: NetworkConditions | null = null) {
    this.all = { up: { ...(cliUplink ?? NO_CONDITIONS) }, down: { ...NO_CONDITIONS }, cut: false };
  }

  /** Every instance, present and future; clears every more specific setting. */
  setAll(value: DirectedConditions): void {
    this.all = copy(value);
    this.games.clear();
    this.instances.clear();
    this.links.clear();
  }

  /** Every instance of a game, present (`instanceIds`) and future. */
  setGame(gameId: string, value: DirectedConditions, instanceIds: Iterable<string>): void {
    this.games.set(gameId, copy(value));
    for (const id of instanceIds) {
      this.instances.delete(id);
      this.links.delete(id);
    }
  }

  setInstance(instance: string, value: DirectedConditions): void {
    this.instances.set(instance, copy(value));
    this.links.delete(instance);
  }

  setLink(instance: string, link: string, value: DirectedConditions, maxLinks: number): void {
    let links = this.links.get(instance);
    if (!links) {
      links = new Map();
      this.links.set(instance, links);
    }
    // Bounded like the links an instance reports.
    if (!links.has(link) && links.size >= maxLinks) links.delete(links.keys().next().value as string);
    links.set(link, copy(value));
  }

  setSpike(instance: string, spike: LagSpike): void {
    this.spikes.set(instance, { ...spike });
  }

  /** What the instance's links get unless a link has its own. */
  forInstance(instance: string, gameId: string): DirectedConditions {
    return copy(this.instances.get(instance) ?? this.games.get(gameId) ?? this.all ?? NO_DIRECTED_CONDITIONS);
  }

  forLink(instance: string, gameId: string, link: string): DirectedConditions {
    const own = this.links.get(instance)?.get(link);
    return own ? copy(own) : this.forInstance(instance, gameId);
  }

  linkOverrides(instance: string): Record<string, DirectedConditions> {
    const result: Record<string, DirectedConditions> = {};
    for (const [link, value] of this.links.get(instance) ?? []) result[link] = copy(value);
    return result;
  }

  /** The spike still in force for the instance, as the agent takes it (from receipt), or null. */
  spike(instance: string, now: number): { ms: number; forMs: number } | null {
    const spike = this.spikes.get(instance);
    if (!spike) return null;
    if (spike.until <= now) {
      this.spikes.delete(instance);
      return null;
    }
    return { ms: spike.ms, forMs: spike.until - now };
  }

  /** The instance is gone: its own settings go with it (its game's stay). */
  forget(instance: string): void {
    this.instances.delete(instance);
    this.links.delete(instance);
    this.spikes.delete(instance);
  }
}
