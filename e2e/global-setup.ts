/** Runs once before the e2e tiers: says up front which tiers cannot run here and why. */
import { chromiumAvailable, CHROMIUM_PATH } from './fixtures/chromium.js';
import { electronBinary, ELECTRON_SKIP_REASON } from './fixtures/electron-binary.js';
import { lanSkipReason } from './lan/harness/environment.js';

export default function globalSetup(): void {
  if (!electronBinary()) console.log(`\n[e2e] ${ELECTRON_SKIP_REASON}\n`);
  const lan = lanSkipReason();
  if (lan !== null) console.log(`[e2e] LAN tier (simulated LAN of network namespaces) skipped: ${lan}\n`);
  if (!chromiumAvailable()) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install chromium) or set LAN_PARTY_CHROMIUM.`);
  }
}
