/**
 * Binds the contract to a LanHost: one handler per invoke channel and the
 * payload of every event channel. Both transports use it (Electron IPC in
 * `src-main/ipc.ts`, the WebSocket bridge in `src-main/headless/web-bridge.ts`),
 * so they cannot drift apart.
 */
import type { EventName, EventPayload, InvokeHandlers } from '../../src-preload/contract.js';
import type { HostChange, LanHost } from './lan-host.js';

/** What differs between Electron and the headless host (a native dialog, a game window, a bench window). */
export type TransportHandlers = Pick<InvokeHandlers, 'chooseGamePath' | 'playGame' | 'openBench'>;

/** Headless: the page asks for a typed path and opens games in a tab itself. */
export const BROWSER_TRANSPORT: TransportHandlers = {
  chooseGamePath: () => ({ supported: false, path: null }),
  playGame: () => ({ opened: false }),
  openBench: () => ({ opened: false }),
};

export function createInvokeHandlers(host: LanHost, canControl: boolean, transport: TransportHandlers = BROWSER_TRANSPORT): InvokeHandlers {
  return {
    ...transport,
    getHostState: () => host.getHostState(canControl),
    getLanState: () => host.getLanState(),
    startBroker: () => host.startBroker(),
    stopBroker: () => host.stopBroker(),
    updateSettings: (patch) => host.updateSettings(patch),
    setOwnPeerId: ({ peerId }) => {
      host.setOwnPeerId(peerId);
      return null;
    },
    hostGame: ({ path, gdevelopRuntime }) => host.hostGame(path, gdevelopRuntime),
    stopHostingGame: async ({ id }) => {
      await host.stopHostingGame(id);
      return null;
    },
    getInstances: () => host.agents.getState(),
    setNetworkConditions: (input) => host.agents.setConditions(input, host.games.list()),
    startRecording: () => host.agents.startRecording(),
    stopRecording: () => host.agents.stopRecording(),
    getRecording: ({ fromLine }) => host.agents.recordingPage(fromLine),
  };
}

type EventSink = <N extends EventName>(event: N, payload: EventPayload<N>) => void;

/**
 * Pushes contract events for every host change; returns the unsubscribe
 * function. Game instances and their events go to control callers only: a
 * player's dashboard never receives another player's game traffic.
 */
export function forwardHostEvents(host: LanHost, canControl: boolean, send: EventSink): () => void {
  const unsubscribers = [
    host.onChange((changes: ReadonlySet<HostChange>) => {
      if (changes.has('lan') || changes.has('broker') || changes.has('games')) send('lanState', host.getLanState());
      send('hostState', host.getHostState(canControl));
    }),
  ];
  if (canControl) {
    unsubscribers.push(
      host.agents.onInstances((state) => send('instances', state)),
      host.agents.onEvents((batch) => send('instanceEvents', batch)),
    );
  }
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}
