/**
 * Window and session hardening, following Electron's security checklist:
 * isolated sandboxed renderers without Node, navigation and new windows
 * denied, webviews refused, and permissions denied except the media
 * permission WebRTC needs on a LAN without a gateway (Chromium gathers no ICE
 * candidates there otherwise).
 */
import { app, session, type WebContents, type WebPreferences } from 'electron';
import { APP_ORIGIN, originOf } from './app-origin.js';


export function hardenedWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/** Game windows may navigate within their game's origin only: its address and its own port (the host's port and other games are other origins). */
const gameOrigins = new WeakMap<WebContents, string>();

export const GAME_PARTITION = 'lan-party-games';

function isOwnPage(url: string, devServerUrl: string | undefined): boolean {
  const origin = originOf(url);
  return origin !== null && (origin === originOf(APP_ORIGIN) || (devServerUrl !== undefined && origin === originOf(devServerUrl)));
}

/** A blob: URL our own page created (`blob:lan-party://app/<uuid>`). */
function isOwnBlob(url: string, devServerUrl: string | undefined): boolean {
  return url.startsWith('blob:') && isOwnPage(url.slice('blob:'.length), devServerUrl);
}

/** Call once, before `app.whenReady()`. */
export function applyAppHardening(devServerUrl: string | undefined): void {
  app.enableSandbox();
  app.on('web-contents-created', (_event, contents: WebContents) => {
    const allowed = (url: string): boolean => {
      const game = gameOrigins.get(contents);
      return game !== undefined ? originOf(url) === game : isOwnPage(url, devServerUrl);
    };
    contents.on('will-navigate', (event, url) => {
      if (!allowed(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!allowed(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

/** Call once the app is ready. */
export function applySessionHardening(devServerUrl: string | undefined): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((contents, permission, callback, details) => {
    const fromUs = isOwnPage(details.requestingUrl || contents.getURL(), devServerUrl);
    callback(fromUs && permission === 'media');
  });
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) => {
    return permission === 'media' && isOwnPage(requestingOrigin, devServerUrl);
  });
  // The one download: the event console saves an event's full data from a blob: URL our page made
  // (Electron asks where to save it). Anything else is refused; no device beyond media is needed.
  ses.on('will-download', (event, item) => {
    if (!isOwnBlob(item.getURL(), devServerUrl)) event.preventDefault();
  });
  ses.setDevicePermissionHandler(() => false);
  // Games run in their own session with no shared storage and no device access.
  // The media permission CHECK is answered "granted" (requests are still denied):
  // on a LAN without a gateway, Chromium gathers ICE host candidates only for
  // pages that hold that permission (measured in the simulated LAN), and a
  // game's WebRTC must work there.
  const games = session.fromPartition(GAME_PARTITION);
  games.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  games.setPermissionCheckHandler((_contents, permission) => permission === 'media');
  games.on('will-download', (event) => event.preventDefault());
}

/** Settings of a game window: sandboxed, isolated, no preload (so no `window.lanParty`), its own session. */
export function gameWebPreferences(): WebPreferences {
  const { preload: _none, ...hardened } = hardenedWebPreferences('');
  return { ...hardened, partition: GAME_PARTITION };
}

export function registerGameWindow(contents: WebContents, gameUrl: string): void {
  const origin = originOf(gameUrl);
  if (origin) gameOrigins.set(contents, origin);
}
