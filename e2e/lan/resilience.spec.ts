/**
 * Network trouble never crashes a host: its interface losing its address and
 * link (cable pulled, Wi-Fi gone) is reported in the LAN state and recovered
 * from when the interface comes back; the other hosts drop it meanwhile.
 */
import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { LanState } from '../../src-preload/contract.js';
import { FIXTURES } from './harness/environment.js';
import { findInstance, lanStates, pollUntil, type LanHost } from './harness/hosts.js';
import { useSimulatedLan } from './harness/lan-session.js';

const execFileAsync = promisify(execFile);

const suite = useSimulatedLan('resilience');

/** A host's own view over its namespace's loopback (its LAN address may be gone). */
async function ownState(host: LanHost): Promise<LanState | null> {
  try {
    const { stdout } = await execFileAsync(
      'ip',
      ['netns', 'exec', host.node.ns, process.execPath, path.join(FIXTURES, 'http-probe.mjs'), '--once', `http://127.0.0.1:${host.port}/api/lan`],
      { timeout: 10_000 },
    );
    return JSON.parse(stdout) as LanState;
  } catch {
    return null;
  }
}

test.describe('resilience', () => {
  test('an interface that goes away is reported, survived, and recovered from', async () => {
    const session = await suite.open();
    const { lan, probe } = session;
    const hosts = await session.addHosts(2);
    const [h1, h2] = hosts as [LanHost, LanHost];
    await session.untilListed();

    // Pull the cable: link down, address gone (its routes go with it).
    await lan.ipIn(h1.node, ['link', 'set', 'eth0', 'down']);
    await lan.ipIn(h1.node, ['addr', 'flush', 'dev', 'eth0']);
    const { value: broken, elapsedMs } = await pollUntil(
      'h1 to report the problem',
      async () => {
        const state = await ownState(h1);
        return state?.discovery === 'error' ? state : { notYet: JSON.stringify(state && { d: state.discovery, e: state.lastError }) };
      },
      { timeoutMs: 10_000, intervalMs: 200 },
    );
    console.log(`[lan] h1 reported "${broken.lastError}" ${elapsedMs} ms after losing eth0`);
    expect(broken.lastError).toContain('eth0');
    expect(broken.instances.filter((i) => i.self)).toHaveLength(1);
    await pollUntil(
      'h2 to drop h1',
      async () => {
        const [state] = await lanStates(probe, [h2]);
        return state && !findInstance(state, h1.instanceId) ? true : { notYet: 'h1 still listed' };
      },
      { timeoutMs: 6_000, intervalMs: 50 },
    );
    expect(h1.alive(), h1.output()).toBe(true);

    // Plug it back in.
    await lan.ipIn(h1.node, ['addr', 'add', `${h1.node.ip}/24`, 'dev', 'eth0']);
    await lan.ipIn(h1.node, ['link', 'set', 'eth0', 'up']);
    await lan.ipIn(h1.node, ['route', 'add', '224.0.0.0/4', 'dev', 'eth0']);
    const recoveredMs = await session.untilListed(hosts, 15_000);
    console.log(`[lan] h1 back on the LAN ${recoveredMs} ms after its interface returned`);
    const [h1State] = await lanStates(probe, [h1]);
    expect(h1State?.discovery).toBe('running');
    expect(h1State?.lastError).toBeNull();

    for (const host of hosts) {
      expect(host.alive(), host.output()).toBe(true);
      expect(await host.stop()).toBe(0);
    }
  });
});
