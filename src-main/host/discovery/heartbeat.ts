/**
 * The unicast half of liveness (see discovery/liveness.ts): one UDP socket
 * per instance, on the same port NUMBER as its HTTP server (UDP and TCP ports
 * are separate spaces), so the port every instance already advertises (SRV,
 * `hport`) is where it is pinged: nothing new in the record, and two instances
 * on one machine never share it.
 *
 * Wire format, ASCII, one datagram each (at most 96 bytes):
 *   `LP1 PING <instance id> <nonce>`  "are you <instance id>?"
 *   `LP1 PONG <instance id> <nonce>`  the answer, sent back to the ping's source
 * A ping frame is 14 + 20 + 8 + ~40 = ~82 bytes on the wire.
 *
 * Anyone on the LAN can send datagrams here: anything else than the two
 * shapes above is dropped and counted, answers are rate-limited (a spoofed
 * source could otherwise aim our answers at a third machine: at most
 * MAX_REPLIES_PER_SECOND, each no larger than the ping), and socket errors
 * never escape.
 */
import dgram from 'node:dgram';
import type { RemoteInfo } from 'node:dgram';
import { INSTANCE_ID_PATTERN } from './txt.js';

export const HEARTBEAT_MAX_BYTES = 96;
/** A legitimate instance is pinged about once a second by one predecessor (a few during churn). */
export const MAX_REPLIES_PER_SECOND = 20;

export interface Heartbeat {
  kind: 'PING' | 'PONG';
  instanceId: string;
  nonce: string;
}

const NONCE_PATTERN = /^[0-9a-f]{1,16}$/;

export function encodeHeartbeat(beat: Heartbeat): Buffer {
  return Buffer.from(`LP1 ${beat.kind} ${beat.instanceId} ${beat.nonce}`, 'latin1');
}

/** The heartbeat in a datagram, or null for anything else. Never throws. */
export function decodeHeartbeat(data: Uint8Array): Heartbeat | null {
  if (data.length > HEARTBEAT_MAX_BYTES || data.length < 8) return null;
  const parts = Buffer.from(data.buffer, data.byteOffset, data.length).toString('latin1').split(' ');
  if (parts.length !== 4 || parts[0] !== 'LP1') return null;
  const [, kind, instanceId = '', nonce = ''] = parts;
  if (kind !== 'PING' && kind !== 'PONG') return null;
  if (!INSTANCE_ID_PATTERN.test(instanceId) || !NONCE_PATTERN.test(nonce)) return null;
  return { kind, instanceId, nonce };
}

export interface HeartbeatEvents {
  ping(beat: Heartbeat, source: RemoteInfo): void;
  pong(beat: Heartbeat, source: RemoteInfo): void;
}

export class HeartbeatSocket {
  private socket: dgram.Socket | null;
  private closed = false;
  private windowStart = 0;
  private repliesInWindow = 0;
  /** Datagrams that were not heartbeats, and answers refused by the rate limit. */
  invalid = 0;
  limited = 0;
  /** The port we listen on: the HTTP port, or an ephemeral one when it was taken (then we can ping, not be pinged). */
  port: number | null = null;

  constructor(
    wantedPort: number,
    private readonly events: HeartbeatEvents,
    private readonly log: (message: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.socket = this.open(wantedPort);
  }

  private open(port: number): dgram.Socket {
    const socket = dgram.createSocket({ type: 'udp4' });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (this.closed || socket !== this.socket) return;
      if (error.code === 'EADDRINUSE' && port !== 0) {
        // Others then cannot ping us; they fall back to the multicast check, which we answer.
        this.log(`heartbeat: UDP port ${port} is taken (${error.message}); pinging from an ephemeral port`);
        this.closeSocket(socket);
        this.socket = this.open(0);
        return;
      }
      this.log(`heartbeat: ${error.message}`);
    });
    socket.on('listening', () => {
      if (socket === this.socket) this.port = socket.address().port;
    });
    socket.on('message', (data, source) => this.receive(data, source));
    socket.bind({ port, address: '0.0.0.0', exclusive: true });
    return socket;
  }

  private receive(data: Buffer, source: RemoteInfo): void {
    if (this.closed) return;
    const beat = decodeHeartbeat(data);
    if (!beat) {
      this.invalid += 1;
      return;
    }
    try {
      if (beat.kind === 'PING') this.events.ping(beat, source);
      else this.events.pong(beat, source);
    } catch (error) {
      this.log(`heartbeat: handler threw: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Sends a ping. Silently nothing when closed or not bound yet (the next tick pings again). */
  ping(instanceId: string, nonce: string, address: string, port: number): void {
    this.send(encodeHeartbeat({ kind: 'PING', instanceId, nonce }), address, port);
  }

  /** Answers a ping, within the rate limit. */
  pong(beat: Heartbeat, source: RemoteInfo): void {
    const now = this.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.repliesInWindow = 0;
    }
    if (this.repliesInWindow >= MAX_REPLIES_PER_SECOND) {
      this.limited += 1;
      return;
    }
    this.repliesInWindow += 1;
    this.send(encodeHeartbeat({ ...beat, kind: 'PONG' }), source.address, source.port);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.socket) this.closeSocket(this.socket);
    this.socket = null;
  }

  private send(data: Buffer, address: string, port: number): void {
    const socket = this.socket;
    if (this.closed || !socket || this.port === null) return;
    try {
      // A send error (EHOSTUNREACH, ENETUNREACH: cable out) needs no handling: the missing answer is the signal.
      socket.send(data, port, address, () => undefined);
    } catch {
      // A send on a socket closing meanwhile: the next tick tries again.
    }
  }

  private closeSocket(socket: dgram.Socket): void {
    try {
      socket.close();
    } catch {
      // Closing a socket that never bound throws; it is gone either way.
    }
  }
}
