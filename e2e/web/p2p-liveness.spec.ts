/**
 * Vanished peers, web tier: real Chromium processes, real WebRTC, the real
 * host's broker. A peer whose Chromium is killed is reported fast; a peer
 * whose page stalls (a scene load) or that is flooded with events is not
 * reported at all. The engine judges liveness from packets reaching its
 * transport (getStats), which the other side's network thread keeps producing
 * while its script is busy (src-renderer/p2p/heartbeat.ts).
 *
 * Prints `[liveness] ...` lines: the figures quoted in the README.
 */
import fs from 'node:fs';
import { chromium, expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { waitForEngineLinks, openConnectedEngines, openEngine, openStock, P2P_LAUNCH_OPTIONS, register, useP2PEnvironment } from '../fixtures/p2p/harness.js';

test.use({ launchOptions: P2P_LAUNCH_OPTIONS });

const env = useP2PEnvironment();

/** A Chromium of its own (browser process + renderers), so the test can kill it by pid like a crashed game. */
interface OwnBrowser {
  browser: Browser;
  context: BrowserContext;
  /** SIGKILL to the browser process and every process it started (read from /proc just before). */
  kill(): void;
  close(): Promise<void>;
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent pid (after the parenthesised command name).
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // The process exited meanwhile.
    }
  }
  return out;
}

function descendants(pid: number): number[] {
  const all: number[] = [];
  const todo = [pid];
  while (todo.length > 0) {
    const next = todo.pop() as number;
    for (const child of childrenOf(next)) {
      all.push(child);
      todo.push(child);
    }
  }
  return all;
}

async function ownBrowser(): Promise<OwnBrowser> {
  const server = await chromium.launchServer(P2P_LAUNCH_OPTIONS);
  const browser = await chromium.connect(server.wsEndpoint());
  const context = await browser.newContext();
  const pid = server.process().pid;
  if (pid === undefined) throw new Error('the Chromium server has no pid');
  let killed = false;
  return {
    browser,
    context,
    kill() {
      killed = true;
      // The browser process first, then every process it had started: nothing says goodbye on the wire.
      const pids = [pid, ...descendants(pid)];
      for (const p of pids) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // Gone already.
        }
      }
    },
    async close() {
      if (!killed) await browser.close().catch(() => undefined);
      await server.close().catch(() => undefined);
    },
  };
}

test('an engine peer whose Chromium is killed is reported within 3 s, once', async ({ context }) => {
  const other = await ownBrowser();
  try {
    const [a, b] = await openConnectedEngines([context, other.context], env.fixtures, env.host.brokerEndpoint, ['live-a1', 'live-b1']);
    await waitForEngineLinks(a, b);
    // Settle: the link has carried pings and their acknowledgements for a while.
    await a.waitForTimeout(1_500);

    const before = await a.evaluate(() => performance.now());
    other.kill();
    await a.waitForFunction(() => window.lp.log.disconnected.length >= 1, undefined, { timeout: 6_000 });
    const gone = await a.evaluate(() => window.lp.log.disconnected[0]);
    const ms = Math.round((gone?.t ?? Infinity) - before);
    console.log(`[liveness] engine peer, Chromium killed by pid: reported after ${ms} ms (reason ${gone?.reason})`);
    expect(gone?.peerId).toBe('live-b1');
    expect(ms).toBeLessThan(3_000);
    expect(a.isClosed()).toBe(false);

    // Once only, and the game's connected list agrees.
    await a.waitForTimeout(2_000);
    expect(await a.evaluate(() => window.lp.log.disconnected.map((d) => d.peerId))).toEqual(['live-b1']);
    expect(await a.evaluate(() => window.lp.engine.getConnectedPeers())).toEqual([]);
  } finally {
    await other.close();
  }
});

/** Runs a busy loop on the page's main thread: a scene load that blocks the script (and its pongs) for `ms`. */
async function stall(page: Page, ms: number): Promise<void> {
  await page.evaluate((duration) => {
    const end = performance.now() + duration;
    while (performance.now() < end) {
      // Spin: no task, no timer, no message handler runs on this page meanwhile.
    }
  }, ms);
}

test('a peer whose main thread stalls for 5 s is not reported, and the link carries events again after', async ({ context, browser }) => {
  // b in its own context (own renderer process): its stall must not freeze a's page.
  const other = await browser.newContext();
  const [a, b] = await openConnectedEngines([context, other], env.fixtures, env.host.brokerEndpoint, ['live-a2', 'live-b2']);
  await waitForEngineLinks(a, b);
  await a.waitForTimeout(1_000);

  // a keeps sending during b's stall: they must all arrive after it, in order.
  const sending = a.evaluate(async () => {
    for (let i = 0; i < 50; i += 1) {
      window.lp.engine.triggerEventOnPeer('live-b2', 'during', String(i));
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  const began = Date.now();
  await stall(b, 5_000);
  const stalledMs = Date.now() - began;
  await sending;
  await a.waitForTimeout(2_000);

  const aSaw = await a.evaluate(() => ({ disconnected: window.lp.log.disconnected.length, peers: window.lp.engine.getConnectedPeers() }));
  const bSaw = await b.evaluate(() => ({ disconnected: window.lp.log.disconnected.length, peers: window.lp.engine.getConnectedPeers() }));
  console.log(`[liveness] engine peer stalled ${stalledMs} ms: reports on the other side ${aSaw.disconnected}, on the stalled side ${bSaw.disconnected}`);
  expect(stalledMs).toBeGreaterThanOrEqual(5_000);
  expect(aSaw).toEqual({ disconnected: 0, peers: ['live-b2'] });
  expect(bSaw).toEqual({ disconnected: 0, peers: ['live-a2'] });

  // The events sent during the stall, then new ones both ways.
  await b.waitForFunction(() => window.lp.log.events.filter((e) => e.name === 'during').length === 50);
  expect(await b.evaluate(() => window.lp.log.events.filter((e) => e.name === 'during').map((e) => e.data))).toEqual(
    Array.from({ length: 50 }, (_, i) => String(i)),
  );
  await a.evaluate(() => window.lp.engine.triggerEventOnPeer('live-b2', 'after', 'from-a'));
  await b.evaluate(() => window.lp.engine.triggerEventOnPeer('live-a2', 'after', 'from-b'));
  await b.waitForFunction(() => window.lp.log.events.some((e) => e.name === 'after' && e.data === 'from-a'));
  await a.waitForFunction(() => window.lp.log.events.some((e) => e.name === 'after' && e.data === 'from-b'));
  await other.close();
});

test('a stock PeerJS 1.5 peer whose Chromium is killed is reported within 6 s; its game never sees our probes', async ({ context }) => {
  const a = await openEngine(context, env.fixtures);
  const other = await ownBrowser();
  try {
    const stock = await openStock(other.context, env.fixtures, '1.5');
    await register(a, env.host.brokerEndpoint, 'live-a3');
    expect(await stock.evaluate((b) => window.stock.start('live-s3', b), env.host.brokerEndpoint)).toBe('live-s3');
    // A GDevelop-like game connects to us, default serialization, unreliable.
    await stock.evaluate(() => window.stock.connect('live-a3', { reliable: false }));
    await a.waitForFunction(() => window.lp.engine.getConnectedPeers().includes('live-s3'));

    // An idle stock link for 8 s (ICE checks alone are 1.5-3 s apart; our probes start after 1 s): no false report,
    // and nothing of ours reached the stock game.
    await a.waitForTimeout(8_000);
    expect(await a.evaluate(() => window.lp.log.disconnected.length)).toBe(0);
    const stockSaw = await stock.evaluate(() => ({ ...window.stock.log, open: window.stock.connectionCount('live-a3') }));
    expect(stockSaw).toEqual({ events: [], connections: [], closed: [], errors: [], open: 1 });

    const before = await a.evaluate(() => performance.now());
    other.kill();
    await a.waitForFunction(() => window.lp.log.disconnected.length >= 1, undefined, { timeout: 10_000 });
    const gone = await a.evaluate(() => window.lp.log.disconnected[0]);
    const ms = Math.round((gone?.t ?? Infinity) - before);
    console.log(`[liveness] stock PeerJS 1.5 peer, Chromium killed by pid: reported after ${ms} ms (reason ${gone?.reason})`);
    expect(gone?.peerId).toBe('live-s3');
    expect(ms).toBeLessThan(6_000);
    await a.waitForTimeout(1_000);
    expect(await a.evaluate(() => window.lp.log.disconnected.length)).toBe(1);
  } finally {
    await other.close();
  }
});

test('a 5,000 events/s stream for 60 s: no false report on either side', async ({ context, browser }) => {
  test.setTimeout(150_000);
  const other = await browser.newContext();
  const [a, b] = await openConnectedEngines([context, other], env.fixtures, env.host.brokerEndpoint, ['live-a4', 'live-b4']);
  await waitForEngineLinks(a, b);

  // 50 events every 10 ms for 60 s, bounded in count (300,000) and time (60 s); the receiver only counts them.
  const sent = await a.evaluate(
    () =>
      new Promise<{ sent: number; ms: number }>((resolve) => {
        const start = performance.now();
        let n = 0;
        const timer = setInterval(() => {
          const due = Math.min(300_000, Math.floor(((performance.now() - start) / 1000) * 5_000));
          while (n < due) {
            window.lp.engine.triggerEventOnPeer('live-b4', 'load', String(n));
            n += 1;
          }
          if (n >= 300_000 || performance.now() - start >= 60_000) {
            clearInterval(timer);
            resolve({ sent: n, ms: performance.now() - start });
          }
        }, 10);
      }),
  );
  await b.waitForFunction((n) => window.lp.engine.getPeerStats()[0]?.messagesIn === n, sent.sent, { timeout: 30_000 }).catch(() => undefined);
  const received = await b.evaluate(() => window.lp.engine.getPeerStats()[0]?.messagesIn ?? 0);
  const reports = {
    a: await a.evaluate(() => window.lp.log.disconnected.length),
    b: await b.evaluate(() => window.lp.log.disconnected.length),
  };
  const rate = Math.round(sent.sent / (sent.ms / 1000));
  console.log(`[liveness] ${sent.sent} events in ${Math.round(sent.ms)} ms (${rate}/s), ${received} received: reports a=${reports.a} b=${reports.b}`);
  expect(sent.ms).toBeGreaterThanOrEqual(59_000);
  expect(rate).toBeGreaterThanOrEqual(4_900);
  expect(reports).toEqual({ a: 0, b: 0 });
  expect(received).toBe(sent.sent);
  await other.close();
});
