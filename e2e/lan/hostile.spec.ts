/**
 * A hostile advertiser on the LAN (a raw mDNS responder, fixtures/hostile-advertiser.mjs)
 * publishes malformed and oversized TXT records, bad ports, a spoofed goodbye
 * and non-DNS packets. No host may crash, list any of it, or drop a real
 * instance because of it; each host counts what it ignored.
 */
import { expect, test } from '@playwright/test';
import path from 'node:path';
import readline from 'node:readline';
import type { LanState } from '../../src-preload/contract.js';
import { agreement, discoveryProblem } from './harness/checks.js';
import { FIXTURES, REPO_ROOT } from './harness/environment.js';
import { findInstance, pollUntil, requireStates } from './harness/hosts.js';
import { useSimulatedLan } from './harness/lan-session.js';
import { must } from './harness/must.js';
import { exited } from './harness/netns.js';

const suite = useSimulatedLan('hostile advertiser');

const ATTACK_SECONDS = 3;
/** Malformed services (20) plus the spoofed goodbye, per burst: see the fixture. */
const COUNTED_PER_BURST = 21;

test.describe('hostile advertiser', () => {
  test('malformed, oversized and lying records crash nobody, are never listed, and are counted', async () => {
    const session = await suite.open();
    const { lan, probe } = session;
    const hosts = await session.addHosts(3);
    await session.untilListed();
    const before = await requireStates(probe, hosts);
    const victim = must(hosts[0], 'h1');

    const evil = await lan.addNode('evil', [{ segment: 0, host: 66 }]);
    const attacker = lan.spawnIn(
      evil,
      process.execPath,
      [path.join(FIXTURES, 'hostile-advertiser.mjs'), evil.ip, victim.instanceId, String(ATTACK_SECONDS)],
      { cwd: REPO_ROOT },
    );
    const lines: string[] = [];
    readline.createInterface({ input: must(attacker.stdout, 'attacker stdout') }).on('line', (line) => lines.push(line));
    let attackerErrors = '';
    attacker.stderr?.on('data', (chunk: Buffer) => (attackerErrors += chunk.toString()));
    await pollUntil('the attacker to start', async () => (lines.includes('ready') ? true : { notYet: attackerErrors }), {
      timeoutMs: 10_000,
    });

    // During the attack: every host answers, lists exactly the three real hosts, and never loses the victim.
    const isHostile = (state: LanState): boolean =>
      state.instances.some((i) => i.address === evil.ip || i.addresses.includes(evil.ip) || !hosts.some((h) => h.instanceId === i.instanceId));
    let rounds = 0;
    const attackEnds = Date.now() + ATTACK_SECONDS * 1000;
    while (Date.now() < attackEnds && rounds < 200) {
      rounds += 1;
      // requireStates fails the test if any host stops answering.
      const states = await requireStates(probe, hosts);
      for (const [i, state] of states.entries()) {
        const label = hosts[i]?.label ?? '?';
        expect(isHostile(state), `${label} lists a hostile record: ${JSON.stringify(state.instances)}`).toBe(false);
        expect(findInstance(state, victim.instanceId), `${label} dropped ${victim.label} on a spoofed goodbye`).toBeDefined();
        expect(state.instances).toHaveLength(3);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await exited(attacker);
    expect(attacker.exitCode, attackerErrors).toBe(0);
    const summary = JSON.parse(lines.at(-1) ?? '{}') as { kinds?: string[]; sent?: number; errors?: number };
    const kinds = summary.kinds?.length ?? 0;
    console.log(`[lan] hostile advertiser sent ${summary.sent} packets (${summary.errors} send errors) of ${kinds} kinds`);
    expect(kinds).toBeGreaterThan(20);
    expect(summary.sent).toBeGreaterThan(kinds * 5);

    // After: all alive and consistent, and each counted what it ignored.
    const after = await requireStates(probe, hosts);
    expect(discoveryProblem(after, hosts)).toBeNull();
    expect('id' in agreement(after)).toBe(true);
    for (const [i, host] of hosts.entries()) {
      expect(host.alive(), `${host.label} crashed:\n${host.output()}`).toBe(true);
      expect(host.output()).not.toMatch(/uncaught|unhandled|TypeError|RangeError/i);
      const now = must(after[i], `${host.label} state`);
      const counted = now.ignoredRecords - must(before[i], `${host.label} state before`).ignoredRecords;
      console.log(`[lan] ${host.label} ignored ${counted} hostile records`);
      expect(counted).toBeGreaterThanOrEqual(COUNTED_PER_BURST);
      expect(now.discovery).toBe('running');
    }
  });
});
