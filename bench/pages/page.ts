/**
 * Entry of the Chromium bench page (`/bench/index.html`): loads the library a
 * peer kind needs exactly as a game would (the engine's standalone bundle,
 * stock PeerJS's browser build) and exposes the peers and the measuring loops
 * to the orchestrator as `window.bench`.
 */
import type { Peer as StockPeer } from 'peerjs';
import type * as EngineModule from '../../src-renderer/p2p/index.js';
import { createPeer, type BenchPeer, type BrokerInfo, type Deps, type Kind } from './drivers.js';
import {
  blast,
  connectAndEcho,
  fanOut,
  formMesh,
  installResponder,
  paced,
  pingPong,
  pingPongBatches,
  type BlastOptions,
  type BlastResult,
  type FanOutResult,
  type PingBatchResult,
  type PingPongResult,
} from './routines.js';

export interface BenchPage {
  create(kind: Kind, id: string, broker: BrokerInfo): Promise<string>;
  destroy(id: string): void;
  createMany(kind: Kind, ids: string[], broker: BrokerInfo): Promise<void>;
  mesh(mine: string[], all: string[], timeoutMs: number): Promise<{ ms: number }>;
  respondAll(ids: string[]): void;
  destroyAll(): void;
  allErrors(): string[];
  responder(id: string, ackEvery: number): void;
  connect(id: string, remoteId: string): Promise<void>;
  connectAndEcho(id: string, remoteId: string): Promise<number>;
  pingPong(id: string, remoteId: string, samples: number, warmup: number, gapMs?: number): Promise<PingPongResult>;
  pingPongBatches(id: string, remoteId: string, batches: number, perBatch: number, warmup: number): Promise<PingBatchResult>;
  blast(id: string, remoteId: string, options: BlastOptions): Promise<BlastResult>;
  fanOut(id: string, receivers: string[], rounds: number, warmup: number): Promise<FanOutResult>;
  paced(id: string, remoteId: string, ratePerS: number, durationMs: number): Promise<number>;
  openPeers(id: string): string[];
  errors(id: string): string[];
}

declare global {
  interface Window {
    bench: BenchPage;
    benchLoaded?: boolean;
    peerjs?: { Peer: typeof StockPeer };
  }
}

const ENGINE_URL = '/engine/lan-party-p2p.js';
const STOCK_URL = '/peerjs-1.5/peerjs.min.js';

const deps: Deps = {};
const peers = new Map<string, BenchPeer>();

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(script);
  });
}

async function loadDeps(kind: Kind): Promise<void> {
  if (kind === 'engine' && !deps.createP2PEngine) {
    const engine = (await import(/* @vite-ignore */ ENGINE_URL)) as typeof EngineModule;
    deps.createP2PEngine = engine.createP2PEngine;
  }
  if (kind === 'stock' && !deps.Peer) {
    await loadScript(STOCK_URL);
    if (!window.peerjs) throw new Error('stock peerjs did not load');
    deps.Peer = window.peerjs.Peer;
  }
}

function peer(id: string): BenchPeer {
  const found = peers.get(id);
  if (!found) throw new Error(`no bench peer ${id} in this page`);
  return found;
}

window.bench = {
  async create(kind, id, broker) {
    await loadDeps(kind);
    peers.set(id, await createPeer(kind, id, broker, deps));
    return id;
  },
  destroy(id) {
    peers.get(id)?.destroy();
    peers.delete(id);
  },
  async createMany(kind, ids, broker) {
    await loadDeps(kind);
    // A few at a time: registration is not what the mesh scenario measures.
    for (let i = 0; i < ids.length; i += 4) {
      const created = await Promise.all(ids.slice(i, i + 4).map((id) => createPeer(kind, id, broker, deps)));
      for (const p of created) peers.set(p.id, p);
    }
  },
  mesh: (mine, all, timeoutMs) => formMesh(peer, mine, all, timeoutMs),
  respondAll(ids) {
    for (const id of ids) installResponder(peer(id), 1000);
  },
  destroyAll() {
    for (const p of peers.values()) p.destroy();
    peers.clear();
  },
  allErrors: () => [...peers.values()].flatMap((p) => p.errors()),
  responder: (id, ackEvery) => installResponder(peer(id), ackEvery),
  connect: (id, remoteId) => peer(id).connect(remoteId),
  connectAndEcho: (id, remoteId) => connectAndEcho(peer(id), remoteId),
  pingPong: (id, remoteId, samples, warmup, gapMs) => pingPong(peer(id), remoteId, samples, warmup, undefined, gapMs),
  pingPongBatches: (id, remoteId, batches, perBatch, warmup) => pingPongBatches(peer(id), remoteId, batches, perBatch, warmup),
  blast: (id, remoteId, options) => blast(peer(id), remoteId, options),
  fanOut: (id, receivers, rounds, warmup) => fanOut(peer(id), receivers, rounds, warmup),
  paced: (id, remoteId, ratePerS, durationMs) => paced(peer(id), remoteId, ratePerS, durationMs),
  openPeers: (id) => peer(id).openPeers(),
  errors: (id) => peer(id).errors(),
};
window.benchLoaded = true;
