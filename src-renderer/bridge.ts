/**
 * The renderer's one way to the host: `window.lanParty` in the Electron window
 * (preload), else the WebSocket bridge of the headless host. Both implement
 * `LanPartyApi` from the contract.
 */
import { bridgeProtocols, type LanPartyApi } from '../src-preload/contract';
import { bridgeUrl, createWebBridgeClient } from './web-bridge-client';

export type BridgeKind = 'electron' | 'web';

export interface Bridge {
  kind: BridgeKind;
  api: LanPartyApi;
  /** Connection to the host (always true over IPC). */
  onConnectionChange(listener: (connected: boolean) => void): () => void;
}

let instance: Bridge | null = null;

/** `controlToken`: the host's token this tab holds (see control-token.ts), offered in the bridge's handshake. */
export function getBridge(controlToken: string | null = null): Bridge {
  if (instance) return instance;
  const preload = window.lanParty;
  if (preload) {
    instance = { kind: 'electron', api: preload, onConnectionChange: (listener) => (listener(true), () => undefined) };
  } else {
    const client = createWebBridgeClient(bridgeUrl(window.location), bridgeProtocols(controlToken));
    instance = { kind: 'web', api: client, onConnectionChange: (listener) => client.onConnectionChange(listener) };
  }
  return instance;
}
