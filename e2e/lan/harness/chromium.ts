/**
 * Debian's Chromium running inside a node of the simulated LAN, driven by
 * Playwright. Playwright starts an executable of our choosing over its pipe
 * transport (fds 3 and 4); a small wrapper script `ip netns exec <ns>
 * /usr/bin/chromium "$@"` keeps those fds, so the browser and every process
 * it forks (renderers, network service) live in the node's namespace: its
 * sockets, its routes (or lack of a default route), its mDNS.
 *
 * Teardown order matters: a Chromium process still inside a namespace keeps
 * that namespace's network alive after `ip netns delete`. So the browsers are
 * registered as LAN cleanups, which `SimulatedLan.destroy()` runs before it
 * kills the LAN's processes and deletes the namespaces.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../fixtures/chromium.js';
import type { LanNode, SimulatedLan } from './netns.js';

export interface LanChromiumOptions {
  /**
   * Hide host ICE candidates behind `<uuid>.local` names (Chromium's default,
   * default true). The web tier turns this off because resolving them sends
   * mDNS on the machine's real interfaces; inside a namespace the multicast
   * stays on the simulated LAN, so the real-world mode is the one tested here.
   */
  hideLocalIpsWithMdns?: boolean;
  /**
   * Fake camera and microphone, granted without a prompt. Chromium gathers no
   * ICE candidate on a machine without a default route unless the page holds
   * media permission (it finds its local address by routing toward a public
   * IP); with it, every interface is enumerated. Contexts still need
   * `grantPermissions(['camera', 'microphone'])` (see newMediaContext).
   */
  fakeMedia?: boolean;
  extraArgs?: string[];
}

export interface LanBrowser {
  node: LanNode;
  browser: Browser;
  /** A context whose pages hold camera and microphone permission (for the no-route LAN). */
  newMediaContext(): Promise<BrowserContext>;
  close(): Promise<void>;
}

const CLOSE_TIMEOUT_MS = 10_000;

/** Chromium's switches for the LAN tier: the web tier's, with mDNS candidates back unless asked otherwise. */
export function lanChromiumArgs(options: LanChromiumOptions = {}): string[] {
  const hide = options.hideLocalIpsWithMdns ?? true;
  const args = CHROMIUM_ARGS.flatMap((arg) => {
    if (!arg.startsWith('--disable-features=')) return [arg];
    const features = arg
      .slice('--disable-features='.length)
      .split(',')
      .filter((feature) => feature !== '' && !(hide && feature === 'WebRtcHideLocalIpsWithMdns'));
    if (!hide && !features.includes('WebRtcHideLocalIpsWithMdns')) features.push('WebRtcHideLocalIpsWithMdns');
    return features.length > 0 ? [`--disable-features=${features.join(',')}`] : [];
  });
  if (!hide && !args.some((arg) => arg.startsWith('--disable-features='))) args.push('--disable-features=WebRtcHideLocalIpsWithMdns');
  if (options.fakeMedia) args.push('--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream');
  return [...args, ...(options.extraArgs ?? [])];
}

/**
 * Launches Chromium inside `node`'s namespace. The wrapper script lives in a
 * temporary folder removed when the browser closes; the browser is closed by
 * `close()` or, at the latest, by the LAN's teardown before its namespaces go.
 */
export async function launchChromiumIn(lan: SimulatedLan, node: LanNode, options: LanChromiumOptions = {}): Promise<LanBrowser> {
  if (!/^[A-Za-z0-9_-]+$/.test(node.ns)) throw new Error(`unexpected namespace name ${node.ns}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `lan-party-chromium-${node.label}-`));
  const wrapper = path.join(dir, 'chromium-in-netns');
  // `exec` twice: the browser is Playwright's child itself, so closing and killing reach it (and its process group).
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec '${node.ns}' '${CHROMIUM_PATH}' "$@"\n`, { mode: 0o755 });
  const removeWrapper = (): void => fs.rmSync(dir, { recursive: true, force: true });

  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: wrapper, args: lanChromiumArgs(options), timeout: 30_000 });
  } catch (error) {
    removeWrapper();
    throw error;
  }

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      try {
        // Bounded: a hung browser must not hold the teardown; Playwright kills it when the close times out.
        await Promise.race([browser.close(), new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref())]);
      } finally {
        removeWrapper();
      }
    })();
    return closing;
  };
  lan.addCleanup(close);

  return {
    node,
    browser,
    async newMediaContext() {
      const context = await browser.newContext();
      await context.grantPermissions(['camera', 'microphone']);
      return context;
    },
    close,
  };
}

