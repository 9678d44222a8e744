/**
 * The engine's "default broker" source for the dashboard: the host's
 * election result (`LanState.defaultBroker`), read and followed through the
 * bridge instead of polling `/api/lan` over HTTP.
 */
import type { BrokerEndpoint, LanPartyApi, LanState } from '../../../src-preload/contract';
import { sameEndpoint, type DefaultBrokerSource } from '../../p2p';

export function endpointOf(state: LanState): BrokerEndpoint | null {
  return state.defaultBroker?.endpoint ?? null;
}

export function createBridgeDefaultBrokerSource(api: Pick<LanPartyApi, 'getLanState' | 'onLanState'>): DefaultBrokerSource {
  // undefined = not known yet: the first value always reaches subscribers.
  let last: BrokerEndpoint | null | undefined;
  return {
    async get() {
      const endpoint = endpointOf(await api.getLanState());
      last = endpoint;
      return endpoint;
    },
    subscribe(listener) {
      return api.onLanState((state) => {
        const endpoint = endpointOf(state);
        if (last !== undefined && sameEndpoint(last, endpoint)) return;
        last = endpoint;
        listener(endpoint);
      });
    },
  };
}
