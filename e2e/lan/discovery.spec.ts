/**
 * Discovery and election between real `lan-party host` processes on a
 * simulated LAN (network namespaces on a bridge), in three network variants:
 * with a default route (via a gateway that does not exist), without one, and
 * with no route at all but the subnet's (no multicast route either).
 */
import { expect, test } from '@playwright/test';
import type { LanState } from '../../src-preload/contract.js';
import { agreement, discoveryProblem, expectedDefault } from './harness/checks.js';
import { findInstance, lanStates, pollUntil, requireStates, selfOf, type LanHost } from './harness/hosts.js';
import { useSimulatedLan, type LanSession } from './harness/lan-session.js';
import { must } from './harness/must.js';
import type { NodeOptions } from './harness/netns.js';
import type { LanProbe } from './harness/probe.js';

const VARIANTS: Array<{ title: string; routes: NodeOptions }> = [
  { title: 'default route via a dummy gateway', routes: { defaultRoute: true, multicastRoute: true } },
  { title: 'no default route', routes: { defaultRoute: false, multicastRoute: true } },
  { title: 'no default route, no multicast route', routes: { defaultRoute: false, multicastRoute: false } },
];

/** Gone from every answering host's list (a host that does not answer does not count as "gone"). */
function goneEverywhere(states: ReadonlyArray<LanState | null>, instanceId: string): boolean {
  return states.every((state) => state !== null && findInstance(state, instanceId) === undefined);
}

/** The host that is the LAN's agreed default broker now, and the others. */
async function defaultBrokerHost(probe: LanProbe, hosts: readonly LanHost[]): Promise<{ host: LanHost; others: LanHost[] }> {
  const current = agreement(await lanStates(probe, hosts));
  if (!('id' in current)) throw new Error(current.problem);
  const host = must(
    hosts.find((candidate) => candidate.instanceId === current.id),
    'the default broker host',
  );
  return { host, others: hosts.filter((other) => other !== host) };
}

/** Polls until `others` all answer and none lists `gone`; the time it took. */
async function droppedByAll(probe: LanProbe, others: readonly LanHost[], gone: LanHost, what: string, options: { timeoutMs: number; intervalMs: number }): Promise<number> {
  const { elapsedMs } = await pollUntil(what, async () => (goneEverywhere(await lanStates(probe, others), gone.instanceId) ? true : { notYet: 'still listed' }), options);
  return elapsedMs;
}

/** Polls until every host answers and they agree on the rule's choice. */
async function agreedOnRule(probe: LanProbe, hosts: readonly LanHost[], what: string): Promise<{ id: string; elapsedMs: number }> {
  const { value, elapsedMs } = await pollUntil(
    what,
    async () => {
      const states = await lanStates(probe, hosts);
      const agreed = agreement(states);
      if ('problem' in agreed) return { notYet: agreed.problem };
      return agreed.id === expectedDefault(states) ? agreed : { notYet: `agreed on ${agreed.id}, not the rule's choice` };
    },
    { timeoutMs: 5_000 },
  );
  return { id: value.id, elapsedMs };
}

for (const variant of VARIANTS) {
  test.describe(`discovery and election, ${variant.title}`, () => {
    test.describe.configure({ mode: 'serial' });

    // Per variant: its LAN is gone before the next variant starts.
    const suite = useSimulatedLan('discovery');
    let session: LanSession | undefined;
    /** The hosts on the LAN now (the session keeps every host it started, for teardown). */
    const hosts: LanHost[] = [];
    const ready = (): LanSession => must(session, 'the LAN');

    test.beforeAll(async () => {
      session = await suite.open({ routes: variant.routes });
      hosts.push(...(await session.addHosts(3)));
    });

    test('three hosts find each other and name the same default broker', async () => {
      const { probe } = ready();
      const { value: states, elapsedMs } = await pollUntil(
        'three hosts to list each other and agree',
        async () => {
          const states = await lanStates(probe, hosts);
          const problem = discoveryProblem(states, hosts);
          if (problem) return { notYet: problem };
          const agreed = agreement(states);
          return 'problem' in agreed ? { notYet: agreed.problem } : states;
        },
        { timeoutMs: 10_000 },
      );
      console.log(`[lan] ${variant.title}: 3 hosts listed each other and agreed ${elapsedMs} ms after the last one started`);
      const agreed = agreement(states);
      expect(agreed).toEqual({ id: expectedDefault(states) });
      const winner = must(
        hosts.find((host) => 'id' in agreed && host.instanceId === agreed.id),
        'the default broker host',
      );
      for (const state of await requireStates(probe, hosts)) {
        expect(state.defaultBroker?.endpoint).toEqual({ host: winner.node.ip, port: winner.port, path: '/', key: 'peerjs', secure: false });
        expect(state.ignoredRecords).toBe(0);
        expect(state.lastError).toBeNull();
      }
      // The offered addresses are reachable: each host's page answers there, from inside the LAN.
      const [firstState] = await requireStates(probe, hosts);
      for (const target of hosts) {
        const offered = must(findInstance(must(firstState, 'h1 state'), target.instanceId), `${target.label} on h1`).address;
        const [viaOffered] = await probe.getJson<LanState>([`http://${offered}:${target.port}/api/lan`]);
        expect(viaOffered && selfOf(viaOffered).instanceId).toBe(target.instanceId);
      }
    });

    test('a fourth host started later appears on the others in under one second', async () => {
      const { probe } = ready();
      const defaultBefore = agreement(await lanStates(probe, hosts));
      const fourth = await ready().addHost('h4', 4);
      const { value: states } = await pollUntil(
        'the fourth host to appear on the other three',
        async () => {
          const states = await lanStates(probe, hosts);
          const missing = hosts.filter((_h, i) => {
            const state = states[i];
            return !state || !findInstance(state, fourth.instanceId);
          });
          return missing.length === 0 ? states : { notYet: `not on ${missing.map((h) => h.label).join(', ')}` };
        },
        { timeoutMs: 5_000, intervalMs: 10 },
      );
      const seenEverywhereAt = Date.now();
      hosts.push(fourth);
      const [fourthState] = await requireStates(probe, [fourth]);
      // Its own first-seen is when its discovery started (same clock: namespaces share the machine's).
      const discoveryStart = selfOf(must(fourthState, 'h4 state')).firstSeen;
      const seenAfter = states.map((state) => must(state && findInstance(state, fourth.instanceId), 'h4 entry').firstSeen - discoveryStart);
      const sinceReady = seenEverywhereAt - fourth.readyAt;
      console.log(
        `[lan] ${variant.title}: 4th host recorded by the others ${seenAfter.join('/')} ms after its discovery started; ` +
          `listed on every /api/lan ${sinceReady} ms after it printed "running" ` +
          `(${seenEverywhereAt - fourth.spawnedAt} ms after spawn, Node start-up included)`,
      );
      for (const ms of seenAfter) expect(ms).toBeLessThan(1000);
      expect(sinceReady).toBeLessThan(1000);
      // A later broker does not move the LAN's default.
      const after = await agreedOnRule(probe, hosts, 'all four to agree');
      expect({ id: after.id }).toEqual(defaultBefore);
    });

    test('the default broker stops gracefully: dropped at once, a new default agreed', async () => {
      const { probe } = ready();
      const { host: leaving, others: staying } = await defaultBrokerHost(probe, hosts);

      const stopping = leaving.stop();
      const started = Date.now();
      const elapsedMs = await droppedByAll(probe, staying, leaving, `${leaving.label} to disappear after its goodbye`, { timeoutMs: 5_000, intervalMs: 10 });
      expect(await stopping).toBe(0);
      console.log(`[lan] ${variant.title}: graceful stop of ${leaving.label}: dropped everywhere ${Date.now() - started} ms after SIGTERM`);
      // Expiry alone takes >= 2 s (3 s without an answer); this proves the goodbye did it.
      expect(elapsedMs).toBeLessThan(1000);
      hosts.splice(hosts.indexOf(leaving), 1);

      const agreed = await agreedOnRule(probe, hosts, 'a new agreed default');
      console.log(`[lan] ${variant.title}: new default agreed ${agreed.elapsedMs} ms after the old one was dropped`);
      expect(agreed.id).not.toBe(leaving.instanceId);
    });

    test('a host killed with SIGKILL is dropped within 5 seconds, and the rest agree again', async () => {
      const { probe } = ready();
      // Kill the default broker's host: the harder case (drop + failover).
      const { host: victim, others: staying } = await defaultBrokerHost(probe, hosts);

      await victim.kill();
      const elapsedMs = await droppedByAll(probe, staying, victim, `${victim.label} to expire`, { timeoutMs: 7_000, intervalMs: 20 });
      console.log(`[lan] ${variant.title}: SIGKILLed ${victim.label} dropped everywhere after ${elapsedMs} ms`);
      expect(elapsedMs).toBeLessThan(5000);
      hosts.splice(hosts.indexOf(victim), 1);

      const agreed = await agreedOnRule(probe, hosts, 'agreement after the kill');
      expect(agreed.id).not.toBe(victim.instanceId);
      for (const host of hosts) expect(host.alive()).toBe(true);
    });
  });
}
