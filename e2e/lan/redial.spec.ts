/**
 * Issue 14, point 4: links that come back by themselves. Three `lan-party
 * host` processes on a simulated LAN, two of them with their own dashboard
 * (a Chromium in the host's namespace, controlling its host, so each
 * advertises its peer id on the LAN):
 *
 *   brk 10.77.0.3  started first: the LAN's default broker (no page)
 *   a   10.77.0.1  host + dashboard
 *   b   10.77.0.2  host + dashboard
 *
 * A's user clicks Connect on B's row. B's cable is pulled for 10 s
 * (`ip link set eth0 down`: no goodbye, nothing more arrives) and plugged
 * back in: the link comes back within 3 s of B reappearing in A's LAN list,
 * with no click, one connection per side. Then A's user disconnects B by
 * hand, the cable is pulled and restored again: the link stays down.
 *
 * No node has a default route: the pages hold camera/microphone permission
 * (the no-gateway trap, e2e/lan/README.md).
 */
import { expect, test, type Page } from '@playwright/test';
import { launchChromiumIn } from './harness/chromium.js';
import { findInstance, lanStates, pollUntil, type LanHost } from './harness/hosts.js';
import { useSimulatedLan } from './harness/lan-session.js';
import { must } from './harness/must.js';

const suite = useSimulatedLan('redial');

const PULLED_MS = 10_000;

interface Player {
  host: LanHost;
  page: Page;
  id: string;
}

/** The page's link with `peerId` as `<state>x<connections>` (`open x1`: one connection, open), or [] when none. */
function linksTo(page: Page, peerId: string): Promise<string[]> {
  return page.evaluate((id) => {
    // The engine's PeerStats (src-renderer/p2p/types.ts); the shared declaration of the handle lists fewer fields.
    const stats = (window.lanPartyDashboard?.engine.getPeerStats() ?? []) as unknown as Array<{ peerId: string; state: string; connections: number }>;
    return stats.filter((s) => s.peerId === id).map((s) => `${s.state} x${s.connections}`);
  }, peerId);
}

test.describe('a link whose cable is pulled', () => {
  test('comes back within 3 s of the machine reappearing, with no click and no duplicate; one disconnected by hand stays down', async () => {
    test.setTimeout(150_000);
    const session = await suite.open();
    const { lan, probe } = session;
    await session.addHost('brk', 3);
    const players: Player[] = [];
    for (const [label, n] of [['a', 1], ['b', 2]] as const) {
      const host = await session.addHost(label, n);
      const browser = await launchChromiumIn(lan, host.node, { fakeMedia: true });
      const context = await browser.newMediaContext();
      const page = await context.newPage();
      page.on('pageerror', (error) => console.log(`[${label}] page error: ${error.message}`));
      await page.goto(`${host.url}/#token=${host.controlToken()}`);
      // What each engine saw, with times: printed with the figures, and what a failure is read from.
      await page.waitForFunction(() => window.lanPartyDashboard !== undefined);
      await page.evaluate(() => {
        const log: string[] = [];
        (window as unknown as { redialLog: string[] }).redialLog = log;
        const engine = window.lanPartyDashboard?.engine as unknown as { on(name: string, listener: (e: Record<string, unknown>) => void): void };
        for (const name of ['peerConnected', 'peerDisconnected', 'error', 'ready', 'brokerDisconnected']) {
          engine.on(name, (e) => log.push(`${Date.now()} ${name} ${JSON.stringify(e).slice(0, 200)}`));
        }
      });
      const id = await pollUntil(
        `${label}'s dashboard to register`,
        async () => (await page.evaluate(() => window.lanPartyDashboard?.engine.getId() ?? '')) || { notYet: 'no id' },
        { timeoutMs: 20_000, intervalMs: 200 },
      );
      players.push({ host, page, id: id.value });
    }
    const [a, b] = [must(players[0], 'a'), must(players[1], 'b')];
    // Each host advertises its dashboard's id, and the other host lists it.
    await pollUntil(
      'each host to list the other with its dashboard id',
      async () => {
        const [sa, sb] = await lanStates(probe, [a.host, b.host]);
        const bOnA = sa && findInstance(sa, b.host.instanceId)?.peerId;
        const aOnB = sb && findInstance(sb, a.host.instanceId)?.peerId;
        return bOnA === b.id && aOnB === a.id ? true : { notYet: `a sees ${bOnA}, b sees ${aOnB}` };
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );

    // By hand: A clicks Connect on B's row.
    await a.page.getByRole('button', { name: 'Connect to b', exact: true }).click();
    const open = async (): Promise<true | { notYet: string }> => {
      const [ab, ba] = [await linksTo(a.page, b.id), await linksTo(b.page, a.id)];
      return ab.length === 1 && ab[0] === 'open x1' && ba.length === 1 && ba[0] === 'open x1' ? true : { notYet: `a: ${ab.join()}; b: ${ba.join()}` };
    };
    await pollUntil('the hand-made link to open', open, { timeoutMs: 20_000, intervalMs: 100 });

    // Pull B's cable for 10 s.
    const pulledAt = Date.now();
    await lan.ipIn(b.host.node, ['link', 'set', 'eth0', 'down']);
    await pollUntil('A to lose the link', async () => ((await linksTo(a.page, b.id)).length === 0 ? true : { notYet: 'still linked' }), {
      timeoutMs: 8_000,
      intervalMs: 100,
    });
    await pollUntil(
      "A's host to drop B",
      async () => {
        const [sa] = await lanStates(probe, [a.host]);
        return sa && !findInstance(sa, b.host.instanceId) ? true : { notYet: 'B still listed' };
      },
      { timeoutMs: 8_000, intervalMs: 100 },
    );
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, pulledAt + PULLED_MS - Date.now())));
    await lan.ipIn(b.host.node, ['link', 'set', 'eth0', 'up']);
    // Link down took the multicast route with it (the kernel drops routes through a downed link).
    await lan.ipIn(b.host.node, ['route', 'replace', '224.0.0.0/4', 'dev', 'eth0']);
    const restoredAt = Date.now();

    let reappearedAt: number | null = null;
    let linkedAt: number | null = null;
    const transitions: string[] = [];
    for (let round = 0; round < 400 && Date.now() - restoredAt < 20_000 && linkedAt === null; round += 1) {
      if (reappearedAt === null) {
        const [sa] = await lanStates(probe, [a.host]);
        if (sa && findInstance(sa, b.host.instanceId)) reappearedAt = Date.now();
      }
      // Each change of either side's link, with its time: a failure says when the dial started and how it went.
      const states = `a: ${(await linksTo(a.page, b.id)).join() || 'none'}; b: ${(await linksTo(b.page, a.id)).join() || 'none'}`;
      if (states !== transitions.at(-1)?.slice(14)) transitions.push(`${Date.now()} ${states}`);
      if ((await open()) === true) linkedAt = Date.now();
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(reappearedAt, 'B never reappeared on A').not.toBeNull();
    expect(linkedAt, 'the link never came back').not.toBeNull();
    const back = must(linkedAt, 'linked') - must(reappearedAt, 'reappeared');
    const logs = async (): Promise<string> =>
      `plug at ${restoredAt}, B listed on A at ${reappearedAt}\nlinks seen:\n${transitions.join('\n')}\n` +
      `A (${a.id}):\n${(await a.page.evaluate(() => (window as unknown as { redialLog: string[] }).redialLog)).join('\n')}\n` +
      `B (${b.id}):\n${(await b.page.evaluate(() => (window as unknown as { redialLog: string[] }).redialLog)).join('\n')}`;
    const aDialled = await a.page.evaluate(
      (id) => (window.lanPartyDashboard?.engine.getPeerStats() as unknown as Array<{ peerId: string; direction: string }>).find((s) => s.peerId === id)?.direction === 'outgoing',
      b.id,
    );
    // Both sides agree: the smaller id dials (redial.ts, mesh.ts's rule).
    expect(aDialled, await logs()).toBe(a.id < b.id);
    console.log(
      `[lan] redial: cable pulled ${PULLED_MS} ms; B listed again on A ${must(reappearedAt, '') - restoredAt} ms after the plug, ` +
        `link open again ${back} ms after that (${must(linkedAt, '') - restoredAt} ms after the plug), dialled by the smaller id (${aDialled ? 'A' : 'B'}), no click`,
    );
    expect(back, await logs()).toBeLessThan(3_000);
    // No duplicate: one connection per side, still a moment later.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await linksTo(a.page, b.id)).toEqual(['open x1']);
    expect(await linksTo(b.page, a.id)).toEqual(['open x1']);

    // By hand: A disconnects B. Pull and restore the cable again: the link stays down.
    await a.page.getByRole('button', { name: `Disconnect from ${b.id}`, exact: true }).click();
    await pollUntil(
      'both sides to close',
      async () => ((await linksTo(a.page, b.id)).length + (await linksTo(b.page, a.id)).length === 0 ? true : { notYet: 'still open' }),
      { timeoutMs: 5_000, intervalMs: 100 },
    );
    await lan.ipIn(b.host.node, ['link', 'set', 'eth0', 'down']);
    await new Promise((resolve) => setTimeout(resolve, PULLED_MS));
    await lan.ipIn(b.host.node, ['link', 'set', 'eth0', 'up']);
    await lan.ipIn(b.host.node, ['route', 'replace', '224.0.0.0/4', 'dev', 'eth0']);
    await pollUntil(
      "A's host to list B again",
      async () => {
        const [sa] = await lanStates(probe, [a.host]);
        return sa && findInstance(sa, b.host.instanceId) ? true : { notYet: 'B not listed' };
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    // Longer than a redial at reappearance and the larger id's fallback (8 s).
    for (let waited = 0; waited < 10_000; waited += 500) {
      expect(await linksTo(a.page, b.id), 'A redialled a peer disconnected by hand').toEqual([]);
      expect(await linksTo(b.page, a.id), 'B redialled a peer that disconnected it by hand').toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    for (const host of session.hosts) expect(host.alive(), `${host.label} crashed:\n${host.output()}`).toBe(true);
  });
});
