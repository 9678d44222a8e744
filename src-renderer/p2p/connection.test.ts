/**
 * `LanConnection` (connection.ts): every serialization a stock PeerJS
 * 1.4.x/1.5.x client can offer, decoded from the frames such a client really
 * sends (PeerJS's own BinaryPack `util.pack`/`util.chunk`, JSON text, UTF-8
 * bytes), and bad frames dropped as `invalid` (the engine counts them: last
 * test). Node has no WebRTC: a fake `RTCPeerConnection` hands PeerJS a fake
 * data channel, whose `message` the test drives; everything above it is the
 * real PeerJS `DataConnection` code path.
 */
import type { Peer, PeerOptions } from 'peerjs';
import { util } from 'peerjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHUNK_MTU, LanConnection, MAX_SEND_BUFFER_MESSAGES, MAX_UNCHUNKED_FRAME_BYTES } from './connection.js';
import { createStaticDefaultBrokerSource } from './default-broker.js';
import { P2PEngine } from './engine.js';
import { largeHeader, PIECE_BYTES } from './large-events.js';
import { MAX_EVENT_DATA_BYTES, MAX_MESSAGE_BYTES, type Decoded } from './wire.js';

type MessageListener = (event: { data: unknown }) => void;

class FakeChannel {
  binaryType = 'blob';
  bufferedAmount = 0;
  readyState = 'open';
  readonly sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: unknown = null;
  onclose: (() => void) | null = null;
  private readonly listeners: MessageListener[] = [];
  addEventListener(type: string, listener: MessageListener): void {
    if (type === 'message') this.listeners.push(listener);
  }
  send(data: unknown): void {
    this.sent.push(data);
  }
  close(): void {
    this.readyState = 'closed';
  }
  /** A frame arrives. */
  message(data: unknown): void {
    for (const listener of this.listeners) listener({ data });
  }
}

class FakePeerConnection {
  readonly channel = new FakeChannel();
  signalingState = 'stable';
  createDataChannel(): FakeChannel {
    return this.channel;
  }
  // Negotiation never completes: these tests start from an open channel.
  createOffer(): Promise<never> {
    return new Promise(() => undefined);
  }
  setRemoteDescription(): Promise<never> {
    return new Promise(() => undefined);
  }
  close(): void {
    this.signalingState = 'closed';
  }
}

beforeAll(() => {
  vi.stubGlobal('RTCPeerConnection', FakePeerConnection);
  vi.stubGlobal(
    'RTCSessionDescription',
    class {
      readonly init: unknown;
      constructor(init: unknown) {
        this.init = init;
      }
    },
  );
});

afterAll(() => {
  vi.unstubAllGlobals();
});

/** What PeerJS's `Peer` gives a connection (its provider). */
function provider(): Peer {
  return { options: { config: {} }, socket: { send: () => undefined }, emitError: () => undefined, _removeConnection: () => undefined } as unknown as Peer;
}

interface Opened {
  conn: LanConnection;
  channel: FakeChannel;
  got: Decoded[];
  bytes: number[];
  activity: number;
}

/**
 * An open connection. `offer`: the connection answers a stock client's offer
 * (1.4.x offers carry `browser`); without it, we opened it.
 */
function open(serialization: string, offer?: Record<string, unknown>): Opened {
  const conn = new LanConnection('remote', provider(), { serialization, reliable: true, ...(offer ? { _payload: { sdp: {}, ...offer } } : {}) });
  let channel: FakeChannel;
  if (offer) {
    // The answerer gets the channel from `ondatachannel` once negotiated: hand it over directly.
    channel = new FakeChannel();
    (conn as unknown as { _initializeDataChannel(dc: FakeChannel): void })._initializeDataChannel(channel);
  } else {
    channel = (conn.peerConnection as unknown as FakePeerConnection).channel;
  }
  const opened: Opened = { conn, channel, got: [], bytes: [], activity: 0 };
  conn.sink = (decoded, bytes) => {
    opened.got.push(decoded);
    opened.bytes.push(bytes);
  };
  conn.activity = () => {
    opened.activity += 1;
  };
  channel.onopen?.();
  expect(conn.open).toBe(true);
  return opened;
}

function packed(value: unknown): ArrayBuffer {
  const out = util.pack(value as Parameters<typeof util.pack>[0]);
  if (out instanceof Promise) throw new Error('BinaryPack returned a promise');
  return out as ArrayBuffer;
}

/** The frames stock PeerJS `binary` sends for a message: one, or its chunks when larger than the MTU. */
function stockBinaryFrames(value: unknown): ArrayBuffer[] {
  const whole = packed(value);
  if (whole.byteLength <= CHUNK_MTU) return [whole];
  return util.chunk(whole).map((chunk) => packed(chunk));
}

const event = (eventName: string, data: string): Decoded => ({ kind: 'event', event: { eventName, data } });

function kinds(got: Decoded[]): string[] {
  return got.map((d) => (d.kind === 'invalid' ? `invalid: ${d.reason}` : d.kind));
}

describe('binary (BinaryPack, PeerJS 1.4.x/1.5.x default)', () => {
  it('decodes an event, and a chunked one reassembled from its chunks (each chunk a sign of life)', () => {
    const o = open('binary', {});
    o.channel.message(packed({ eventName: 'e', data: 'd' }));
    const big = 'B'.repeat(100_000);
    const frames = stockBinaryFrames({ eventName: 'big', data: big });
    expect(frames.length).toBeGreaterThan(5);
    // Out of order chunks are fine: each has its index.
    for (const frame of [...frames].reverse()) o.channel.message(frame);
    expect(o.got).toEqual([event('e', 'd'), event('big', big)]);
    expect(o.activity).toBe(1 + frames.length);
    expect(o.bytes[0]).toBe(packed({ eventName: 'e', data: 'd' }).byteLength);
  });

  it('drops what does not decode or is not { eventName: string, data: string }, never throws', () => {
    const o = open('binary', {});
    o.channel.message(new Uint8Array([0xc1, 0xc1, 0xc1, 0xc1]).buffer);
    o.channel.message(packed({ eventName: 5, data: 'd' }));
    o.channel.message(packed({ eventName: 'e', data: { nested: true } }));
    o.channel.message(packed(['eventName', 'data']));
    o.channel.message(packed({ eventName: '', data: '' }));
    o.channel.message(42);
    o.channel.message(new ArrayBuffer(MAX_MESSAGE_BYTES + 2048));
    expect(o.got.every((d) => d.kind === 'invalid')).toBe(true);
    expect(kinds(o.got).slice(1)).toEqual([
      'invalid: eventName is not a string',
      'invalid: data is not a string',
      'invalid: not an object',
      'invalid: eventName length 0 is outside 1..256',
      'invalid: unsupported frame type',
      `invalid: frame of ${MAX_MESSAGE_BYTES + 2048} bytes is too large`,
    ]);
  });

  it('bounds chunk reassembly: malformed, inconsistent and oversized chunks are dropped', () => {
    const o = open('binary', {});
    const chunk = (fields: Record<string, unknown>): ArrayBuffer => packed({ __peerData: 1, n: 0, total: 2, data: new Uint8Array([1, 2]).buffer, ...fields });
    o.channel.message(chunk({ total: 10_000 }));
    o.channel.message(chunk({ n: 5 }));
    o.channel.message(chunk({ data: 'not bytes' }));
    o.channel.message(chunk({}));
    o.channel.message(chunk({}));
    expect(kinds(o.got)).toEqual(['invalid: malformed chunk', 'invalid: malformed chunk', 'invalid: malformed chunk', 'invalid: inconsistent chunk']);
  });

  it('a stock PeerJS 1.5 close request closes the connection', () => {
    const o = open('binary', {});
    const closed = vi.fn();
    o.conn.on('close', closed);
    o.channel.message(packed({ __peerData: { type: 'close' } }));
    expect(o.got).toEqual([]);
    expect(closed).toHaveBeenCalledTimes(1);
    expect(o.conn.open).toBe(false);
  });

  it('sends BinaryPack to a stock peer (chunked above the MTU) and JSON text to an engine; the other end decodes both', () => {
    const sender = open('binary');
    const receiver = open('binary', {});
    const big = 'C'.repeat(50_000);
    expect(sender.conn.sendEvent({ eventName: 'small', data: 's' })).toMatchObject({ ok: true });
    expect(sender.conn.sendEvent({ eventName: 'big', data: big })).toMatchObject({ ok: true });
    expect(sender.channel.sent.every((f) => f instanceof ArrayBuffer)).toBe(true);
    expect(sender.channel.sent.length).toBeGreaterThan(2);
    sender.conn.remoteIsEngine = true;
    sender.conn.sendEvent({ eventName: 'text', data: 't' });
    expect(sender.channel.sent.at(-1)).toBe('{"eventName":"text","data":"t"}');
    for (const frame of sender.channel.sent) receiver.channel.message(frame);
    expect(receiver.got).toEqual([event('small', 's'), event('big', big), event('text', 't')]);
  });

  it('text frames on a binary connection are an engine\'s: events, and control messages', () => {
    const o = open('binary', {});
    o.channel.message('{"eventName":"e","data":"d"}');
    o.channel.message('{"lp":1,"t":"ping","s":1,"ts":2}');
    o.channel.message('{"lp":1,"t":"b","e":["a","1","b","2"]}');
    o.channel.message('not json');
    expect(o.got).toEqual([
      event('e', 'd'),
      { kind: 'control', control: { t: 'ping', s: 1, ts: 2 } },
      {
        kind: 'batch',
        events: [
          { eventName: 'a', data: '1' },
          { eventName: 'b', data: '2' },
        ],
      },
      { kind: 'invalid', reason: 'not JSON' },
    ]);
  });
});

describe('binary-utf8 and default', () => {
  it('are BinaryPack too', () => {
    for (const serialization of ['binary-utf8', 'default', 'msgpack-from-a-hostile-offer']) {
      const o = open(serialization, {});
      o.channel.message(packed({ eventName: 'e', data: 'é' }));
      expect(o.got).toEqual([event('e', 'é')]);
      expect(o.conn.serialization).toBe(serialization === 'binary-utf8' ? 'binary-utf8' : 'binary');
    }
  });
});

describe('json', () => {
  it('PeerJS 1.4.x (its offer carries `browser`): text frames both ways', () => {
    const o = open('json', { browser: 'chrome' });
    o.channel.message('{"eventName":"e","data":"d"}');
    expect(o.got).toEqual([event('e', 'd')]);
    o.conn.sendEvent({ eventName: 'back', data: 'x' });
    expect(o.channel.sent).toEqual(['{"eventName":"back","data":"x"}']);
  });

  it('PeerJS 1.5.x: UTF-8 binary frames both ways; a text frame switches the answers to text', () => {
    const o = open('json', {});
    o.channel.message(new TextEncoder().encode('{"eventName":"e","data":"ü"}'));
    expect(o.got).toEqual([event('e', 'ü')]);
    o.conn.sendEvent({ eventName: 'back', data: 'x' });
    const first = o.channel.sent[0];
    expect(first).toBeInstanceOf(ArrayBuffer);
    expect(new TextDecoder().decode(first as ArrayBuffer)).toBe('{"eventName":"back","data":"x"}');
    o.channel.message('{"eventName":"e","data":"2"}');
    o.conn.sendEvent({ eventName: 'back', data: 'y' });
    expect(o.channel.sent[1]).toBe('{"eventName":"back","data":"y"}');
  });

  it('drops bad UTF-8, bad JSON and control messages from a stock peer; refuses to send beyond one unchunked frame', () => {
    const o = open('json', {});
    o.channel.message(new Uint8Array([0xff, 0xfe, 0xfd]));
    o.channel.message('{"eventName":');
    o.channel.message('{"lp":1,"t":"ping","s":1,"ts":2}');
    expect(kinds(o.got)).toEqual(['invalid: not UTF-8', 'invalid: not JSON', 'invalid: eventName is not a string']);
    const result = o.conn.sendEvent({ eventName: 'big', data: 'x'.repeat(MAX_UNCHUNKED_FRAME_BYTES) });
    expect(result).toMatchObject({ ok: false, code: 'too-large' });
    expect(o.channel.sent).toEqual([]);
  });
});

describe('raw', () => {
  it('JSON of { eventName, data } either way in; JSON text out (a stock raw peer gets exactly that string)', () => {
    const o = open('raw', {});
    o.channel.message('{"eventName":"e","data":"1"}');
    o.channel.message(new TextEncoder().encode('{"eventName":"e","data":"2"}').buffer);
    o.channel.message('"just a string"');
    expect(kinds(o.got)).toEqual(['event', 'event', 'invalid: not an object']);
    o.conn.sendEvent({ eventName: 'back', data: 'x' });
    expect(o.channel.sent).toEqual(['{"eventName":"back","data":"x"}']);
  });
});

describe('sending failures', () => {
  it('are results with a code, never exceptions', () => {
    const o = open('binary');
    (o.conn as unknown as { _bufferSize: number })._bufferSize = MAX_SEND_BUFFER_MESSAGES;
    expect(o.conn.sendEvent({ eventName: 'e', data: 'd' })).toMatchObject({ ok: false, code: 'send-failed' });
    expect(o.conn.sendBatch('{}', 2, 3)).toMatchObject({ ok: false, code: 'send-failed', error: expect.stringContaining('3 events dropped') as unknown });
    o.conn.close();
    expect(o.conn.sendEvent({ eventName: 'e', data: 'd' })).toEqual({ ok: false, code: 'send-failed', error: 'Connection to remote is not open' });
    expect(o.conn.sendControl({ t: 'ping', s: 1, ts: 1 })).toMatchObject({ ok: false, code: 'send-failed' });
  });

  it('a sink that throws does not break the channel\'s message loop', () => {
    const o = open('binary', {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    o.conn.sink = () => {
      throw new Error('engine bug');
    };
    expect(() => o.channel.message(packed({ eventName: 'e', data: 'd' }))).not.toThrow();
    expect(error).toHaveBeenCalled();
    error.mockRestore();
  });
});

describe('large events between engines (large-events.ts)', () => {
  it('to an engine that declared `large`: a header and 64 KiB UTF-8 pieces, in order with the text frames around them, each piece a sign of life', () => {
    const sender = open('binary');
    const receiver = open('binary', {});
    sender.conn.remoteIsEngine = true;
    sender.conn.largePieces = true;
    const data = 'é'.repeat(MAX_EVENT_DATA_BYTES / 2);
    sender.conn.sendEvent({ eventName: 'before', data: 'b' });
    expect(sender.conn.sendEvent({ eventName: 'big', data })).toMatchObject({ ok: true, bytes: largeHeader('big', MAX_EVENT_DATA_BYTES).length + MAX_EVENT_DATA_BYTES });
    sender.conn.sendEvent({ eventName: 'after', data: 'a' });
    const frames = sender.channel.sent;
    expect(frames[1]).toBe(largeHeader('big', MAX_EVENT_DATA_BYTES));
    const pieces = frames.slice(2, -1) as Uint8Array[];
    expect(pieces.map((p) => p.byteLength)).toEqual(new Array<number>(16).fill(PIECE_BYTES));
    for (const frame of frames) receiver.channel.message(frame);
    expect(receiver.got).toEqual([event('before', 'b'), event('big', data), event('after', 'a')]);
    expect(receiver.activity).toBe(frames.length);
  });

  it('toward a stock peer or an engine without `large`: BinaryPack chunks, as before', () => {
    const sender = open('binary');
    sender.conn.remoteIsEngine = true;
    sender.conn.sendEvent({ eventName: 'big', data: 'x'.repeat(100_000) });
    expect(sender.channel.sent.every((f) => f instanceof ArrayBuffer && f.byteLength <= CHUNK_MTU + 64)).toBe(true);
    expect(sender.channel.sent.length).toBeGreaterThan(6);
  });

  it('a frame between a header and its last piece drops the message (counted) and is itself delivered; json connections never reassemble', () => {
    const o = open('binary', {});
    o.channel.message(largeHeader('big', 100));
    o.channel.message(new Uint8Array(50));
    o.channel.message('{"eventName":"e","data":"d"}');
    // With no header pending, binary frames are BinaryPack again.
    o.channel.message(packed({ eventName: 'p', data: 'q' }));
    o.channel.message(largeHeader('big', MAX_EVENT_DATA_BYTES + 1));
    expect(kinds(o.got)).toEqual(['invalid: large event interrupted after 50 of 100 bytes', 'event', 'event', `invalid: large-event header: size outside 1..${MAX_EVENT_DATA_BYTES} bytes`]);
    const json = open('json', { browser: 'chrome' });
    json.channel.message(largeHeader('big', 10));
    expect(kinds(json.got)).toEqual(['invalid: eventName is not a string']);
  });
});

describe('in the engine', () => {
  it('bad frames of a real connection are dropped and counted; the good ones are delivered', () => {
    const handlers = new Map<string, (...args: unknown[]) => void>();
    const fakePeer = {
      disconnected: false,
      destroyed: false,
      on(name: string, handler: (...args: unknown[]) => void) {
        handlers.set(name, handler);
        return this;
      },
      destroy() {
        this.destroyed = true;
      },
      disconnect() {
        this.disconnected = true;
      },
    };
    const engine = new P2PEngine({
      defaultBroker: createStaticDefaultBrokerSource(null),
      frameQueues: 'on',
      peerFactory: (_id: string, _options: PeerOptions) => fakePeer as unknown as Peer,
    });
    const events: string[] = [];
    engine.on('event', (e) => events.push(e.data));
    engine.useBroker('127.0.0.1', 9000);
    handlers.get('open')?.('me');
    const conn = new LanConnection('stock', provider(), { serialization: 'binary', reliable: false, _payload: { sdp: {} } });
    const channel = new FakeChannel();
    (conn as unknown as { _initializeDataChannel(dc: FakeChannel): void })._initializeDataChannel(channel);
    handlers.get('connection')?.(conn);
    channel.onopen?.();
    channel.message(packed({ eventName: 'e', data: '1' }));
    channel.message(new Uint8Array([0xc1]).buffer);
    channel.message(packed({ eventName: 7 }));
    channel.message('{"lp":1,"t":"b","e":["a"]}');
    channel.message(packed({ eventName: 'e', data: '2' }));
    expect(events).toEqual(['1', '2']);
    expect(engine.getStats().malformedIn).toBe(3);
    expect(engine.getPeerStats()[0]).toMatchObject({ peerId: 'stock', malformedIn: 3, messagesIn: 2 });
    expect(engine.getAllEventData('e').map((q) => q.data)).toEqual(['1', '2']);
    engine.destroy();
  });
});
