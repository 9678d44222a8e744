/**
 * Host start and discovery.
 *
 * As root, on a simulated LAN (e2e/lan/harness: network namespaces on a
 * bridge; mDNS stays inside them), with a host `h1` running and an agent in
 * the observer namespace (bench/lan/agent.ts) doing the polling:
 * - host start: a new `lan-party host` is spawned in `h2`; timed until its
 *   broker answers a PeerJS registration with OPEN and its /api/lan says
 *   discovery is running (first announcement out), the later of the two;
 *   the note gives spawn → h1 lists it;
 * - discovery: on a host already running in `h3` with discovery off, the
 *   agent turns discovery on through the web bridge; timed until h1 lists it
 *   (then off again, and back to the start state before the next sample).
 *   This isolates discovery from the process start, which host start covers.
 * Without root: host start on loopback (spawn → broker OPEN, --no-discovery),
 * and discovery is not run (mDNS must never touch the real interfaces).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import path from 'node:path';
import { launchHost } from '../../e2e/fixtures/host-launcher.js';
import { startLanHost } from '../../e2e/lan/harness/hosts.js';
import { SimulatedLan, exited, type LanNode } from '../../e2e/lan/harness/netns.js';
import { delay } from '../lib/context.js';
import type { BenchContext } from '../lib/context.js';
import { CLI, LOADER, REPO_ROOT } from '../lib/paths.js';
import { registerOnce } from '../lib/register-probe.js';
import type { Row, Where } from '../lib/results.js';
import { median, percentile } from '../lib/stats.js';
import type { DiscoverReply, DiscoverRequest, WatchReply, WatchRequest } from '../lan/agent.js';
import type { Scenario } from './scenario.js';

const DISCOVERY_METRIC = 'running host turns discovery on → another host lists it, median';
const HOST_START_TARGET = { kind: 'absMax', max: 300 } as const;
const DISCOVERY_TARGET = { kind: 'absMax', max: 200 } as const;
/** Fixed port of the started host (its own namespace: no clash), so the agent can poll from the spawn on. */
const PORT = 9000;
const AGENT = path.join(REPO_ROOT, 'bench/lan/agent.ts');

const clock = (): number => performance.timeOrigin + performance.now();

interface StartSample {
  spawnAt: number;
  printedAt: number | null;
  brokerAt: number | null;
  announcedAt: number | null;
  listedAt: number | null;
}

/** Kills a host we spawned (by pid) and waits for it. */
async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited(child);
  clearTimeout(timer);
}

/** Notes when the host prints its ready line (a host stopped before it leaves `printedAt` null). */
function watchPrinted(child: ChildProcess, sample: StartSample): void {
  launchHost(child).then(
    () => (sample.printedAt ??= clock()),
    () => undefined,
  );
}

class Agent {
  private readonly waiters = new Map<number, (reply: never) => void>();
  private nextId = 1;

  constructor(private readonly child: ChildProcess) {
    const lines = readline.createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      const reply = JSON.parse(line) as { id?: number; ready?: boolean };
      if (reply.ready || reply.id === undefined) return;
      this.waiters.get(reply.id)?.(reply as never);
      this.waiters.delete(reply.id);
    });
  }

  ask(request: Omit<WatchRequest, 'id'> & { gone?: boolean }): Promise<WatchReply>;
  ask(request: Omit<DiscoverRequest, 'id'> & { op: 'discover' }): Promise<DiscoverReply>;
  ask(request: { timeoutMs: number }): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('LAN agent did not answer')), request.timeoutMs + 5_000);
      this.waiters.set(id, (reply: unknown) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.child.stdin?.write(`${JSON.stringify({ ...request, id })}\n`);
    });
  }
}

interface LanRun {
  starts: StartSample[];
  /** Discovery switched on → listed by the other host, ms. */
  discovery: number[];
  errors: string[];
}

async function lanSamples(ctx: BenchContext, count: number): Promise<LanRun> {
  const lan = await SimulatedLan.create();
  ctx.defer(() => lan.destroy());
  const observer = await lan.addNode('obs', [{ segment: 0, host: 250 }]);
  const listerNode = await lan.addNode('h1', [{ segment: 0, host: 1 }]);
  const newNode: LanNode = await lan.addNode('h2', [{ segment: 0, host: 2 }]);
  const toggledNode = await lan.addNode('h3', [{ segment: 0, host: 3 }]);
  const lister = await startLanHost(lan, listerNode);
  const toggled = await startLanHost(lan, toggledNode, { extraArgs: ['--no-discovery'] });
  const agentChild = lan.spawnIn(observer, process.execPath, ['--import', LOADER, AGENT], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const agent = new Agent(agentChild);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('LAN agent did not start')), 20_000);
    agentChild.stdout?.once('data', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  const samples: StartSample[] = [];
  // One unrecorded start first: it warms the file cache and the code cache of `node`.
  for (let i = 0; i < count + 1; i += 1) {
    const name = `bench${i}`;
    const request = { hostUrl: `http://${newNode.ip}:${PORT}`, listerUrl: lister.url, name, timeoutMs: 15_000 };
    const sample: StartSample = { spawnAt: clock(), printedAt: null, brokerAt: null, announcedAt: null, listedAt: null };
    const watching = agent.ask(request);
    sample.spawnAt = clock();
    const child = lan.spawnIn(newNode, process.execPath, [CLI, 'host', '--port', String(PORT), '--host', '0.0.0.0', '--name', name, '--interface', 'eth0'], { cwd: REPO_ROOT });
    watchPrinted(child, sample);
    const reply = await watching;
    Object.assign(sample, { brokerAt: reply.brokerAt, announcedAt: reply.announcedAt, listedAt: reply.listedAt });
    await stopChild(child);
    // The goodbye removes it from h1's list; wait for that so the next sample starts from the same state.
    await agent.ask({ ...request, gone: true, timeoutMs: 5_000 });
    if (i > 0) samples.push(sample);
    ctx.log(`lan-start: start ${i}: broker ${ms(sample.brokerAt, sample.spawnAt)}, announced ${ms(sample.announcedAt, sample.spawnAt)}, listed ${ms(sample.listedAt, sample.spawnAt)} after spawn`);
  }
  const discovery: number[] = [];
  const errors: string[] = [];
  const base = { bridgeUrl: toggled.bridgeUrl(), token: toggled.controlToken(), listerUrl: lister.url, name: toggled.label, timeoutMs: 10_000, op: 'discover' as const };
  for (let i = 0; i < count * 2 + 1; i += 1) {
    const on = await agent.ask({ ...base, on: true });
    if (on.error) errors.push(on.error);
    else if (on.seenAt !== null && i > 0) discovery.push(on.seenAt - on.sentAt);
    const off = await agent.ask({ ...base, on: false });
    if (off.error) errors.push(off.error);
    ctx.log(`lan-start: discovery ${i}: listed ${ms(on.seenAt, on.sentAt)}, dropped after goodbye ${ms(off.seenAt, off.sentAt)}`);
  }
  return { starts: samples, discovery, errors };
}

/** Loopback: spawn → the broker answers OPEN (no discovery). */
async function loopbackSamples(ctx: BenchContext, count: number): Promise<StartSample[]> {
  const samples: StartSample[] = [];
  for (let i = 0; i < count + 1; i += 1) {
    const port = 19_000 + Math.floor(Math.random() * 20_000);
    const sample: StartSample = { spawnAt: clock(), printedAt: null, brokerAt: null, announcedAt: null, listedAt: null };
    const child = spawn(process.execPath, [CLI, 'host', '--port', String(port), '--host', '127.0.0.1', '--no-discovery'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    ctx.defer(() => stopChild(child, 'SIGKILL'));
    watchPrinted(child, sample);
    const deadline = Date.now() + 15_000;
    while (sample.brokerAt === null && Date.now() < deadline && child.exitCode === null) {
      if (await registerOnce(`ws://127.0.0.1:${port}/peerjs?key=peerjs&id=probe${i}&token=p`)) sample.brokerAt = clock();
      else await delay(5);
    }
    await stopChild(child);
    if (i > 0) samples.push(sample);
  }
  return samples;
}


function ms(at: number | null, from: number): string {
  return at === null ? '—' : `${(at - from).toFixed(0)} ms`;
}

function spans(samples: StartSample[], pick: (s: StartSample) => number | null): number[] {
  return samples.map(pick).filter((v): v is number => v !== null);
}

export const lanStartScenario: Scenario = {
  name: 'lan-start',
  plan: (ctx) => [
    { scenario: 'discovery', metric: DISCOVERY_METRIC, unit: 'ms', target: DISCOVERY_TARGET, where: 'simulated LAN' },
    { scenario: 'host start', metric: '`lan-party host` spawn → broker accepts and host advertised, median', unit: 'ms', target: HOST_START_TARGET, where: ctx.lanSkipReason === null ? 'simulated LAN' : 'loopback' },
  ],
  budgetMs: (quick) => (quick ? 90_000 : 300_000),
  async run(ctx) {
    const count = ctx.quick ? 5 : 20;
    const onLan = ctx.lanSkipReason === null;
    const where: Where = onLan ? 'simulated LAN' : 'loopback';
    const lanRun = onLan ? await lanSamples(ctx, count) : null;
    const samples = lanRun ? lanRun.starts : await loopbackSamples(ctx, count);
    const startSpans = spans(samples, (s) => (s.brokerAt === null || (onLan && s.announcedAt === null) ? null : Math.max(s.brokerAt, s.announcedAt ?? 0) - s.spawnAt));
    const printed = spans(samples, (s) => (s.printedAt === null ? null : s.printedAt - s.spawnAt));
    const brokerOnly = spans(samples, (s) => (s.brokerAt === null ? null : s.brokerAt - s.spawnAt));
    const fmt = (v: number | null): string => (v === null ? '—' : v.toFixed(0));
    const rows: Row[] = [];
    const listedFromSpawn = spans(samples, (s) => (s.listedAt === null ? null : s.listedAt - s.spawnAt));
    if (lanRun) {
      const discovery = lanRun.discovery;
      rows.push({
        scenario: 'discovery',
        metric: DISCOVERY_METRIC,
        unit: 'ms',
        ours: median(discovery),
        raw: null,
        stock: null,
        target: DISCOVERY_TARGET,
        where,
        samples: `${discovery.length} switch-ons`,
        note: `p90 ${fmt(percentile(discovery, 90))} ms, max ${fmt(Math.max(...discovery))} ms; includes the bridge call (WebSocket open + settings change); polled every 5 ms from the observer namespace; a freshly spawned host is listed ${fmt(median(listedFromSpawn))} ms after its spawn (median)${lanRun.errors.length > 0 ? `; errors: ${lanRun.errors.slice(0, 2).join('; ')}` : ''}`,
      });
    } else {
      rows.push({
        scenario: 'discovery',
        metric: DISCOVERY_METRIC,
        unit: 'ms',
        ours: null,
        raw: null,
        stock: null,
        target: DISCOVERY_TARGET,
        where: 'simulated LAN',
        samples: '0',
        notRun: `needs the simulated LAN (${ctx.lanSkipReason ?? ''}); mDNS never runs on the real interfaces`,
      });
    }
    rows.push({
      scenario: 'host start',
      metric: '`lan-party host` spawn → broker accepts and host advertised, median',
      unit: 'ms',
      ours: median(startSpans),
      raw: null,
      stock: null,
      target: HOST_START_TARGET,
      where,
      samples: `${startSpans.length}/${samples.length} starts`,
      note: `p90 ${fmt(percentile(startSpans, 90))} ms; spawn → broker OPEN alone ${fmt(median(brokerOnly))} ms; spawn → ready line printed ${fmt(median(printed))} ms${onLan ? '' : '; not advertised: --no-discovery on loopback'}`,
    });
    return rows;
  },
};
