/**
 * What each tile's label says about its instance, from the host's
 * InstancesState (contract `getInstances` / event `instances`): the tile of
 * index i is the GameInstance whose `bench` is this bench's id and index i.
 * A killed-and-rejoined or reloaded frame is a new page, so a new agent
 * instance: the newest one (latest `connectedAt`) wins. Pure; nothing here
 * keeps a copy of the host's state.
 */
import type { GameInstance, InstancesState } from '../../../src-preload/game-agent-protocol';
import { findPreset, type NetworkPresetId } from '../../../src-preload/network-conditions';
import { presetOf } from '../../dashboard/model/conditions-form';

/** The instances of bench `benchId`, by index (1-based); indexes with no instance (yet) are absent. */
export function benchInstances(state: InstancesState | null, benchId: string): Map<number, GameInstance> {
  const byIndex = new Map<number, GameInstance>();
  for (const instance of state?.instances ?? []) {
    if (instance.bench?.id !== benchId) continue;
    const known = byIndex.get(instance.bench.instance);
    if (!known || instance.connectedAt > known.connectedAt) byIndex.set(instance.bench.instance, instance);
  }
  return byIndex;
}

export interface LinkSummary {
  open: number;
  connecting: number;
}

export function linkSummary(instance: Pick<GameInstance, 'links'>): LinkSummary {
  let open = 0;
  let connecting = 0;
  for (const link of instance.links) {
    if (link.state === 'open') open += 1;
    else if (link.state === 'connecting') connecting += 1;
  }
  return { open, connecting };
}

/** "3 open · 1 connecting", "2 open", "no links". */
export function describeLinks(summary: LinkSummary): string {
  const parts: string[] = [];
  if (summary.open > 0) parts.push(`${summary.open} open`);
  if (summary.connecting > 0) parts.push(`${summary.connecting} connecting`);
  return parts.length > 0 ? parts.join(' · ') : 'no links';
}

/** Median RTT of the instance's open links with a known RTT, rounded to ms; null when none is known. */
export function medianRtt(instance: Pick<GameInstance, 'links'>): number | null {
  const rtts = instance.links.filter((l) => l.state === 'open' && l.rttMs !== null).map((l) => l.rttMs as number);
  if (rtts.length === 0) return null;
  rtts.sort((a, b) => a - b);
  const middle = Math.floor(rtts.length / 2);
  const median = rtts.length % 2 === 1 ? (rtts[middle] as number) : ((rtts[middle - 1] as number) + (rtts[middle] as number)) / 2;
  return Math.round(median);
}

export function describeRtt(rtt: number | null): string {
  if (rtt === null) return 'RTT –';
  return rtt < 1 ? 'RTT <1 ms' : `RTT ${rtt} ms`;
}

/** What the tile's preset picker shows: a preset id, `none`, `custom` (figures set elsewhere), or `cut`. */
export type PresetChoice = NetworkPresetId | 'none' | 'custom';

export function presetChoice(instance: Pick<GameInstance, 'conditions'>): PresetChoice {
  return presetOf(instance.conditions);
}

/** What a tile's preset can be set to. */
export type PresetPick = NetworkPresetId | 'none';

/** A picker's value as a preset to set: `none` or a known preset id; null for anything else (`custom` is shown, never set). */
export function presetPick(value: string): PresetPick | null {
  if (value === 'none') return 'none';
  return findPreset(value)?.id ?? null;
}

/** The label's network name: "LAN", "Mobile 3G", "no conditions", "custom", "cut". */
export function presetName(instance: Pick<GameInstance, 'conditions'>): string {
  if (instance.conditions.cut) return 'cut';
  const choice = presetChoice(instance);
  if (choice === 'none') return 'no conditions';
  if (choice === 'custom') return 'custom';
  return findPreset(choice)?.label ?? choice;
}
