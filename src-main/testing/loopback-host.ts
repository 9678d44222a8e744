/**
 * A real LanHost for unit tests: on 127.0.0.1, discovery off (mDNS runs only
 * inside the LAN tier's namespaces), its broker on a free port, no built shim.
 */
import { LanHost, type LanHostOptions } from '../host/lan-host.js';
import { defaultSettings } from '../host/settings.js';
import type { Cleanup } from './cleanups.js';

/** Starts one, stopped after the test; `options` add to or replace the defaults above. */
export async function startLoopbackHost(cleanups: Cleanup[], options: Partial<LanHostOptions> = {}): Promise<LanHost> {
  const settings = { ...defaultSettings(), discovery: false, broker: { ...defaultSettings().broker, port: 0 } };
  const host = new LanHost({ mode: 'headless', settings, bindHost: '127.0.0.1', shimFile: '/nonexistent/shim.js', ...options });
  cleanups.push(() => host.stop());
  await host.start();
  return host;
}
