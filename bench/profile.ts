/**
 * The evidence behind bench/README.md's "what limits it" (not part of `npm run bench`):
 *   node --import ./bench/ts-loader.mjs bench/profile.ts [engine|raw|stock|rawBatch] [small|big]
 *     one throughput blast between two Chromium pages with the V8 sampling
 *     profiler on both; the functions with the most self time on each side;
 *   node --import ./bench/ts-loader.mjs bench/profile.ts dashboard
 *     the dashboard page while it receives 5,000 events/s for 6 s; for the
 *     minified renderer bundle, each hot function is shown with its source text.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CDPSession } from '@playwright/test';
import { startHost } from '../e2e/fixtures/host.js';
import { KINDS, type Kind } from './pages/drivers.js';
import type { BlastOptions } from './pages/routines.js';
import { BenchTab, launchChromium } from './peers/chromium.js';
import { startPageServer } from './peers/page-server.js';
import { BIG_PAYLOAD_BYTES } from './scenarios/throughput.js';
import { REPO_ROOT } from './lib/paths.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** For a minified asset of the built renderer: the source text where the function starts. */
function sourceAt(url: string, line: number, column: number): string {
  const match = /\/assets\/([\w.-]+\.js)$/.exec(url);
  if (!match?.[1]) return '';
  const file = path.join(REPO_ROOT, 'out/renderer/assets', match[1]);
  if (!fs.existsSync(file)) return '';
  const text = fs.readFileSync(file, 'utf8').split('\n')[line] ?? '';
  return ` «${text.slice(column, column + 70)}»`;
}

function summarize(label: string, profile: Profile, top = 15): void {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const frame = node.callFrame;
    const where = frame.url ? `${frame.url.split('/').pop() ?? ''}:${frame.lineNumber + 1}:${frame.columnNumber + 1}${sourceAt(frame.url, frame.lineNumber, frame.columnNumber)}` : '';
    const key = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + (self.get(node.id) ?? 0));
  }
  const total = [...byFunction.values()].reduce((a, b) => a + b, 0);
  process.stdout.write(`\n== ${label}: ${(total / 1000).toFixed(0)} ms sampled\n`);
  for (const [name, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${(us / 1000).toFixed(1).padStart(9)} ms  ${name}\n`);
  }
}

async function startProfiler(session: CDPSession): Promise<void> {
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 100 });
  await session.send('Profiler.start');
}

interface DashboardWindow {
  lanPartyDashboard?: { engine: { isReady(): boolean; getId(): string } };
}

async function profileDashboard(): Promise<void> {
  const host = await startHost();
  const server = await startPageServer();
  const browser = await launchChromium();
  stops.push(() => browser.close(), () => server.close(), () => host.stop());
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(host.url);
    await page.waitForFunction(() => {
      const engine = (window as unknown as DashboardWindow).lanPartyDashboard?.engine;
      return engine !== undefined && engine.isReady() && engine.getId() !== '';
    }, undefined, { timeout: 20_000 });
    const id = await page.evaluate(() => (window as unknown as DashboardWindow).lanPartyDashboard?.engine.getId() ?? '');
    const sender = await BenchTab.open(browser, server.origin);
    await sender.create('engine', 'profSender', { host: host.brokerEndpoint.host, port: host.port, path: '/', key: 'peerjs' });
    await sender.call('connect', 'profSender', id);
    const session = await context.newCDPSession(page);
    await startProfiler(session);
    const sent = await sender.call('paced', 'profSender', id, 5_000, 6_000);
    process.stdout.write(`dashboard: ${sent} events sent in 6 s\n`);
    summarize('dashboard page', (await session.send('Profiler.stop')).profile as unknown as Profile, 20);
  } finally {
    await browser.close();
    await server.close();
    await host.stop();
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === 'dashboard') return profileDashboard();
  const kind = (process.argv[2] ?? 'engine') as Kind;
  if (![...KINDS, 'rawBatch'].includes(kind)) throw new Error(`unknown kind ${kind}`);
  const big = process.argv[3] === 'big';
  const options: BlastOptions = big
    ? { count: 8, payload: 'x'.repeat(BIG_PAYLOAD_BYTES), name: 'big', ackEvery: 1, perTask: 1, window: 4, timeoutMs: 60_000 }
    : { count: 30_000, payload: '{"x":123.45,"y":678.9,"a":1}', name: 'b', ackEvery: 1000, perTask: 100, window: 20_000, timeoutMs: 60_000 };
  const host = await startHost();
  const server = await startPageServer();
  const browser = await launchChromium();
  stops.push(() => browser.close(), () => server.close(), () => host.stop());
  try {
    const broker = { host: host.brokerEndpoint.host, port: host.port, path: '/', key: 'peerjs' };
    const a = await BenchTab.open(browser, server.origin);
    const b = await BenchTab.open(browser, server.origin);
    await a.create(kind, 'profA', broker);
    await b.create(kind, 'profB', broker);
    await b.call('responder', 'profB', 1000);
    await a.call('connectAndEcho', 'profA', 'profB');
    await a.call('blast', 'profA', 'profB', options); // warm-up: JIT, buffers
    const sa = await a.page.context().newCDPSession(a.page);
    const sb = await b.page.context().newCDPSession(b.page);
    await startProfiler(sa);
    await startProfiler(sb);
    const result = await a.call('blast', 'profA', 'profB', options);
    const rate = big ? `${((result.acked * BIG_PAYLOAD_BYTES) / 1e6 / (result.ms / 1000)).toFixed(1)} MB/s` : `${Math.round((result.acked / result.ms) * 1000)} events/s`;
    process.stdout.write(`${kind} ${big ? '1 MiB payloads' : 'small events'}: ${rate} (${result.acked}/${options.count} in ${result.ms.toFixed(0)} ms)\n`);
    summarize('sender', (await sa.send('Profiler.stop')).profile as unknown as Profile);
    summarize('receiver', (await sb.send('Profiler.stop')).profile as unknown as Profile);
  } finally {
    await browser.close();
    await server.close();
    await host.stop();
  }
}

// A closed stdout (`| head`) or a signal must still reach the `finally` blocks that stop the host and Chromium.
process.stdout.on('error', () => undefined);
const stops: Array<() => Promise<unknown>> = [];
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.allSettled(stops.map((stop) => stop())).finally(() => process.exit(130));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
