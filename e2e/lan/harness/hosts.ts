/**
 * Real `lan-party host` processes (the built CLI) inside LAN nodes, and the
 * helpers that read their `/api/lan` through the probe.
 */
import type { ChildProcess } from 'node:child_process';
import { BRIDGE_PATH, type LanInstance, type LanState } from '../../../src-preload/contract.js';
import { CLI, REPO_ROOT } from './environment.js';
import { launchHost, type HostReady } from '../../fixtures/host-launcher.js';
import type { LanNode, SimulatedLan } from './netns.js';
import type { LanProbe } from './probe.js';

export interface LanHost {
  label: string;
  node: LanNode;
  port: number;
  instanceId: string;
  /** Its ready line: port, URLs, token, hosted games (each game's `url` at the host's LAN address). */
  ready: HostReady;
  /** `http://<eth0 address>:<port>` */
  url: string;
  process: ChildProcess;
  /** Epoch ms: when the process was spawned, and when it printed its ready line. */
  spawnedAt: number;
  readyAt: number;
  output(): string;
  /** `ws://<eth0 address>:<port>/lan-party/bridge`: the web bridge (control needs `controlToken()` in the handshake). */
  bridgeUrl(): string;
  /** The control token the host printed (in its ready line). */
  controlToken(): string;
  alive(): boolean;
  /** SIGTERM (graceful: goodbyes), then waits for the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (vanishes without a goodbye), then waits for the exit. */
  kill(): Promise<void>;
}

export interface StartHostOptions {
  /** Interfaces to pass as --interface (default ['eth0']; [] = none, i.e. all interfaces). */
  interfaces?: string[];
  extraArgs?: string[];
  timeoutMs?: number;
}

export async function startLanHost(lan: SimulatedLan, node: LanNode, options: StartHostOptions = {}): Promise<LanHost> {
  const interfaces = options.interfaces ?? ['eth0'];
  const args = [
    CLI,
    'host',
    '--port',
    '0',
    '--host',
    '0.0.0.0',
    '--name',
    node.label,
    ...interfaces.flatMap((name) => ['--interface', name]),
    ...(options.extraArgs ?? []),
  ];
  const spawnedAt = Date.now();
  // Tracked by the LAN from here on, so teardown kills it even if start-up fails below.
  const child = lan.spawnIn(node, process.execPath, args, { cwd: REPO_ROOT });
  const launched = await launchHost(child, { label: node.label, timeoutMs: options.timeoutMs });
  const { port, instance: instanceId, token } = launched.ready;
  return {
    label: node.label,
    node,
    port,
    instanceId,
    ready: launched.ready,
    url: `http://${node.ip}:${port}`,
    process: child,
    spawnedAt,
    readyAt: launched.readyAt,
    output: launched.output,
    bridgeUrl() {
      return `ws://${node.ip}:${port}${BRIDGE_PATH}`;
    },
    controlToken() {
      return token;
    },
    alive: launched.alive,
    stop: () => launched.stop(10_000),
    kill: launched.kill,
  };
}

/** Each host's LanState (null where it did not answer). */
export async function lanStates(probe: LanProbe, hosts: readonly LanHost[]): Promise<Array<LanState | null>> {
  return probe.getJson<LanState>(hosts.map((host) => `${host.url}/api/lan`));
}

/** Each host's LanState; fails the test when one does not answer. */
export async function requireStates(probe: LanProbe, hosts: readonly LanHost[]): Promise<LanState[]> {
  const states = await lanStates(probe, hosts);
  return states.map((state, i) => {
    if (!state) throw new Error(`${hosts[i]?.label ?? 'a host'} did not answer /api/lan`);
    return state;
  });
}

export function selfOf(state: LanState): LanInstance {
  const self = state.instances.find((instance) => instance.self);
  if (!self) throw new Error('a LanState without its own instance');
  return self;
}

export function others(state: LanState): LanInstance[] {
  return state.instances.filter((instance) => !instance.self);
}

export function findInstance(state: LanState, instanceId: string): LanInstance | undefined {
  return state.instances.find((instance) => instance.instanceId === instanceId);
}

/**
 * Polls until `check` returns a value (not undefined), at most `timeoutMs`.
 * Bounded in time and count. Throws with the last reason on timeout.
 */
export async function pollUntil<T>(
  what: string,
  check: () => Promise<T | undefined | { notYet: string }>,
  options: { timeoutMs: number; intervalMs?: number },
): Promise<{ value: T; elapsedMs: number }> {
  const start = Date.now();
  const interval = options.intervalMs ?? 25;
  const maxRounds = Math.ceil(options.timeoutMs / interval) + 1;
  let last = 'never checked';
  for (let round = 0; round < maxRounds && Date.now() - start <= options.timeoutMs; round += 1) {
    const result = await check();
    if (result !== undefined && !(typeof result === 'object' && result !== null && 'notYet' in result)) {
      return { value: result as T, elapsedMs: Date.now() - start };
    }
    if (result !== undefined) last = (result as { notYet: string }).notYet;
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
  throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what} (last: ${last})`);
}
