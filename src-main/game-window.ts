/**
 * Electron side of hosted games: the native picker and the game window. A game
 * window is sandboxed, has no preload (so no `window.lanParty` control API),
 * runs in its own session, and may navigate within its game's origin only.
 */
import { BrowserWindow, dialog } from 'electron';
import type { TransportHandlers } from './host/host-api.js';
import type { LanHost } from './host/lan-host.js';
import { gameWebPreferences, registerGameWindow } from './security.js';

/** Only URLs of games hosted by an instance of this LAN (or this machine) open. */
export function isLanGameUrl(raw: string, host: LanHost): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' || !/^\/games\/[0-9a-f]{8}\//.test(url.pathname)) return false;
  const known = new Set(['127.0.0.1', 'localhost', ...host.addresses()]);
  for (const instance of host.getLanState().instances) for (const address of instance.addresses) known.add(address);
  return known.has(url.hostname);
}

export function electronGameHandlers(host: LanHost, parent: () => BrowserWindow | null): TransportHandlers {
  return {
    async chooseGamePath({ kind }) {
      const owner = parent();
      const options: Electron.OpenDialogOptions =
        kind === 'folder'
          ? { title: 'Choose a game folder (with an index.html)', properties: ['openDirectory'] }
          : { title: 'Choose a game .zip', properties: ['openFile'], filters: [{ name: 'Zip archives', extensions: ['zip'] }] };
      const result = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
      return { supported: true, path: result.canceled ? null : (result.filePaths[0] ?? null) };
    },
    playGame({ url }) {
      if (!isLanGameUrl(url, host)) throw new Error('Only games hosted on this LAN can be opened here.');
      const win = new BrowserWindow({ width: 1024, height: 768, title: 'LAN Party game', webPreferences: gameWebPreferences() });
      registerGameWindow(win.webContents, url);
      void win.loadURL(url);
      return { opened: true };
    },
  };
}
