/**
 * Hosted games in the mDNS record (issue 6, items 1-2): a game hosted on one
 * host is listed by the others in `/api/lan` (`instances[].games`) within a
 * second, at a URL that serves it (the game's own port on that host: its own
 * origin); stopping hosting (over the web bridge, with
 * the host's control token: the probe is not loopback) or stopping the host
 * withdraws it. Games of several hosts are listed at once. A valid instance
 * advertising hostile game entries is listed with its valid game only, and
 * the refused entries are counted.
 */
import path from 'node:path';
import readline from 'node:readline';
import { expect, test } from '@playwright/test';
import type { HostedGame, LanGame, LanState } from '../../src-preload/contract.js';
import { assembleDotsGame, type FixtureGame } from '../fixtures/games/assemble.js';
import { FIXTURES, REPO_ROOT } from './harness/environment.js';
import { findInstance, lanStates, pollUntil, requireStates, selfOf, type LanHost } from './harness/hosts.js';
import { useSimulatedLan, type LanSession } from './harness/lan-session.js';
import { must } from './harness/must.js';
import { exited } from './harness/netns.js';

const suite = useSimulatedLan('hosted games over mDNS');

/** What `viewer` lists as `owner`'s games; a reason when it does not list `owner` at all. */
function gamesSeen(state: LanState | null, owner: LanHost): LanGame[] | { notYet: string } {
  if (!state) return { notYet: 'no answer' };
  const instance = findInstance(state, owner.instanceId);
  return instance ? instance.games : { notYet: `${owner.label} not listed` };
}

test.describe('hosted games over mDNS', () => {
  test.describe.configure({ mode: 'serial' });

  let session: LanSession | undefined;
  const hosts: LanHost[] = [];
  const games: FixtureGame[] = [];
  const ready = (): LanSession => must(session, 'the LAN');
  const host = (label: string): LanHost => must(hosts.find((h) => h.label === label), `host ${label}`);

  /** Polls until every host in `viewers` lists exactly `expected` as `owner`'s games. */
  async function listedEverywhere(viewers: readonly LanHost[], owner: LanHost, expected: LanGame[], what: string) {
    return pollUntil(
      what,
      async () => {
        const states = await lanStates(ready().probe, viewers);
        for (const [i, state] of states.entries()) {
          const seen = gamesSeen(state, owner);
          if ('notYet' in seen) return { notYet: `${viewers[i]?.label}: ${seen.notYet}` };
          if (JSON.stringify(seen) !== JSON.stringify(expected)) return { notYet: `${viewers[i]?.label} lists ${JSON.stringify(seen)}` };
        }
        return true;
      },
      { timeoutMs: 5_000, intervalMs: 10 },
    );
  }

  async function hostGame(on: LanHost, folder: string): Promise<HostedGame> {
    const reply = await ready().probe.invoke(on.bridgeUrl(), 'hostGame', { path: folder }, on.controlToken());
    expect(reply.ok, reply.error).toBe(true);
    return reply.value as HostedGame;
  }

  test.beforeAll(async () => {
    session = await suite.open();
    for (const [n, label] of ['a', 'b', 'c'].entries()) hosts.push(await session.addHost(label, n + 1));
    await session.untilListed();
  });

  test.afterAll(async () => {
    // Hosts first (they serve the games' folders); the suite's teardown finds this LAN closed.
    await session?.close();
    for (const game of games) game.remove();
  });

  test('a game hosted on A is listed by B and C within a second, and withdrawn when hosting stops', async () => {
    const { probe } = ready();
    const [a, b, c] = [host('a'), host('b'), host('c')];
    for (const state of await requireStates(probe, hosts)) for (const instance of state.instances) expect(instance.games).toEqual([]);

    const game = assembleDotsGame();
    games.push(game);
    const hosted = await hostGame(a, game.folder);
    const advertised: LanGame = { name: hosted.name, port: hosted.port };
    expect(hosted.port).not.toBe(a.port);
    const listed = await listedEverywhere([b, c], a, [advertised], "A's game on B and C");
    console.log(`[lan] hosted game listed on B and C ${listed.elapsedMs} ms after hostGame returned`);
    expect(listed.elapsedMs).toBeLessThan(1000);

    // A lists it on its own entry too, and the advertised URL serves the game (shim injected) from inside the LAN.
    const [stateA, stateB] = await requireStates(probe, [a, b]);
    expect(selfOf(must(stateA, 'A state')).games).toEqual([advertised]);
    const seenOnB = must(findInstance(must(stateB, 'B state'), a.instanceId), 'A on B');
    const url = `http://${seenOnB.address}:${advertised.port}/`;
    const [page] = await probe.get([url]);
    expect(page?.ok && page.status, url).toBe(200);
    expect(page?.ok ? page.body : '').toContain('<script src="/lan-party/broker-shim.js"></script>');

    // Stopping hosting re-announces the record without it.
    const stop = await probe.invoke(a.bridgeUrl(), 'stopHostingGame', { id: hosted.id }, a.controlToken());
    expect(stop.ok, stop.error).toBe(true);
    const withdrawn = await listedEverywhere([b, c], a, [], "A's game withdrawn on B and C");
    console.log(`[lan] hosted game withdrawn on B and C ${withdrawn.elapsedMs} ms after stopHostingGame returned`);
    expect(withdrawn.elapsedMs).toBeLessThan(1000);
    // Its port closed with it.
    const [gone] = await probe.get([url]);
    expect(gone?.ok, url).toBe(false);
    // Control needs the token: the same call without it is refused (the probe is not loopback).
    const refused = await probe.invoke(a.bridgeUrl(), 'hostGame', { path: game.folder });
    expect(refused.ok).toBe(false);
  });

  test("games of several hosts are listed at once; a stopped host's games go with it", async () => {
    const { probe } = ready();
    const [a, b, c] = [host('a'), host('b'), host('c')];
    const first = assembleDotsGame();
    const second = assembleDotsGame();
    games.push(first, second);
    const onA = await hostGame(a, first.folder);
    const onB = await hostGame(b, second.folder);
    await listedEverywhere([b, c], a, [{ name: onA.name, port: onA.port }], "A's game on B and C");
    await listedEverywhere([a, c], b, [{ name: onB.name, port: onB.port }], "B's game on A and C");
    const [stateC] = await requireStates(probe, [c]);
    const all = must(stateC, 'C state').instances.flatMap((instance) => instance.games.map((g) => `${instance.instanceId}:${g.port}`));
    expect(all.sort()).toEqual([`${a.instanceId}:${onA.port}`, `${b.instanceId}:${onB.port}`].sort());

    expect(await a.stop()).toBe(0);
    const started = Date.now();
    await pollUntil(
      'A and its game to be gone from B and C',
      async () => {
        const states = await lanStates(probe, [b, c]);
        return states.every((state) => state !== null && findInstance(state, a.instanceId) === undefined) ? true : { notYet: 'still listed' };
      },
      { timeoutMs: 5_000, intervalMs: 10 },
    );
    console.log(`[lan] stopped host and its game gone from B and C ${Date.now() - started} ms after it exited`);
    expect(Date.now() - started).toBeLessThan(1000);
    // B's game is still listed.
    await listedEverywhere([c], b, [{ name: onB.name, port: onB.port }], "B's game still on C");
  });

  test('hostile game entries in a valid record: the instance is listed with its valid game only, the rest counted', async () => {
    const { lan, probe } = ready();
    const viewers = [host('b'), host('c')];
    const before = await requireStates(probe, viewers);
    const node = await lan.addNode('liar', [{ segment: 0, host: 66 }]);
    const liarId = 'liar01';
    const liar = lan.spawnIn(node, process.execPath, [path.join(FIXTURES, 'game-advertiser.mjs'), node.ip, liarId, '3'], { cwd: REPO_ROOT });
    const lines: string[] = [];
    readline.createInterface({ input: must(liar.stdout, 'advertiser stdout') }).on('line', (line) => lines.push(line));
    let stderr = '';
    liar.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

    const { value: states } = await pollUntil(
      'the liar listed with its valid game',
      async () => {
        const states = await lanStates(probe, viewers);
        for (const state of states) {
          const liarSeen = state && findInstance(state, liarId);
          if (!liarSeen) return { notYet: `not listed (${stderr})` };
          if (JSON.stringify(liarSeen.games) !== JSON.stringify([{ name: 'Valid Game', port: 8081 }])) {
            return { notYet: `games ${JSON.stringify(liarSeen.games)}` };
          }
        }
        return states;
      },
      { timeoutMs: 5_000 },
    );
    for (const [i, state] of states.entries()) {
      const counted = must(state, 'state').ignoredRecords - must(before[i], 'state before').ignoredRecords;
      console.log(`[lan] ${viewers[i]?.label} refused ${counted} hostile game entries so far`);
      expect(counted).toBeGreaterThanOrEqual(7);
    }
    await exited(liar);
    expect(liar.exitCode, stderr).toBe(0);
    const summary = JSON.parse(lines.at(-1) ?? '{}') as { refusedPerRecord?: number; sent?: number };
    expect(summary.refusedPerRecord).toBe(7);
    for (const viewer of viewers) expect(viewer.alive(), viewer.output()).toBe(true);
  });
});
