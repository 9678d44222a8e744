/**
 * The minimal host status page: broker state and the LAN, updated live through
 * the bridge. (The full dashboard replaces it; this page is the contract's
 * first consumer and what the foundation tests look at.)
 */
import type { HostState } from '../../src-preload/contract';
import { getBridge } from '../bridge';
import { renderStatus } from './render-status';

const root = document.getElementById('app');
if (!root) throw new Error('missing #app');

const bridge = getBridge();
let state: HostState | null = null;
let problem: string | null = null;

function draw(): void {
  if (root) renderStatus(root, state, problem, actions);
}

const actions = {
  async toggleBroker(): Promise<void> {
    try {
      const broker = state?.broker.running ? await bridge.api.stopBroker() : await bridge.api.startBroker();
      if (state) state = { ...state, broker };
      problem = null;
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    draw();
  },
};

async function refresh(): Promise<void> {
  try {
    state = await bridge.api.getHostState();
    problem = null;
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  draw();
}

bridge.api.onHostState((next) => {
  state = next;
  draw();
});
bridge.onConnectionChange((connected) => {
  if (connected) void refresh();
  else {
    problem = 'Lost the connection to the LAN Party host; reconnecting…';
    draw();
  }
});
// Uptime ticks without host events.
setInterval(draw, 1000);
void refresh();
