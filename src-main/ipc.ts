/**
 * The contract bound to `ipcMain`. Every handler first checks that the sender
 * is our own window's main frame on our own origin (the gate, the only thing
 * this transport adds), then hands the call to the one dispatcher
 * (host/invoke-dispatch.ts: parse with the contract's schema, call, reply); a
 * refusal or an invalid input is answered with a clear error and changes nothing.
 *
 * Electron is taken as parameters (types only here), so this module is unit
 * tested with a fake ipcMain, the one mock the project allows.
 */
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { invokeChannels, type InvokeHandlers, type InvokeName, type InvokeReply } from '../src-preload/contract.js';
import { originOf } from './app-origin.js';
import { createInvokeDispatcher } from './host/invoke-dispatch.js';

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

export const FOREIGN_SENDER = 'Refused: this request did not come from the LAN Party window.';

/**
 * Trusted = the main frame of the window we created, showing our own origin.
 * `getWindowContents` returns that window's webContents (null once closed).
 */
export function createSenderCheck(getWindowContents: () => WebContents | null, appOrigin: string): SenderCheck {
  return (event) => {
    const contents = getWindowContents();
    if (!contents || event.sender !== contents) return false;
    const frame = event.senderFrame;
    if (!frame || frame !== contents.mainFrame) return false;
    return originOf(frame.url) === originOf(appOrigin);
  };
}

/** Registers one handler per contract channel; returns a function that removes them all. */
export function registerIpcHandlers(ipcMain: IpcMainLike, isTrustedSender: SenderCheck, handlers: InvokeHandlers): () => void {
  const dispatch = createInvokeDispatcher(handlers);
  const names = Object.keys(invokeChannels) as InvokeName[];
  for (const name of names) {
    ipcMain.handle(invokeChannels[name].channel, async (event, raw): Promise<InvokeReply> => {
      if (!isTrustedSender(event)) return { ok: false, error: FOREIGN_SENDER };
      return dispatch(name, raw);
    });
  }
  return () => {
    for (const name of names) ipcMain.removeHandler(invokeChannels[name].channel);
  };
}
