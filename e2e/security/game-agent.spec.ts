/**
 * Attacks on the game agent's socket (issue 11, item 6), against a real
 * `lan-party host` serving two games, from real Chromium pages:
 * 1. a page of another origin (a site on loopback, and the other hosted game)
 *    opens the agent socket of a game: refused, nothing listed;
 * 2. a hosted game's own page floods its agent socket: the excess is dropped
 *    unparsed (only what fits the rate is taken), the host stays responsive;
 * 3. it sends a message over the size bound: closed, with a reason saying so;
 * 4. it claims another live instance's id, and reports about it: refused,
 *    the other instance's record untouched.
 * The page code runs with `page.evaluate` in the game's page, i.e. exactly
 * what a hosted game's own script can do.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { AGENT_LIMITS, AGENT_PATH, type InstancesState } from '../../src-preload/game-agent-protocol.js';
import { recordAttack } from '../fixtures/attack-table.js';
import { callBridge } from '../fixtures/bridge.js';
import { startFixtureServer, type FixtureServer } from '../fixtures/fixture-origin.js';
import type { RunningHost } from '../fixtures/host.js';
import { expect, test, type Contexts } from '../fixtures/test.js';

const GAMES = ['target', 'other'];

// The file's host serves two one-page games from the file's folder. They are written once: a write under a running
// host is a change it live-reloads.
test.use({
  hostOptions: async ({ fileFolder }, use) => {
    for (const name of GAMES.filter((game) => !fs.existsSync(path.join(fileFolder, game)))) {
      fs.mkdirSync(path.join(fileFolder, name));
      fs.writeFileSync(path.join(fileFolder, name, 'index.html'), `<!doctype html><title>${name}</title><p>${name}</p>`);
    }
    await use({ args: GAMES.flatMap((name) => ['--game', path.join(fileFolder, name)]) });
  },
});

/** The page URL of the hosted game `name` (each game is served on a port of its own). */
function gameUrl(host: RunningHost, name: string): string {
  return `http://127.0.0.1:${host.ready.games.find((game) => game.name === name)?.port ?? 0}/`;
}

let elsewhere: FixtureServer;

test.beforeAll(async () => {
  elsewhere = await startFixtureServer(undefined, {
    route: (_req, res, url) => {
      if (url.pathname !== '/site.html') return false;
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>elsewhere</title>');
      return true;
    },
  });
});

test.afterAll(async () => {
  await elsewhere.close();
});

async function instances(host: RunningHost): Promise<InstancesState['instances']> {
  return ((await callBridge(host.port, 'getInstances')) as InstancesState).instances;
}

interface SocketOutcome {
  opened: boolean;
  code: number | null;
  reason: string;
}

/** In the page: opens the agent socket of `target`, runs `script` once open, and resolves with how it ended (or stayed open). */
async function attack(page: Page, target: string, messages: string[], waitMs = 1_500): Promise<SocketOutcome> {
  return page.evaluate(
    async ({ url, messages, waitMs }) =>
      new Promise<SocketOutcome>((resolve) => {
        const ws = new WebSocket(url);
        let opened = false;
        const timer = setTimeout(() => resolve({ opened, code: null, reason: '' }), waitMs);
        ws.onopen = () => {
          opened = true;
          for (const message of messages) ws.send(message);
        };
        ws.onclose = (event) => {
          clearTimeout(timer);
          resolve({ opened, code: event.code, reason: event.reason });
        };
      }),
    { url: `${target.replace(/^http/, 'ws').replace(/\/$/, '')}${AGENT_PATH}`, messages, waitMs },
  );
}

const hello = (instance: string): string => JSON.stringify({ type: 'hello', instance, page: '/', bench: null });
/** A report; `droppedEvents` is summed by the host over the reports it takes, so a flood of reports saying 1 counts them. */
function report(sent: number, peerId = 'me', droppedEvents = 0): string {
  const link = {
    id: 'l1',
    peer: 'someone',
    label: 'dc_x',
    state: 'open',
    reliable: true,
    rttMs: 1,
    candidate: 'host',
    sent: { messages: sent, bytes: sent },
    received: { messages: 0, bytes: 0 },
  };
  return JSON.stringify({ type: 'report', links: [link], events: [], names: [], droppedEvents, peerId });
}

/** A page of its own browser context at `url`. */
async function open(contexts: Contexts, url: string): Promise<Page> {
  const page = await (await contexts.open()).newPage();
  await page.goto(url);
  return page;
}

test('a page of another origin cannot open a game agent socket', async ({ fileHost: host, contexts }, testInfo) => {
  const site = await open(contexts, `${elsewhere.origin}/site.html`);
  const other = await open(contexts, gameUrl(host, 'other'));
  const fromSite = await attack(site, gameUrl(host, 'target'), [hello('5115115115115115')]);
  const fromOtherGame = await attack(other, gameUrl(host, 'target'), [hello('0707070707070707')]);
  expect(fromSite.opened).toBe(false);
  expect(fromOtherGame.opened).toBe(false);
  const ids = (await instances(host)).map((instance) => instance.id);
  expect(ids).not.toContain('5115115115115115');
  expect(ids).not.toContain('0707070707070707');
  recordAttack(testInfo, {
    attack: "a site's page and another hosted game's page open a game's agent socket",
    attempts: 2,
    outcome: 'refused at the handshake (Origin is not the game origin), nothing listed',
  });
});

test("a game page flooding its agent socket gets only the rate's worth taken", async ({ fileHost: host, contexts }, testInfo) => {
  const page = await open(contexts, gameUrl(host, 'target'));
  const flood = 5_000;
  const messages = [hello('f100df100df100df'), ...Array.from({ length: flood }, (_, i) => report(i + 1, 'me', 1))];
  const opened = Date.now();
  const outcome = await attack(page, gameUrl(host, 'target'), messages, 3_000);
  expect(outcome.opened).toBe(true);
  const started = Date.now();
  const listed = (await instances(host)).find((instance) => instance.id === 'f100df100df100df');
  // Still answering at once after the flood.
  expect(Date.now() - started).toBeLessThan(2_000);
  // Only the rate's worth was taken: each report says it dropped 1 event and the host sums what it parsed, so this is
  // the count of reports taken. The rate is per one-second window, so while the socket was open (the flood can take
  // more than a second to arrive on a loaded machine: CI once took report #2,755 in a second window) at most
  // maxMessagesPerSecond per second begun.
  const taken = listed?.droppedEvents ?? 0;
  const windows = Math.ceil((Date.now() - opened) / 1_000) + 1;
  expect(taken).toBeGreaterThan(0);
  expect(taken).toBeLessThanOrEqual(windows * AGENT_LIMITS.maxMessagesPerSecond);
  expect(taken).toBeLessThan(flood / 50);
  recordAttack(testInfo, {
    attack: 'a hosted game floods its agent socket with reports',
    attempts: flood,
    outcome: `over ${AGENT_LIMITS.maxMessagesPerSecond}/s dropped unparsed (${taken} of ${flood} reports taken in ${windows - 1} s); host responsive`,
  });
});

test('a game page sending a message over the size bound is closed with a reason', async ({ fileHost: host, contexts }, testInfo) => {
  const page = await open(contexts, gameUrl(host, 'target'));
  const big = JSON.stringify({ type: 'report', pad: 'x'.repeat(AGENT_LIMITS.maxMessageBytes + 1) });
  const outcome = await attack(page, gameUrl(host, 'target'), [hello('b16b16b16b16b16b'), big], 5_000);
  expect(outcome).toMatchObject({ opened: true, code: 1009 });
  expect(outcome.reason).toContain(`at most ${AGENT_LIMITS.maxMessageBytes} bytes`);
  recordAttack(testInfo, {
    attack: 'a hosted game sends a 64 KiB+ agent message',
    attempts: 1,
    outcome: `socket closed 1009 "${outcome.reason}"`,
  });
});

test('a game page cannot take over or report about another instance', async ({ fileHost: host, contexts }, testInfo) => {
  const target = gameUrl(host, 'target');
  const honest = await open(contexts, target);
  const liar = await open(contexts, target);
  const victim = '1234123412341234';
  // The honest page's socket stays open for the whole test: its context closing after the test ends it (and this evaluate).
  void attack(honest, target, [hello(victim), report(7, 'honest')], 8_000).catch(() => null);
  await expect.poll(async () => (await instances(host)).find((instance) => instance.id === victim)?.links[0]?.sent.messages).toBe(7);
  const takeover = await attack(liar, target, [hello(victim), report(999, 'liar')]);
  // Reports never name an instance: one that tries is not the protocol.
  const named = await attack(liar, target, [hello('1a1a1a1a1a1a1a1a'), JSON.stringify({ ...JSON.parse(report(999, 'liar')), instance: victim })]);
  expect(takeover.code).toBe(1008);
  expect(takeover.reason).toContain('instance id is in use');
  expect(named.opened).toBe(true);
  const record = (await instances(host)).find((instance) => instance.id === victim);
  expect(record).toMatchObject({ peerId: 'honest' });
  expect(record?.links[0]?.sent.messages).toBe(7);
  recordAttack(testInfo, {
    attack: "a hosted game claims another live instance's id, and names it in a report",
    attempts: 2,
    outcome: 'hello refused (1008 instance id in use); the report is invalid and dropped; the other instance untouched',
  });
});
