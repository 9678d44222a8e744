import { afterEach, describe, expect, it } from 'vitest';
import type { LanInstance } from '../../../src-preload/contract.js';
import { lanInstance } from '../../../src-preload/testing/lan-instance.js';
import { DefaultBrokerElection, electDefaultBroker } from './election.js';

function instance(id: string, startedAt: number | null, overrides: Partial<LanInstance> = {}): LanInstance {
  return lanInstance({
    instanceId: id,
    name: `host ${id}`,
    address: `10.77.0.${id.length}`,
    addresses: [],
    broker: startedAt === null ? null : { port: 9000, path: '/', key: 'peerjs', startedAt },
    ...overrides,
  });
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('electDefaultBroker (the pure rule)', () => {
  it('picks the earliest broker start', () => {
    const choice = electDefaultBroker([instance('b', 200), instance('a', 300), instance('c', 100)]);
    expect(choice?.instanceId).toBe('c');
    expect(choice?.endpoint).toEqual({ host: '10.77.0.1', port: 9000, path: '/', key: 'peerjs', secure: false });
    expect(choice?.reason).toBe('earliest broker start on the LAN');
  });

  it('gives the same answer for the same input in any order', () => {
    const lan = [instance('x', 500), instance('yy', 100), instance('zzz', 100), instance('w', null), instance('v', 100)];
    const answers = new Set(permutations(lan).map((order) => JSON.stringify(electDefaultBroker(order))));
    expect(answers.size).toBe(1);
    expect(electDefaultBroker(lan)?.instanceId).toBe('v');
  });

  it('breaks a tie on start time with the smallest instance id (code-unit order, not locale)', () => {
    const choice = electDefaultBroker([instance('b', 100), instance('B', 100), instance('a', 100)]);
    expect(choice?.instanceId).toBe('B');
    expect(choice?.reason).toContain('tie broken by smallest instance id');
  });

  it('ignores instances without a broker or without a reachable address', () => {
    const lan = [instance('a', null), instance('b', 50, { address: null }), instance('c', 100)];
    expect(electDefaultBroker(lan)?.instanceId).toBe('c');
    expect(electDefaultBroker(lan)?.reason).toBe('only broker on the LAN');
  });

  it('ignores brokers with an impossible port', () => {
    const bad = instance('a', 1, { broker: { port: 0, path: '/', key: 'peerjs', startedAt: 1 } });
    expect(electDefaultBroker([bad, instance('c', 100)])?.instanceId).toBe('c');
  });

  it('returns null when no instance runs a broker', () => {
    expect(electDefaultBroker([instance('a', null)])).toBeNull();
    expect(electDefaultBroker([])).toBeNull();
  });

  it('moves to the next broker when the default leaves', () => {
    const lan = [instance('a', 100), instance('b', 200), instance('c', 300)];
    expect(electDefaultBroker(lan)?.instanceId).toBe('a');
    expect(electDefaultBroker(lan.filter((i) => i.instanceId !== 'a'))?.instanceId).toBe('b');
  });
});

describe('DefaultBrokerElection (hysteresis)', () => {
  let clock = 0;
  const now = (): number => clock;
  const elections: DefaultBrokerElection[] = [];
  function election(settleMs = 2000): DefaultBrokerElection {
    clock = 1_000_000;
    const created = new DefaultBrokerElection({ settleMs, now });
    elections.push(created);
    return created;
  }
  afterEach(() => {
    for (const e of elections.splice(0)) e.dispose();
  });

  it('follows the rule directly while it is still learning the LAN', () => {
    const e = election();
    expect(e.update([instance('self', 500)])?.instanceId).toBe('self');
    clock += 100;
    // An older broker discovered right after start takes over at once: nothing is flapping yet.
    expect(e.update([instance('self', 500), instance('old', 100)])?.instanceId).toBe('old');
  });

  it('does not let a newly appeared candidate take over before it has settled', () => {
    const e = election();
    clock += 5000;
    expect(e.update([instance('b', 200)])?.instanceId).toBe('b');
    clock += 100;
    const waiting = e.update([instance('b', 200), instance('a', 100)]);
    expect(waiting?.instanceId).toBe('b');
    expect(waiting?.reason).toContain('host a');
    clock += 1999;
    expect(e.update([instance('b', 200), instance('a', 100)])?.instanceId).toBe('b');
    clock += 1;
    const settled = e.update([instance('b', 200), instance('a', 100)]);
    expect(settled?.instanceId).toBe('a');
    expect(settled?.reason).toBe('earliest broker start on the LAN');
  });

  it('does not bounce when a better candidate flaps', () => {
    const e = election();
    clock += 5000;
    e.update([instance('b', 200)]);
    const seen: Array<string | undefined> = [];
    e.onChange((choice) => seen.push(choice?.instanceId));
    for (let round = 0; round < 10; round += 1) {
      clock += 700;
      e.update([instance('b', 200), instance('a', 100)]);
      clock += 700;
      e.update([instance('b', 200)]);
    }
    expect(e.get()?.instanceId).toBe('b');
    // Only the reason changed while "a" was present; the broker never did.
    expect(seen.every((id) => id === 'b')).toBe(true);
  });

  it('switches at once when the current default leaves, to the best settled candidate', () => {
    const e = election();
    clock += 5000;
    e.update([instance('a', 100), instance('b', 200), instance('c', 300)]);
    clock += 3000;
    expect(e.get()?.instanceId).toBe('a');
    // "n" is better than b by the rule but just appeared: b, settled, wins now.
    const next = e.update([instance('b', 200), instance('c', 300), instance('n', 150)]);
    expect(next?.instanceId).toBe('b');
    clock += 2000;
    expect(e.update([instance('b', 200), instance('c', 300), instance('n', 150)])?.instanceId).toBe('n');
  });

  it('takes an unsettled candidate when the default leaves and nobody else has settled', () => {
    const e = election();
    clock += 5000;
    e.update([instance('a', 100)]);
    clock += 3000;
    expect(e.update([instance('n', 150)])?.instanceId).toBe('n');
    expect(e.update([])).toBeNull();
  });

  it('reports the new endpoint at once when the default moves to another address', () => {
    const e = election();
    clock += 5000;
    e.update([instance('a', 100)]);
    const moved = e.update([instance('a', 100, { address: '10.77.0.9' })]);
    expect(moved?.endpoint.host).toBe('10.77.0.9');
  });

  it('notifies only on a change, with the new choice', () => {
    const e = election();
    const seen: Array<string | null> = [];
    e.onChange((choice) => seen.push(choice?.instanceId ?? null));
    e.update([instance('a', 100)]);
    e.update([instance('a', 100)]);
    e.update([instance('a', 100, { lastSeen: 42 })]);
    e.update([]);
    expect(seen).toEqual(['a', null]);
  });

  it('converges on the pure rule once the LAN is stable, whatever the history', () => {
    const [c, a, b] = [instance('c', 300), instance('a', 100), instance('b', 200)];
    const lan = [c, a, b];
    const e1 = election();
    clock += 5000;
    e1.update([c]);
    e1.update([c, b]);
    e1.update(lan);
    const e2 = new DefaultBrokerElection({ settleMs: 2000, now });
    elections.push(e2);
    e2.update([...lan].reverse());
    clock += 2500;
    expect(e1.update(lan)).toEqual(electDefaultBroker(lan));
    expect(e2.update([...lan].reverse())).toEqual(electDefaultBroker(lan));
  });

  it('stops notifying after dispose', () => {
    const e = election();
    const seen: unknown[] = [];
    e.onChange((choice) => seen.push(choice));
    e.dispose();
    e.update([instance('a', 100)]);
    expect(seen).toEqual([]);
  });
});

describe('election policy (party code, pinned broker)', () => {
  const member = (addresses: string[]): LanInstance['party'] => ({ member: true, addresses });
  const outsider: LanInstance['party'] = { member: false, reason: 'its record is not signed (no party code)' };

  it('with a party code, never elects an outsider, even one claiming the earliest start', () => {
    const lan = [
      instance('evil', 1, { address: '10.77.0.66', party: outsider }),
      instance('b', 200, { address: '10.77.0.2', party: member(['10.77.0.2']) }),
      instance('a', 300, { self: true, address: '10.77.0.1' }),
    ];
    expect(electDefaultBroker(lan)?.instanceId).toBe('evil');
    const choice = electDefaultBroker(lan, { partyOnly: true, pinned: null });
    expect(choice?.instanceId).toBe('b');
    expect(choice?.reason).toBe('earliest broker start in the party');
  });

  it('counts an instance without any standing as an outsider, and this instance as a member', () => {
    const lan = [instance('x', 1, { address: '10.77.0.9' }), instance('me', 500, { self: true })];
    expect(electDefaultBroker(lan, { partyOnly: true, pinned: null })?.instanceId).toBe('me');
  });

  it('reaches a member at an address its record signed, never at the address a replay came from', () => {
    const replayed = instance('b', 100, { address: '10.77.0.66', addresses: ['10.77.0.66', '10.77.0.2'], party: member(['10.77.0.2']) });
    expect(electDefaultBroker([replayed], { partyOnly: true, pinned: null })?.endpoint.host).toBe('10.77.0.2');
  });

  it('with a pinned broker, elects only that one, and nobody when it is absent', () => {
    const lan = [instance('a', 1), instance('b', 2), instance('c', 3)];
    const pinned = electDefaultBroker(lan, { partyOnly: false, pinned: 'c' });
    expect(pinned?.instanceId).toBe('c');
    expect(pinned?.reason).toBe('pinned by hand');
    expect(electDefaultBroker(lan, { partyOnly: false, pinned: 'gone' })).toBeNull();
  });

  it('a pin under a party code still needs the code', () => {
    const lan = [instance('a', 1, { party: outsider }), instance('b', 2, { party: member(['10.77.0.1']) })];
    expect(electDefaultBroker(lan, { partyOnly: true, pinned: 'a' })).toBeNull();
    expect(electDefaultBroker(lan, { partyOnly: true, pinned: 'b' })?.instanceId).toBe('b');
  });

  it('a new policy applies at once: the outsider that was the default is dropped without waiting', () => {
    let now = 10_000;
    const election = new DefaultBrokerElection({ settleMs: 2_000, now: () => now });
    const lan = [instance('evil', 1, { party: outsider }), instance('b', 200, { party: member(['10.77.0.1']) })];
    election.update(lan);
    now += 5_000;
    election.update(lan);
    expect(election.get()?.instanceId).toBe('evil');
    expect(election.setPolicy({ partyOnly: true, pinned: null })?.instanceId).toBe('b');
    expect(election.update(lan)?.instanceId).toBe('b');
    election.dispose();
  });
});

describe('a stable default that vanished and comes back', () => {
  /** An election (settling 2 s) on a test clock where `brk` has been the default for 30 s, beside `me`. */
  function stableDefault() {
    const clock = { now: 0 };
    const e = new DefaultBrokerElection({ settleMs: 2_000, now: () => clock.now });
    const brk = instance('brk', 100);
    const me = instance('me', 500, { self: true });
    e.update([brk, me]);
    clock.now += 30_000;
    e.update([brk, me]);
    return { e, brk, me, clock };
  }

  it('is the default again at once (a cable blip on this machine), not after settling', () => {
    const { e, brk, me, clock } = stableDefault();
    expect(e.get()?.instanceId).toBe('brk');
    clock.now += 100;
    expect(e.update([me])?.instanceId).toBe('me');
    clock.now += 10_000;
    e.update([me]);
    expect(e.update([brk, me])?.instanceId).toBe('brk');
    e.dispose();
  });

  it('a default that flaps earns no such return: it settles like any newcomer', () => {
    const { e, brk, me, clock } = stableDefault();
    e.update([me]);
    clock.now += 500;
    expect(e.update([brk, me])?.instanceId).toBe('brk');
    // It was the default again for 500 ms only: its next return waits.
    clock.now += 500;
    e.update([me]);
    clock.now += 500;
    expect(e.update([brk, me])?.instanceId).toBe('me');
    clock.now += 2_000;
    expect(e.update([brk, me])?.instanceId).toBe('brk');
    e.dispose();
  });
});
