/**
 * A place that hosts several bench peers and runs the group routines (mesh,
 * fan-out) next to them: a Chromium page, or a Node worker process. The
 * mesh/fan-out scenario uses Chromium pages (games run in browsers) unless
 * BENCH_PEERS=node asks for Node peers (node-datachannel).
 */
import type { BenchContext } from '../lib/context.js';
import type { BrokerInfo, Kind } from '../pages/drivers.js';
import type { FanOutResult } from '../pages/routines.js';
import { BenchTab } from './chromium.js';
import { NodeWorker } from './node-swarm.js';

export type PeerHostFlavor = 'chromium' | 'node';

export interface PeerHost {
  create(kind: Kind, ids: string[], broker: BrokerInfo): Promise<void>;
  mesh(mine: string[], all: string[], timeoutMs: number): Promise<{ ms: number }>;
  respond(ids: string[]): Promise<void>;
  fanOut(id: string, receivers: string[], rounds: number, warmup: number): Promise<FanOutResult>;
  destroyAll(): Promise<void>;
  errors(): Promise<string[]>;
  /** Closes the page / stops the worker (also registered as a cleanup of the scenario). */
  stop(): Promise<void>;
}

export const PEER_HOST_LABEL: Record<PeerHostFlavor, string> = {
  chromium: 'Chromium pages',
  node: 'Node peers (node-datachannel)',
};

export function peerHostFlavor(): PeerHostFlavor {
  return process.env['BENCH_PEERS'] === 'node' ? 'node' : 'chromium';
}

/**
 * Starts one peer host; stopped by the scenario's cleanup if not before.
 * Chromium caps a page at 500 RTCPeerConnections, closed ones included until
 * they are garbage-collected: use a fresh host per mesh.
 */
export async function startPeerHost(ctx: BenchContext, flavor: PeerHostFlavor): Promise<PeerHost> {
  if (flavor === 'chromium') {
    const [browser, pages] = await Promise.all([ctx.browser(), ctx.pages()]);
    const tab = await BenchTab.open(browser, pages.origin);
    ctx.defer(() => tab.close());
    return {
      create: (kind, ids, broker) => tab.call('createMany', kind, ids, broker),
      mesh: (mine, all, timeoutMs) => tab.call('mesh', mine, all, timeoutMs),
      respond: (ids) => tab.call('respondAll', ids),
      fanOut: (id, receivers, rounds, warmup) => tab.call('fanOut', id, receivers, rounds, warmup),
      destroyAll: () => tab.call('destroyAll'),
      errors: () => tab.call('allErrors'),
      stop: () => tab.close(),
    };
  }
  const worker = await NodeWorker.start();
  ctx.defer(() => worker.stop());
  return {
    create: async (kind, ids, broker) => void (await worker.call({ op: 'create', kind, ids, broker })),
    mesh: (mine, all, timeoutMs) => worker.call({ op: 'mesh', mine, all, timeoutMs }, timeoutMs + 5_000),
    respond: async (ids) => void (await worker.call({ op: 'responder', ids })),
    fanOut: (id, receivers, rounds, warmup) => worker.call({ op: 'fanOut', id, receivers, rounds, warmup }, 120_000),
    destroyAll: async () => void (await worker.call({ op: 'destroyAll' })),
    errors: () => worker.call({ op: 'errors' }),
    stop: () => worker.stop(),
  };
}
