/**
 * The headless host: the host core plus the built page and the web bridge on
 * the same port. Used by the `lan-party host` CLI and by the tests.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { GdevelopRuntime, Settings } from '../../src-preload/contract.js';
import type { NetworkConditions } from '../../src-preload/network-conditions.js';
import { PAGE_HEADERS } from '../host/content-security-policy.js';
import { LanHost } from '../host/lan-host.js';
import { saveSettings } from '../host/settings-store.js';
import { serveStatic } from '../host/static-files.js';
import { WebBridge } from './web-bridge.js';

export interface HeadlessHostOptions {
  settings: Settings;
  /** Folder of the built renderer (`out/renderer`). */
  rendererDir: string;
  /** The built broker shim for hosted games (`out/shim/broker-shim.js`). */
  shimFile: string;
  /** Games to host from the start (folders or .zip files). */
  games?: string[];
  /** Runtime of the hosted GDevelop games' P2P events (default: LAN Party's engine). */
  gdevelopRuntime?: GdevelopRuntime;
  /** Persist settings changed from the page here (saved on every change). */
  settingsFile?: string;
  bindHost?: string;
  /** Token that grants control from other machines; random when omitted. */
  token?: string;
  startBroker?: boolean;
  /** `--network`: every game instance's uplink conditions. */
  network?: NetworkConditions | null;
  /** `--record`: trace every instance's events to this file from the start until the host stops. */
  recordFile?: string;
}

export interface HeadlessHost {
  host: LanHost;
  port: number;
  token: string;
  /** URLs to open: loopback first, then each LAN address. */
  urls: string[];
  close(): Promise<void>;
}

export async function startHeadlessHost(options: HeadlessHostOptions): Promise<HeadlessHost> {
  let rendererDir: string;
  try {
    rendererDir = fs.realpathSync(options.rendererDir);
  } catch {
    throw new Error(`The built page is missing (${options.rendererDir}): run \`npm run build\` first.`);
  }
  const token = options.token ?? randomBytes(16).toString('hex');
  const host = new LanHost({
    mode: 'headless',
    settings: options.settings,
    bindHost: options.bindHost,
    startBroker: options.startBroker,
    shimFile: options.shimFile,
    saveSettings: options.settingsFile ? (settings) => saveSettings(options.settingsFile ?? '', settings) : undefined,
    networkUplink: options.network ?? null,
  });
  const bridge = new WebBridge(host, token);
  // Registered last: the broker's and the API's routes take precedence.
  host.http.addRequestRoute((req, res, url) => {
    serveStatic(rendererDir, req, res, url, { htmlHeaders: PAGE_HEADERS });
    return true;
  });
  await host.start();
  try {
    // Before the games: the trace has every event from the first page on. Stopping the host closes it complete.
    if (options.recordFile !== undefined) host.agents.startRecording(options.recordFile);
    for (const game of options.games ?? []) await host.hostGame(game, options.gdevelopRuntime);
  } catch (error) {
    bridge.close();
    await host.stop();
    throw error;
  }
  const port = host.port ?? 0;
  const lan = host.addresses().filter((a) => a !== '127.0.0.1');
  const bound = options.bindHost;
  const addresses = bound && bound !== '0.0.0.0' ? [bound] : ['127.0.0.1', ...lan];
  let closed = false;
  return {
    host,
    port,
    token,
    urls: addresses.map((address) => `http://${address}:${port}/`),
    async close() {
      if (closed) return;
      closed = true;
      bridge.close();
      await host.stop();
    },
  };
}
