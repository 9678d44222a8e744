import { describe, expect, it } from 'vitest';
import { DEFAULT_REDIAL_TIMING, RedialPlanner, type RedialInput } from './redial';

const none = new Set<string>();
const { blipAfterMs, fallbackAfterMs, retryAfterMs, giveUpAfterMs, attemptTimeoutMs, maxAttemptTimeoutMs } = DEFAULT_REDIAL_TIMING;

/** By default our broker does not list its peers (onBroker null): the LAN alone says who is back. */
function input(overrides: Partial<RedialInput>): RedialInput {
  return { self: 'a', onLan: none, onBroker: null, busy: none, now: 0, ...overrides };
}

describe('RedialPlanner', () => {
  it('redials a vanished peer the moment it is back on the LAN after a cable pull, once', () => {
    const planner = new RedialPlanner();
    const lan = new Set(['b']);
    planner.linkDown('b', 'timeout', 2_300);
    // Still listed until the LAN drops it: no dial toward a machine that is away.
    expect(planner.plan(input({ onLan: lan, now: 3_000 })).dial).toEqual([]);
    for (let t = 4_000; t <= 10_000; t += 1_000) expect(planner.plan(input({ now: t })).dial).toEqual([]);
    expect(planner.plan(input({ onLan: lan, now: 11_000 })).dial).toEqual(['b']);
    // The attempt is under way (busy): nothing more.
    expect(planner.plan(input({ onLan: lan, busy: lan, now: 12_000 })).dial).toEqual([]);
    planner.linkUp('b');
    expect(planner.waiting()).toEqual([]);
    expect(planner.plan(input({ onLan: lan, now: 20_000 })).dial).toEqual([]);
  });

  it('waits until the returning peer is on our broker, and asks for the listing meanwhile', () => {
    const planner = new RedialPlanner();
    const lan = new Set(['b']);
    planner.linkDown('b', 'timeout', 0);
    planner.plan(input({ onBroker: none, now: 4_000 }));
    // Back on the LAN, still registered elsewhere (the broker it elected while alone).
    expect(planner.plan(input({ onLan: lan, onBroker: none, now: 11_000 }))).toEqual({ dial: [], abandon: [], refreshListing: true });
    expect(planner.plan(input({ onLan: lan, onBroker: lan, now: 11_400 }))).toEqual({ dial: ['b'], abandon: [], refreshListing: false });
  });

  it('lets the smaller id dial; the larger waits for the fallback (no duplicate link)', () => {
    const larger = new RedialPlanner();
    const lan = new Set(['a']);
    larger.linkDown('a', 'ice-failed', 0);
    larger.plan(input({ self: 'b', now: 5_000 }));
    expect(larger.plan(input({ self: 'b', onLan: lan, now: 11_000 })).dial).toEqual([]);
    expect(larger.plan(input({ self: 'b', onLan: lan, now: 11_000 + fallbackAfterMs - 1 })).dial).toEqual([]);
    // The smaller side never dialled (a game without redial, say): the larger one does.
    expect(larger.plan(input({ self: 'b', onLan: lan, now: 11_000 + fallbackAfterMs })).dial).toEqual(['a']);
  });

  it('never redials a link closed by hand, on this side (forget) or the other (closed)', () => {
    const planner = new RedialPlanner();
    const lan = new Set(['b', 'c', 'd']);
    planner.linkDown('b', 'timeout', 0);
    planner.forget('b');
    planner.linkDown('c', 'closed', 0);
    planner.linkDown('d', 'timeout', 0);
    planner.forget('d');
    planner.plan(input({ now: 1_000 }));
    expect(planner.plan(input({ onLan: lan, now: 20_000 })).dial).toEqual([]);
    expect(planner.waiting()).toEqual([]);
  });

  it('redials a peer that never left the list after blipAfterMs, then at most every retryAfterMs', () => {
    const planner = new RedialPlanner();
    const lan = new Set(['b']);
    planner.linkDown('b', 'timeout', 1_000);
    expect(planner.plan(input({ onLan: lan, now: 1_000 + blipAfterMs - 1 })).dial).toEqual([]);
    const first = 1_000 + blipAfterMs;
    expect(planner.plan(input({ onLan: lan, now: first })).dial).toEqual(['b']);
    expect(planner.plan(input({ onLan: lan, now: first + retryAfterMs - 1 })).dial).toEqual([]);
    expect(planner.plan(input({ onLan: lan, now: first + retryAfterMs })).dial).toEqual(['b']);
  });

  it('abandons its own attempt still connecting after attemptTimeoutMs and makes it again; never one of the other side', () => {
    const planner = new RedialPlanner();
    const lan = new Set(['b']);
    planner.linkDown('b', 'timeout', 0);
    planner.plan(input({ now: 4_000 }));
    expect(planner.plan(input({ onLan: lan, now: 11_000 })).dial).toEqual(['b']);
    expect(planner.plan(input({ onLan: lan, busy: lan, now: 11_000 + attemptTimeoutMs - 1 }))).toMatchObject({ dial: [], abandon: [] });
    expect(planner.plan(input({ onLan: lan, busy: lan, now: 11_000 + attemptTimeoutMs }))).toMatchObject({ dial: ['b'], abandon: ['b'] });
    // Closing it ourselves (local) keeps the peer planned.
    planner.linkDown('b', 'local', 11_000 + attemptTimeoutMs);
    expect(planner.waiting()).toEqual(['b']);
    // The larger side, waiting for the smaller to dial, never abandons that incoming attempt.
    const larger = new RedialPlanner();
    const a = new Set(['a']);
    larger.linkDown('a', 'timeout', 0);
    larger.plan(input({ self: 'b', now: 4_000 }));
    expect(larger.plan(input({ self: 'b', onLan: a, busy: a, now: 30_000 }))).toMatchObject({ dial: [], abandon: [] });
  });

  it('gives the second attempt as long as the first, each next one twice as long, up to maxAttemptTimeoutMs, and starts over at a reappearance', () => {
    const planner = new RedialPlanner();
    const lan = new Set(['b']);
    planner.linkDown('b', 'timeout', 0);
    planner.plan(input({ now: 4_000 }));
    let at = 11_000;
    expect(planner.plan(input({ onLan: lan, now: at })).dial).toEqual(['b']);
    const timeouts: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      // Step in 100 ms until the stuck attempt is abandoned.
      const started = at;
      do at += 100;
      while (planner.plan(input({ onLan: lan, busy: lan, now: at })).abandon.length === 0 && at - started < 60_000);
      timeouts.push(at - started);
    }
    expect(timeouts).toEqual([attemptTimeoutMs, attemptTimeoutMs, 2 * attemptTimeoutMs, Math.min(4 * attemptTimeoutMs, maxAttemptTimeoutMs)]);
    // Gone and back: the first attempt is short again.
    planner.plan(input({ now: at + 100 }));
    at += 200;
    expect(planner.plan(input({ onLan: lan, now: at })).dial).toEqual(['b']);
    expect(planner.plan(input({ onLan: lan, busy: lan, now: at + attemptTimeoutMs })).abandon).toEqual(['b']);
  });

  it('a reappearance after a failed attempt dials again at once', () => {
    const planner = new RedialPlanner();
    const lan = new Set(['b']);
    planner.linkDown('b', 'timeout', 0);
    expect(planner.plan(input({ onLan: lan, now: blipAfterMs })).dial).toEqual(['b']);
    planner.plan(input({ now: blipAfterMs + 500 }));
    expect(planner.plan(input({ onLan: lan, now: blipAfterMs + 1_000 })).dial).toEqual(['b']);
  });

  it('uses the broker listing for a peer the LAN never advertised', () => {
    const planner = new RedialPlanner();
    const broker = new Set(['b']);
    planner.linkDown('b', 'timeout', 0);
    planner.plan(input({ onBroker: none, now: 1_000 }));
    expect(planner.plan(input({ onBroker: broker, now: 2_000 })).dial).toEqual(['b']);
  });

  it('plans nothing before registration, and forgets peers after giveUpAfterMs; tracks at most maxTracked', () => {
    const planner = new RedialPlanner({ ...DEFAULT_REDIAL_TIMING, maxTracked: 3 });
    for (const id of ['p', 'q', 'r', 's']) planner.linkDown(id, 'timeout', 0);
    expect(planner.waiting()).toEqual(['q', 'r', 's']);
    expect(planner.plan(input({ self: '', onLan: new Set(['q']), now: 60_000 })).dial).toEqual([]);
    planner.plan(input({ now: giveUpAfterMs + 1 }));
    expect(planner.waiting()).toEqual([]);
  });
});
