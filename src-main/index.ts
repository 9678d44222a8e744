/**
 * Electron entry: lifecycle and wiring only. The host core runs in-process;
 * the contract is bound to ipcMain; the page is served from the build through
 * the privileged `lan-party://app` scheme, with the same page headers (CSP,
 * Referrer-Policy) as in browsers.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fs from 'node:fs';
import { app, BrowserWindow, ipcMain, net, protocol, type WebContents } from 'electron';
import { eventChannels } from '../src-preload/contract.js';
import { PAGE_HEADERS } from './host/content-security-policy.js';
import { createInvokeHandlers, forwardHostEvents } from './host/host-api.js';
import { LanHost } from './host/lan-host.js';
import { defaultSettings } from './host/settings.js';
import { loadSettings, saveSettings } from './host/settings-store.js';
import { resolveInside } from './host/static-files.js';
import { BenchWindows } from './bench-window.js';
import { electronGameHandlers } from './game-window.js';
import { createSenderCheck, registerIpcHandlers } from './ipc.js';
import { APP_ORIGIN, APP_SCHEME } from './app-origin.js';
import { applyAppHardening, applySessionHardening, hardenedWebPreferences } from './security.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererDir = path.join(here, '../renderer');
const preloadPath = path.join(here, '../preload/index.cjs');
const shimFile = path.join(here, '../shim/broker-shim.js');
const devServerUrl = process.env['ELECTRON_RENDERER_URL'];

/**
 * Command-line switches, for tests and for players who only want to join by
 * address: `--no-discovery` (no mDNS this run; not saved), and
 * `--user-data-dir=DIR` (settings and browser profile in DIR).
 */
const switches = {
  noDiscovery: process.argv.includes('--no-discovery'),
  userDataDir: process.argv.find((arg) => arg.startsWith('--user-data-dir='))?.slice('--user-data-dir='.length),
};
if (switches.userDataDir) app.setPath('userData', path.resolve(switches.userDataDir));

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);
applyAppHardening(devServerUrl);

let mainWindow: BrowserWindow | null = null;
let host: LanHost | null = null;

function serveAppScheme(): void {
  const root = fs.realpathSync(rendererDir);
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const resolved = resolveInside(root, url.pathname === '/' ? '/index.html' : url.pathname);
    if (!resolved.ok) return new Response('Not found', { status: resolved.status });
    const response = await net.fetch(pathToFileURL(resolved.file).href);
    const headers = new Headers(response.headers);
    // CSP, no Referer (a game window opened from here learns nothing of the app), no framing.
    for (const [name, value] of Object.entries(PAGE_HEADERS)) headers.set(name, value);
    return new Response(response.body, { status: response.status, headers });
  });
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 600,
    title: 'LAN Party',
    show: false,
    webPreferences: hardenedWebPreferences(preloadPath),
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
  return win;
}

async function startHost(): Promise<LanHost> {
  const settingsFile = path.join(app.getPath('userData'), 'settings.json');
  const loaded = loadSettings(settingsFile, defaultSettings());
  if (loaded.problem) console.warn(`LAN Party: ${loaded.problem}`);
  const lanHost = new LanHost({
    mode: 'electron',
    settings: switches.noDiscovery ? { ...loaded.settings, discovery: false } : loaded.settings,
    shimFile,
    saveSettings: (settings) => saveSettings(settingsFile, settings),
  });
  await lanHost.start();
  return lanHost;
}

async function onReady(): Promise<void> {
  applySessionHardening(devServerUrl);
  serveAppScheme();
  host = await startHost();
  const appOrigin = devServerUrl ?? APP_ORIGIN;
  const lanHost = host;
  const benches = new BenchWindows({
    preloadPath,
    pageOrigin: appOrigin.replace(/\/$/, ''),
    forwardEvents: (send) => forwardHostEvents(lanHost, true, send),
  });
  const handlers = createInvokeHandlers(host, true, electronGameHandlers(host, () => mainWindow, (input) => benches.open(input)));
  // Trusted senders: the main window's main frame, and each bench window's (both our page, with control).
  const trusted = (): WebContents[] => [mainWindow?.webContents ?? null, ...benches.contents()].filter((c): c is WebContents => c !== null);
  registerIpcHandlers(ipcMain, (event) => trusted().some((contents) => createSenderCheck(() => contents, appOrigin)(event)), handlers);
  mainWindow = createWindow();
  const win = mainWindow;
  const unsubscribe = forwardHostEvents(host, true, (event, payload) => {
    if (!win.isDestroyed()) win.webContents.send(eventChannels[event].channel, payload);
  });
  win.on('closed', () => {
    unsubscribe();
    mainWindow = null;
  });
}

app.whenReady().then(onReady, (error: unknown) => {
  console.error('LAN Party failed to start:', error);
  app.exit(1);
});

app.on('window-all-closed', () => app.quit());

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !host) return;
  // Send mDNS goodbyes and close the broker before the process goes away.
  event.preventDefault();
  quitting = true;
  void host.stop().finally(() => app.quit());
});
