/**
 * The preload: exposes `window.lanParty`, named functions and subscriptions
 * only. Never `ipcRenderer` itself, never an Electron event object. Bundled
 * into one CommonJS file that requires only `electron` (sandboxed renderer).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createApiClient } from './api-client.js';
import { eventChannels, invokeChannels, type EventName, type EventPayload, type InvokeName, type InvokeOutput, type InvokeReply } from './contract.js';

// The API object is generated from the contract's tables (api-client.ts, which
// holds the compile-time proof that it is the whole of LanPartyApi); this file
// only says how a call and an event travel over Electron IPC.
const api = createApiClient({
  async invoke<N extends InvokeName>(name: N, input: unknown): Promise<InvokeOutput<N>> {
    const reply = (await ipcRenderer.invoke(invokeChannels[name].channel, input)) as InvokeReply<InvokeOutput<N>>;
    if (!reply.ok) throw new Error(reply.error);
    return reply.value;
  },
  on<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): () => void {
    // Never hand the page an Electron event object: only the payload crosses.
    const handler = (_event: IpcRendererEvent, payload: EventPayload<N>): void => listener(payload);
    ipcRenderer.on(eventChannels[name].channel, handler);
    return () => {
      ipcRenderer.removeListener(eventChannels[name].channel, handler);
    };
  },
});

contextBridge.exposeInMainWorld('lanParty', api);
