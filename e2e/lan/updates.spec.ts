/**
 * A changed advertisement is re-announced at once: a new peer id, a broker
 * stopped (the LAN moves its default away without waiting) and started again
 * (a later start does not take the default back). Driven through a host's
 * web bridge, as the dashboard would.
 */
import { expect, test } from '@playwright/test';
import type { LanState } from '../../src-preload/contract.js';
import { agreement, expectedDefault } from './harness/checks.js';
import { findInstance, lanStates, pollUntil, type LanHost } from './harness/hosts.js';
import { useSimulatedLan } from './harness/lan-session.js';
import { must } from './harness/must.js';

const suite = useSimulatedLan('advertisement updates');

test.describe('advertisement updates', () => {
  test('peer id and broker changes reach the LAN at once, and the election follows', async () => {
    const session = await suite.open();
    const { probe } = session;
    const hosts = await session.addHosts(3);
    const first = await session.untilAgree();
    const owner = must(
      hosts.find((host) => host.instanceId === first.id),
      'the default broker host',
    );
    const player = must(
      hosts.find((host) => host !== owner),
      'another host',
    );
    const seenBy = (states: ReadonlyArray<LanState | null>, who: LanHost) =>
      states.flatMap((state, i) => (hosts[i] === who || !state ? [] : [findInstance(state, who.instanceId)]));

    // A peer id appears in the player's record on every other host.
    const reply = await probe.invoke(player.bridgeUrl(), 'setOwnPeerId', { peerId: 'player-3' }, player.controlToken());
    expect(reply.ok, reply.error).toBe(true);
    const peerSeen = await pollUntil(
      'the new peer id on the other hosts',
      async () => {
        const seen = seenBy(await lanStates(probe, hosts), player);
        return seen.every((i) => i?.peerId === 'player-3') ? true : { notYet: JSON.stringify(seen.map((i) => i?.peerId)) };
      },
      { timeoutMs: 3_000, intervalMs: 10 },
    );
    console.log(`[lan] peer id re-announced: on every host ${peerSeen.elapsedMs} ms after the call returned`);
    expect(peerSeen.elapsedMs).toBeLessThan(1000);

    // The default's broker stops: its record loses the broker and everyone moves away at once.
    expect((await probe.invoke(owner.bridgeUrl(), 'stopBroker', undefined, owner.controlToken())).ok).toBe(true);
    const moved = await pollUntil(
      'a new default after the broker stopped',
      async () => {
        const states = await lanStates(probe, hosts);
        const agreed = agreement(states);
        if ('problem' in agreed) return { notYet: agreed.problem };
        if (agreed.id === owner.instanceId) return { notYet: 'still on the stopped broker' };
        if (seenBy(states, owner).some((i) => i?.broker !== null)) return { notYet: 'broker still advertised' };
        return agreed.id === expectedDefault(states) ? agreed : { notYet: `agreed on ${agreed.id}, not the rule's choice` };
      },
      { timeoutMs: 3_000, intervalMs: 10 },
    );
    console.log(`[lan] broker stopped: the LAN moved its default ${moved.elapsedMs} ms after the call returned`);
    expect(moved.elapsedMs).toBeLessThan(1000);

    // Started again, it is a later broker: the default stays where it is, also after the settle time.
    expect((await probe.invoke(owner.bridgeUrl(), 'startBroker', undefined, owner.controlToken())).ok).toBe(true);
    await pollUntil(
      'the restarted broker in its record',
      async () => (seenBy(await lanStates(probe, hosts), owner).every((i) => i?.broker) ? true : { notYet: 'no broker yet' }),
      { timeoutMs: 3_000, intervalMs: 10 },
    );
    const deadline = Date.now() + 3000;
    for (let round = 0; round < 60 && Date.now() < deadline; round += 1) {
      expect(agreement(await lanStates(probe, hosts))).toEqual({ id: moved.value.id });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
});
