/**
 * An independent DNS-SD implementation from Debian (python3-zeroconf) browses
 * the simulated LAN and resolves our hosts, proving we speak standard mDNS /
 * DNS-SD: PTR -> SRV + TXT + A, with the TXT keys we document.
 */
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { DEBIAN_PYTHON, FIXTURES } from './harness/environment.js';
import { findInstance, requireStates, type LanHost } from './harness/hosts.js';
import { useSimulatedLan } from './harness/lan-session.js';
import { must } from './harness/must.js';
import { exited } from './harness/netns.js';

const suite = useSimulatedLan('interoperability');

interface Resolved {
  name: string;
  server: string;
  port: number;
  addresses: string[];
  properties: Record<string, string | null>;
}

/** Not a skip: where the LAN suite runs, CI installs python3-zeroconf, so its absence is a setup error. */
function assertZeroconf(): void {
  try {
    execFileSync(DEBIAN_PYTHON, ['-c', 'import zeroconf'], { stdio: 'pipe', timeout: 10_000 });
  } catch {
    throw new Error(`${DEBIAN_PYTHON} cannot import zeroconf: install the Debian package python3-zeroconf`);
  }
}

test.describe('interoperability', () => {
  test('python3-zeroconf sees our service and its TXT fields', async () => {
    assertZeroconf();
    const session = await suite.open();
    const { lan, probe } = session;
    const hosts = await session.addHosts(2);
    await session.untilListed();
    const [state] = await requireStates(probe, hosts);
    const brokerStart = (host: LanHost): number =>
      must(findInstance(must(state, 'h1 state'), host.instanceId)?.broker, `${host.label}'s broker`).startedAt;

    const browserNode = await lan.addNode('zc', [{ segment: 0, host: 77 }]);
    const browser = lan.spawnIn(browserNode, DEBIAN_PYTHON, [path.join(FIXTURES, 'zeroconf-browse.py'), '10', String(hosts.length)]);
    let stdout = '';
    let stderr = '';
    browser.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    browser.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await exited(browser);
    expect(browser.exitCode, stderr).toBe(0);
    const { services } = JSON.parse(stdout) as { services: Resolved[] };
    console.log(`[lan] python3-zeroconf resolved: ${services.map((s) => `${s.name} -> ${s.addresses.join(',')}:${s.port}`).join('; ')}`);

    expect(services).toHaveLength(hosts.length);
    for (const host of hosts) {
      const seen = must(
        services.find((s) => s.name === `lanparty-${host.instanceId}._lanparty._tcp.local.`),
        `zeroconf's resolution of ${host.label}`,
      );
      expect(seen.server).toBe(`lanparty-${host.instanceId}.local.`);
      expect(seen.port).toBe(host.port);
      // Only the address of the interface the record was sent on: no docker/VPN/loopback leaks, no scope-less fe80::.
      expect(seen.addresses).toEqual([host.node.ip]);
      expect(seen.properties).toEqual({
        v: '1',
        id: host.instanceId,
        name: host.label,
        hport: String(host.port),
        bport: String(host.port),
        bpath: '/',
        bkey: 'peerjs',
        bstart: String(brokerStart(host)),
      });
    }
  });
});
