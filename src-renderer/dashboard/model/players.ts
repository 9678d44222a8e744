/**
 * Who the user can play with: the union of the ids registered on our broker
 * (its listing) and the peer ids the LAN's instances advertise over mDNS,
 * named from the LAN list when an instance advertises that id. Pure.
 */
import type { LanInstance } from '../../../src-preload/contract';
import { compareIds } from './mesh';

export interface PlayerRow {
  peerId: string;
  /** The advertising instance's display name, when one advertises this id. */
  name: string | null;
  /** That instance is this machine (another tab or window of this host). */
  sameMachine: boolean;
  /** Listed by the broker we are registered on (reachable by id right now). */
  onBroker: boolean;
  connection: 'open' | 'connecting' | null;
}

/** peer id -> display name of the instance advertising it. */
export function namesFromLan(instances: readonly LanInstance[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const instance of instances) if (instance.peerId) names.set(instance.peerId, instance.name);
  return names;
}

export function listPlayers(input: {
  myId: string;
  instances: readonly LanInstance[];
  brokerIds: readonly string[];
  connections: ReadonlyMap<string, 'open' | 'connecting'>;
}): PlayerRow[] {
  const rows = new Map<string, PlayerRow>();
  const onBroker = new Set(input.brokerIds);
  const add = (peerId: string, instance: LanInstance | null): void => {
    if (peerId === input.myId) return;
    const existing = rows.get(peerId);
    if (existing && (existing.name !== null || instance === null)) return;
    rows.set(peerId, {
      peerId,
      name: instance?.name ?? null,
      sameMachine: instance?.self ?? false,
      onBroker: onBroker.has(peerId),
      connection: input.connections.get(peerId) ?? null,
    });
  };
  for (const instance of input.instances) if (instance.peerId) add(instance.peerId, instance);
  for (const id of input.brokerIds) add(id, null);
  // Connected peers not listed anywhere (a game on another broker dialed us) are still players.
  for (const id of input.connections.keys()) add(id, null);
  return [...rows.values()].sort((a, b) => Number(b.name !== null) - Number(a.name !== null) || compareIds(a.peerId, b.peerId));
}
