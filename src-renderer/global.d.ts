import type { LanPartyApi } from '../src-preload/contract';

declare global {
  interface Window {
    /** Present in the Electron window (preload); absent in browsers, which use the WebSocket bridge. */
    readonly lanParty?: LanPartyApi;
  }
}

export {};
