/**
 * A LAN party of N real `lan-party host` processes on one simulated segment,
 * and the measurements issue 14 asks for: steady-state mDNS multicast (from a
 * listener that only listens), every frame the bridge carried, CPU and memory
 * per host, a newcomer listed by all, a killed or stopped host dropped by all.
 * Shared by e2e/lan/scale.spec.ts (N = 40) and bench/scenarios/lan-scale.ts
 * (N = 10..100).
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { bridgeProtocols, type LanState } from '../../../src-preload/contract.js';
import { FIXTURES } from './environment.js';
import { findInstance, selfOf, startLanHost, type LanHost } from './hosts.js';
import { delay, SimulatedLan, type LanNode } from './netns.js';
import { LanProbe } from './probe.js';
import { bridgeTotals, MdnsCounter, processUsage, type MdnsCounts } from './traffic.js';

/** The probe fetches at most 32 URLs per request. */
const PROBE_BATCH = 32;
/** Hosts started at once: Node's start-up is CPU-bound, and the machine has 2 cores. */
const START_CONCURRENCY = 4;

export class ScaleLan {
  readonly hosts: LanHost[] = [];
  /** Duration of the last polling round of every host: the precision of the times measured by polling. */
  pollRoundMs = 0;
  private nextHost = 1;

  private constructor(
    readonly lan: SimulatedLan,
    readonly probe: LanProbe,
    readonly counter: MdnsCounter,
    private readonly watch: LanWatch,
    private readonly log: (line: string) => void,
  ) {}

  /** The LAN, its observer (probe + mDNS counter, no mDNS of its own) and `count` hosts, listed by each other. */
  static async create(count: number, log: (line: string) => void = () => undefined): Promise<ScaleLan> {
    const lan = await SimulatedLan.create();
    try {
      const observer = await lan.addNode('obs', [{ segment: 0, host: 250 }]);
      const probe = await LanProbe.start(lan, observer);
      const counter = await MdnsCounter.start(lan, observer);
      const watch = await LanWatch.start(lan, observer);
      const scale = new ScaleLan(lan, probe, counter, watch, log);
      await scale.grow(count);
      return scale;
    } catch (error) {
      await lan.destroy().catch(() => undefined);
      throw error;
    }
  }

  /** Starts hosts until there are `count`, then waits until all list each other. */
  async grow(count: number): Promise<void> {
    const started = Date.now();
    const adding = count - this.hosts.length;
    while (this.hosts.length < count) {
      const batch = Math.min(START_CONCURRENCY, count - this.hosts.length);
      this.hosts.push(...(await Promise.all(Array.from({ length: batch }, () => this.startHost()))));
    }
    this.log(`${adding} hosts started in ${Date.now() - started} ms`);
    const converged = await this.waitConverged(60_000 + count * 1000);
    this.log(`${count} hosts list each other ${converged} ms after the last start`);
  }

  /** One more host on a node of its own (10.77.0.<n>). Not added to `hosts`. */
  async startHost(): Promise<LanHost> {
    const n = this.nextHost++;
    if (n > 240) throw new Error('the simulated segment holds at most 240 hosts');
    const node = await this.lan.addNode(`h${n}`, [{ segment: 0, host: n }]);
    return startLanHost(this.lan, node, { timeoutMs: 120_000 });
  }

  /** Each host's LanState (null where it did not answer). */
  async states(hosts: readonly LanHost[] = this.hosts): Promise<Array<LanState | null>> {
    // All batches at once: a polling round must be short, it bounds the precision of every time measured here.
    const batches: Array<Promise<Array<LanState | null>>> = [];
    for (let i = 0; i < hosts.length; i += PROBE_BATCH) {
      batches.push(this.probe.getJson<LanState>(hosts.slice(i, i + PROBE_BATCH).map((h) => `${h.url}/api/lan`), 5_000));
    }
    return (await Promise.all(batches)).flat();
  }

  /** Null when every host lists exactly the hosts (itself included), else the first problem. */
  async convergenceProblem(): Promise<string | null> {
    const ids = new Set(this.hosts.map((h) => h.instanceId));
    const states = await this.states();
    for (const [i, state] of states.entries()) {
      const label = this.hosts[i]?.label ?? '?';
      if (!state) return `${label} did not answer`;
      if (state.discovery !== 'running' || state.lastError !== null) return `${label}: discovery ${state.discovery} (${state.lastError ?? ''})`;
      const listed = state.instances.map((x) => x.instanceId);
      const missing = [...ids].filter((id) => !listed.includes(id));
      if (missing.length > 0 || listed.length !== ids.size) {
        return `${label} lists ${listed.length}/${ids.size} (missing ${missing.length}: ${missing.slice(0, 3).join(', ')})`;
      }
    }
    return null;
  }

  /** Polls until converged; returns the time it took. Bounded in time and rounds. */
  async waitConverged(timeoutMs: number): Promise<number> {
    const start = Date.now();
    let last = 'never checked';
    for (let round = 0; round < 10_000 && Date.now() - start < timeoutMs; round += 1) {
      const problem = await this.convergenceProblem();
      if (problem === null) return Date.now() - start;
      last = problem;
      await delay(200);
    }
    throw new Error(`the ${this.hosts.length} hosts did not all list each other within ${timeoutMs} ms (last: ${last})`);
  }

  /** Steady-state traffic and cost over `windowMs`. */
  async measureSteady(windowMs: number): Promise<SteadyState> {
    const pids = this.hosts.map((h) => h.process.pid ?? -1);
    const usageBefore = pids.map((pid) => processUsage(pid));
    const bridgeBefore = await bridgeTotals(this.lan);
    const from = await this.counter.reset();
    await delay(windowMs);
    const mdns = await this.counter.read();
    const bridgeAfter = await bridgeTotals(this.lan);
    const usageAfter = pids.map((pid) => processUsage(pid));
    const seconds = (mdns.at - from) / 1000;
    const cpu: number[] = [];
    const rss: number[] = [];
    for (const [i, after] of usageAfter.entries()) {
      const before = usageBefore[i];
      if (!after || !before) continue;
      cpu.push(((after.cpuMs - before.cpuMs) / (seconds * 1000)) * 100);
      rss.push(after.rssBytes);
    }
    return {
      hosts: this.hosts.length,
      seconds,
      mdnsPacketsPerS: mdns.packets / seconds,
      mdnsBytesPerS: mdns.bytes / seconds,
      mdns,
      // Everything else the hosts sent (heartbeats, the probe's HTTP): from the bridge's ports, less mDNS.
      bridgePacketsPerS: (bridgeAfter.packets - bridgeBefore.packets) / seconds,
      bridgeBytesPerS: (bridgeAfter.bytes - bridgeBefore.bytes) / seconds,
      cpuPercent: cpu,
      rssBytes: rss,
    };
  }

  /**
   * Starts one more host and waits until every host lists it. `seenAfterMs`:
   * per host, its first-seen time of the newcomer minus the newcomer's own
   * discovery start (one machine, one clock), so polling adds nothing.
   */
  async newcomer(): Promise<{ host: LanHost; seenAfterMs: number[]; listedAfterReadyMs: number }> {
    const host = await this.startHost();
    const { elapsedAt } = await this.pollEverywhere(`${host.label} to be listed by all`, 20_000, (state) => findInstance(state, host.instanceId) !== undefined);
    const [ownState] = await this.states([host]);
    if (!ownState) throw new Error(`${host.label} did not answer`);
    const discoveryStart = selfOf(ownState).firstSeen;
    const states = await this.states();
    const seenAfterMs = states.map((state, i) => {
      const entry = state && findInstance(state, host.instanceId);
      if (!entry) throw new Error(`${this.hosts[i]?.label ?? '?'} no longer lists ${host.label}`);
      return entry.firstSeen - discoveryStart;
    });
    this.hosts.push(host);
    return { host, seenAfterMs, listedAfterReadyMs: elapsedAt - host.readyAt };
  }

  /**
   * SIGKILLs (vanishes without a goodbye) or SIGTERMs (goodbye) a host; ms
   * until every other host dropped it, as each host pushed it over its bridge.
   */
  async remove(victim: LanHost, how: 'kill' | 'stop', timeoutMs = 10_000): Promise<number> {
    const index = this.hosts.indexOf(victim);
    if (index === -1) throw new Error(`${victim.label} is not one of the hosts`);
    this.hosts.splice(index, 1);
    await this.watch.open(this.hosts.map((h) => h.bridgeUrl()));
    await this.watch.track(victim.instanceId, false);
    const started = Date.now();
    const ending = how === 'kill' ? victim.kill() : victim.stop();
    const { done, times } = await this.watch.result(timeoutMs);
    await ending;
    if (!done) {
      const late = this.hosts.filter((_h, i) => times[i] === null).map((h) => h.label);
      throw new Error(`${victim.label} still listed by ${late.length} hosts ${timeoutMs} ms after it ended (${late.slice(0, 5).join(', ')})`);
    }
    return Math.max(...times.map((t) => (t ?? started) - started));
  }

  async destroy(): Promise<void> {
    for (const host of this.hosts) if (host.alive()) await host.kill();
    await this.lan.destroy();
  }

  private async pollEverywhere(what: string, timeoutMs: number, ok: (state: LanState) => boolean): Promise<{ elapsedAt: number }> {
    const start = Date.now();
    let last = 'never checked';
    for (let round = 0; round < 10_000 && Date.now() - start < timeoutMs; round += 1) {
      const roundStart = Date.now();
      const states = await this.states();
      this.pollRoundMs = Date.now() - roundStart;
      const pending = states.flatMap((state, i) => (state && ok(state) ? [] : [this.hosts[i]?.label ?? '?']));
      if (pending.length === 0) return { elapsedAt: Date.now() };
      const silent = states.filter((state) => state === null).length;
      const troubled = states.flatMap((state) => (state && state.lastError ? [state.lastError] : []));
      last = `not yet on ${pending.length} (${silent} did not answer): ${pending.slice(0, 5).join(', ')}; round ${this.pollRoundMs} ms; ${troubled.length} with errors: ${troubled.slice(0, 3).join('; ')}`;
      await delay(10);
    }
    this.log(`timed out: ${what} (${last})`);
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${last})`);
  }
}

export interface SteadyState {
  hosts: number;
  seconds: number;
  mdnsPacketsPerS: number;
  mdnsBytesPerS: number;
  mdns: MdnsCounts;
  bridgePacketsPerS: number;
  bridgeBytesPerS: number;
  /** Per host: CPU over the window (% of one core), and RSS at its end. */
  cpuPercent: number[];
  rssBytes: number[];
}

/** The hosts' LAN state as they push it (fixtures/lan-watch.mjs, in the observer node). */
class LanWatch {
  private readonly waiters = new Map<number, (reply: unknown) => void>();
  private nextId = 1;

  private constructor(private readonly child: ChildProcess) {
    const lines = readline.createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      let reply: { id?: number };
      try {
        reply = JSON.parse(line) as { id?: number };
      } catch {
        return;
      }
      const id = reply.id ?? 0;
      this.waiters.get(id)?.(reply);
      this.waiters.delete(id);
    });
  }

  static async start(lan: SimulatedLan, node: LanNode): Promise<LanWatch> {
    const child = lan.spawnIn(node, process.execPath, [path.join(FIXTURES, 'lan-watch.mjs')], { stdio: ['pipe', 'pipe', 'pipe'] });
    const watch = new LanWatch(child);
    await watch.ask({}, 10_000);
    return watch;
  }

  async open(urls: string[]): Promise<void> {
    const reply = (await this.ask({ cmd: 'open', urls, protocols: bridgeProtocols() }, 30_000)) as { ok: boolean; error?: string };
    if (!reply.ok) throw new Error(`watching the hosts' bridges failed: ${reply.error ?? ''}`);
  }

  async track(instanceId: string, present: boolean): Promise<number> {
    return ((await this.ask({ cmd: 'track', instanceId, present }, 10_000)) as { at: number }).at;
  }

  async result(timeoutMs: number): Promise<{ done: boolean; times: Array<number | null> }> {
    return (await this.ask({ cmd: 'result', timeoutMs }, timeoutMs + 10_000)) as { done: boolean; times: Array<number | null> };
  }

  /** An empty request (no cmd) waits for the ready line, which carries no id (0). */
  private ask(request: Record<string, unknown>, timeoutMs: number): Promise<unknown> {
    const id = request['cmd'] === undefined ? 0 : this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the LAN watcher did not answer ${String(request['cmd'] ?? 'ready')} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      if (id !== 0) this.child.stdin?.write(`${JSON.stringify({ ...request, id })}\n`);
    });
  }
}
