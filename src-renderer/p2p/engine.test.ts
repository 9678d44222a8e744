/**
 * Engine rows of spec/p2p-semantics.md (actions, conditions that depend on
 * the broker and on connections), driven through a fake PeerJS: no WebRTC in
 * Node. Real WebRTC is covered by e2e/web/p2p-*.spec.ts. Timers are Vitest's
 * fake timers: nothing here waits.
 */
import type { Peer, PeerOptions } from 'peerjs';
import { describe, expect, it, vi } from 'vitest';
import { useFakeTimersInEachTest } from '../../src-preload/testing/fake-timers.js';
import type { EngineConnection, FrameSink, SendResult } from './connection.js';
import { createStaticDefaultBrokerSource } from './default-broker.js';
import { P2PEngine, type P2PEngineOptions } from './engine.js';
import type { BrokerEndpoint, P2PEventMap } from './types.js';
import { MAX_BATCH_EVENTS } from './outbox.js';
import { type ControlMessage, type Decoded, decodeText, type WireEvent } from './wire.js';

type Handler = (...args: unknown[]) => void;

class Emitter {
  private readonly handlers = new Map<string, Set<Handler>>();
  on(event: string, handler: Handler): this {
    let set = this.handlers.get(event);
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler);
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    for (const handler of [...(this.handlers.get(event) ?? [])]) handler(...args);
  }
}

class FakeConn extends Emitter implements EngineConnection {
  remoteIsEngine = false;
  largePieces = false;
  sink: FrameSink | null = null;
  activity: (() => void) | null = null;
  open = false;
  closed = false;
  /** Every event sent, alone or in a batch, in order. */
  readonly events: WireEvent[] = [];
  readonly controls: ControlMessage[] = [];
  /** Event-carrying frames sent: how the events above were grouped. */
  readonly frames: { kind: 'single' | 'batch'; events: WireEvent[] }[] = [];
  /** Everything sent, as the other end decodes it (see `deliver`). */
  readonly wire: Decoded[] = [];
  delivered = 0;

  constructor(
    readonly peer: string,
    readonly metadata: unknown,
    readonly serialization = 'binary',
    readonly options: unknown = undefined,
  ) {
    super();
  }
  sendEvent(event: WireEvent): SendResult {
    if (!this.open) return { ok: false, code: 'send-failed', error: `Connection to ${this.peer} is not open` };
    this.events.push(event);
    this.frames.push({ kind: 'single', events: [event] });
    this.wire.push({ kind: 'event', event });
    return { ok: true, bytes: event.data.length };
  }
  sendControl(control: ControlMessage): SendResult {
    this.controls.push(control);
    this.wire.push({ kind: 'control', control });
    return { ok: true, bytes: 10 };
  }
  sendBatch(text: string, bytes: number, count: number): SendResult {
    if (!this.open) return { ok: false, code: 'send-failed', error: `Connection to ${this.peer} is not open: ${count} events not sent` };
    // Decoded exactly as the other end would: a malformed batch fails the test here.
    const decoded = decodeText(text, true);
    if (decoded.kind !== 'batch' || decoded.events.length !== count) throw new Error(`bad batch frame: ${text.slice(0, 100)}`);
    this.events.push(...decoded.events);
    this.frames.push({ kind: 'batch', events: decoded.events });
    this.wire.push(decoded);
    return { ok: true, bytes };
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const was = this.open;
    this.open = false;
    if (was) this.emit('close');
  }
  // Test drivers.
  openNow(): void {
    this.open = true;
    this.emit('open');
  }
  receive(decoded: Decoded): void {
    this.sink?.(decoded, 10);
  }
  receiveEvent(eventName: string, data: string): void {
    this.receive({ kind: 'event', event: { eventName, data } });
  }
  remoteClose(): void {
    this.close();
  }
}

class FakePeer extends Emitter {
  disconnected = false;
  destroyed = false;
  readonly conns: FakeConn[] = [];
  /** PeerJS's signaling socket (`peer.socket`): the broker's messages, as data. */
  readonly socket = new Emitter();
  constructor(
    readonly id: string,
    readonly options: PeerOptions,
  ) {
    super();
  }
  connect(peerId: string, options: { metadata?: unknown; serialization?: string; reliable?: boolean }): FakeConn {
    const conn = new FakeConn(peerId, options.metadata, options.serialization, options);
    this.conns.push(conn);
    return conn;
  }
  disconnect(): void {
    if (this.disconnected) return;
    this.disconnected = true;
    this.emit('disconnected', this.id);
  }
  destroy(): void {
    if (this.destroyed) return;
    this.disconnect();
    this.destroyed = true;
    for (const conn of this.conns) conn.close();
    this.emit('close');
  }
  // Test drivers.
  openNow(): void {
    this.emit('open', this.id);
  }
  incoming(peerId: string, metadata?: unknown, serialization = 'binary'): FakeConn {
    const conn = new FakeConn(peerId, metadata, serialization);
    this.conns.push(conn);
    this.emit('connection', conn);
    return conn;
  }
  error(type: string, message: string): void {
    this.emit('error', Object.assign(new Error(message), { type }));
  }
  /** The broker's EXPIRE for an offer to `peerId`, as PeerJS 1.5 handles it: its own error first, then other socket listeners. */
  expire(peerId: string): void {
    this.error('peer-unavailable', `Could not connect to peer ${peerId}`);
    this.socket.emit('message', { type: 'EXPIRE', src: peerId });
  }
}

const BROKER: BrokerEndpoint = { host: '127.0.0.1', port: 9000, path: '/', key: 'peerjs', secure: false };
const BROKER_B: BrokerEndpoint = { host: '127.0.0.2', port: 9001, path: '/', key: 'peerjs', secure: false };

interface Rig {
  engine: P2PEngine;
  peers: FakePeer[];
  last(): FakePeer;
  seen: { [K in keyof P2PEventMap]: P2PEventMap[K][] };
}

/**
 * An engine on fake PeerJS. Its frame queues run from the start (`on`), as in
 * a game whose frame loop already runs; `frameQueues` overrides it.
 */
function rig(options: { source?: ReturnType<typeof createStaticDefaultBrokerSource> } & Omit<P2PEngineOptions, 'defaultBroker' | 'peerFactory'> = {}): Rig {
  const peers: FakePeer[] = [];
  const { source, ...engineOptions } = options;
  const engine = new P2PEngine({
    frameQueues: 'on',
    ...engineOptions,
    defaultBroker: source ?? createStaticDefaultBrokerSource(null),
    peerFactory: (id, peerOptions) => {
      const peer = new FakePeer(id, peerOptions);
      peers.push(peer);
      return peer as unknown as Peer;
    },
  });
  const seen: Rig['seen'] = { ready: [], brokerDisconnected: [], peerConnected: [], peerDisconnected: [], event: [], error: [] };
  for (const type of Object.keys(seen) as (keyof P2PEventMap)[]) {
    engine.on(type, (payload: P2PEventMap[typeof type]) => {
      (seen[type] as unknown[]).push(payload);
    });
  }
  return {
    engine,
    peers,
    last: () => {
      const peer = peers[peers.length - 1];
      if (!peer) throw new Error('no Peer created');
      return peer;
    },
    seen,
  };
}

/** A ready engine registered as `id`. */
function readyRig(id = 'me', options: Parameters<typeof rig>[0] = {}): Rig {
  const r = rig(options);
  r.engine.overrideId(id);
  r.engine.useBroker(BROKER.host, BROKER.port, BROKER.path, BROKER.key, BROKER.secure);
  r.last().openNow();
  return r;
}

/** An engine told to use the LAN's default broker (`initial`, until `source.set`), as `id` when given, once the source has answered. */
async function defaultBrokerRig(initial: BrokerEndpoint | null, id?: string): Promise<{ r: Rig; source: ReturnType<typeof createStaticDefaultBrokerSource> }> {
  const source = createStaticDefaultBrokerSource(initial);
  const r = rig({ source });
  if (id !== undefined) r.engine.overrideId(id);
  r.engine.useDefaultBroker();
  await vi.advanceTimersByTimeAsync(0);
  return { r, source };
}

/** An open outgoing link from a ready engine to `peerId`. */
function connected(r: Rig, peerId: string): FakeConn {
  r.engine.connect(peerId);
  const conn = r.last().conns.find((c) => c.peer === peerId && !c.closed);
  if (!conn) throw new Error('no connection');
  conn.openNow();
  return conn;
}

useFakeTimersInEachTest();

describe('Connect to a broker server', () => {
  it('registers with the given settings; empty path means "/" and empty key means "peerjs"', () => {
    const r = rig();
    r.engine.useBroker('broker.lan', 9000, '', '', false);
    expect(r.last().options).toMatchObject({ host: 'broker.lan', port: 9000, path: '/', key: 'peerjs', secure: false });
    expect(r.last().options.config).toEqual({ iceServers: [] });
    expect(r.engine.isReady()).toBe(false);
    r.last().openNow();
    expect(r.engine.isReady()).toBe(true);
    expect(r.seen.ready).toEqual([{ id: r.last().id, broker: { host: 'broker.lan', port: 9000, path: '/', key: 'peerjs', secure: false } }]);
  });

  it('is ignored with a recorded error when already connected to a broker', () => {
    const r = readyRig();
    r.engine.useBroker(BROKER_B.host, BROKER_B.port);
    expect(r.peers).toHaveLength(1);
    expect(r.engine.getLastError()).toMatch(/Already connected to a broker/);
  });

  it('records an error for an invalid host, port, path or key', () => {
    const r = rig();
    for (const args of [
      ['', 9000],
      ['h', 0],
      ['h', 70000],
      ['h', 9000, '/bad path'],
      ['h', 9000, '/', 'bad key!'],
    ] as const) {
      r.engine.useBroker(...(args as unknown as [string, number]));
      expect(r.engine.errorOccurred()).toBe(true);
    }
    expect(r.peers).toHaveLength(0);
  });
});

describe('Override the client ID / GetID', () => {
  it('GetID is "" before the first broker connection, then the id', () => {
    const r = rig();
    expect(r.engine.getId()).toBe('');
    r.engine.overrideId('player-1');
    r.engine.useBroker(BROKER.host, BROKER.port);
    expect(r.last().id).toBe('player-1');
    r.last().openNow();
    expect(r.engine.getId()).toBe('player-1');
  });

  it('without an override, a random id in UUID form', () => {
    const r = rig();
    r.engine.useBroker(BROKER.host, BROKER.port);
    expect(r.last().id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('is used for the next broker connection only', () => {
    const r = readyRig('first');
    r.engine.overrideId('second');
    expect(r.engine.getId()).toBe('first');
    r.engine.disconnectFromBroker();
    r.engine.useBroker(BROKER.host, BROKER.port);
    expect(r.last().id).toBe('second');
    r.last().openNow();
    r.engine.disconnectFromBroker();
    r.engine.useBroker(BROKER.host, BROKER.port);
    // No override pending: the id we had is kept.
    expect(r.last().id).toBe('second');
  });

  it('rejects ids outside the pattern with an error', () => {
    const r = rig();
    for (const bad of ['', 'a  b', 'a--b', '-a', 'a_', 'é', 'x'.repeat(65)]) {
      r.engine.overrideId(bad);
      expect(r.engine.errorOccurred()).toBe(true);
    }
    r.engine.overrideId('a-b_c d9');
    expect(r.engine.errorOccurred()).toBe(false);
  });

  it('a taken id records `ID "x" is taken`, is not ready, and does not retry', () => {
    const r = rig();
    r.engine.overrideId('x');
    r.engine.useBroker(BROKER.host, BROKER.port);
    r.last().error('unavailable-id', 'ID "x" is taken');
    r.last().destroy();
    expect(r.engine.getLastError()).toBe('ID "x" is taken');
    expect(r.engine.isReady()).toBe(false);
    expect(r.engine.getId()).toBe('');
    vi.advanceTimersByTime(30_000);
    expect(r.peers).toHaveLength(1);
  });
});

describe('Use a custom ICE server', () => {
  it('the default list is empty; calls append; connections opened afterwards use it', () => {
    const r = readyRig();
    const config = r.last().options.config as RTCConfiguration;
    expect(config.iceServers).toEqual([]);
    r.engine.addIceServer('stun:stun.lan:3478');
    r.engine.addIceServer('turn:turn.lan:3478', 'u', 'p');
    // PeerJS reads options.config for each new RTCPeerConnection: the existing Peer sees the list too.
    expect(config.iceServers).toEqual([{ urls: 'stun:stun.lan:3478' }, { urls: 'turn:turn.lan:3478', username: 'u', credential: 'p' }]);
  });

  it('rejects what is not a STUN/TURN URL', () => {
    const r = rig();
    r.engine.addIceServer('http://example.lan');
    expect(r.engine.getLastError()).toMatch(/Invalid ICE server URL/);
  });

  it('setIceServers replaces the whole list (a corrected TURN password is the only entry); addIceServer still appends', () => {
    const r = readyRig();
    const config = r.last().options.config as RTCConfiguration;
    r.engine.addIceServer('turn:turn.lan:3478', 'u', 'wrong');
    r.engine.setIceServers([{ urls: 'turn:turn.lan:3478', username: 'u', credential: 'right' }]);
    expect(config.iceServers).toEqual([{ urls: 'turn:turn.lan:3478', username: 'u', credential: 'right' }]);
    r.engine.addIceServer('stun:stun.lan:3478');
    expect(config.iceServers).toEqual([{ urls: 'turn:turn.lan:3478', username: 'u', credential: 'right' }, { urls: 'stun:stun.lan:3478' }]);
    r.engine.setIceServers([]);
    expect(config.iceServers).toEqual([]);
  });

  it('setIceServers is all or nothing: one invalid entry leaves the list unchanged', () => {
    const r = readyRig();
    const config = r.last().options.config as RTCConfiguration;
    r.engine.setIceServers([{ urls: 'stun:a.lan:3478' }]);
    r.engine.setIceServers([{ urls: 'stun:b.lan:3478' }, { urls: 'http://x.lan' }]);
    expect(r.engine.getErrorLog().at(-1)?.code).toBe('invalid-argument');
    expect(config.iceServers).toEqual([{ urls: 'stun:a.lan:3478' }]);
  });
});

describe('Connect to another client', () => {
  it('opens a reliable binary connection marked as ours, declaring the batch capability', () => {
    const r = readyRig();
    r.engine.connect('other');
    expect(r.last().conns[0]?.options).toEqual({ serialization: 'binary', reliable: true, metadata: { lanParty: 1, caps: ['batch', 'large'] } });
  });

  it('a second connect to a connected or connecting peer is a no-op', () => {
    const r = readyRig();
    r.engine.connect('other');
    r.engine.connect('other');
    expect(r.last().conns).toHaveLength(1);
    r.last().conns[0]?.openNow();
    r.engine.connect('other');
    expect(r.last().conns).toHaveLength(1);
  });

  it('unknown id: records `Could not connect to peer <id>` once', () => {
    const r = readyRig();
    r.engine.connect('ghost');
    r.last().expire('ghost');
    expect(r.seen.error.map((e) => e.message)).toEqual(['Could not connect to peer ghost']);
    expect(r.engine.getPeerStats()).toEqual([]);
    // Connecting again is allowed (the failed attempt is gone).
    r.engine.connect('ghost');
    expect(r.last().conns).toHaveLength(2);
  });

  it('a connection that never opens is failed after the timeout', () => {
    const r = readyRig();
    r.engine.connect('slow');
    vi.advanceTimersByTime(16_000);
    expect(r.engine.getLastError()).toMatch(/^Could not connect to peer slow/);
    expect(r.last().conns[0]?.closed).toBe(true);
  });

  it('needs a broker, refuses itself and invalid ids', () => {
    const r = rig();
    r.engine.connect('other');
    expect(r.engine.getLastError()).toBe('Not connected to a broker: cannot connect to peer other');
    const s = readyRig('me');
    s.engine.connect('me');
    expect(s.engine.getLastError()).toBe('Cannot connect to yourself (me)');
    s.engine.connect('not valid!');
    expect(s.engine.getLastError()).toBe('Invalid peer id "not valid!"');
  });
});

describe('Peer Connected / listener peerConnected', () => {
  it('the frame condition counts incoming connections only; the listener both, with direction', () => {
    const r = readyRig();
    connected(r, 'out');
    expect(r.engine.peerConnected()).toBe(false);
    const inc = r.last().incoming('in', { lanParty: 1 });
    inc.openNow();
    expect(r.engine.peerConnected()).toBe(true);
    expect(r.engine.getLastConnectedPeer()).toBe('in');
    expect(r.seen.peerConnected).toEqual([
      { peerId: 'out', direction: 'outgoing', engine: false },
      { peerId: 'in', direction: 'incoming', engine: true },
    ]);
    // An incoming connection from another engine gets our hello.
    expect(inc.controls).toEqual([{ t: 'hello', v: 2, caps: ['batch', 'large'] }]);
    r.engine.endFrame();
    expect(r.engine.peerConnected()).toBe(false);
  });
});

describe('A new offer from an engine', () => {
  it('closes its earlier offer still connecting (the engine gave up on it), quietly; a stock peer\'s and an open one are kept', () => {
    const r = readyRig();
    const first = r.last().incoming('p', { lanParty: 1 });
    const second = r.last().incoming('p', { lanParty: 1 });
    expect(first.closed).toBe(true);
    expect(second.closed).toBe(false);
    expect(r.engine.getPeerStats().find((s) => s.peerId === 'p')?.connections).toBe(1);
    second.openNow();
    expect(r.engine.getPeerStats().find((s) => s.peerId === 'p')).toMatchObject({ state: 'open', connections: 1 });
    // An open link is never closed by a later offer.
    const third = r.last().incoming('p', { lanParty: 1 });
    expect([second.closed, third.closed]).toEqual([false, false]);
    // Stock peers may open several connections at once: all kept.
    const stockA = r.last().incoming('s');
    const stockB = r.last().incoming('s');
    expect([stockA.closed, stockB.closed]).toEqual([false, false]);
    expect(r.engine.errorOccurred()).toBe(false);
  });
});

describe('Trigger event', () => {
  it('on all connected clients: every open connection, string and variable forms', () => {
    const r = readyRig();
    const a = connected(r, 'a');
    const b = connected(r, 'b');
    r.engine.connect('pending');
    r.engine.triggerEvent('e', 'hello');
    r.engine.triggerVariableEvent('v', { x: [1] });
    for (const conn of [a, b]) {
      expect(conn.events).toEqual([
        { eventName: 'e', data: 'hello' },
        { eventName: 'v', data: '{"x":[1]}' },
      ]);
    }
    expect(r.engine.errorOccurred()).toBe(false);
  });

  it('on a specific client: that peer only; an unknown id records `Peer <id> is not connected`', () => {
    const r = readyRig();
    const a = connected(r, 'a');
    const b = connected(r, 'b');
    r.engine.triggerEventOnPeer('a', 'e', 'd');
    r.engine.triggerVariableEventOnPeer('a', 'n', 42);
    expect(a.events).toEqual([
      { eventName: 'e', data: 'd' },
      { eventName: 'n', data: '42' },
    ]);
    expect(b.events).toEqual([]);
    r.engine.triggerEventOnPeer('nobody', 'e', 'd');
    expect(r.engine.getLastError()).toBe('Peer nobody is not connected');
    expect(r.engine.errorOccurred()).toBe(true);
  });
});

describe('receiving', () => {
  it('feeds the frame queues and the listener, once each, in order', () => {
    const r = readyRig();
    const a = connected(r, 'a');
    a.receiveEvent('e', '1');
    a.receiveEvent('e', '2');
    expect(r.seen.event).toEqual([
      { name: 'e', data: '1', sender: 'a' },
      { name: 'e', data: '2', sender: 'a' },
    ]);
    expect(r.engine.eventTriggered('e', false)).toBe(true);
    expect([r.engine.getEventData('e'), r.engine.getEventSender('e')]).toEqual(['1', 'a']);
    r.engine.endFrame();
    expect(r.engine.getEventData('e')).toBe('2');
    expect(r.engine.getPeerStats()[0]).toMatchObject({ messagesIn: 2, bytesIn: 20 });
  });

  it('malformed messages are dropped and counted; errors are rate-limited', () => {
    const r = readyRig();
    const a = connected(r, 'a');
    for (let i = 0; i < 5; i += 1) a.receive({ kind: 'invalid', reason: 'not JSON' });
    expect(r.engine.getStats().malformedIn).toBe(5);
    expect(r.engine.getPeerStats()[0]?.malformedIn).toBe(5);
    expect(r.seen.error).toHaveLength(1);
    expect(r.seen.event).toHaveLength(0);
    vi.advanceTimersByTime(1_000);
    a.receive({ kind: 'invalid', reason: 'not JSON' });
    expect(r.seen.error).toHaveLength(2);
  });
});

describe('Disconnect from a peer / all peers', () => {
  it('closes that peer; "Peer disconnected" fires locally too, once', () => {
    const r = readyRig();
    const a = connected(r, 'a');
    connected(r, 'b');
    r.engine.disconnectFromPeer('a');
    expect(a.closed).toBe(true);
    expect(r.engine.peerDisconnected()).toBe(true);
    expect(r.engine.getLastDisconnectedPeer()).toBe('a');
    expect(r.seen.peerDisconnected).toEqual([{ peerId: 'a', reason: 'local' }]);
    a.remoteClose();
    expect(r.seen.peerDisconnected).toHaveLength(1);
    expect(r.engine.getConnectedPeers()).toEqual(['b']);
    r.engine.endFrame();
    expect(r.engine.peerDisconnected()).toBe(false);
    expect(r.engine.getLastDisconnectedPeer()).toBe('');
  });

  it('all peers: every connection closes, the broker link stays', () => {
    const r = readyRig();
    connected(r, 'a');
    connected(r, 'b');
    r.engine.disconnectFromAllPeers();
    expect(r.seen.peerDisconnected.map((d) => d.peerId)).toEqual(['a', 'b']);
    expect(r.engine.isReady()).toBe(true);
    expect(r.last().disconnected).toBe(false);
  });

  it('a remote close is reported once with reason "closed"', () => {
    const r = readyRig();
    const a = connected(r, 'a');
    a.remoteClose();
    expect(r.seen.peerDisconnected).toEqual([{ peerId: 'a', reason: 'closed' }]);
    expect(() => r.engine.triggerEventOnPeer('a', 'e', 'd')).not.toThrow();
  });
});

describe('overlapping connections to one peer', () => {
  it('never overwrite each other: closing the old one keeps the new one', () => {
    const r = readyRig();
    const out = connected(r, 'a');
    const inc = r.last().incoming('a');
    inc.openNow();
    expect(r.engine.getPeerStats()[0]?.connections).toBe(2);
    expect(r.seen.peerConnected).toHaveLength(1);
    // The reference reports the incoming connection in the frame API: so do we, once.
    expect(r.engine.getLastConnectedPeer()).toBe('a');
    out.remoteClose();
    expect(r.seen.peerDisconnected).toEqual([]);
    r.engine.triggerEvent('e', 'still here');
    expect(inc.events).toEqual([{ eventName: 'e', data: 'still here' }]);
    inc.remoteClose();
    expect(r.seen.peerDisconnected).toEqual([{ peerId: 'a', reason: 'closed' }]);
  });
});

describe('heartbeat between engines', () => {
  it('the initiator switches to engine mode on hello, pings, and measures RTT from pongs', () => {
    const r = readyRig();
    const a = connected(r, 'a');
    expect(a.remoteIsEngine).toBe(false);
    a.receive({ kind: 'control', control: { t: 'hello', v: 1 } });
    expect(a.remoteIsEngine).toBe(true);
    vi.advanceTimersByTime(250);
    const ping = a.controls.find((c) => c.t === 'ping');
    expect(ping).toBeDefined();
    if (ping?.t !== 'ping') return;
    vi.advanceTimersByTime(7);
    a.receive({ kind: 'control', control: { t: 'pong', s: ping.s, ts: ping.ts } });
    expect(r.engine.getPeerStats()[0]?.rttMs).toBe(7);
  });

  it('answers pings from an engine', () => {
    const r = readyRig();
    const inc = r.last().incoming('a', { lanParty: 1 });
    inc.openNow();
    inc.receive({ kind: 'control', control: { t: 'ping', s: 4, ts: 123 } });
    expect(inc.controls).toContainEqual({ t: 'pong', s: 4, ts: 123 });
  });

  it('a silent engine peer is reported disconnected (timeout) exactly once', () => {
    const r = readyRig();
    const inc = r.last().incoming('a', { lanParty: 1 });
    inc.openNow();
    vi.advanceTimersByTime(1_900);
    expect(r.seen.peerDisconnected).toEqual([]);
    vi.advanceTimersByTime(700);
    expect(r.seen.peerDisconnected).toEqual([{ peerId: 'a', reason: 'timeout' }]);
    inc.emit('close');
    vi.advanceTimersByTime(5_000);
    expect(r.seen.peerDisconnected).toHaveLength(1);
  });

  it('an engine peer busy sending one large chunked message is not mistaken for a silent one', () => {
    const r = readyRig();
    const inc = r.last().incoming('a', { lanParty: 1 });
    inc.openNow();
    // 5 s of chunks of a message still being reassembled (no complete frame, its pings queued behind).
    for (let i = 0; i < 50; i += 1) {
      vi.advanceTimersByTime(100);
      inc.activity?.();
    }
    expect(r.seen.peerDisconnected).toEqual([]);
    // Once the chunks stop and nothing else comes, the usual timeout applies.
    vi.advanceTimersByTime(2_600);
    expect(r.seen.peerDisconnected).toEqual([{ peerId: 'a', reason: 'timeout' }]);
  });

  it('a stock peer is never pinged and never timed out by silence alone', () => {
    const r = readyRig();
    const inc = r.last().incoming('stock');
    inc.openNow();
    vi.advanceTimersByTime(60_000);
    expect(inc.controls).toEqual([]);
    expect(r.seen.peerDisconnected).toEqual([]);
    // ICE "disconnected" with no traffic for the grace period: gone.
    inc.emit('iceStateChanged', 'disconnected');
    vi.advanceTimersByTime(3_000);
    inc.receiveEvent('e', 'still delivering');
    vi.advanceTimersByTime(3_000);
    expect(r.seen.peerDisconnected).toEqual([]);
    vi.advanceTimersByTime(1_500);
    expect(r.seen.peerDisconnected).toEqual([{ peerId: 'stock', reason: 'ice-failed' }]);
  });
});

describe('Is P2P ready / Disconnect from broker / Disconnect from all', () => {
  it('disconnect from broker: not ready, id kept, data connections keep working, no reconnect', () => {
    const r = readyRig('me');
    const a = connected(r, 'a');
    r.engine.disconnectFromBroker();
    expect(r.engine.isReady()).toBe(false);
    expect(r.engine.getId()).toBe('me');
    expect(r.seen.brokerDisconnected).toEqual([{ id: 'me' }]);
    expect(r.last().disconnected).toBe(true);
    expect(r.last().destroyed).toBe(false);
    r.engine.triggerEvent('e', 'd');
    expect(a.events).toEqual([{ eventName: 'e', data: 'd' }]);
    a.receiveEvent('back', '1');
    expect(r.engine.getEventData('back')).toBe('1');
    vi.advanceTimersByTime(60_000);
    expect(r.peers).toHaveLength(1);
    expect(r.engine.isReady()).toBe(false);
  });

  it('a fatal broker error makes it not ready (the reference never resets it)', () => {
    const r = readyRig();
    r.last().error('socket-closed', 'Underlying socket is already closed.');
    r.last().disconnect();
    expect(r.engine.isReady()).toBe(false);
    expect(r.engine.getLastError()).toBe('Underlying socket is already closed.');
    vi.advanceTimersByTime(60_000);
    expect(r.peers).toHaveLength(1);
  });

  it('disconnect from all: every connection and the broker; nothing re-created', () => {
    const r = readyRig('me');
    const a = connected(r, 'a');
    r.engine.disconnectFromAll();
    expect(a.closed).toBe(true);
    expect(r.engine.isReady()).toBe(false);
    expect(r.last().destroyed).toBe(true);
    expect(r.seen.peerDisconnected).toEqual([{ peerId: 'a', reason: 'local' }]);
    vi.advanceTimersByTime(60_000);
    expect(r.peers).toHaveLength(1);
  });
});

describe('Connect to the default broker server', () => {
  it('registers on the LAN default and follows it when it moves, with the same id, keeping connections', async () => {
    const { r, source } = await defaultBrokerRig(BROKER, 'me');
    const first = r.last();
    expect(first.options).toMatchObject({ host: BROKER.host, port: BROKER.port });
    first.openNow();
    const a = connected(r, 'a');
    source.set(BROKER_B);
    const second = r.last();
    expect(second).not.toBe(first);
    expect(second.id).toBe('me');
    expect(second.options).toMatchObject({ host: BROKER_B.host, port: BROKER_B.port });
    // The old Peer only lost its broker link: its data connection lives on.
    expect(first.disconnected).toBe(true);
    expect(first.destroyed).toBe(false);
    second.openNow();
    expect(r.engine.isReady()).toBe(true);
    r.engine.triggerEvent('e', 'd');
    expect(a.events).toEqual([{ eventName: 'e', data: 'd' }]);
    expect(r.seen.peerDisconnected).toEqual([]);
    // Its last connection closing releases the old Peer.
    a.remoteClose();
    expect(first.destroyed).toBe(true);
  });

  it('waits (with one recorded error) while the LAN has no default broker', async () => {
    const { r, source } = await defaultBrokerRig(null);
    expect(r.peers).toHaveLength(0);
    expect(r.seen.error.map((e) => e.message)).toEqual(['No default broker on this LAN yet: waiting for one']);
    source.set(BROKER);
    expect(r.peers).toHaveLength(1);
  });

  it('stops following after "disconnect from broker"', async () => {
    const { r, source } = await defaultBrokerRig(BROKER);
    r.last().openNow();
    r.engine.disconnectFromBroker();
    source.set(BROKER_B);
    expect(r.peers).toHaveLength(1);
  });
});

describe('listeners', () => {
  it('unsubscribe stops delivery; a throwing listener does not break the others', () => {
    const r = readyRig();
    const a = connected(r, 'a');
    const got: string[] = [];
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    r.engine.on('event', () => {
      throw new Error('game bug');
    });
    const off = r.engine.on('event', (e) => got.push(e.data));
    a.receiveEvent('e', '1');
    off();
    a.receiveEvent('e', '2');
    expect(got).toEqual(['1']);
    expect(error).toHaveBeenCalled();
    error.mockRestore();
  });
});

describe('our own page frozen', () => {
  it('a late heartbeat tick grants grace instead of declaring every engine peer gone', () => {
    let clock = 0;
    const peers: FakePeer[] = [];
    const engine = new P2PEngine({
      defaultBroker: createStaticDefaultBrokerSource(null),
      now: () => clock,
      peerFactory: (id, options) => {
        const peer = new FakePeer(id, options);
        peers.push(peer);
        return peer as unknown as Peer;
      },
    });
    const gone: string[] = [];
    engine.on('peerDisconnected', (d) => gone.push(d.peerId));
    engine.useBroker(BROKER.host, BROKER.port);
    peers[0]?.openNow();
    const inc = peers[0]?.incoming('a', { lanParty: 1 });
    inc?.openNow();
    // The page freezes for 5 s: the clock jumps, the next tick is late.
    clock = 5_000;
    vi.advanceTimersByTime(250);
    expect(gone).toEqual([]);
    // Truly silent afterwards (ticks on time again): reported once the timeout passes.
    for (let i = 0; i < 8; i += 1) {
      clock += 250;
      vi.advanceTimersByTime(250);
    }
    expect(clock).toBe(7_000);
    expect(gone).toEqual([]);
    clock += 250;
    vi.advanceTimersByTime(250);
    expect(gone).toEqual(['a']);
  });
});

// =============================================================================
// Coalescing between two engines (outbox.ts, wire.ts `parseBatch`)
// =============================================================================

/** Hands `to` everything `from` sent since the last call, in order (the data channel). */
function deliver(from: FakeConn, to: FakeConn): void {
  for (let i = 0; i < 10_000 && from.delivered < from.wire.length; i += 1) {
    const decoded = from.wire[from.delivered];
    from.delivered += 1;
    if (decoded) to.receive(decoded);
  }
}

/** The end of the current task: the outbox's microtask runs (fake timers leave microtasks alone). */
async function endOfTask(): Promise<void> {
  await Promise.resolve();
}

interface Pair {
  a: Rig;
  b: Rig;
  /** a's connection to b (outgoing) and b's to a (incoming). */
  ab: FakeConn;
  ba: FakeConn;
  pump(): void;
}

/** Engine "pa" connects to engine "pb"; `metadata`/`hello` let a side pose as an older engine. */
function enginePair(options: { metadata?: unknown; hello?: ControlMessage } = {}): Pair {
  const a = readyRig('pa');
  const b = readyRig('pb');
  a.engine.connect('pb');
  const ab = a.last().conns.find((c) => c.peer === 'pb');
  if (!ab) throw new Error('no connection');
  const ba = b.last().incoming('pa', 'metadata' in options ? options.metadata : ab.metadata);
  ab.openNow();
  ba.openNow();
  if (options.hello) {
    // b answers as an older engine would: replace its hello.
    ba.wire.splice(0, ba.wire.length, { kind: 'control', control: options.hello });
  }
  const pump = (): void => {
    deliver(ab, ba);
    deliver(ba, ab);
  };
  pump();
  return { a, b, ab, ba, pump };
}

describe('coalescing between engines', () => {
  it('both sides declared batch: the events of one task travel as one frame, both ways, each delivered once in order', async () => {
    const p = enginePair();
    expect(p.ab.remoteIsEngine).toBe(true);
    for (let i = 0; i < 5; i += 1) p.a.engine.triggerEvent('e', String(i));
    p.b.engine.triggerEventOnPeer('pa', 'back', 'x');
    p.b.engine.triggerVariableEventOnPeer('pa', 'back', { y: 1 });
    // Nothing leaves before the end of the task, then one frame per link.
    expect(p.ab.frames).toEqual([]);
    await endOfTask();
    expect(p.ab.frames.map((f) => [f.kind, f.events.length])).toEqual([['batch', 5]]);
    expect(p.ba.frames.map((f) => [f.kind, f.events.length])).toEqual([['batch', 2]]);
    p.pump();
    expect(p.b.seen.event.map((e) => e.data)).toEqual(['0', '1', '2', '3', '4']);
    expect(p.b.seen.event.every((e) => e.sender === 'pa' && e.name === 'e')).toBe(true);
    expect(p.a.seen.event).toEqual([
      { name: 'back', data: 'x', sender: 'pb' },
      { name: 'back', data: '{"y":1}', sender: 'pb' },
    ]);
    // One frame-queue entry per event.
    expect(p.b.engine.getAllEventData('e').map((q) => q.data)).toEqual(['0', '1', '2', '3', '4']);
    // Stats count events; frames say how they travelled.
    expect(p.a.engine.getPeerStats()[0]).toMatchObject({ messagesOut: 5, framesOut: 1, messagesIn: 2, framesIn: 1 });
    expect(p.b.engine.getPeerStats()[0]).toMatchObject({ messagesIn: 5, framesIn: 1, messagesOut: 2, framesOut: 1 });
    expect(p.a.engine.getPeerStats()[0]?.bytesOut).toBeGreaterThan(0);
    expect([...p.a.seen.error, ...p.b.seen.error]).toEqual([]);
  });

  it('the initiator sends single events until the hello says the other side reads batches', async () => {
    const a = readyRig('pa2');
    a.engine.connect('pb2');
    const conn = a.last().conns[0];
    if (!conn) throw new Error('no connection');
    conn.openNow();
    a.engine.triggerEvent('e', 'before hello');
    conn.receive({ kind: 'control', control: { t: 'hello', v: 2, caps: ['batch'] } });
    a.engine.triggerEvent('e', 'after 1');
    a.engine.triggerEvent('e', 'after 2');
    await endOfTask();
    expect(conn.frames.map((f) => [f.kind, f.events.map((e) => e.data)])).toEqual([
      ['single', ['before hello']],
      ['batch', ['after 1', 'after 2']],
    ]);
    expect(a.seen.error).toEqual([]);
  });

  it('an older engine (no capability) keeps getting single events, whichever side it is on', async () => {
    // b is old and the answerer: its hello (v1) declares nothing.
    const oldAnswerer = enginePair({ hello: { t: 'hello', v: 1 } });
    oldAnswerer.a.engine.triggerEvent('e', '1');
    oldAnswerer.a.engine.triggerEvent('e', '2');
    // a is old and the initiator: its metadata declares nothing.
    const oldInitiator = enginePair({ metadata: { lanParty: 1 } });
    oldInitiator.b.engine.triggerEvent('e', '1');
    oldInitiator.b.engine.triggerEvent('e', '2');
    await endOfTask();
    expect(oldAnswerer.ab.remoteIsEngine).toBe(true);
    expect(oldAnswerer.ab.frames.map((f) => f.kind)).toEqual(['single', 'single']);
    expect(oldInitiator.ba.frames.map((f) => f.kind)).toEqual(['single', 'single']);
  });

  it('never toward a stock peer, in either direction', async () => {
    const r = readyRig();
    const out = connected(r, 'stockout');
    // A stock peer never answers with a hello, and its metadata is absent (or not ours).
    const inc = r.last().incoming('stockin', undefined);
    inc.openNow();
    const sneaky = r.last().incoming('stockcaps', { caps: ['batch'] });
    sneaky.openNow();
    for (let i = 0; i < 3; i += 1) r.engine.triggerEvent('e', String(i));
    await endOfTask();
    for (const conn of [out, inc, sneaky]) {
      expect(conn.frames.map((f) => f.kind)).toEqual(['single', 'single', 'single']);
      expect(conn.controls).toEqual([]);
    }
  });

  it('large events as raw pieces only toward an engine that declared `large` (connection.ts, large-events.ts)', () => {
    const both = enginePair();
    expect([both.ab.largePieces, both.ba.largePieces]).toEqual([true, true]);
    // Older engines (caps without `large`), on either side, and stock peers (even claiming it) keep BinaryPack.
    const oldAnswerer = enginePair({ hello: { t: 'hello', v: 2, caps: ['batch'] } });
    const oldInitiator = enginePair({ metadata: { lanParty: 1, caps: ['batch'] } });
    expect([oldAnswerer.ab.largePieces, oldInitiator.ba.largePieces]).toEqual([false, false]);
    const r = readyRig();
    const stock = r.last().incoming('stockcaps', { caps: ['large'] });
    stock.openNow();
    expect(stock.largePieces).toBe(false);
  });

  it('keeps the send order across batch boundaries and around events too large for a batch', async () => {
    const p = enginePair();
    const large = 'L'.repeat(20_000);
    const sent: string[] = [];
    const send = (data: string): void => {
      sent.push(data);
      p.a.engine.triggerEvent('e', data);
    };
    for (let i = 0; i < MAX_BATCH_EVENTS + 10; i += 1) send(String(i));
    send(large);
    for (let i = 0; i < 3; i += 1) send(`after-${i}`);
    // Each ~4 KB: four fill a batch's 16 KB, the fifth starts another.
    for (let i = 0; i < 5; i += 1) send(`${i}`.padEnd(4_000, '.'));
    await endOfTask();
    expect(p.ab.frames.map((f) => [f.kind, f.events.length])).toEqual([
      ['batch', MAX_BATCH_EVENTS],
      ['batch', 10],
      ['single', 1],
      ['batch', 7],
      ['batch', 1],
    ]);
    p.pump();
    expect(p.b.seen.event.map((e) => e.data)).toEqual(sent);
    expect(p.b.engine.getPeerStats()[0]).toMatchObject({ messagesIn: sent.length, framesIn: 5 });
    expect(p.a.engine.getPeerStats()[0]).toMatchObject({ messagesOut: sent.length, framesOut: 5 });
  });

  it('a broadcast goes as one batch per engine link, singles to stock links', async () => {
    const r = readyRig();
    const engineConn = r.last().incoming('eng', { lanParty: 1, caps: ['batch'] });
    engineConn.openNow();
    const stock = r.last().incoming('stock', undefined);
    stock.openNow();
    r.engine.triggerEvent('e', '1');
    r.engine.triggerVariableEvent('v', [2]);
    await endOfTask();
    expect(engineConn.frames).toEqual([
      {
        kind: 'batch',
        events: [
          { eventName: 'e', data: '1' },
          { eventName: 'v', data: '[2]' },
        ],
      },
    ]);
    expect(stock.frames.map((f) => f.kind)).toEqual(['single', 'single']);
  });

  it('malformed batches are dropped and counted, never thrown; valid frames around them still arrive', () => {
    const p = enginePair();
    const bad = ['{"lp":1,"t":"b","e":["a"]}', '{"lp":1,"t":"b","e":["a","1",7,"2"]}', '{"lp":1,"t":"b","e":[]}', '{"lp":1,"t":"b","e":['];
    p.ba.receive({ kind: 'event', event: { eventName: 'ok', data: 'before' } });
    for (const text of bad) p.ba.receive(decodeText(text, true));
    p.ba.receive(decodeText('{"lp":1,"t":"b","e":["ok","after"]}', true));
    expect(p.b.seen.event.map((e) => e.data)).toEqual(['before', 'after']);
    expect(p.b.engine.getStats().malformedIn).toBe(4);
    expect(p.b.engine.getPeerStats()[0]).toMatchObject({ malformedIn: 4, messagesIn: 2, framesIn: 2 });
    // Rate-limited error, as for any malformed frame.
    expect(p.b.seen.error).toHaveLength(1);
  });

  it('a batch that cannot be sent records one error naming how many events were lost', async () => {
    const p = enginePair();
    for (let i = 0; i < 7; i += 1) p.a.engine.triggerEvent('e', String(i));
    // The channel went away within the task (no close event yet).
    p.ab.open = false;
    await endOfTask();
    expect(p.a.seen.error.map((e) => e.message)).toEqual(['Connection to pb is not open: 7 events not sent']);
    expect(p.a.engine.getPeerStats()[0]).toMatchObject({ messagesOut: 0, framesOut: 0 });
  });

  it('events queued before a local disconnect leave before the connection closes', () => {
    const p = enginePair();
    p.a.engine.triggerEvent('e', '1');
    p.a.engine.triggerEvent('e', '2');
    p.a.engine.disconnectFromPeer('pb');
    expect(p.ab.frames).toEqual([
      {
        kind: 'batch',
        events: [
          { eventName: 'e', data: '1' },
          { eventName: 'e', data: '2' },
        ],
      },
    ]);
    expect(p.ab.closed).toBe(true);
    expect(p.a.seen.error).toEqual([]);
  });

  it('a connection closed by the other side within the task loses its pending events with one error', async () => {
    const p = enginePair();
    p.a.engine.triggerEvent('e', '1');
    p.ab.remoteClose();
    await endOfTask();
    expect(p.ab.frames).toEqual([]);
    expect(p.a.seen.error.map((e) => e.message)).toEqual(['1 events to pb were not sent: the connection closed']);
  });
});

// =============================================================================
// Issue 13, defects 1-5: each test fails on the engine before the fix.
// =============================================================================

describe('frame queues are bounded in bytes (issue 10, item 7)', () => {
  it('300 events of 1 MiB from a stock peer: at most 16 MiB kept, one error, the rest counted as dropped', () => {
    const r = readyRig();
    const stock = r.last().incoming('stock');
    stock.openNow();
    const data = 'x'.repeat(1024 * 1024 - 64);
    for (let i = 0; i < 300; i += 1) stock.receiveEvent('flood', data);
    const kept = r.engine.getAllEventData('flood').length;
    expect(kept * data.length).toBeLessThanOrEqual(16 * 1024 * 1024);
    expect(r.engine.getStats().droppedEvents).toBe(300 - kept);
    expect(r.seen.error.map((e) => [e.code, e.message])).toEqual([
      ['queue-full', 'Event queue "flood" is full (16 MiB): dropping new events until the game catches up'],
    ]);
    // The listener API still saw every event.
    expect(r.seen.event).toHaveLength(300);
  });
});

describe('frame queues hold only what a frame loop consumes (issue 13, defect 1)', () => {
  it('an app that only listens keeps nothing, however much arrives; a frame loop starting later gets what comes after', () => {
    // The default mode (`auto`), as the dashboard and any listener-only app create the engine.
    const r = readyRig('me', { frameQueues: 'auto' });
    const a = connected(r, 'a');
    const inc = r.last().incoming('b', { lanParty: 1 });
    inc.openNow();
    for (let i = 0; i < 100_001; i += 1) a.receiveEvent('pos', String(i));
    inc.remoteClose();
    // The listener saw everything; nothing was held for frames nobody runs, and no "queue is full" error.
    expect(r.seen.event).toHaveLength(100_001);
    expect(r.seen.peerConnected).toHaveLength(2);
    expect(r.seen.peerDisconnected).toHaveLength(1);
    expect(r.seen.error).toEqual([]);
    expect(r.engine.getStats().droppedEvents).toBe(0);
    // The first frame call starts the queues: what arrived before is not there.
    expect(r.engine.eventTriggered('pos', false)).toBe(false);
    expect(r.engine.getAllEventData('pos')).toEqual([]);
    expect(r.engine.peerConnected()).toBe(false);
    expect(r.engine.peerDisconnected()).toBe(false);
    a.receiveEvent('pos', 'after');
    expect(r.engine.eventTriggered('pos', false)).toBe(true);
    expect(r.engine.getEventData('pos')).toBe('after');
  });

  it('`frameQueues: "off"` never queues; `"on"` queues from the start, as the spec\'s frame model', () => {
    const off = readyRig('me', { frameQueues: 'off' });
    const a = connected(off, 'a');
    a.receiveEvent('e', '1');
    off.engine.endFrame();
    a.receiveEvent('e', '2');
    expect(off.engine.eventTriggered('e', false)).toBe(false);
    expect(off.seen.event).toHaveLength(2);
    const on = readyRig('me', { frameQueues: 'on' });
    const b = connected(on, 'b');
    b.receiveEvent('e', '1');
    expect(on.engine.getEventData('e')).toBe('1');
  });
});

describe('every queued item is visible for one full frame, whoever caused it (issue 13, defect 2)', () => {
  it('a disconnect the game asks for after its "Peer disconnected" condition is seen the next frame, for one frame', () => {
    const r = readyRig();
    connected(r, 'a');
    connected(r, 'b');
    // Frame 1: the condition comes first in the game's events, the action later.
    expect(r.engine.peerDisconnected()).toBe(false);
    r.engine.disconnectFromPeer('a');
    r.engine.endFrame();
    // Frame 2: seen, with its id.
    expect(r.engine.peerDisconnected()).toBe(true);
    expect(r.engine.getLastDisconnectedPeer()).toBe('a');
    r.engine.endFrame();
    // Frame 3: gone (exactly one frame).
    expect(r.engine.peerDisconnected()).toBe(false);
    expect(r.engine.getLastDisconnectedPeer()).toBe('');
    r.engine.endFrame();
    // An action before any condition of its frame is seen in that same frame, and only there.
    r.engine.disconnectFromPeer('b');
    expect(r.engine.getLastDisconnectedPeer()).toBe('b');
    r.engine.endFrame();
    expect(r.engine.peerDisconnected()).toBe(false);
  });

  it('the same holds for every peer of "disconnect from all peers"; order is kept behind items already queued', () => {
    const r = readyRig();
    const a = connected(r, 'a');
    connected(r, 'b');
    connected(r, 'c');
    a.remoteClose();
    expect(r.engine.getLastDisconnectedPeer()).toBe('a');
    r.engine.disconnectFromAllPeers();
    const seen: string[] = [];
    for (let frame = 0; frame < 5; frame += 1) {
      if (r.engine.peerDisconnected()) seen.push(r.engine.getLastDisconnectedPeer());
      r.engine.endFrame();
    }
    expect(seen).toEqual(['a', 'b', 'c']);
  });
});

describe('the event-name cap counts live queues only (issue 13, defect 3)', () => {
  it('names the game evaluated do not use it up; drained names are freed', () => {
    const r = readyRig();
    const a = connected(r, 'a');
    for (let i = 0; i < 1_024; i += 1) r.engine.eventTriggered(`hit_${i}`, i % 2 === 0);
    a.receiveEvent('remote', 'x');
    expect(r.engine.eventTriggered('remote', false)).toBe(true);
    r.engine.endFrame();
    // 1,024 live names from a peer fill it; the next is dropped with one error...
    for (let i = 0; i < 1_024; i += 1) a.receiveEvent(`n${i}`, '1');
    a.receiveEvent('over', '1');
    expect(r.engine.eventTriggered('over', false)).toBe(false);
    expect(r.seen.error.map((e) => [e.code, e.message])).toEqual([['queue-full', 'Too many distinct event names (1024): dropped event "over" from a']]);
    // ...until a frame drains them: every name is free again.
    r.engine.endFrame();
    a.receiveEvent('later', '1');
    expect(r.engine.eventTriggered('later', false)).toBe(true);
    // The data-loss mode chosen for a name outlives its queue.
    r.engine.eventTriggered('hit_0', true);
    a.receiveEvent('hit_0', '1');
    a.receiveEvent('hit_0', '2');
    expect(r.engine.getAllEventData('hit_0')).toEqual([{ data: '2', sender: 'a' }]);
  });
});

describe('a fatal broker error stops every automatic registration (issue 13, defect 4)', () => {
  it('after "ID taken" on the default broker, a move of the default registers nothing until the game acts', async () => {
    const { r, source } = await defaultBrokerRig(BROKER, 'x');
    r.last().error('unavailable-id', 'ID "x" is taken');
    r.last().destroy();
    expect(r.engine.getLastError()).toBe('ID "x" is taken');
    source.set(BROKER_B);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(r.peers).toHaveLength(1);
    expect(r.engine.isReady()).toBe(false);
    expect(r.seen.error.map((e) => [e.code, e.message])).toEqual([['id-taken', 'ID "x" is taken']]);
    // The game acts: it registers again (the override was for that one connection).
    r.engine.overrideId('y');
    r.engine.useDefaultBroker();
    await vi.advanceTimersByTimeAsync(0);
    expect(r.peers).toHaveLength(2);
    expect(r.last().id).toBe('y');
    expect(r.last().options).toMatchObject({ host: BROKER_B.host });
  });

  it('an invalid key is fatal too: no retry on broker loss either', async () => {
    const { r, source } = await defaultBrokerRig(BROKER);
    r.last().error('invalid-key', 'API KEY "k" is invalid');
    r.last().disconnect();
    source.set(BROKER_B);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(r.peers).toHaveLength(1);
    expect(r.engine.getLastError()).toBe('API KEY "k" is invalid');
  });
});

describe('test gaps (issue 13, defect 5)', () => {
  it('an override is used for one connection only, even when that registration failed', () => {
    const r = readyRig('first');
    r.engine.disconnectFromBroker();
    r.engine.overrideId('second');
    r.engine.useBroker(BROKER.host, BROKER.port);
    expect(r.last().id).toBe('second');
    r.last().error('unavailable-id', 'ID "second" is taken');
    r.last().destroy();
    // The pending override was cleared when it was used: the next connection takes the id we had.
    r.engine.useBroker(BROKER.host, BROKER.port);
    expect(r.last().id).toBe('first');
  });

  it('destroy() releases connections, broker links (current and retired), timers and listeners; later calls do nothing', () => {
    const r = readyRig('me');
    const a = connected(r, 'a');
    const first = r.last();
    // A retired Peer: its broker link closed, its data connection still up.
    r.engine.disconnectFromBroker();
    r.engine.useBroker(BROKER_B.host, BROKER_B.port);
    r.last().openNow();
    const b = connected(r, 'b');
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    const errorsBefore = r.seen.error.length;
    r.engine.destroy();
    expect([a.closed, b.closed]).toEqual([true, true]);
    expect(r.peers.map((p) => p.destroyed)).toEqual([true, true]);
    expect(first.destroyed).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    expect(r.engine.isReady()).toBe(false);
    expect(r.engine.getConnectedPeers()).toEqual([]);
    const disconnectsReported = r.seen.peerDisconnected.length;
    // Unusable afterwards: nothing is created, nothing is reported, nothing throws.
    r.engine.useBroker(BROKER.host, BROKER.port);
    r.engine.connect('c');
    expect(r.engine.triggerEvent('e', 'd')).toMatchObject({ ok: false, peers: 0 });
    a.receiveEvent('late', '1');
    r.engine.destroy();
    expect(r.peers).toHaveLength(2);
    expect(r.seen.error).toHaveLength(errorsBefore);
    expect(r.seen.event).toEqual([]);
    expect(r.seen.peerDisconnected).toHaveLength(disconnectsReported);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('errors have codes; sends return a result (issue 13, defect 6)', () => {
  it('each send says whether every connection took the event, with the code of the error it recorded', () => {
    const r = readyRig();
    const a = connected(r, 'a');
    connected(r, 'b');
    expect(r.engine.triggerEvent('e', 'd')).toEqual({ ok: true, peers: 2 });
    expect(r.engine.triggerVariableEventOnPeer('a', 'v', [1])).toEqual({ ok: true, peers: 1 });
    expect(r.engine.triggerEventOnPeer('nobody', 'e', 'd')).toEqual({ ok: false, peers: 0, code: 'peer-not-connected', message: 'Peer nobody is not connected' });
    expect(r.engine.triggerEvent('', 'd')).toMatchObject({ ok: false, peers: 0, code: 'invalid-argument' });
    expect(r.engine.triggerVariableEvent('e', () => 1)).toMatchObject({ ok: false, peers: 0, code: 'invalid-argument' });
    expect(r.engine.triggerEvent('e', 'x'.repeat(1024 * 1024 + 1))).toMatchObject({ ok: false, peers: 0, code: 'too-large' });
    // One connection refuses (its channel went away): the others still got it.
    a.open = false;
    expect(r.engine.triggerEvent('e', 'd')).toEqual({ ok: false, peers: 1, code: 'send-failed', message: 'Connection to a is not open' });
    expect(r.seen.error.map((e) => e.code)).toEqual(['peer-not-connected', 'invalid-argument', 'invalid-argument', 'too-large', 'send-failed']);
    expect(r.engine.getErrorLog().map((e) => e.code)).toEqual(r.seen.error.map((e) => e.code));
  });

  it('a failed connect is found from the broker\'s EXPIRE as data, not from PeerJS\'s English text', () => {
    const r = readyRig();
    r.engine.connect('ghost');
    r.engine.connect('other');
    // PeerJS's message wording is irrelevant: only its typed error and the socket's EXPIRE count.
    r.last().error('peer-unavailable', 'Impossible de joindre le pair');
    r.last().socket.emit('message', { type: 'EXPIRE', src: 'ghost' });
    expect(r.seen.error.map((e) => [e.code, e.message])).toEqual([['peer-unavailable', 'Could not connect to peer ghost']]);
    expect(r.engine.getPeerStats().map((p) => p.peerId)).toEqual(['other']);
    expect(r.last().conns.map((c) => c.closed)).toEqual([true, false]);
  });

  it('broker errors carry codes: id-taken for a taken id, broker-error otherwise', () => {
    const r = readyRig();
    r.last().error('server-error', 'Something broke');
    expect(r.seen.error.map((e) => e.code)).toEqual(['broker-error']);
  });
});
