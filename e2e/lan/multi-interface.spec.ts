/**
 * A host on two LANs at once (two interfaces, two subnets): each LAN sees it
 * at the address of its own subnet, it sees both LANs, and its goodbye
 * reaches both.
 *
 *   A 10.77.0.1 --- segment 0 --- 10.77.0.10  X  10.78.0.10 --- segment 1 --- 10.78.0.2 B
 */
import { expect, test } from '@playwright/test';
import type { LanState } from '../../src-preload/contract.js';
import { findInstance, pollUntil, selfOf } from './harness/hosts.js';
import { useSimulatedLan } from './harness/lan-session.js';

const suite = useSimulatedLan('multiple interfaces');

test.describe('multiple interfaces', () => {
  test('each LAN sees the two-homed host at its own subnet address, and its goodbye reaches both', async () => {
    const session = await suite.open({ segments: 2 });
    const { probe } = session;
    // No --interface: the default, every IPv4 interface (eth0 and eth1 here).
    const x = await session.addHost(
      'x',
      [
        { segment: 0, host: 10 },
        { segment: 1, host: 10 },
      ],
      { interfaces: [] },
    );
    const a = await session.addHost('a', 1);
    const b = await session.addHost('b', [{ segment: 1, host: 2 }]);

    const expected = (states: ReadonlyArray<LanState | null>): string | null => {
      const [xs, as, bs] = states;
      if (!xs || !as || !bs) return 'a host did not answer';
      const self = xs.instances.find((i) => i.self);
      if (JSON.stringify(self?.addresses) !== JSON.stringify(['10.77.0.10', '10.78.0.10'])) return `x's own addresses: ${JSON.stringify(self?.addresses)}`;
      if (findInstance(xs, a.instanceId)?.address !== '10.77.0.1') return 'x does not see a at 10.77.0.1';
      if (findInstance(xs, b.instanceId)?.address !== '10.78.0.2') return 'x does not see b at 10.78.0.2';
      const xFromA = findInstance(as, x.instanceId);
      const xFromB = findInstance(bs, x.instanceId);
      if (xFromA?.address !== '10.77.0.10') return `a sees x at ${xFromA?.address}`;
      if (xFromB?.address !== '10.78.0.10') return `b sees x at ${xFromB?.address}`;
      if (as.instances.length !== 2 || bs.instances.length !== 2 || xs.instances.length !== 3) return 'unexpected instance counts';
      return null;
    };
    const urls = [x.url, `http://10.77.0.1:${a.port}`, `http://10.78.0.2:${b.port}`].map((u) => `${u}/api/lan`);
    const { value: states } = await pollUntil(
      'both LANs to see x at their own subnet address',
      async () => {
        const states = await probe.getJson<LanState>(urls);
        const problem = expected(states);
        return problem ? { notYet: problem } : states;
      },
      { timeoutMs: 10_000 },
    );
    for (const state of states) expect(state?.ignoredRecords).toBe(0);
    // A's view of x never carries the other LAN's address as the one to use, but it is reachable where offered.
    const [viaB] = await probe.getJson<LanState>([`http://10.78.0.10:${x.port}/api/lan`]);
    expect(viaB && selfOf(viaB).instanceId).toBe(x.instanceId);

    // One goodbye per interface: both LANs drop x at once.
    const stopping = x.stop();
    const { elapsedMs } = await pollUntil(
      'a and b to drop x',
      async () => {
        const [as, bs] = await probe.getJson<LanState>(urls.slice(1));
        return as && bs && !findInstance(as, x.instanceId) && !findInstance(bs, x.instanceId) ? true : { notYet: 'x still listed' };
      },
      { timeoutMs: 5_000, intervalMs: 10 },
    );
    expect(await stopping).toBe(0);
    console.log(`[lan] two-homed host's goodbye reached both LANs in ${elapsedMs} ms`);
    expect(elapsedMs).toBeLessThan(1000);
  });
});
