/**
 * The measuring loops, run next to the peers (in the Chromium page or the Node
 * worker) so no figure includes a round trip to the orchestrator. Same code
 * for every kind of peer. Every wait is bounded in time.
 */
import type { BenchPeer } from './drivers.js';

/** Fast macrotask yield: setTimeout is clamped to 4 ms after a few nested calls in browsers. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(0);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The passive side of every scenario: answers pings, counts throughput events
 * and acknowledges them, acknowledges fan-out broadcasts.
 */
export function installResponder(peer: BenchPeer, ackEvery: number): void {
  let received = 0;
  peer.onEvent((name, data, from) => {
    switch (name) {
      case 'ping':
        peer.send(from, 'pong', data);
        return;
      case 'hello':
        peer.send(from, 'hello-ack', data);
        return;
      case 'b':
        received += 1;
        if (received % ackEvery === 0) peer.send(from, 'ack', String(received));
        return;
      case 'big':
        received += 1;
        peer.send(from, 'ack', String(received));
        return;
      case 'reset':
        received = 0;
        peer.send(from, 'reset-ack', data);
        return;
      case 'fan':
        peer.send(from, 'fan-ack', data);
        return;
    }
  });
}

/** Waits for one event named `name` from `from` (optionally with `data`), at most `timeoutMs`. */
function waitFor(peer: BenchPeer, name: string, from: string, timeoutMs: number, data?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      peer.onEvent(() => undefined);
      resolve(false);
    }, timeoutMs);
    peer.onEvent((n, d, f) => {
      if (n === name && f === from && (data === undefined || d === data)) {
        clearTimeout(timer);
        peer.onEvent(() => undefined);
        resolve(true);
      }
    });
  });
}

export interface PingPongResult {
  rtts: number[];
  lost: number;
}

/** Payload of every ping: a typical small game event (a position update), not an empty string. */
const PING_BODY = '{"x":123.45,"y":678.9,"a":1}';

/** One sequential ping at a time to `remoteId`: resolves true when its pong comes back, false after `timeoutMs`. */
function pinger(peer: BenchPeer, remoteId: string, timeoutMs: number): () => Promise<boolean> {
  let seq = 0;
  let pending: { seq: string; resolve: (ok: boolean) => void } | null = null;
  peer.onEvent((name, data) => {
    if (name === 'pong' && pending && data === pending.seq) pending.resolve(true);
  });
  return () => {
    seq += 1;
    const tag = `${seq}|${PING_BODY}`;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        pending = null;
        resolve(false);
      }, timeoutMs);
      pending = {
        seq: tag,
        resolve: (value) => {
          clearTimeout(timer);
          pending = null;
          resolve(value);
        },
      };
      peer.send(remoteId, 'ping', tag);
    });
  };
}

/**
 * Sequential ping-pong: `samples` round trips after `warmup` unrecorded ones,
 * each `gapMs` after the previous answer (0: back to back; a baseline for
 * pings that are naturally spaced out, since pages woken from idle answer slower).
 */
export async function pingPong(peer: BenchPeer, remoteId: string, samples: number, warmup: number, timeoutMs = 2_000, gapMs = 0): Promise<PingPongResult> {
  const rtts: number[] = [];
  let lost = 0;
  const ping = pinger(peer, remoteId, timeoutMs);
  for (let i = 0; i < warmup + samples; i += 1) {
    if (gapMs > 0 && i > 0) await sleep(gapMs);
    const t0 = performance.now();
    const ok = await ping();
    const rtt = performance.now() - t0;
    if (!ok) lost += 1;
    else if (i >= warmup) rtts.push(rtt);
  }
  return { rtts, lost };
}

export interface PingBatchResult {
  /** Per batch: its mean round trip, ms. */
  means: number[];
  lost: number;
}

/**
 * Sequential ping-pong timed by batches of `perBatch` round trips, each
 * sample a batch's mean: for pages that are not cross-origin isolated (a
 * hosted game's origin), where performance.now() ticks in 100 µs, so a single
 * sub-millisecond round trip reads 0.4, 0.5 or 0.6 ms; a batch of 20 reads to 5 µs.
 */
export async function pingPongBatches(peer: BenchPeer, remoteId: string, batches: number, perBatch: number, warmup: number, timeoutMs = 2_000): Promise<PingBatchResult> {
  const means: number[] = [];
  let lost = 0;
  const ping = pinger(peer, remoteId, timeoutMs);
  for (let i = 0; i < warmup; i += 1) if (!(await ping())) lost += 1;
  for (let b = 0; b < batches; b += 1) {
    const t0 = performance.now();
    let ok = true;
    for (let i = 0; i < perBatch; i += 1) {
      if (!(await ping())) {
        ok = false;
        lost += 1;
      }
    }
    // A batch with a lost ping holds a 2 s timeout: not a round trip.
    if (ok) means.push((performance.now() - t0) / perBatch);
  }
  return { means, lost };
}

export interface BlastOptions {
  count: number;
  /** `data` of each event. */
  payload: string;
  /** 'b' (small events, acknowledged every `ackEvery`) or 'big' (acknowledged one by one). */
  name: 'b' | 'big';
  ackEvery: number;
  /** Events sent back to back in one task (a game sends its frame's events together). */
  perTask: number;
  /** Events in flight (sent, not acknowledged) at most: app-level flow control, the same for every kind. */
  window: number;
  timeoutMs: number;
}

export interface BlastResult {
  ms: number;
  acked: number;
  complete: boolean;
}

/** One-way throughput: sends `count` events as fast as the window allows; timed until the last is acknowledged. */
export async function blast(peer: BenchPeer, remoteId: string, options: BlastOptions): Promise<BlastResult> {
  // Reset the receiver's counter (and make sure the link carries traffic both ways) first.
  peer.send(remoteId, 'reset', 'r');
  // Generous: after 1 MiB payloads the receiver may still be collecting garbage for seconds on a loaded machine.
  if (!(await waitFor(peer, 'reset-ack', remoteId, 20_000, 'r'))) throw new Error('blast: no reset-ack within 20 s');
  let acked = 0;
  let wake: (() => void) | null = null;
  peer.onEvent((name, data, from) => {
    if (name !== 'ack' || from !== remoteId) return;
    const value = Number(data);
    if (value > acked) acked = value;
    wake?.();
    wake = null;
  });
  const waitAck = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const t0 = performance.now();
  const deadline = t0 + options.timeoutMs;
  let sent = 0;
  while (sent < options.count && performance.now() < deadline) {
    if (sent - acked >= options.window) {
      await waitAck(Math.max(1, deadline - performance.now()));
      continue;
    }
    const n = Math.min(options.perTask, options.count - sent, options.window - (sent - acked));
    for (let i = 0; i < n; i += 1) peer.send(remoteId, options.name, options.payload);
    sent += n;
    await nextTask();
  }
  while (acked < sent && performance.now() < deadline) await waitAck(Math.max(1, deadline - performance.now()));
  const ms = performance.now() - t0;
  peer.onEvent(() => undefined);
  return { ms, acked, complete: acked >= options.count };
}

/** Connect by id until the first event is echoed back (the responder answers 'hello'). */
export async function connectAndEcho(peer: BenchPeer, remoteId: string, timeoutMs = 15_000): Promise<number> {
  const t0 = performance.now();
  const echoed = waitFor(peer, 'hello-ack', remoteId, timeoutMs, 'first');
  await peer.connect(remoteId, timeoutMs);
  peer.send(remoteId, 'hello', 'first');
  if (!(await echoed)) throw new Error(`connect ${peer.id} -> ${remoteId}: no echo within ${timeoutMs} ms`);
  return performance.now() - t0;
}

export interface FanOutResult {
  /** Per (broadcast, receiver): broadcast -> that receiver's acknowledgement back, ms. */
  acks: number[];
  /** Per broadcast: until the last receiver's acknowledgement, ms. */
  all: number[];
  missing: number;
}

/** Broadcasts `rounds` times to every open peer; each must acknowledge. Sequential rounds. */
export async function fanOut(peer: BenchPeer, receivers: string[], rounds: number, warmup: number, timeoutMs = 5_000): Promise<FanOutResult> {
  const acks: number[] = [];
  const all: number[] = [];
  let missing = 0;
  let current: { tag: string; t0: number; left: Set<string>; times: number[]; done: () => void } | null = null;
  peer.onEvent((name, data, from) => {
    if (name !== 'fan-ack' || !current || data !== current.tag || !current.left.delete(from)) return;
    current.times.push(performance.now() - current.t0);
    if (current.left.size === 0) current.done();
  });
  for (let round = 0; round < warmup + rounds; round += 1) {
    const tag = `f${round}`;
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      current = {
        tag,
        t0: performance.now(),
        left: new Set(receivers),
        times: [],
        done: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      peer.broadcast('fan', tag);
    });
    const finished = current as { times: number[]; left: Set<string> } | null;
    current = null;
    if (round < warmup || !finished) continue;
    acks.push(...finished.times);
    if (ok) all.push(Math.max(...finished.times));
    missing += finished.left.size;
    // A game broadcasts once per frame, not back to back: leave the receivers a breath.
    await sleep(2);
  }
  peer.onEvent(() => undefined);
  return { acks, all, missing };
}

/**
 * Full mesh among `all`: each of `mine` (the peers hosted here) dials every
 * peer after it in `all`, so each link is opened once, then waits until it has
 * an open link with every other peer. Resolves with the local time taken.
 */
export async function formMesh(peer: (id: string) => BenchPeer, mine: string[], all: string[], timeoutMs: number): Promise<{ ms: number }> {
  const t0 = performance.now();
  const deadline = t0 + timeoutMs;
  const failures: string[] = [];
  const dials: Promise<void>[] = [];
  for (const id of mine) {
    const index = all.indexOf(id);
    for (const other of all.slice(index + 1)) dials.push(peer(id).connect(other, timeoutMs).catch((error: unknown) => void failures.push(String(error))));
  }
  for (;;) {
    const complete = mine.every((id) => {
      const open = new Set(peer(id).openPeers());
      return all.every((other) => other === id || open.has(other));
    });
    if (complete) break;
    if (performance.now() > deadline) {
      const missing = mine.map((id) => `${id}: ${peer(id).openPeers().length}/${all.length - 1}`).join(', ');
      const errors = mine.flatMap((id) => peer(id).errors()).slice(0, 3);
      throw new Error(`mesh not complete after ${timeoutMs} ms (${missing}); ${[...failures.slice(0, 2), ...errors].join('; ')}`);
    }
    await sleep(2);
  }
  await Promise.all(dials);
  return { ms: performance.now() - t0 };
}

/**
 * Sends `ratePerS` events per second to `remoteId` for `durationMs`, in
 * 10 ms ticks that catch up on any lag (so the average rate holds under load).
 * Returns how many were sent.
 */
export async function paced(peer: BenchPeer, remoteId: string, ratePerS: number, durationMs: number): Promise<number> {
  const t0 = performance.now();
  let sent = 0;
  for (;;) {
    const elapsed = performance.now() - t0;
    if (elapsed >= durationMs) break;
    const due = Math.floor((elapsed / 1000) * ratePerS);
    // Never more than 200 ms worth at once: a long stall is not made up in one burst.
    const n = Math.min(due - sent, Math.ceil(ratePerS / 5));
    for (let i = 0; i < n; i += 1) peer.send(remoteId, 'burst', `{"seq":${sent + i},"x":12.5,"y":40.25}`);
    sent += Math.max(0, n);
    await sleep(10);
  }
  return sent;
}
