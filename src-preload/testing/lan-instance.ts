/**
 * Test factories for the LAN's shapes of the contract: one place that knows
 * every field of a `LanInstance`, so unit tests name only what they are about
 * and a new field is added here, not in each test file.
 */
import type { LanInstance, LanState } from '../contract.js';

/** Another instance on the LAN, reachable at 10.77.0.9:9000, with no broker, peer or games; `overrides` set the rest. */
export function lanInstance(overrides: Partial<LanInstance> = {}): LanInstance {
  const address = overrides.address ?? '10.77.0.9';
  return {
    instanceId: 'x',
    name: 'x',
    address,
    addresses: address === null ? [] : [address],
    httpPort: 9000,
    broker: null,
    peerId: null,
    games: [],
    protocolVersion: 1,
    self: false,
    firstSeen: 0,
    lastSeen: 0,
    ...overrides,
  };
}

/** A running discovery listing `instances`, with no default broker unless `overrides` say so. */
export function lanState(instances: LanInstance[], overrides: Partial<LanState> = {}): LanState {
  return { discovery: 'running', lastError: null, ignoredRecords: 0, instances, defaultBroker: null, ...overrides };
}
