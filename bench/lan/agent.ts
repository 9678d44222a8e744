/**
 * Runs INSIDE the simulated LAN (the observer namespace, which runs no mDNS).
 * - watch: for one host start, polls until (1) the new host's broker answers
 *   a PeerJS registration with OPEN, (2) the new host's /api/lan says its
 *   discovery is running (its first announcement is out), (3) another host's
 *   /api/lan lists it;
 * - discover: turns discovery on (or off) on a running host through its web
 *   bridge, then polls until another host lists it (or no longer does).
 * Instants are on the shared clock (timeOrigin + now: the same in every
 * process of this machine).
 *
 * Protocol: one JSON request per stdin line, one JSON reply per stdout line.
 * Traffic: only the URLs the benchmark sends, all inside the simulated LAN.
 */
import readline from 'node:readline';
import { withBridge } from '../../e2e/fixtures/bridge.js';
import type { LanState } from '../../src-preload/contract.js';
import { registerOnce } from '../lib/register-probe.js';

export interface WatchRequest {
  id: number;
  /** `http://10.77.0.x:port` of the host being started. */
  hostUrl: string;
  /** `http://10.77.0.y:port` of a host already running. */
  listerUrl: string;
  /** The `--name` of the new host (unique per sample). */
  name: string;
  timeoutMs: number;
}

export interface WatchReply {
  id: number;
  brokerAt: number | null;
  announcedAt: number | null;
  listedAt: number | null;
}

export interface DiscoverRequest {
  id: number;
  /** `ws://.../lan-party/bridge` of the host to switch. */
  bridgeUrl: string;
  /** Its control token (offered in the handshake, never in the URL). */
  token: string;
  listerUrl: string;
  name: string;
  on: boolean;
  timeoutMs: number;
}

export interface DiscoverReply {
  id: number;
  /** When the settings change was sent, and when the lister's list changed. */
  sentAt: number;
  seenAt: number | null;
  error: string | null;
}

const POLL_MS = 5;
const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function getLan(url: string): Promise<LanState | null> {
  try {
    const response = await fetch(`${url}/api/lan`, { signal: AbortSignal.timeout(1_000) });
    return response.ok ? ((await response.json()) as LanState) : null;
  } catch {
    return null;
  }
}


async function until(deadline: number, check: () => Promise<boolean>): Promise<number | null> {
  while (now() < deadline) {
    if (await check()) return now();
    await sleep(POLL_MS);
  }
  return null;
}

async function watch(request: WatchRequest): Promise<WatchReply> {
  const deadline = now() + Math.min(request.timeoutMs, 30_000);
  const wsUrl = `${request.hostUrl.replace(/^http/, 'ws')}/peerjs?key=peerjs&id=agent${request.id}&token=agent`;
  const [brokerAt, announcedAt, listedAt] = await Promise.all([
    until(deadline, () => registerOnce(wsUrl)),
    until(deadline, async () => {
      const state = await getLan(request.hostUrl);
      return state?.discovery === 'running' && state.instances.some((i) => i.self && i.broker !== null);
    }),
    until(deadline, async () => {
      const state = await getLan(request.listerUrl);
      return state?.instances.some((i) => !i.self && i.name === request.name) ?? false;
    }),
  ]);
  return { id: request.id, brokerAt, announcedAt, listedAt };
}

/** Polls until the lister no longer lists `name` (between samples). */
async function gone(request: WatchRequest): Promise<WatchReply> {
  const deadline = now() + Math.min(request.timeoutMs, 30_000);
  const at = await until(deadline, async () => {
    const state = await getLan(request.listerUrl);
    return state !== null && !state.instances.some((i) => !i.self && i.name === request.name);
  });
  return { id: request.id, brokerAt: null, announcedAt: null, listedAt: at };
}

async function discover(request: DiscoverRequest): Promise<DiscoverReply> {
  const deadline = now() + Math.min(request.timeoutMs, 30_000);
  const sentAt = now();
  try {
    const listed = until(deadline, async () => {
      const state = await getLan(request.listerUrl);
      return state !== null && state.instances.some((i) => !i.self && i.name === request.name) === request.on;
    });
    await withBridge({ url: request.bridgeUrl }, request.token, (api) => api.updateSettings({ discovery: request.on }));
    return { id: request.id, sentAt, seenAt: await listed, error: null };
  } catch (error) {
    return { id: request.id, sentAt, seenAt: null, error: error instanceof Error ? error.message : String(error) };
  }
}

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  let request: (WatchRequest & { gone?: boolean }) | (DiscoverRequest & { op: 'discover' });
  try {
    request = JSON.parse(line) as typeof request;
  } catch {
    return;
  }
  const reply = 'op' in request ? discover(request) : request.gone ? gone(request) : watch(request);
  void reply.then((r) => process.stdout.write(`${JSON.stringify(r)}\n`));
});
lines.on('close', () => process.exit(0));
process.stdout.write('{"ready":true}\n');
