/**
 * Broker load: K signaling clients (raw WebSockets speaking the PeerJS
 * protocol, as a PeerJS client does on registration) join a fresh
 * `lan-party host` all at once; then each relays an OFFER of a realistic size
 * to the next client. Measured: every client joined (OPEN), the join times,
 * the relay time, the host's heap (after a forced GC) and RSS per client, and
 * errors on either side. There is no baseline: the broker is ours only.
 */
import { WebSocket } from 'ws';
import { callBridge } from '../../e2e/fixtures/bridge.js';
import { startInspectedHost, type Memory } from '../lib/host-process.js';
import type { Row } from '../lib/results.js';
import { median, p99 } from '../lib/stats.js';
import type { Scenario } from './scenario.js';

const SIZES = [100, 1_000, 2_000] as const;
const JOIN_TIMEOUT_MS = 30_000;
const RELAY_TIMEOUT_MS = 30_000;

/** The shape and size (~1.4 KB) of a PeerJS data-connection offer. */
function offerPayload(i: number): unknown {
  const sdp = ['v=0', `o=- ${4611731400430051 + i} 2 IN IP4 127.0.0.1`, 's=-', 't=0 0', 'a=group:BUNDLE 0', 'a=extmap-allow-mixed', 'a=msid-semantic: WMS', 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'c=IN IP4 0.0.0.0', `a=ice-ufrag:${'u'.repeat(4)}`, `a=ice-pwd:${'p'.repeat(24)}`, 'a=ice-options:trickle', `a=fingerprint:sha-256 ${Array.from({ length: 32 }, () => 'AB').join(':')}`, 'a=setup:actpass', 'a=mid:0', 'a=sctp-port:5000', 'a=max-message-size:262144'].join('\r\n');
  return { sdp: { type: 'offer', sdp: `${sdp}\r\n${'a=x-pad:'.padEnd(600, 'z')}\r\n` }, type: 'data', connectionId: `dc_bench${i}`, label: `dc_bench${i}`, reliable: false, serialization: 'binary', browser: 'chrome' };
}

interface Client {
  ws: WebSocket;
  joinedMs: number | null;
  offerAt: number | null;
  error: string | null;
}

interface LoadResult {
  k: number;
  joined: number;
  joinAllMs: number | null;
  joinEach: number[];
  relayed: number;
  relayAllMs: number | null;
  heapPerClient: number;
  rssPerClient: number;
  clientErrors: string[];
  hostErrors: string[];
  rejectedFrames: number;
  brokerClients: number;
}

async function load(k: number): Promise<LoadResult> {
  const host = await startInspectedHost();
  const clients: Client[] = [];
  try {
    const before: Memory = await host.memory();
    const t0 = performance.now();
    const joined = new Promise<void>((resolve) => {
      let pending = k;
      const done = (): void => {
        pending -= 1;
        if (pending === 0) resolve();
      };
      for (let i = 0; i < k; i += 1) {
        // The broker admits DEFAULT_BROKER_OPTIONS.perAddressLimit (64) clients per address: K clients come from K/64 loopback "machines".
        const ws = new WebSocket(`ws://127.0.0.1:${host.port}/peerjs?key=peerjs&id=load${i}&token=t${i}`, { localAddress: `127.0.1.${1 + Math.floor(i / 64)}` });
        const client: Client = { ws, joinedMs: null, offerAt: null, error: null };
        clients.push(client);
        let settled = false;
        const settle = (): void => {
          if (!settled) {
            settled = true;
            done();
          }
        };
        ws.on('message', (data) => {
          const message = JSON.parse(String(data)) as { type?: string };
          if (message.type === 'OPEN') {
            client.joinedMs = performance.now() - t0;
            settle();
          } else if (message.type === 'OFFER') {
            client.offerAt ??= performance.now();
          } else if (message.type !== 'HEARTBEAT') {
            client.error ??= `got ${message.type ?? '?'}`;
            settle();
          }
        });
        ws.on('error', (error) => {
          client.error ??= error.message;
          settle();
        });
        ws.on('close', () => settle());
      }
    });
    await Promise.race([joined, new Promise((resolve) => setTimeout(resolve, JOIN_TIMEOUT_MS))]);
    const open = clients.filter((c) => c.joinedMs !== null);
    const joinAllMs = open.length === k ? Math.max(...open.map((c) => c.joinedMs as number)) : null;
    const after = await host.memory();

    // Relay: client i offers to client i+1 (the broker relays with `src`), all at once.
    const r0 = performance.now();
    clients.forEach((client, i) => {
      if (client.ws.readyState === WebSocket.OPEN) client.ws.send(JSON.stringify({ type: 'OFFER', dst: `load${(i + 1) % k}`, payload: offerPayload(i) }));
    });
    const deadline = r0 + RELAY_TIMEOUT_MS;
    while (clients.some((c) => c.joinedMs !== null && c.offerAt === null) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const relayed = clients.filter((c) => c.offerAt !== null);
    const relayAllMs = relayed.length === k ? Math.max(...relayed.map((c) => (c.offerAt as number) - r0)) : null;
    const state = await callBridge(host.port, 'getHostState');
    const hostErrors = state.broker.lastError ? [state.broker.lastError] : [];
    return {
      k,
      joined: open.length,
      joinAllMs,
      joinEach: open.map((c) => c.joinedMs as number),
      relayed: relayed.length,
      relayAllMs,
      heapPerClient: (after.heapUsed - before.heapUsed) / Math.max(1, open.length),
      rssPerClient: (after.rss - before.rss) / Math.max(1, open.length),
      clientErrors: [...new Set(clients.flatMap((c) => (c.error ? [c.error] : [])))],
      hostErrors,
      rejectedFrames: state.broker.rejectedFrames,
      brokerClients: state.broker.clients,
    };
  } finally {
    for (const client of clients) client.ws.terminate();
    await host.stop();
  }
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

export const brokerLoadScenario: Scenario = {
  name: 'broker-load',
  plan: () =>
    SIZES.map((k) => ({
      metric: `K = ${k.toLocaleString('en-US')} clients join at once: time until all joined`,
      unit: 'ms',
      target: { kind: 'judged', text: 'all join, no error', met: null },
      where: 'loopback (host process)',
    })),
  budgetMs: (quick) => (quick ? 90_000 : 240_000),
  async run(ctx) {
    const reps = ctx.quick ? 1 : 3;
    const rows: Row[] = [];
    for (const k of SIZES) {
      const runs: LoadResult[] = [];
      for (let rep = 0; rep < reps; rep += 1) {
        const r = await load(k);
        runs.push(r);
        ctx.log(`broker-load: K=${k}: ${r.joined} joined in ${r.joinAllMs?.toFixed(0) ?? '—'} ms, relay ${r.relayAllMs?.toFixed(0) ?? '—'} ms, heap ${kb(r.heapPerClient)}/client`);
      }
      const errors = [...new Set(runs.flatMap((r) => [...r.clientErrors, ...r.hostErrors]))];
      const rejected = runs.reduce((a, r) => a + r.rejectedFrames, 0);
      const ok = runs.every((r) => r.joined === k && r.relayed === k) && errors.length === 0 && rejected === 0;
      const joinAll = runs.map((r) => r.joinAllMs);
      const pick = (f: (r: LoadResult) => number | null): number | null => median(runs.map(f).filter((v): v is number => v !== null));
      const allJoins = runs.flatMap((r) => r.joinEach);
      rows.push({
        scenario: 'broker load',
        metric: `K = ${k.toLocaleString('en-US')} clients join at once: time until all joined`,
        unit: 'ms',
        ours: joinAll.includes(null) ? null : median(joinAll as number[]),
        raw: null,
        stock: null,
        target: { kind: 'judged', text: 'all join, no error', met: ok },
        where: 'loopback (host process)',
        samples: `${reps} run${reps > 1 ? 's' : ''}: ${runs.map((r) => `${r.joined}/${k} joined, ${r.relayed}/${k} relayed`).join('; ')}`,
        note: [
          `per-client join p50 ${median(allJoins)?.toFixed(0) ?? '—'} / p99 ${p99(allJoins)?.toFixed(0) ?? '—'} ms`,
          `relay of ${k} offers (~1.4 KB each) ${pick((r) => r.relayAllMs)?.toFixed(0) ?? '—'} ms`,
          `host memory per client: heap ${kb(pick((r) => r.heapPerClient) ?? NaN)}, RSS ${kb(pick((r) => r.rssPerClient) ?? NaN)} (after a forced GC)`,
          `clients run in the bench process on the same 2 cores`,
          ...(errors.length > 0 ? [`errors: ${errors.slice(0, 3).join('; ')}`] : []),
          ...(rejected > 0 ? [`${rejected} frames rejected`] : []),
        ].join('; '),
      });
    }
    return rows;
  },
};
