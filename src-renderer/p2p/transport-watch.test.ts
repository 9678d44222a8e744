/** TransportWatch over a fake RTCPeerConnection: what it reads, and that only stock peers are probed. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_HEARTBEAT_TIMING, Liveness } from './heartbeat.js';
import { PROBE_STREAM_ID } from './transport-stats.js';
import { TransportWatch } from './transport-watch.js';

class FakeChannel {
  readyState = 'open';
  bufferedAmount = 0;
  binaryType = 'blob';
  sent = 0;
  closed = false;
  send(): void {
    this.sent += 1;
  }
  close(): void {
    this.closed = true;
  }
}

class FakePc {
  reads = 0;
  channels: { label: string; init: RTCDataChannelInit; channel: FakeChannel }[] = [];
  packets = 0;
  getStats(): Promise<{ forEach(cb: (s: object) => void): void }> {
    this.reads += 1;
    const stats = [{ type: 'transport', id: 'T', packetsReceived: this.packets }];
    return Promise.resolve({ forEach: (cb) => stats.forEach(cb) });
  }
  createDataChannel(label: string, init: RTCDataChannelInit): FakeChannel {
    const channel = new FakeChannel();
    this.channels.push({ label, init, channel });
    return channel;
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0));

/** A watch over a fake transport read at `now`, and a liveness with the default timing (the link opened at 0) for it to feed. */
function watched(now: () => number = () => 0): { pc: FakePc; watch: TransportWatch; liveness: Liveness } {
  const pc = new FakePc();
  return { pc, watch: new TransportWatch(pc as unknown as RTCPeerConnection, now), liveness: new Liveness(0, DEFAULT_HEARTBEAT_TIMING) };
}

describe('TransportWatch', () => {
  it('reads stats at most every 250 ms once frames are quiet, and feeds the liveness', async () => {
    let clock = 0;
    // The link opened at 0 (counts as a frame) and no frame came since: a stalled page.
    const { pc, watch, liveness } = watched(() => clock);
    for (clock = 0; clock <= 2_000; clock += 125) {
      pc.packets += 1;
      watch.tick(clock, liveness, false);
      await flush();
    }
    // Quiet from FRESH_FRAME_MS (750) on: 750, 1,000, 1,250, 1,500, 1,750, 2,000.
    expect(pc.reads).toBe(6);
    // Packets kept arriving (the other side's transport answers while its script is stalled): alive.
    expect(liveness.engineSilent(2_000)).toBe(false);
    expect(liveness.engineSilent(2_100)).toBe(false);
  });

  it('reads no stats while frames keep arriving: a frame proves the peer alive by itself', async () => {
    let clock = 0;
    const { pc, watch, liveness } = watched(() => clock);
    for (clock = 0; clock <= 5_000; clock += 250) {
      // A pong every ping interval, as between two engines.
      if (clock % DEFAULT_HEARTBEAT_TIMING.pingIntervalMs === 0) liveness.onReceive(clock);
      watch.tick(clock, liveness, false);
      await flush();
    }
    expect(pc.reads).toBe(0);
    expect(liveness.engineSilent(5_000)).toBe(false);
  });

  it('never probes an engine peer; probes a stock peer on a pre-negotiated stream from 1 s after it opens, every 500 ms', async () => {
    const engine = watched();
    const stock = watched();
    for (let t = 0; t <= 3_000; t += 250) {
      engine.watch.tick(t, engine.liveness, false);
      stock.watch.tick(t, stock.liveness, true);
      await flush();
    }
    expect(engine.pc.channels).toEqual([]);
    expect(engine.liveness.probing).toBe(false);
    expect(stock.pc.channels).toHaveLength(1);
    expect(stock.pc.channels[0]?.init).toMatchObject({ negotiated: true, id: PROBE_STREAM_ID });
    // 1,000, 1,500, 2,000, 2,500, 3,000.
    expect(stock.pc.channels[0]?.channel.sent).toBe(5);
    expect(stock.liveness.probing).toBe(true);
    stock.watch.close();
    expect(stock.pc.channels[0]?.channel.closed).toBe(true);
  });
});
