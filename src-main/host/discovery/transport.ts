/**
 * One mDNS socket on one interface, through bonjour-service: its responder
 * answers queries from the records we register, and its multicast-dns socket
 * sends our announcements, goodbyes and queries.
 *
 * The traps of bonjour-service 1.4.4 measured on this machine, handled here:
 * - its `interface` option also binds the socket to that address, and then no
 *   multicast is received: we pass `bind: '0.0.0.0'` as well;
 * - socket errors are emitted on the multicast-dns emitter and crash the
 *   process when nobody listens there (its error callback is not called): we
 *   listen on that emitter ourselves;
 * - `publish` probes ~750 ms before announcing and lists every interface in A
 *   records (plus a scope-less fe80::): we do not use `publish`; we register
 *   our own records with its responder and announce at once (the instance name
 *   carries a unique id, so there is nothing to probe for).
 *
 * Everything that reaches into bonjour-service is in this file, typed by the
 * narrow views below (its `server` is private in its typings). The version is
 * pinned, and the constructor checks the shape, so an upgrade that changes it
 * fails loudly at start instead of silently.
 */
import Bonjour from 'bonjour-service';
import type { RemoteInfo } from 'node:dgram';
import { BROWSE_QUESTION, type PublishedRecord } from './packets.js';
import type { LocalInterface } from './addresses.js';

type Callback = (error?: Error | null) => void;

/** How long a socket still binding may take before we close it anyway. */
const BIND_GRACE_MS = 5000;

/** The parts of multicast-dns we use. */
interface MdnsView {
  on(event: 'ready', listener: () => void): unknown;
  on(event: 'error' | 'warning', listener: (error: Error) => void): unknown;
  on(event: 'response' | 'query', listener: (packet: unknown, rinfo: RemoteInfo) => void): unknown;
  respond(packet: { answers: PublishedRecord[] }, callback: Callback): void;
  query(packet: { questions: Array<{ name: string; type: string }> }, callback: Callback): void;
  destroy(callback?: () => void): void;
}

/** The parts of bonjour-service's responder (`Server`) we use. */
interface ServerView {
  mdns: MdnsView;
  register(records: PublishedRecord[]): void;
  unregister(records: PublishedRecord[]): void;
}

export interface TransportEvents {
  ready(): void;
  response(packet: unknown, source: RemoteInfo): void;
  query(packet: unknown, source: RemoteInfo): void;
  /** The transport is unusable (bind failed, send failed, membership lost); the owner restarts it. */
  failed(error: Error): void;
}

export interface TransportOptions {
  /** UDP port (5353 on a real LAN). */
  port: number;
  /** Upper bound on any send (a goodbye must not hold shutdown forever). */
  sendTimeoutMs?: number;
}

/** Warnings multicast-dns raises for socket calls (addMembership, setMulticastInterface...) carry `syscall`. */
function isSocketProblem(error: Error): boolean {
  return typeof (error as NodeJS.ErrnoException).syscall === 'string';
}

export class MdnsTransport {
  private readonly bonjour: Bonjour;
  private readonly server: ServerView;
  private registered: PublishedRecord[] = [];
  private destroyed = false;
  /** The socket finished binding (ready) or failed to (error): only then may it be closed, see destroy(). */
  private settled = false;
  private closeWhenSettled = false;
  private socketClosed = false;
  ready = false;

  constructor(
    readonly iface: LocalInterface,
    private readonly events: TransportEvents,
    private readonly options: TransportOptions,
  ) {
    const mdnsOptions = {
      // multicast-dns options: join and send on this interface, receive on all addresses.
      interface: iface.address,
      bind: '0.0.0.0',
      port: options.port,
      reuseAddr: true,
      loopback: true,
    };
    // Responder send errors arrive here (bonjour-service would throw them otherwise).
    this.bonjour = new Bonjour(mdnsOptions as never, (error: unknown) => this.fail(error));
    const server = (this.bonjour as unknown as { server?: Partial<ServerView> }).server;
    if (!server || typeof server.register !== 'function' || typeof server.mdns?.on !== 'function') {
      this.bonjour.destroy();
      throw new Error('bonjour-service internals changed: discovery needs its responder (pinned 1.4.4)');
    }
    this.server = server as ServerView;
    const mdns = this.server.mdns;
    mdns.on('error', (error) => {
      this.settle();
      this.fail(error);
    });
    mdns.on('warning', (error) => {
      // Other warnings are undecodable packets from the LAN: dropped, harmless.
      if (isSocketProblem(error)) this.fail(error);
    });
    mdns.on('ready', () => {
      this.settle();
      if (this.destroyed) return;
      this.ready = true;
      this.events.ready();
    });
    mdns.on('response', (packet, rinfo) => {
      if (!this.destroyed) this.events.response(packet, rinfo);
    });
    mdns.on('query', (packet, rinfo) => {
      if (!this.destroyed) this.events.query(packet, rinfo);
    });
  }

  /** Replaces what the responder answers with. */
  setRecords(records: PublishedRecord[]): void {
    if (this.destroyed) return;
    if (this.registered.length > 0) this.server.unregister(this.registered);
    this.registered = records;
    this.server.register(records);
  }

  /** Sends records unsolicited (announcement or goodbye). */
  announce(records: PublishedRecord[]): Promise<void> {
    return this.send((done) => this.server.mdns.respond({ answers: records }, done));
  }

  /** Asks every instance on this link to answer with its records. */
  browse(): Promise<void> {
    return this.send((done) => this.server.mdns.query({ questions: [{ ...BROWSE_QUESTION }] }, done));
  }

  /** Asks by name for instances' records (a failure check: a live one answers). */
  check(questions: Array<{ name: string; type: 'SRV' }>): Promise<void> {
    return this.send((done) => this.server.mdns.query({ questions }, done));
  }

  /** Sends goodbyes for what we registered, then closes. Never rejects. */
  async close(goodbye: PublishedRecord[] | null): Promise<void> {
    if (this.destroyed) return;
    if (goodbye && this.ready) {
      this.server.unregister(this.registered);
      await this.announce(goodbye).catch(() => undefined);
    }
    this.destroy();
  }

  /**
   * Closes the socket. Not before it has finished binding: multicast-dns's
   * 'listening' handler calls setMulticastTTL on the socket, which throws
   * (uncaught, killing the process) when the socket was closed meanwhile. This
   * happened for real when an interface vanished right after a restart.
   */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.ready = false;
    if (this.settled) {
      this.closeSocket();
      return;
    }
    this.closeWhenSettled = true;
    // Should binding never finish, no 'listening' can fire either: closing is then safe.
    setTimeout(() => this.closeSocket(), BIND_GRACE_MS).unref();
  }

  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    if (this.closeWhenSettled) setImmediate(() => this.closeSocket());
  }

  private closeSocket(): void {
    if (this.socketClosed) return;
    this.socketClosed = true;
    try {
      this.bonjour.destroy();
    } catch {
      // Closing a socket that never bound throws; it is gone either way.
    }
  }

  private send(start: (done: Callback) => void): Promise<void> {
    if (this.destroyed) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (error?: Error | null): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          this.fail(error);
          reject(error);
        } else {
          resolve();
        }
      };
      const timer = setTimeout(() => finish(new Error('mDNS send timed out')), this.options.sendTimeoutMs ?? 1000);
      timer.unref();
      try {
        start(finish);
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  private fail(error: unknown): void {
    if (this.destroyed) return;
    const err = error instanceof Error ? error : new Error(String(error));
    this.ready = false;
    this.events.failed(err);
  }
}
