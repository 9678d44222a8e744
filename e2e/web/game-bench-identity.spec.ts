/**
 * The game side of the test bench (issue 12), on a real host (`--bench 2`)
 * serving a temp copy of the dots fixture, in Chromium:
 *
 * 1. Two instances framed by a page of the host's own origin (the framing
 *    policy lets the host's page frame a game): each reads its index and the
 *    count, the host lists both with their bench identity, and the two never
 *    share localStorage, sessionStorage, a cookie or an IndexedDB database,
 *    while a page that is not on the bench keeps the real storage. F8 /
 *    Shift+F8 in an instance ask the parent to move the focus and the game
 *    never sees the key; an unfocused instance reads no gamepad; the canvas
 *    size reaches the parent; the parent (and only it) mutes an instance.
 * 2. Live reload: a file of the hosted folder changes and both open
 *    instances reload within 3 s, the conditioned one keeping its conditions.
 *
 * Prints `[bench-identity] ...` with the measured reload time.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Frame, Page } from '@playwright/test';
import type { BenchFrameMessage, GameInstance } from '../../src-preload/game-agent-protocol.js';
import { findPreset, NO_CONDITIONS } from '../../src-preload/network-conditions.js';
import { control, getInstances, hostedGameUrls, instanceOf } from '../fixtures/games/instances.js';
import type { RunningHost } from '../fixtures/host.js';
import { expect, test } from '../fixtures/test.js';

// A host of its own per test: the live reload test edits the game's folder.
test.use({ hostOptions: async ({ dotsGame }, use) => use({ args: ['--game', dotsGame.folder, '--bench', '2'] }) });

/** What the game agent exposes on a bench instance's window. */
interface AgentWindow {
  lanPartyAgent?: { instance: string; muted: boolean };
  lanPartyInstance?: number;
  lanPartyCount?: number;
}

const gameUrl = (host: RunningHost): string => hostedGameUrls(host)[0] ?? '';
const benchQuery = (bench: string, instance: number, count = 2): string => `lanPartyInstance=${instance}&lanPartyCount=${count}&lanPartyBench=${bench}`;

/** What a game page reads and writes of its storage, as a game would (the same keys in every instance). */
async function writeStorage(frame: Frame | Page, tag: string): Promise<void> {
  await frame.evaluate(async (value) => {
    localStorage.setItem('who', value);
    sessionStorage.who = value;
    document.cookie = `who=${value}; path=/; max-age=600`;
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.open('saves', 1);
      request.onupgradeneeded = () => request.result.createObjectStore('kv');
      request.onerror = () => reject(request.error ?? new Error('open failed'));
      request.onsuccess = () => {
        const db = request.result;
        const tx = db.transaction('kv', 'readwrite');
        tx.objectStore('kv').put(value, 'who');
        tx.oncomplete = () => {
          db.close();
          resolve();
        };
        tx.onerror = () => reject(tx.error ?? new Error('put failed'));
      };
    });
  }, tag);
}

function readStorage(frame: Frame | Page) {
  return frame.evaluate(async () => {
    const saved = await new Promise<{ value: unknown; name: string }>((resolve, reject) => {
      const request = indexedDB.open('saves', 1);
      request.onerror = () => reject(request.error ?? new Error('open failed'));
      request.onsuccess = () => {
        const db = request.result;
        const get = db.transaction('kv').objectStore('kv').get('who');
        get.onsuccess = () => {
          resolve({ value: get.result, name: db.name });
          db.close();
        };
        get.onerror = () => reject(get.error ?? new Error('get failed'));
      };
    });
    return {
      local: localStorage.getItem('who'),
      localKeys: Object.keys(localStorage),
      session: sessionStorage.getItem('who'),
      cookie: document.cookie,
      idb: saved.value,
      idbName: saved.name,
      databases: (await indexedDB.databases()).map((db) => db.name),
    };
  });
}

test('two bench instances framed by the host page: identity, storage of their own, focus keys, gamepad, size and mute', async ({ host, bridge, page }) => {
  // `--bench 2` prints the bench's URL on this machine.
  expect(host.output()).toMatch(new RegExp(`Test bench \\(2 players\\): http://127\\.0\\.0\\.1:${host.port}/bench\\.html\\?game=[0-9a-f]{8}&count=2`));

  const bench = '0a1b2c3d';
  const frames = [1, 2].map((i) => `${gameUrl(host)}?${benchQuery(bench, i)}`);
  // A page of the host's own origin (the dashboard; the bench page is another), framing two instances of the game.
  const consoleLines: string[] = [];
  page.on('console', (message) => consoleLines.push(message.text()));
  await page.goto(host.url);
  await page.evaluate((sources) => {
    (window as unknown as { received: unknown[] }).received = [];
    window.addEventListener('message', (event) => (window as unknown as { received: unknown[] }).received.push(event.data));
    sources.forEach((src, i) => {
      const frame = document.createElement('iframe');
      frame.id = `i${i + 1}`;
      frame.src = src;
      frame.width = '420';
      frame.height = '360';
      document.body.prepend(frame);
    });
  }, frames);
  const frameOf = (i: number): Frame => {
    const frame = page.frames().find((f) => f.url().includes(`lanPartyInstance=${i}&`));
    if (!frame) throw new Error(`instance frame ${i} not found`);
    return frame;
  };
  // Both instance frames load (the console says why when the framing policy refuses them).
  await expect
    .poll(() => {
      const loaded = page.frames().filter((f) => f.url().includes('lanPartyBench=')).length;
      return loaded === 2 ? 'both loaded' : `${loaded} loaded; console: ${consoleLines.join(' | ')}`;
    })
    .toBe('both loaded');
  const [one, two] = [frameOf(1), frameOf(2)];
  for (const [frame, index] of [
    [one, 1],
    [two, 2],
  ] as const) {
    await expect.poll(() => frame.evaluate(() => (window as unknown as { lanPartyAgent?: unknown }).lanPartyAgent !== undefined)).toBe(true);
    expect(await frame.evaluate(() => [(window as unknown as AgentWindow).lanPartyInstance, (window as unknown as AgentWindow).lanPartyCount])).toEqual([index, 2]);
    // Read-only.
    expect(await frame.evaluate(() => Object.getOwnPropertyDescriptor(window, 'lanPartyInstance')?.writable)).toBe(false);
  }
  const ids = await Promise.all([one, two].map((frame) => frame.evaluate(() => (window as unknown as AgentWindow).lanPartyAgent?.instance ?? '')));
  await expect
    .poll(async () => {
      const listed = (await getInstances(bridge)).instances;
      return ids.map((id) => listed.find((instance) => instance.id === id)?.bench ?? null);
    })
    .toEqual([
      { id: bench, instance: 1, count: 2 },
      { id: bench, instance: 2, count: 2 },
    ]);

  // Both write the same keys, then each reads back its own.
  await writeStorage(one, 'player-one');
  await writeStorage(two, 'player-two');
  for (const [frame, tag] of [
    [one, 'player-one'],
    [two, 'player-two'],
  ] as const) {
    expect(await readStorage(frame)).toEqual({ local: tag, localKeys: ['who'], session: tag, cookie: `who=${tag}`, idb: tag, idbName: 'saves', databases: ['saves'] });
  }
  // A page of the game that is not on the bench keeps the browser's own storage, where the instances' keys are kept apart.
  const plain = await page.context().newPage();
  await plain.goto(gameUrl(host));
  await instanceOf(plain);
  expect(await plain.evaluate(() => [localStorage.getItem('who'), localStorage.getItem('lanParty:1:who'), localStorage.getItem('lanParty:2:who')])).toEqual([
    null,
    'player-one',
    'player-two',
  ]);
  expect(await plain.evaluate(() => (window as unknown as AgentWindow).lanPartyInstance)).toBeUndefined();
  await plain.close();

  // F8 / Shift+F8 inside instance 1: the parent is asked to move the focus; the game's own key listener never sees F8.
  await one.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { keysSeen: string[] }).keysSeen = seen;
    window.addEventListener('keydown', (event) => seen.push(event.key));
  });
  await one.locator('canvas').click();
  await page.keyboard.press('F8');
  await page.keyboard.press('Shift+F8');
  await page.keyboard.press('q');
  await expect.poll(() => one.evaluate(() => (window as unknown as { keysSeen: string[] }).keysSeen)).toContain('q');
  expect(await one.evaluate(() => (window as unknown as { keysSeen: string[] }).keysSeen.filter((key) => key !== 'Shift'))).toEqual(['q']);
  const received = (): Promise<BenchFrameMessage[]> => page.evaluate(() => (window as unknown as { received: BenchFrameMessage[] }).received);
  await expect.poll(async () => (await received()).filter((m) => m.lanParty !== 'size')).toEqual([{ lanParty: 'focus-next' }, { lanParty: 'focus-previous' }]);
  // The game's canvas (400x300) sizes the tile.
  expect(await received()).toContainEqual({ lanParty: 'size', width: 400, height: 300 });
  // Instance 1 has the focus: instance 2 reads no gamepad, instance 1 reads what the browser gives.
  expect(await two.evaluate(() => navigator.getGamepads().length)).toBe(0);
  expect(await one.evaluate(() => navigator.getGamepads().length)).toBe(await one.evaluate(() => Navigator.prototype.getGamepads.call(navigator).length));

  // Mute from the parent only: media elements of the instance are muted, and unmuted after.
  await one.evaluate(() => {
    const audio = document.createElement('audio');
    audio.id = 'sound';
    document.body.append(audio);
  });
  const muted = (): Promise<[boolean | undefined, boolean]> =>
    one.evaluate(() => [(window as unknown as AgentWindow).lanPartyAgent?.muted, (document.getElementById('sound') as HTMLAudioElement).muted]);
  await one.evaluate(() => window.postMessage({ lanParty: 'mute', muted: true }, '*'));
  await page.evaluate(() => (document.getElementById('i2') as HTMLIFrameElement).contentWindow?.postMessage({ lanParty: 'mute', muted: true }, '*'));
  await expect.poll(() => two.evaluate(() => (window as unknown as AgentWindow).lanPartyAgent?.muted)).toBe(true);
  expect(await muted()).toEqual([false, false]);
  await page.evaluate(() => (document.getElementById('i1') as HTMLIFrameElement).contentWindow?.postMessage({ lanParty: 'mute', muted: true }, '*'));
  await expect.poll(muted).toEqual([true, true]);
  await page.evaluate(() => (document.getElementById('i1') as HTMLIFrameElement).contentWindow?.postMessage({ lanParty: 'mute', muted: false }, '*'));
  await expect.poll(muted).toEqual([false, false]);
});

test('live reload: a file of the hosted folder changes and both open instances reload within 3 s, keeping their conditions', async ({ host, bridge, dotsGame, browser }) => {
  const context = await browser.newContext();
  const pages = [await context.newPage(), await context.newPage()];
  await Promise.all(pages.map((page, i) => page.goto(`${gameUrl(host)}?${benchQuery('feedf00d', i + 1)}`)));
  const before = await Promise.all(pages.map((page) => instanceOf(page)));
  await control(bridge, 'setNetworkConditions', { instance: before[0], preset: 'mobile-3g' });

  const started = Date.now();
  fs.appendFileSync(path.join(dotsGame.folder, 'game.js'), '\n// saved by the live reload test\n');
  const current = (page: Page): Promise<string | null> =>
    page.evaluate(() => (window as unknown as AgentWindow).lanPartyAgent?.instance ?? null).catch(() => null); // null while the page is navigating
  await expect
    .poll(async () => {
      const now = await Promise.all(pages.map(current));
      return now.every((id, i) => id !== null && id !== before[i]);
    }, { timeout: 3_000, intervals: [50] })
    .toBe(true);
  const reloadMs = Date.now() - started;
  console.log(`[bench-identity] live reload: both instances reloaded ${reloadMs} ms after the file was written (debounce 300 ms)`);
  // The new pages are still the same bench instances, under the conditions their predecessors had.
  const after = await Promise.all(pages.map((page) => instanceOf(page)));
  const mobile = findPreset('mobile-3g')?.conditions;
  const conditionsOf = async (id: string | undefined): Promise<GameInstance['conditions'] | undefined> =>
    (await getInstances(bridge)).instances.find((instance) => instance.id === id)?.conditions;
  await expect.poll(() => conditionsOf(after[0])).toEqual({ up: mobile, down: mobile, cut: false });
  expect(await conditionsOf(after[1])).toEqual({ up: NO_CONDITIONS, down: NO_CONDITIONS, cut: false });
  expect(await pages[0]?.evaluate(() => (window as unknown as AgentWindow).lanPartyInstance)).toBe(1);
  await context.close();
});
