import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { SocketLiveness } from './socket-liveness.js';

/** The part of a ws socket liveness uses: ping, terminate, and the pong/close events. */
class FakeSocket extends EventEmitter {
  pings = 0;
  terminated = false;
  answers = true;
  ping(): void {
    this.pings += 1;
  }
  terminate(): void {
    this.terminated = true;
    this.emit('close');
  }
}

function setup(): { clock: { t: number }; liveness: SocketLiveness; socket: (answers: boolean) => FakeSocket } {
  const clock = { t: 0 };
  const liveness = new SocketLiveness(() => clock.t);
  const socket = (answers: boolean): FakeSocket => {
    const s = new FakeSocket();
    s.answers = answers;
    liveness.watch(s as unknown as WebSocket);
    return s;
  };
  return { clock, liveness, socket };
}

/** One second passes: a tick pings, and every socket that answers does so at once. */
function second(clock: { t: number }, liveness: SocketLiveness, sockets: FakeSocket[]): void {
  clock.t += 1_000;
  liveness.tick();
  for (const s of sockets) if (s.answers && !s.terminated) s.emit('pong');
}

describe('SocketLiveness', () => {
  it('terminates a socket silent for over 5 s, keeps the ones that answer', () => {
    const { clock, liveness, socket } = setup();
    const live = socket(true);
    const gone = socket(false);
    for (let i = 0; i < 5; i += 1) second(clock, liveness, [live, gone]);
    expect(gone.terminated).toBe(false);
    second(clock, liveness, [live, gone]);
    expect(gone.terminated).toBe(true);
    for (let i = 0; i < 10; i += 1) second(clock, liveness, [live, gone]);
    expect(live.terminated).toBe(false);
    expect(live.pings).toBe(16);
    liveness.stop();
  });

  it('after its own loop stalled, gives every socket a fresh grace period instead of cutting them', () => {
    const { clock, liveness, socket } = setup();
    const s = socket(true);
    second(clock, liveness, [s]);
    // 5 s without a tick (a blocked loop): the pongs that arrived meanwhile are not read yet.
    clock.t += 5_000;
    liveness.tick();
    expect(s.terminated).toBe(false);
    liveness.stop();
  });
});
