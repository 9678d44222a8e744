/**
 * The LAN tier's one way to open a simulated LAN: a suite calls
 * `useSimulatedLan(name)` once (it registers the skip when this machine
 * cannot make network namespaces, and the teardown that stops every host and
 * deletes every namespace the suite made, after the suite or after each
 * test), then opens LAN sessions in its
 * tests or `beforeAll`. A session has an observer node (`obs`, host 250 on
 * every segment) with
 * a probe that reads hosts' `/api/lan`, and tracks the hosts it starts.
 */
import { test } from '@playwright/test';
import { agreement, discoveryProblem } from './checks.js';
import { announceSkip, assertBuilt } from './environment.js';
import { lanStates, pollUntil, startLanHost, type LanHost, type StartHostOptions } from './hosts.js';
import { SimulatedLan, type LanNode, type NodeLink, type NodeOptions } from './netns.js';
import { LanProbe } from './probe.js';

export interface LanSessionOptions {
  /** Bridged segments (default 1). */
  segments?: number;
  /** Routes of every node this session adds unless a node names its own (see NodeOptions). */
  routes?: NodeOptions;
}

export interface AddHostOptions extends StartHostOptions {
  /** This node's routes instead of the session's. */
  routes?: NodeOptions;
}

/** The observer's address on each segment: out of the way of hosts numbered from 1. */
const OBSERVER_HOST = 250;

export class LanSession {
  /** Every host this session started, in start order (stopped at teardown). */
  readonly hosts: LanHost[] = [];
  private closed = false;

  private constructor(
    readonly lan: SimulatedLan,
    readonly probe: LanProbe,
    private readonly routes: NodeOptions | undefined,
  ) {}

  static async open(options: LanSessionOptions = {}): Promise<LanSession> {
    assertBuilt();
    const segments = options.segments ?? 1;
    const lan = await SimulatedLan.create({ segments });
    try {
      // On every segment, so the probe reaches hosts wherever they are.
      const links = Array.from({ length: segments }, (_, segment) => ({ segment, host: OBSERVER_HOST }));
      const probe = await LanProbe.start(lan, await lan.addNode('obs', links, options.routes));
      return new LanSession(lan, probe, options.routes);
    } catch (error) {
      await lan.destroy();
      throw error;
    }
  }

  /** A node of this LAN (with the session's routes unless given). */
  addNode(label: string, links: NodeLink[], routes: NodeOptions | undefined = this.routes): Promise<LanNode> {
    return this.lan.addNode(label, links, routes);
  }

  /** A host on a new node `label` at `links` (default: segment 0, address `host`), tracked for teardown. */
  async addHost(label: string, at: number | NodeLink[], options: AddHostOptions = {}): Promise<LanHost> {
    const links = typeof at === 'number' ? [{ segment: 0, host: at }] : at;
    const node = await this.addNode(label, links, options.routes ?? this.routes);
    return this.startOn(node, options);
  }

  /** A host on an existing node, tracked for teardown. */
  async startOn(node: LanNode, options: StartHostOptions = {}): Promise<LanHost> {
    const host = await startLanHost(this.lan, node, options);
    this.hosts.push(host);
    return host;
  }

  /** Hosts `h1`..`hN` at addresses 1..N of segment 0. */
  async addHosts(count: number, options: AddHostOptions = {}): Promise<LanHost[]> {
    const added: LanHost[] = [];
    for (let n = 1; n <= count; n += 1) added.push(await this.addHost(`h${n}`, n, options));
    return added;
  }

  /** Until every one of `hosts` (default: all of this session's) lists all the others; resolves with the time it took. */
  async untilListed(hosts: readonly LanHost[] = this.hosts, timeoutMs = 10_000): Promise<number> {
    const { elapsedMs } = await pollUntil(
      `${hosts.length} hosts to list each other`,
      async () => {
        const problem = discoveryProblem(await lanStates(this.probe, hosts), hosts);
        return problem ? { notYet: problem } : true;
      },
      { timeoutMs },
    );
    return elapsedMs;
  }

  /** Until every one of `hosts` lists the others and they name the same default broker. */
  async untilAgree(hosts: readonly LanHost[] = this.hosts, timeoutMs = 10_000): Promise<{ id: string; elapsedMs: number }> {
    const { value, elapsedMs } = await pollUntil(
      `${hosts.length} hosts to list each other and agree on a default broker`,
      async () => {
        const states = await lanStates(this.probe, hosts);
        const problem = discoveryProblem(states, hosts);
        if (problem) return { notYet: problem };
        const agreed = agreement(states);
        return 'problem' in agreed ? { notYet: agreed.problem } : agreed;
      },
      { timeoutMs },
    );
    return { id: value.id, elapsedMs };
  }

  /** Stops every host still running (gracefully) and deletes the LAN's namespaces; once (the suite's teardown calls it again). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const host of this.hosts) if (host.alive()) await host.stop();
    await this.lan.destroy();
  }
}

export interface SimulatedLanSuite {
  /** Opens a LAN for this suite; closed by the suite's teardown (or earlier with `close`). */
  open(options?: LanSessionOptions): Promise<LanSession>;
}

/**
 * For a LAN-tier suite: skips it (printing why) where namespaces cannot be
 * made, and closes every LAN it opened after its tests (or after each test). Call at the top of the
 * file or of a `describe`.
 */
export function useSimulatedLan(suite: string, options: { closeAfter?: 'all' | 'each' } = {}): SimulatedLanSuite {
  const skipReason = announceSkip(suite);
  test.skip(skipReason !== null, skipReason ?? '');
  const sessions: LanSession[] = [];
  const closeAll = async (): Promise<void> => {
    for (const session of sessions.splice(0)) await session.close();
  };
  // 'each': a LAN per test, gone before the next test starts (tests that each build their own party).
  if (options.closeAfter === 'each') test.afterEach(closeAll);
  else test.afterAll(closeAll);
  return {
    async open(options) {
      const session = await LanSession.open(options);
      sessions.push(session);
      return session;
    },
  };
}
