/**
 * Liveness rules over an explicit clock (the timing itself is measured on the
 * simulated LAN: e2e/lan/scale.spec.ts and bench lan-scale), and the
 * heartbeat wire format. No socket is opened.
 */
import { describe, expect, it } from 'vitest';
import { HEARTBEAT_MAX_BYTES, decodeHeartbeat, encodeHeartbeat } from './heartbeat.js';
import {
  FailureChecks,
  LIVENESS,
  PresenceSchedule,
  SuccessorWatch,
  refreshPeriodMs,
  silentExpiryMs,
  successorOf,
} from './liveness.js';
import { checkQuestion, checkedServices } from './packets.js';

describe('ring', () => {
  it('watches the next id in code-unit order, wrapping around', () => {
    expect(successorOf('b', ['a', 'c', 'b'])).toBe('c');
    expect(successorOf('c', ['a', 'b', 'c'])).toBe('a');
    expect(successorOf('B', ['a', 'C'])).toBe('C');
    expect(successorOf('a', ['a'])).toBeNull();
    expect(successorOf('a', [])).toBeNull();
  });

  it('has every instance watched by exactly one other', () => {
    const ids = ['k', 'a', 'z', 'm', 'b'];
    const watched = ids.map((id) => successorOf(id, ids)).sort();
    expect(watched).toEqual([...ids].sort());
  });
});

describe('failure checks (passive observation of failures)', () => {
  it('drops an instance that answered no check within dropAfterCheckMs', () => {
    const checks = new FailureChecks();
    const heard = new Map([['x', 500]]);
    expect(checks.start('x', 1000)).toBe(true);
    expect(checks.start('x', 1400)).toBe(false); // the recheck does not restart the clock
    expect(checks.settle(1000 + LIVENESS.dropAfterCheckMs - 1, (k) => heard.get(k))).toEqual([]);
    expect(checks.settle(1000 + LIVENESS.dropAfterCheckMs, (k) => heard.get(k))).toEqual(['x']);
    expect(checks.size).toBe(0);
  });

  it('keeps an instance that answered, even only the recheck', () => {
    const checks = new FailureChecks();
    const heard = new Map([['x', 500]]);
    checks.start('x', 1000);
    heard.set('x', 1405);
    expect(checks.settle(3000, (k) => heard.get(k))).toEqual([]);
    expect(checks.size).toBe(0);
  });

  it('forgets instances no longer listed', () => {
    const checks = new FailureChecks();
    checks.start('gone', 1000);
    expect(checks.settle(5000, () => undefined)).toEqual([]);
    expect(checks.size).toBe(0);
  });
});

describe('successor watch', () => {
  it('pings once a period, checks a silent successor twice, then waits', () => {
    const watch = new SuccessorWatch();
    expect(watch.step(0, 'x', 0)).toEqual({ ping: true, check: false });
    expect(watch.step(500, 'x', 0)).toEqual({ ping: false, check: false });
    expect(watch.step(1000, 'x', 0)).toEqual({ ping: true, check: false });
    expect(watch.step(LIVENESS.suspectMs, 'x', 0).check).toBe(true);
    expect(watch.step(LIVENESS.suspectMs + 100, 'x', 0).check).toBe(false);
    expect(watch.step(LIVENESS.suspectMs + LIVENESS.recheckMs, 'x', 0).check).toBe(true);
    expect(watch.step(LIVENESS.suspectMs + LIVENESS.recheckMs + 250, 'x', 0).check).toBe(false);
  });

  it('never checks a successor that answers', () => {
    const watch = new SuccessorWatch();
    for (let t = 0; t < 20_000; t += 250) expect(watch.step(t, 'x', t - (t % 1000)).check).toBe(false);
  });

  it('gives a new successor a full grace period, whatever its history', () => {
    const watch = new SuccessorWatch();
    watch.step(0, 'x', 0);
    // 'y' was last heard from long ago (its announcement), but has just become our successor.
    expect(watch.step(10_000, 'y', 100)).toEqual({ ping: true, check: false });
    expect(watch.current).toBe('y');
    expect(watch.step(10_000 + LIVENESS.suspectMs - 1, 'y', 100).check).toBe(false);
    expect(watch.step(10_000 + LIVENESS.suspectMs, 'y', 100).check).toBe(true);
  });

  it('keeps checking, at a slow pace, a successor that answers checks but never pings (an older instance)', () => {
    const watch = new SuccessorWatch();
    watch.step(0, 'x', 0);
    let lastHeard = 0;
    let checks = 0;
    for (let t = 250; t <= 30_000; t += 250) {
      if (watch.step(t, 'x', lastHeard).check) {
        checks += 1;
        lastHeard = t + 5; // its responder answers the check
      }
    }
    // One check per suspectMs at most: ~13 in 30 s, never one per tick.
    expect(checks).toBeGreaterThan(5);
    expect(checks).toBeLessThanOrEqual(Math.ceil(30_000 / LIVENESS.suspectMs));
  });

  it('does nothing when alone', () => {
    expect(new SuccessorWatch().step(0, null, undefined)).toEqual({ ping: false, check: false });
  });
});

describe('presence', () => {
  it('stays silent while pinged, apart from the constant-rate refresh', () => {
    const presence = new PresenceSchedule(0, LIVENESS, () => 0.5);
    const steps: string[] = [];
    for (let t = 250; t <= 300_000; t += 250) {
      presence.pinged(t);
      const step = presence.step(t, 99);
      if (step !== 'none') steps.push(`${t}:${step}`);
    }
    // N = 100: one refresh per 200 s each, i.e. 0.5 announcements a second on the whole LAN; the first one
    // anywhere in the first period (here at 0.55 of it), so instances started together are spread at once.
    expect(refreshPeriodMs(99)).toBe(200_000);
    expect(steps).toHaveLength(1);
    const [at = ''] = steps;
    expect(Number(at.split(':')[0])).toBeGreaterThanOrEqual(110_000);
    expect(Number(at.split(':')[0])).toBeLessThanOrEqual(110_250);
  });

  it('keeps the LAN-wide refresh rate constant in N', () => {
    for (const n of [30, 50, 100, 200]) expect((n / refreshPeriodMs(n - 1)) * 1000).toBeCloseTo(0.5);
    expect(refreshPeriodMs(0)).toBe(LIVENESS.minRefreshMs);
    expect(silentExpiryMs(99)).toBe(600_000);
  });

  it('announces and browses when nobody pings it, quickly at first, then backing off', () => {
    const presence = new PresenceSchedule(0, LIVENESS, () => 0.5);
    const at: number[] = [];
    for (let t = 250; t <= 10 * 60_000; t += 250) if (presence.step(t, 3) === 'announce-and-browse') at.push(t);
    const gaps = at.slice(1).map((t, i) => t - (at[i] ?? 0));
    expect(at[0]).toBe(LIVENESS.unpingedMs);
    expect(gaps[0]).toBe(LIVENESS.retryMs);
    expect(Math.max(...gaps)).toBe(LIVENESS.maxRetryMs);
    // A lone instance costs about one announcement a minute once backed off.
    expect(at.length).toBeLessThan(40);
  });

  it('starts over after being pinged again', () => {
    const presence = new PresenceSchedule(0, LIVENESS, () => 0.5);
    for (let t = 250; t <= 120_000; t += 250) presence.step(t, 3);
    presence.pinged(120_000);
    presence.announced(120_000);
    expect(presence.step(120_000 + LIVENESS.unpingedMs - 250, 3)).toBe('none');
    expect(presence.step(120_000 + LIVENESS.unpingedMs, 3)).toBe('announce-and-browse');
    expect(presence.step(120_000 + LIVENESS.unpingedMs + LIVENESS.retryMs, 3)).toBe('announce-and-browse');
  });
});

describe('check queries', () => {
  it('reads which listed instances a query asks for by name', () => {
    const packet = {
      questions: [
        checkQuestion('a1b2'),
        { name: 'lanparty-C3._lanparty._tcp.local', type: 'TXT' },
        { name: 'lanparty-d4._lanparty._tcp.local', type: 'ANY' },
        { name: '_lanparty._tcp.local', type: 'PTR' },
        { name: 'x.y._lanparty._tcp.local', type: 'SRV' },
        { name: 'lanparty-e5._other._tcp.local', type: 'SRV' },
        { name: 42, type: 'SRV' },
        null,
      ],
    };
    expect(checkedServices(packet)).toEqual([
      'lanparty-a1b2._lanparty._tcp.local',
      'lanparty-c3._lanparty._tcp.local',
      'lanparty-d4._lanparty._tcp.local',
    ]);
  });

  it('never throws on garbage and reads at most 16 questions', () => {
    for (const bad of [null, 1, 'x', {}, { questions: 'x' }, { questions: [1, 'a', []] }]) expect(checkedServices(bad)).toEqual([]);
    const many = { questions: Array.from({ length: 100 }, (_, i) => checkQuestion(`i${i}`)) };
    expect(checkedServices(many)).toHaveLength(16);
  });
});

describe('heartbeat datagrams', () => {
  it('round-trips a ping and a pong, well under the size bound', () => {
    const ping = { kind: 'PING', instanceId: 'a1b2c3d4e5f6', nonce: 'deadbeef' } as const;
    const bytes = encodeHeartbeat(ping);
    expect(bytes.length).toBeLessThan(40);
    expect(decodeHeartbeat(bytes)).toEqual(ping);
    expect(decodeHeartbeat(encodeHeartbeat({ ...ping, kind: 'PONG' }))).toEqual({ ...ping, kind: 'PONG' });
    // The longest id still fits.
    expect(encodeHeartbeat({ ...ping, instanceId: 'x'.repeat(48), nonce: 'f'.repeat(16) }).length).toBeLessThanOrEqual(HEARTBEAT_MAX_BYTES);
  });

  it('refuses anything else without throwing', () => {
    const bad = [
      '',
      'LP1 PING',
      'LP2 PING abc 1',
      'LP1 PUNG abc 1',
      'LP1 PING a.b 1',
      'LP1 PING abc xyz',
      'LP1 PING abc 1 extra',
      `LP1 PING ${'a'.repeat(49)} 1`,
      `LP1 PING abc ${'1'.repeat(200)}`,
    ];
    for (const text of bad) expect(decodeHeartbeat(Buffer.from(text, 'latin1'))).toBeNull();
    expect(decodeHeartbeat(new Uint8Array(4096))).toBeNull();
    expect(decodeHeartbeat(Buffer.from([0xff, 0xfe, 0x00, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20]))).toBeNull();
  });
});
