/**
 * ipc.ts with Electron MOCKED: a fake ipcMain and fake webContents/frames stand
 * in for Electron, whose binary cannot run here. This is the only mock the
 * project allows; everything it checks is ipc.ts's own logic.
 */
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { invokeChannels, type InvokeHandlers, type InvokeName, type InvokeReply } from '../src-preload/contract.js';
import { createSenderCheck, FOREIGN_SENDER, registerIpcHandlers, type IpcMainLike } from './ipc.js';

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

const ECHO = Symbol('echo the input');

function mockIpcMain(): IpcMainLike & { listeners: Map<string, Listener> } {
  const listeners = new Map<string, Listener>();
  return {
    listeners,
    handle: (channel, listener) => void listeners.set(channel, listener),
    removeHandler: (channel) => void listeners.delete(channel),
  };
}

/** Every channel answers null and records its call; a channel added to the contract needs no line here. */
function mockHandlers(): InvokeHandlers & { calls: string[] } {
  const calls: string[] = [];
  const record = (name: string, value: unknown) => (input: unknown) => {
    calls.push(name);
    return (value === ECHO ? input : value) as never;
  };
  const replies: Partial<Record<InvokeName, unknown>> = { startBroker: { running: true }, stopBroker: { running: false }, updateSettings: ECHO };
  const names = Object.keys(invokeChannels) as InvokeName[];
  const handlers = Object.fromEntries(names.map((name) => [name, record(name, replies[name] ?? null)])) as Record<InvokeName, ReturnType<typeof record>>;
  return { ...handlers, calls };
}

const APP = 'lan-party://app';
const mainFrame = { url: `${APP}/index.html` };
const ownContents = { mainFrame } as unknown as WebContents;
const check = createSenderCheck(() => ownContents, APP);

function event(sender: unknown, senderFrame: unknown): IpcMainInvokeEvent {
  return { sender, senderFrame } as unknown as IpcMainInvokeEvent;
}

async function call(ipc: ReturnType<typeof mockIpcMain>, name: keyof typeof invokeChannels, ev: IpcMainInvokeEvent, input?: unknown) {
  const listener = ipc.listeners.get(invokeChannels[name].channel);
  if (!listener) throw new Error(`no handler for ${name}`);
  return (await listener(ev, input)) as InvokeReply;
}

describe('registerIpcHandlers', () => {
  it('registers exactly one handler per contract channel, and removes them', () => {
    const ipc = mockIpcMain();
    const dispose = registerIpcHandlers(ipc, check, mockHandlers());
    expect([...ipc.listeners.keys()].sort()).toEqual(Object.values(invokeChannels).map((c) => c.channel).sort());
    dispose();
    expect(ipc.listeners.size).toBe(0);
  });

  it('answers our own main frame', async () => {
    const ipc = mockIpcMain();
    const handlers = mockHandlers();
    registerIpcHandlers(ipc, check, handlers);
    expect(await call(ipc, 'startBroker', event(ownContents, mainFrame))).toEqual({ ok: true, value: { running: true } });
  });

  it('refuses a foreign sender, a subframe and a navigated frame without running the handler', async () => {
    const ipc = mockIpcMain();
    const handlers = mockHandlers();
    registerIpcHandlers(ipc, check, handlers);
    const otherContents = { mainFrame: { url: `${APP}/index.html` } };
    const subframe = { url: `${APP}/index.html` };
    const navigated = { url: 'https://evil.example/' };
    const navigatedContents = { mainFrame: navigated } as unknown as WebContents;
    const navigatedCheck = createSenderCheck(() => navigatedContents, APP);
    const ipc2 = mockIpcMain();
    registerIpcHandlers(ipc2, navigatedCheck, handlers);

    expect(await call(ipc, 'stopBroker', event(otherContents, otherContents.mainFrame))).toEqual({ ok: false, error: FOREIGN_SENDER });
    expect(await call(ipc, 'stopBroker', event(ownContents, subframe))).toEqual({ ok: false, error: FOREIGN_SENDER });
    expect(await call(ipc, 'stopBroker', event(ownContents, null))).toEqual({ ok: false, error: FOREIGN_SENDER });
    expect(await call(ipc2, 'stopBroker', event(navigatedContents, navigated))).toEqual({ ok: false, error: FOREIGN_SENDER });
    expect(handlers.calls).toEqual([]);
  });

  it('refuses every call once the window is gone', async () => {
    const ipc = mockIpcMain();
    const handlers = mockHandlers();
    registerIpcHandlers(ipc, createSenderCheck(() => null, APP), handlers);
    expect((await call(ipc, 'getHostState', event(ownContents, mainFrame))).ok).toBe(false);
    expect(handlers.calls).toEqual([]);
  });

  it('answers invalid input with a clear error and changes nothing', async () => {
    const ipc = mockIpcMain();
    const handlers = mockHandlers();
    registerIpcHandlers(ipc, check, handlers);
    const reply = await call(ipc, 'updateSettings', event(ownContents, mainFrame), { broker: { port: -1 } });
    expect(reply).toMatchObject({ ok: false });
    expect(!reply.ok && reply.error).toMatch(/Invalid input for updateSettings: broker\.port/);
    expect(handlers.calls).toEqual([]);
  });

  it('turns a handler failure into an error reply', async () => {
    const ipc = mockIpcMain();
    const handlers = { ...mockHandlers(), startBroker: () => { throw new Error('The host is not listening yet'); } };
    registerIpcHandlers(ipc, check, handlers);
    expect(await call(ipc, 'startBroker', event(ownContents, mainFrame))).toEqual({ ok: false, error: 'The host is not listening yet' });
  });
});
