/**
 * Electron side of hosted games: the native picker and the game window. A game
 * window is sandboxed, has no preload (so no `window.lanParty` control API),
 * runs in its own session, and may navigate within its game's origin only
 * (address and the game's own port: not the host's port, not another game).
 */
import { BrowserWindow, dialog } from 'electron';
import type { TransportHandlers } from './host/host-api.js';
import { isLanGameUrl } from './host/games/lan-game-url.js';
import type { LanHost } from './host/lan-host.js';
import { gameWebPreferences, registerGameWindow } from './security.js';

/** `openBench`: the test bench's own window (bench-window.ts). */
export function electronGameHandlers(host: LanHost, parent: () => BrowserWindow | null, openBench: TransportHandlers['openBench']): TransportHandlers {
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
    openBench,
  };
}
