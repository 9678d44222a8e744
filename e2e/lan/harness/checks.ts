/**
 * What "the hosts found each other" and "they agree on a default broker" mean,
 * as checks returning a reason when not (yet) true, for polling.
 */
import type { LanState } from '../../../src-preload/contract.js';
import type { LanHost } from './hosts.js';

/**
 * Null when every host lists exactly the others, each with its reachable
 * eth0 address and the TXT fields it advertises; else the first problem.
 */
export function discoveryProblem(states: ReadonlyArray<LanState | null>, hosts: readonly LanHost[]): string | null {
  for (const [i, host] of hosts.entries()) {
    const state = states[i];
    if (!state) return `${host.label} did not answer /api/lan`;
    if (state.discovery !== 'running') return `${host.label}: discovery is ${state.discovery} (${state.lastError ?? ''})`;
    const self = state.instances.filter((instance) => instance.self);
    if (self.length !== 1 || self[0]?.instanceId !== host.instanceId) return `${host.label}: wrong self entry`;
    if (state.instances.length !== hosts.length) {
      return `${host.label} lists ${state.instances.length} instances (${state.instances.map((x) => x.name).join(', ')}), expected ${hosts.length}`;
    }
    for (const other of hosts) {
      if (other === host) continue;
      const seen = state.instances.find((instance) => instance.instanceId === other.instanceId);
      if (!seen) return `${host.label} does not list ${other.label}`;
      const expected = {
        name: other.label,
        address: other.node.ip,
        httpPort: other.port,
        peerId: null,
        protocolVersion: 1,
        self: false,
      };
      for (const [key, value] of Object.entries(expected)) {
        const actual = (seen as unknown as Record<string, unknown>)[key];
        if (actual !== value) return `${host.label} sees ${other.label}.${key} = ${JSON.stringify(actual)}, expected ${JSON.stringify(value)}`;
      }
      const broker = seen.broker;
      if (!broker || broker.port !== other.port || broker.path !== '/' || broker.key !== 'peerjs' || !(broker.startedAt > 0)) {
        return `${host.label} sees ${other.label}'s broker as ${JSON.stringify(broker)}`;
      }
      if (!seen.addresses.includes(other.node.ip)) return `${host.label} sees ${other.label} without ${other.node.ip} in its addresses`;
    }
  }
  return null;
}

/** The default broker every host names, or the disagreement. */
export function agreement(states: ReadonlyArray<LanState | null>): { id: string } | { problem: string } {
  const ids = states.map((state) => state?.defaultBroker?.instanceId ?? null);
  const first = ids[0];
  if (first === null || first === undefined) return { problem: `no default broker yet (${JSON.stringify(ids)})` };
  if (ids.some((id) => id !== first)) return { problem: `hosts disagree: ${JSON.stringify(ids)}` };
  return { id: first };
}

/** The rule, computed independently of the app: earliest broker start, then smallest instance id. */
export function expectedDefault(states: ReadonlyArray<LanState | null>): string | null {
  const selves = states.flatMap((state) =>
    (state?.instances ?? []).flatMap((instance) => (instance.self && instance.broker ? [{ id: instance.instanceId, start: instance.broker.startedAt }] : [])),
  );
  selves.sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return selves[0]?.id ?? null;
}
