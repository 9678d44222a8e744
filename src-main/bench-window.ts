/**
 * Electron side of the test bench (issue 12): each bench is a window of its
 * own on `lan-party://app/bench.html?game=<id>&count=<N>`, with the
 * dashboard's preload and hardening (it controls the host like the dashboard
 * does: labels, presets), and the game's instances as sandboxed frames inside
 * it (the page frames them on loopback: see bench-params.ts `gameOrigin`).
 * The IPC gate trusts these windows' main frames like the main window's, and
 * they receive the host's events.
 */
import { BrowserWindow, type WebContents } from 'electron';
import { eventChannels, type EventName, type EventPayload, type InvokeInput } from '../src-preload/contract.js';
import { hardenedWebPreferences } from './security.js';

type EventSink = <N extends EventName>(event: N, payload: EventPayload<N>) => void;

export interface BenchWindowOptions {
  preloadPath: string;
  /** The page's origin (the app scheme, or the dev server). */
  pageOrigin: string;
  /** Pushes the host's events to one window; returns the unsubscribe function. */
  forwardEvents(send: EventSink): () => void;
}

export class BenchWindows {
  private readonly windows = new Set<BrowserWindow>();

  constructor(private readonly options: BenchWindowOptions) {}

  open({ gameId, count }: InvokeInput<'openBench'>): { opened: boolean } {
    const win = new BrowserWindow({
      width: 1440,
      height: 900,
      minWidth: 640,
      minHeight: 480,
      title: 'LAN Party test bench',
      show: false,
      webPreferences: hardenedWebPreferences(this.options.preloadPath),
    });
    this.windows.add(win);
    const unsubscribe = this.options.forwardEvents((event, payload) => {
      if (!win.isDestroyed()) win.webContents.send(eventChannels[event].channel, payload);
    });
    win.on('closed', () => {
      unsubscribe();
      this.windows.delete(win);
    });
    win.once('ready-to-show', () => win.show());
    const query = new URLSearchParams({ game: gameId, count: String(count) });
    void win.loadURL(`${this.options.pageOrigin}/bench.html?${query.toString()}`);
    return { opened: true };
  }

  /** The webContents of every open bench window (for the IPC gate). */
  contents(): WebContents[] {
    return [...this.windows].filter((win) => !win.isDestroyed()).map((win) => win.webContents);
  }
}
