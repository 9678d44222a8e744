/**
 * The contract bound to `ipcMain`. Every handler first checks that the sender
 * is our own window's main frame on our own origin, then parses the input with
 * the contract's schema; a refusal or an invalid input is answered with a clear
 * error and changes nothing.
 *
 * Electron is taken as parameters (types only here), so this module is unit
 * tested with a fake ipcMain, the one mock the project allows.
 */
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import {
  invokeChannels,
  parseInvokeInput,
  type InvokeHandlers,
  type InvokeName,
  type InvokeReply,
} from '../src-preload/contract.js';
import { originOf } from './app-origin.js';

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
  const names = Object.keys(invokeChannels) as InvokeName[];
  for (const name of names) {
    ipcMain.handle(invokeChannels[name].channel, async (event, raw): Promise<InvokeReply> => {
      if (!isTrustedSender(event)) return { ok: false, error: FOREIGN_SENDER };
      const parsed = parseInvokeInput(name, raw);
      if (!parsed.ok) return { ok: false, error: parsed.error };
      try {
        const handler = handlers[name] as (input: unknown) => unknown;
        return { ok: true, value: (await handler(parsed.value)) ?? null };
      } catch (error) {
        return { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
    });
  }
  return () => {
    for (const name of names) ipcMain.removeHandler(invokeChannels[name].channel);
  };
}
