/**
 * The preload: exposes `window.lanParty`, named functions and subscriptions
 * only. Never `ipcRenderer` itself, never an Electron event object. Bundled
 * into one CommonJS file that requires only `electron` (sandboxed renderer).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  eventChannels,
  invokeChannels,
  type EventName,
  type EventPayload,
  type InvokeName,
  type InvokeOutput,
  type InvokeReply,
  type LanPartyApi,
} from './contract.js';

async function invoke<N extends InvokeName>(name: N, input?: unknown): Promise<InvokeOutput<N>> {
  const reply = (await ipcRenderer.invoke(invokeChannels[name].channel, input)) as InvokeReply<InvokeOutput<N>>;
  if (!reply.ok) throw new Error(reply.error);
  return reply.value;
}

function subscribe<N extends EventName>(name: N) {
  return (listener: (payload: EventPayload<N>) => void): (() => void) => {
    const handler = (_event: IpcRendererEvent, payload: EventPayload<N>): void => listener(payload);
    ipcRenderer.on(eventChannels[name].channel, handler);
    return () => {
      ipcRenderer.removeListener(eventChannels[name].channel, handler);
    };
  };
}

// An object literal checked against LanPartyApi: the compiler proves every
// channel of the contract has its function here, and nothing else is exposed.
const api = {
  getHostState: () => invoke('getHostState'),
  getLanState: () => invoke('getLanState'),
  startBroker: () => invoke('startBroker'),
  stopBroker: () => invoke('stopBroker'),
  getSettings: () => invoke('getSettings'),
  updateSettings: (patch) => invoke('updateSettings', patch),
  setOwnPeerId: (input) => invoke('setOwnPeerId', input),
  hostGame: (input) => invoke('hostGame', input),
  stopHostingGame: (input) => invoke('stopHostingGame', input),
  chooseGamePath: (input) => invoke('chooseGamePath', input),
  playGame: (input) => invoke('playGame', input),
  getInstances: () => invoke('getInstances'),
  setNetworkConditions: (input) => invoke('setNetworkConditions', input),
  startRecording: () => invoke('startRecording'),
  stopRecording: () => invoke('stopRecording'),
  getRecording: (input) => invoke('getRecording', input),
  onHostState: subscribe('hostState'),
  onBrokerState: subscribe('brokerState'),
  onLanState: subscribe('lanState'),
  onInstances: subscribe('instances'),
  onInstanceEvents: subscribe('instanceEvents'),
} satisfies LanPartyApi;

contextBridge.exposeInMainWorld('lanParty', api);
