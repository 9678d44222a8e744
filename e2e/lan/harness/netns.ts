/**
 * A simulated LAN made of network namespaces:
 *
 *   <prefix>-br   holds one Linux bridge per segment (br0, br1...)
 *   <prefix>-<n>  one namespace per node, with a veth (eth0, eth1...) on a bridge,
 *                 10.(77+segment).0.<host>/24, a multicast route on eth0, and
 *                 optionally a default route via a gateway that does not exist.
 *
 * The root namespace gets no interface on these bridges: all mDNS traffic of
 * the tests stays inside the namespaces, and the test process reaches the
 * hosts through a probe process running in an observer namespace.
 *
 * Names carry the test process id and a counter, so parallel runs never
 * collide. `destroy()` kills the processes this LAN started (by pid) and
 * deletes its namespaces; an exit hook does the same if the test process dies
 * first.
 */
import { execFile, execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface NodeLink {
  segment: number;
  /** Last octet of the node's address on that segment. */
  host: number;
}

export interface NodeOptions {
  /** Add `default via 10.(77+segment).0.254` (a gateway that does not exist). Default false. */
  defaultRoute?: boolean;
  /** Add `224.0.0.0/4 dev eth0` (the documented recipe). Default true. */
  multicastRoute?: boolean;
}

export interface LanNode {
  label: string;
  ns: string;
  /** Address per link, in link order (eth0 first). */
  addresses: string[];
  /** The eth0 address. */
  ip: string;
}

/** The gateway address used by the default-route variant: inside the test LAN, never answered. */
export const DUMMY_GATEWAY_HOST = 254;

export function segmentSubnet(segment: number): string {
  return `10.${77 + segment}.0`;
}

// Everything alive across all LANs of this process, for the exit hook.
const liveProcesses = new Set<ChildProcess>();
const liveNamespaces = new Set<string>();
let exitHookInstalled = false;
let lanCounter = 0;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort when the worker exits without afterAll (crash, forced stop): synchronous by necessity.
  process.on('exit', () => {
    for (const child of liveProcesses) {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
    for (const ns of liveNamespaces) {
      try {
        execFileSync('ip', ['netns', 'delete', ns], { stdio: 'ignore', timeout: 5000 });
      } catch {
        // Best effort on the way out.
      }
    }
  });
}

export async function ip(args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync('ip', args, { timeout: 10_000 });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim() ?? '';
    throw new Error(`ip ${args.join(' ')} failed: ${stderr || String(error)}`, { cause: error });
  }
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export class SimulatedLan {
  readonly prefix: string;
  readonly bridgeNs: string;
  private readonly namespaces: string[] = [];
  private readonly processes = new Set<ChildProcess>();
  private readonly nodes: LanNode[] = [];
  /** Run first by destroy(), newest first: things (browsers) that must end while the namespaces still exist. */
  private readonly cleanups: Array<() => Promise<void>> = [];
  private vethCounter = 0;
  private destroyed = false;

  private constructor(readonly segments: number) {
    lanCounter += 1;
    this.prefix = `lp${process.pid}x${lanCounter}`;
    this.bridgeNs = `${this.prefix}-br`;
  }

  /** Creates the bridge namespace with one bridge per segment. Cleans up after itself if that fails. */
  static async create(options: { segments?: number } = {}): Promise<SimulatedLan> {
    installExitHook();
    const lan = new SimulatedLan(options.segments ?? 1);
    try {
      await lan.addNamespace(lan.bridgeNs);
      for (let s = 0; s < lan.segments; s += 1) {
        await ip(['-n', lan.bridgeNs, 'link', 'add', `br${s}`, 'type', 'bridge']);
        await ip(['-n', lan.bridgeNs, 'link', 'set', `br${s}`, 'up']);
      }
    } catch (error) {
      await lan.destroy();
      throw error;
    }
    return lan;
  }

  /** A node (its own namespace) with one veth per link. */
  async addNode(label: string, links: NodeLink[], options: NodeOptions = {}): Promise<LanNode> {
    if (this.destroyed) throw new Error('this LAN was destroyed');
    if (!/^[a-z0-9]{1,12}$/.test(label)) throw new Error(`node label ${label} must be 1-12 lowercase letters or digits`);
    const ns = `${this.prefix}-${label}`;
    await this.addNamespace(ns);
    await ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    const addresses: string[] = [];
    for (const [index, link] of links.entries()) {
      if (link.segment < 0 || link.segment >= this.segments) throw new Error(`no segment ${link.segment}`);
      this.vethCounter += 1;
      const outside = `v${this.vethCounter}`;
      const inside = `eth${index}`;
      const address = `${segmentSubnet(link.segment)}.${link.host}`;
      await ip(['-n', this.bridgeNs, 'link', 'add', outside, 'type', 'veth', 'peer', 'name', inside, 'netns', ns]);
      await ip(['-n', this.bridgeNs, 'link', 'set', outside, 'master', `br${link.segment}`, 'up']);
      await ip(['-n', ns, 'addr', 'add', `${address}/24`, 'dev', inside]);
      await ip(['-n', ns, 'link', 'set', inside, 'up']);
      addresses.push(address);
    }
    const first = links[0];
    if (first) {
      if (options.multicastRoute ?? true) await ip(['-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', 'eth0']);
      if (options.defaultRoute ?? false) {
        await ip(['-n', ns, 'route', 'add', 'default', 'via', `${segmentSubnet(first.segment)}.${DUMMY_GATEWAY_HOST}`, 'dev', 'eth0']);
      }
    }
    const node: LanNode = { label, ns, addresses, ip: addresses[0] ?? '127.0.0.1' };
    this.nodes.push(node);
    return node;
  }

  /** Runs `ip -n <ns> ...` for a node (e.g. to take its interface down). */
  async ipIn(node: LanNode, args: string[]): Promise<string> {
    return ip(['-n', node.ns, ...args]);
  }

  /** Starts a program inside a node's namespace; the child's pid is the program's (`ip netns exec` execs it). */
  spawnIn(node: LanNode, command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
    if (this.destroyed) throw new Error('this LAN was destroyed');
    const child = spawn('ip', ['netns', 'exec', node.ns, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    this.processes.add(child);
    liveProcesses.add(child);
    child.once('exit', () => {
      this.processes.delete(child);
      liveProcesses.delete(child);
    });
    // A spawn failure must surface in the test, not as an unhandled 'error' event.
    child.on('error', () => undefined);
    return child;
  }

  /**
   * Registers work for destroy() to do before it kills the LAN's processes
   * and deletes its namespaces (e.g. closing a browser running inside one).
   */
  addCleanup(cleanup: () => Promise<void>): void {
    if (this.destroyed) throw new Error('this LAN was destroyed');
    this.cleanups.push(cleanup);
  }

  /** Pids of every process inside a node's namespace (`ip netns pids`). */
  async pidsIn(node: LanNode): Promise<number[]> {
    return namespacePids(node.ns);
  }

  /** Kills what this LAN started (by pid), then deletes its namespaces. Safe to call twice. */
  async destroy(): Promise<void> {
    this.destroyed = true;
    const problems: string[] = [];
    for (const cleanup of this.cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        problems.push(`cleanup: ${String(error)}`);
      }
    }
    const running = [...this.processes];
    for (const child of running) child.kill('SIGKILL');
    await Promise.race([Promise.all(running.map(exited)), delay(5000)]);
    // Anything still inside one of our namespaces was started by this LAN (only it enters them), e.g. a
    // browser's child that outlived a timed-out close: it would keep the namespace's network alive.
    const leftovers = await this.sweepNamespaces();
    if (leftovers.length > 0) problems.push(`processes left in the namespaces (killed): ${leftovers.join(', ')}`);
    // Nodes first, the bridge namespace last (its veth ends go with the nodes).
    for (const ns of [...this.namespaces].reverse()) {
      try {
        await ip(['netns', 'delete', ns]);
      } catch (error) {
        problems.push(String(error));
      }
      liveNamespaces.delete(ns);
    }
    this.namespaces.length = 0;
    const left = (await ip(['netns', 'list'])).split('\n').filter((line) => line.startsWith(`${this.prefix}-`));
    if (left.length > 0) problems.push(`namespaces left behind: ${left.join(', ')}`);
    if (problems.length > 0) throw new Error(`LAN teardown: ${problems.join('; ')}`);
  }

  /**
   * SIGKILLs every process still inside this LAN's namespaces after a short
   * grace (a closed browser's detached helpers, e.g. its crash handler, exit
   * on their own just after it); returns what it had to kill (`ns:pid`).
   */
  private async sweepNamespaces(): Promise<string[]> {
    const found: string[] = [];
    for (let round = 0; round < 20; round += 1) {
      const counts = await Promise.all(this.namespaces.map((ns) => namespacePids(ns).then((pids) => pids.length, () => 0)));
      if (counts.every((count) => count === 0)) return found;
      await delay(100);
    }
    for (const ns of this.namespaces) {
      let pids: number[];
      try {
        pids = await namespacePids(ns);
      } catch {
        continue;
      }
      for (const pid of pids) {
        found.push(`${ns}:${pid}`);
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Exited meanwhile.
        }
      }
    }
    if (found.length > 0) await delay(200);
    return found;
  }

  private async addNamespace(ns: string): Promise<void> {
    await ip(['netns', 'add', ns]);
    this.namespaces.push(ns);
    liveNamespaces.add(ns);
  }
}

async function namespacePids(ns: string): Promise<number[]> {
  const out = await ip(['netns', 'pids', ns]);
  return out
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^[0-9]+$/.test(line))
    .map(Number);
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
