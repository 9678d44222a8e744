/**
 * The "Instances in play" panel's derived values, pure: instances grouped by
 * the game hosted here, what the empty panel says, link and instance labels,
 * and the conditions in force as one line. The state itself is the host's
 * (InstancesState, game-agent-protocol.ts); nothing here keeps a copy.
 */
import type { HostedGame } from '../../../src-preload/contract';
import type { GameInstance, InstanceLink, InstancesState } from '../../../src-preload/game-agent-protocol';
import { describeConditions, type DirectedConditions, type NetworkConditions } from '../../../src-preload/network-conditions';
import { isUnconditioned } from './conditions-form';

export interface GameGroup {
  gameId: string;
  name: string;
  /** Still hosted here (a game stopped a moment ago can still have instances in the last state). */
  hosted: boolean;
  instances: GameInstance[];
}

/** Every hosted game (in the host's order), each with its instances oldest first; then games no longer hosted that still have some. */
export function groupByGame(state: InstancesState | null, hosted: readonly Pick<HostedGame, 'id' | 'name'>[]): GameGroup[] {
  const groups = new Map<string, GameGroup>();
  for (const game of hosted) groups.set(game.id, { gameId: game.id, name: game.name, hosted: true, instances: [] });
  for (const instance of state?.instances ?? []) {
    let group = groups.get(instance.gameId);
    if (!group) {
      group = { gameId: instance.gameId, name: instance.gameName, hosted: false, instances: [] };
      groups.set(instance.gameId, group);
    }
    group.instances.push(instance);
  }
  for (const group of groups.values()) group.instances.sort((a, b) => a.connectedAt - b.connectedAt || a.id.localeCompare(b.id));
  return [...groups.values()];
}

export type InstancesEmpty = { kind: 'no-games' } | { kind: 'no-instances'; games: string[] } | null;

/** What the panel says instead of a list: how to get an instance, given what is hosted. */
export function emptyState(groups: readonly GameGroup[]): InstancesEmpty {
  if (groups.some((g) => g.instances.length > 0)) return null;
  if (groups.length === 0) return { kind: 'no-games' };
  return { kind: 'no-instances', games: groups.map((g) => g.name) };
}

/** "Open Dots in a window…" / "Open Dots or Race in a window…" / "Open Dots, Race or Chess…". */
export function openHint(games: readonly string[]): string {
  const names = games.length <= 1 ? (games[0] ?? 'the game') : `${games.slice(0, -1).join(', ')} or ${games[games.length - 1]}`;
  return `Open ${names} in a window: each open page is an instance. Open it twice to see two players and their link.`;
}

/** How an instance is named in the UI: its PeerJS id once known, else its short instance id. */
export function instanceLabel(instance: Pick<GameInstance, 'id' | 'peerId'>): string {
  return instance.peerId ?? `instance ${instance.id.slice(0, 6)}`;
}

/** The other end of a link: the remote PeerJS id when PeerJS names it, else the channel label. */
export function linkPeer(link: Pick<InstanceLink, 'peer' | 'label' | 'id'>): string {
  return link.peer ?? (link.label !== '' ? link.label : link.id);
}

/** The remote peer of `link` of `instance` in `state`, for events that name only the link; the link id when unknown. */
export function peerOfLink(state: InstancesState | null, instance: string, link: string): string {
  const found = state?.instances.find((i) => i.id === instance)?.links.find((l) => l.id === link);
  return found ? linkPeer(found) : link;
}

/** Whether anything is in force (delay, loss, cap or a cut). */
export function isConditioned(value: DirectedConditions): boolean {
  return value.cut || !isUnconditioned(value.up) || !isUnconditioned(value.down);
}

function sameDirection(a: NetworkConditions, b: NetworkConditions): boolean {
  return describeConditions(a) === describeConditions(b);
}

/** The conditions in force as one line: "cut", "none", "150 ms ± 50, 2 % loss each way", "up 100 ms · down none". */
export function describeDirected(value: DirectedConditions): string {
  if (value.cut) return 'cut: nothing passes either way';
  if (!isConditioned(value)) return 'none';
  if (sameDirection(value.up, value.down)) return `${describeConditions(value.up)} each way`;
  const side = (c: NetworkConditions): string => (isUnconditioned(c) ? 'none' : describeConditions(c));
  return `up ${side(value.up)} · down ${side(value.down)}`;
}

/** Messages per second as shown next to counts: "0/s", "4.5/s", "120/s". */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '0/s';
  if (perSecond < 10) return `${(Math.round(perSecond * 10) / 10).toString()}/s`;
  return `${Math.round(perSecond).toLocaleString('en-US')}/s`;
}

/** The options of the console's source picker: value is '' (all), 'self', or an instance id; labels name the game. */
export function sourceOptions(state: InstancesState | null): { value: string; label: string }[] {
  const options = [
    { value: '', label: 'All sources' },
    { value: 'self', label: "This dashboard's engine" },
  ];
  for (const instance of state?.instances ?? []) options.push({ value: instance.id, label: `${instance.gameName}: ${instanceLabel(instance)}` });
  return options;
}
