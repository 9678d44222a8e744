/**
 * Cuts signaling sockets whose machine went silent, within seconds rather
 * than the minutes TCP takes.
 *
 * A machine whose cable is pulled keeps its socket open on the broker (no FIN
 * gets through), so the broker keeps its id registered for `aliveTimeoutMs`
 * (60 s). When the machine comes back, its engine registers that id anew and
 * is refused (ID-TAKEN) until the old socket goes, and an offer sent to it
 * meanwhile is written to the dead socket and lost: a redial hung for the
 * engine's whole 15 s connect timeout (measured, e2e/lan/redial.spec.ts).
 * So every socket gets a WebSocket ping each PING_MS (browsers and `ws`
 * answer it in their network layer, whatever the page's script is doing); one
 * that answered none of at least MIN_UNANSWERED pings over DEAD_AFTER_MS is
 * terminated, and `peer` frees its id.
 *
 * A host whose own event loop stalled must not take the pongs it has not yet
 * read for silence: after a late tick, every socket gets a fresh grace period.
 * Cost: one 2-byte ping frame per socket per second.
 */
import type { WebSocket } from 'ws';

const PING_MS = 1_000;
const DEAD_AFTER_MS = 5_000;
/** Pings sent on time and unanswered before a socket is judged dead (a loaded machine answers late, not never). */
const MIN_UNANSWERED = 4;
/** A tick this late means our loop stalled, not the sockets. */
const LATE_TICK_MS = 2 * PING_MS;

export class SocketLiveness {
  /** When each socket last answered (or was adopted). */
  private readonly lastPong = new Map<WebSocket, number>();
  /** Pings sent since that answer. */
  private readonly unanswered = new Map<WebSocket, number>();
  private timer: NodeJS.Timeout | null = null;
  private lastTick = 0;

  constructor(private readonly now: () => number = Date.now) {}

  watch(socket: WebSocket): void {
    this.lastPong.set(socket, this.now());
    socket.on('pong', () => {
      if (!this.lastPong.has(socket)) return;
      this.lastPong.set(socket, this.now());
      this.unanswered.set(socket, 0);
    });
    socket.once('close', () => {
      this.lastPong.delete(socket);
      this.unanswered.delete(socket);
    });
    if (this.timer === null) {
      this.lastTick = this.now();
      this.timer = setInterval(() => this.tick(), PING_MS);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.lastPong.clear();
    this.unanswered.clear();
  }

  /** One round: cut the silent, ping the rest. Public for tests with an explicit clock. */
  tick(): void {
    const now = this.now();
    const stalled = now - this.lastTick > LATE_TICK_MS;
    this.lastTick = now;
    for (const [socket, last] of this.lastPong) {
      const pending = this.unanswered.get(socket) ?? 0;
      if (stalled) {
        this.lastPong.set(socket, now);
        this.unanswered.set(socket, 0);
      } else if (now - last > DEAD_AFTER_MS && pending >= MIN_UNANSWERED) {
        this.lastPong.delete(socket);
        this.unanswered.delete(socket);
        socket.terminate();
        continue;
      }
      try {
        socket.ping();
        this.unanswered.set(socket, (this.unanswered.get(socket) ?? 0) + 1);
      } catch {
        // A socket closing under us: its close event removes it.
      }
    }
    if (this.lastPong.size === 0 && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}
