/**
 * `window.lanPartyDashboard` exposes the page's engine in the devtools
 * console (a developer can fire events from a script while watching the
 * dashboard) and to the e2e tests, which drive bursts through it.
 */
import type { P2PEngine } from '../p2p';

declare global {
  interface Window {
    lanPartyDashboard?: { readonly engine: P2PEngine };
  }
}

export function exposeDebugHandle(engine: P2PEngine): void {
  Object.defineProperty(window, 'lanPartyDashboard', { value: Object.freeze({ engine }), configurable: false, writable: false });
}
