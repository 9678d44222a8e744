/**
 * A Node process hosting bench peers (engine, stock or raw) over
 * node-datachannel's WebRTC polyfill, for the scenarios that need more peers
 * than Chromium pages can carry on two cores. Driven by its parent over the
 * IPC channel (node-swarm.ts): one request, one reply, by id.
 *
 * The globals are set before the libraries load: PeerJS and the engine read
 * RTCPeerConnection and WebSocket from globalThis.
 */
import * as polyfill from 'node-datachannel/polyfill';
import { WebSocket } from 'ws';
import type { Peer as StockPeer } from 'peerjs';
import type * as EngineModule from '../../src-renderer/p2p/index.js';
import { createPeer, type BenchPeer, type BrokerInfo, type Deps, type Kind } from '../pages/drivers.js';
import { fanOut, formMesh, installResponder, type FanOutResult } from '../pages/routines.js';
import { ENGINE_BUNDLE } from '../lib/paths.js';

const globals = globalThis as Record<string, unknown>;
for (const [name, value] of Object.entries(polyfill)) if (name.startsWith('RTC')) globals[name] = value;
globals['WebSocket'] = WebSocket;

const deps: Deps = {};
const peers = new Map<string, BenchPeer>();

async function loadDeps(kind: Kind): Promise<void> {
  if (kind === 'engine' && !deps.createP2PEngine) {
    const engine = (await import(ENGINE_BUNDLE)) as typeof EngineModule;
    deps.createP2PEngine = engine.createP2PEngine;
  }
  if (kind === 'stock' && !deps.Peer) {
    const mod = (await import('peerjs')) as unknown as { Peer?: typeof StockPeer; default?: { Peer: typeof StockPeer } };
    const Peer = mod.Peer ?? mod.default?.Peer;
    if (!Peer) throw new Error('peerjs has no Peer export');
    deps.Peer = Peer;
  }
}

function peer(id: string): BenchPeer {
  const found = peers.get(id);
  if (!found) throw new Error(`no peer ${id} in worker ${process.pid}`);
  return found;
}

export type WorkerRequest =
  | { op: 'create'; kind: Kind; ids: string[]; broker: BrokerInfo }
  | { op: 'responder'; ids: string[] }
  | { op: 'mesh'; mine: string[]; all: string[]; timeoutMs: number }
  | { op: 'fanOut'; id: string; receivers: string[]; rounds: number; warmup: number }
  | { op: 'destroyAll' }
  | { op: 'errors' };

export interface WorkerReplies {
  create: null;
  responder: null;
  mesh: { ms: number };
  fanOut: FanOutResult;
  destroyAll: null;
  errors: string[];
}

async function handle(request: WorkerRequest): Promise<unknown> {
  switch (request.op) {
    case 'create': {
      await loadDeps(request.kind);
      // Registered a few at a time: the broker is not what this measures.
      for (let i = 0; i < request.ids.length; i += 4) {
        const batch = request.ids.slice(i, i + 4);
        const created = await Promise.all(batch.map((id) => createPeer(request.kind, id, request.broker, deps)));
        for (const p of created) peers.set(p.id, p);
      }
      return null;
    }
    case 'responder':
      for (const id of request.ids) installResponder(peer(id), 1000);
      return null;
    case 'mesh':
      return formMesh(peer, request.mine, request.all, request.timeoutMs);
    case 'fanOut':
      return fanOut(peer(request.id), request.receivers, request.rounds, request.warmup);
    case 'destroyAll':
      for (const p of peers.values()) p.destroy();
      peers.clear();
      return null;
    case 'errors':
      return [...peers.values()].flatMap((p) => p.errors());
  }
}

process.on('message', (message: { id: number; request: WorkerRequest }) => {
  handle(message.request).then(
    (value) => process.send?.({ id: message.id, ok: true, value }),
    (error: unknown) => process.send?.({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
// The parent's disconnect (or death) ends us: never outlive the benchmark.
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
