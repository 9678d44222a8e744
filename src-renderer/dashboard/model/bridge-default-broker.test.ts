import { describe, expect, it } from 'vitest';
import type { BrokerEndpoint, LanState } from '../../../src-preload/contract';
import { createBridgeDefaultBrokerSource } from './bridge-default-broker';

const endpoint = (port: number): BrokerEndpoint => ({ host: '10.0.0.2', port, path: '/', key: 'peerjs', secure: false });
const lan = (e: BrokerEndpoint | null): LanState => ({
  discovery: 'running',
  lastError: null,
  instances: [],
  ignoredRecords: 0,
  defaultBroker: e ? { instanceId: 'i', endpoint: e, reason: 'only broker on the LAN' } : null,
});

describe('createBridgeDefaultBrokerSource', () => {
  it('answers from the host and notifies changes only', async () => {
    let push: (state: LanState) => void = () => undefined;
    const source = createBridgeDefaultBrokerSource({
      getLanState: () => Promise.resolve(lan(endpoint(9000))),
      onLanState: (listener) => {
        push = listener;
        return () => undefined;
      },
    });
    const seen: (BrokerEndpoint | null)[] = [];
    source.subscribe((e) => seen.push(e));
    expect(await source.get()).toEqual(endpoint(9000));
    push(lan(endpoint(9000)));
    push(lan(endpoint(9001)));
    push(lan(endpoint(9001)));
    push(lan(null));
    expect(seen).toEqual([endpoint(9001), null]);
  });
});
