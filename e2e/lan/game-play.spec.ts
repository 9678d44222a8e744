/**
 * Issue 6 on a simulated LAN: the fixture dots game (stock peerjs 1.4.6,
 * `new Peer()` with no broker options) hosted by host A with `--game`, played
 * by two Chromium pages running in two different hosts' namespaces (A and B).
 * Each page sees the other's moves; every request and socket of both pages
 * stays on 10.77.0.x (nothing leaves for the public PeerJS cloud); the two
 * game peers are clients of the LAN's default broker.
 *
 * Host B starts first, so the LAN's default broker is B's, not the game
 * host's: the page served by A must be sent to B's broker (a cross-host
 * default, the harder case).
 *
 * Two route variants. With a default route (via a gateway that does not
 * exist) Chromium gathers host candidates, hidden behind `<uuid>.local` names
 * that resolve over multicast on the LAN. Without a default route Chromium
 * gathers no candidate at all unless the page holds camera/microphone
 * permission (it finds its local address by routing toward a public IP; with
 * the permission it enumerates every interface): that variant grants it, with
 * a fake device and no prompt. The product needs the same in that case (see
 * the README of this folder).
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { assembleDotsGame, type FixtureGame } from '../fixtures/games/assemble.js';
import { agreement } from './harness/checks.js';
import { expectMovesSeen, joinTwoPlayers, recordTraffic } from '../fixtures/games/dots-driver.js';
import { launchChromiumIn, type LanBrowser } from './harness/chromium.js';
import { lanStates, pollUntil, type LanHost } from './harness/hosts.js';
import { useSimulatedLan, type LanSession } from './harness/lan-session.js';
import { must } from './harness/must.js';
import type { NodeOptions } from './harness/netns.js';

/** What the selected ICE candidate pair of each RTCPeerConnection of a page was. */
interface PairReport {
  state: string;
  local: { type: string; address: string };
  remote: { type: string; address: string };
}

const VARIANTS: Array<{ title: string; routes: NodeOptions; mediaPermission: boolean; modes: string[] }> = [
  { title: 'default route via a dummy gateway', routes: { defaultRoute: true }, mediaPermission: false, modes: ['plain', 'gdevelop'] },
  { title: 'no default route, media permission granted', routes: { defaultRoute: false }, mediaPermission: true, modes: ['plain'] },
];

const LAN_HOST = /^10\.77\.0\.\d{1,3}$/;

/**
 * Keeps every RTCPeerConnection the page creates, so the test can read which
 * candidates carried the game. Runs before the page's scripts (and before the
 * broker shim, which subclasses whatever RTCPeerConnection it finds).
 */
function trackPeerConnections(): void {
  const Native = window.RTCPeerConnection;
  const list: RTCPeerConnection[] = [];
  const gathered: string[] = [];
  Object.assign(window, { __lanPartyTestPcs: list, __lanPartyTestCandidates: gathered });
  window.RTCPeerConnection = class extends Native {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      list.push(this);
      // A listener of its own: PeerJS uses `onicecandidate`, which this does not replace.
      this.addEventListener('icecandidate', (event) => {
        if (event.candidate?.candidate) gathered.push(event.candidate.candidate);
      });
    }
  };
}

/** Address and type of each local candidate the page gathered (`candidate:<f> <c> <proto> <prio> <address> <port> typ <type>`). */
async function gatheredCandidates(page: Page): Promise<Array<{ address: string; type: string }>> {
  const lines = await page.evaluate(() => (window as unknown as { __lanPartyTestCandidates?: string[] }).__lanPartyTestCandidates ?? []);
  return lines.map((line) => {
    const fields = line.split(' ');
    return { address: fields[4] ?? '', type: fields[fields.indexOf('typ') + 1] ?? '' };
  });
}

async function selectedPairs(page: Page): Promise<PairReport[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __lanPartyTestPcs?: RTCPeerConnection[] }).__lanPartyTestPcs ?? [];
    const reports: PairReport[] = [];
    for (const pc of pcs) {
      const stats = await pc.getStats();
      const byId = new Map<string, Record<string, unknown>>();
      stats.forEach((value: Record<string, unknown>) => byId.set(String(value['id']), value));
      for (const value of byId.values()) {
        if (value['type'] !== 'candidate-pair' || value['nominated'] !== true) continue;
        const local = byId.get(String(value['localCandidateId'])) ?? {};
        const remote = byId.get(String(value['remoteCandidateId'])) ?? {};
        reports.push({
          state: String(value['state']),
          local: { type: String(local['candidateType']), address: String(local['address'] ?? '') },
          remote: { type: String(remote['candidateType']), address: String(remote['address'] ?? '') },
        });
      }
    }
    return reports;
  });
}

for (const variant of VARIANTS) {
  test.describe(`hosted game on the LAN, ${variant.title}`, () => {
    test.describe.configure({ mode: 'serial' });

    // Per variant: its LAN (hosts, then the browsers its cleanups close) is gone before the next variant starts.
    const suite = useSimulatedLan('hosted game');
    let session: LanSession | undefined;
    let game: FixtureGame | undefined;
    let gameHost: LanHost | undefined;
    let brokerHost: LanHost | undefined;
    let gameUrl = '';
    const browsers: LanBrowser[] = [];

    test.beforeAll(async () => {
      game = assembleDotsGame();
      const opened = await suite.open({ routes: variant.routes });
      session = opened;
      const { lan, hosts, probe } = opened;
      // B first: its broker starts earlier, so the LAN's default broker is B's.
      brokerHost = await opened.addHost('b', 2);
      gameHost = await opened.addHost('a', 1, { extraArgs: ['--game', game.folder] });
      const nodeA = gameHost.node;
      gameUrl = must(gameHost.ready.games[0]?.url, `the game URL in A's ready line:\n${gameHost.output()}`);
      expect(new URL(gameUrl).hostname).toBe(nodeA.ip);
      // The game is its own origin: a port of its own, not A's page and bridge.
      expect(new URL(gameUrl).port).not.toBe(String(gameHost.port));
      expect(new URL(gameUrl).pathname).toBe('/');

      const expected = brokerHost.instanceId;
      await pollUntil(
        "both hosts to name B's broker the LAN default",
        async () => {
          const agreed = agreement(await lanStates(probe, hosts));
          if ('problem' in agreed) return { notYet: agreed.problem };
          return agreed.id === expected ? true : { notYet: `agreed on ${agreed.id}` };
        },
        { timeoutMs: 10_000 },
      );
      for (const host of [gameHost, brokerHost]) {
        browsers.push(await launchChromiumIn(lan, host.node, { fakeMedia: variant.mediaPermission }));
      }
    });

    test.afterAll(async () => {
      // Hosts first (they serve the game's folder); the suite's teardown finds this LAN closed.
      await session?.close();
      game?.remove();
    });

    for (const mode of variant.modes) {
      test(`mode=${mode}: players in two namespaces see each other's moves through the LAN default broker`, async () => {
        const broker = must(brokerHost, 'host B');
        const contexts: BrowserContext[] = [];
        try {
          const pages: Page[] = [];
          const traffic: string[][] = [];
          for (const browser of browsers) {
            const context = variant.mediaPermission ? await browser.newMediaContext() : await browser.browser.newContext();
            contexts.push(context);
            await context.addInitScript(trackPeerConnections);
            const page = await context.newPage();
            traffic.push(recordTraffic(page));
            pages.push(page);
          }
          const [a, b] = [must(pages[0], 'page in A'), must(pages[1], 'page in B')];

          const started = Date.now();
          const { idA, idB } = await joinTwoPlayers(a, b, gameUrl, `mode=${mode}`);
          const connectedMs = Date.now() - started;

          // Each page sees the other's moves.
          await expectMovesSeen(a, b, idA, idB);

          // The game's two peers are clients of the LAN default broker (B's), read from inside the LAN.
          const [peers] = await must(session, 'the LAN').probe.getJson<string[]>([`${broker.url}/peerjs/peers`]);
          expect(peers?.slice().sort()).toEqual([idA, idB].sort());

          // Nothing left the LAN: every request and socket of both pages went to a 10.77.0.x host. Signaling went to the relay
          // on the game's own origin (A), which registered both ids on the LAN default broker (B's: the peers list above).
          const relaySocket = `ws://${new URL(gameUrl).host}/lan-party/broker/peerjs?key=peerjs`;
          for (const [i, urls] of traffic.entries()) {
            for (const url of urls) expect(new URL(url).hostname, url).toMatch(LAN_HOST);
            expect(urls.some((url) => url.startsWith(relaySocket)), `page ${i} signaled through ${relaySocket}: ${urls.join(' ')}`).toBe(true);
          }

          // The data went peer to peer, on host candidates (there is no STUN or TURN on this LAN).
          const pairs = [...(await selectedPairs(a)), ...(await selectedPairs(b))];
          console.log(
            `[lan] ${variant.title}, mode=${mode}: both players saw each other ${connectedMs} ms after A's page started loading; ` +
              `selected pairs: ${pairs.map((p) => `${p.local.type} ${p.local.address} <-> ${p.remote.type} ${p.remote.address} (${p.state})`).join('; ')}`,
          );
          expect(pairs.length).toBeGreaterThanOrEqual(2);
          for (const pair of pairs) {
            expect(pair.state).toBe('succeeded');
            expect(pair.local.type).toBe('host');
          }
          // Which of Chromium's two modes carried it: without media permission its host candidates are
          // `<uuid>.local` names (resolved over multicast on this LAN); with it, the plain LAN addresses.
          const candidates = [...(await gatheredCandidates(a)), ...(await gatheredCandidates(b))];
          console.log(`[lan] ${variant.title}, mode=${mode}: gathered ${candidates.map((c) => `${c.type} ${c.address}`).join(', ')}`);
          expect(candidates.length).toBeGreaterThan(0);
          for (const candidate of candidates) {
            expect(candidate.type).toBe('host');
            expect(candidate.address).toMatch(variant.mediaPermission ? LAN_HOST : /^[0-9a-f-]{36}\.local$/);
          }
        } finally {
          for (const context of contexts) await context.close();
        }
      });
    }
  });
}
