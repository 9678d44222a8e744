/**
 * The agent reads `{eventName, data}` out of frames built by the real PeerJS
 * serializers (peerjs 1.5.5 and 1.4.6 from node_modules), not hand-made bytes.
 */
import { util as util15 } from 'peerjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeMessage, messageBytes } from './event-decode';

const limits = { maxNameChars: 64, maxDataChars: 256, maxEventsPerFrame: 200 };
const move = { eventName: 'move', data: '{"x":40,"y":150}' };

interface Util146 {
  pack(value: unknown): Blob;
  chunk(blob: Blob): { __peerData: number; n: number; total: number; data: Blob }[];
}
let util146: Util146;

beforeAll(async () => {
  // PeerJS 1.4.6 probes `navigator` when it loads (Node 20 has none).
  (globalThis as { navigator?: unknown }).navigator ??= { platform: 'Linux', userAgent: 'node' };
  ({ util: util146 } = (await import('peerjs-1.4.6')) as unknown as { util: Util146 });
});

function pack15(value: unknown): ArrayBuffer {
  const out = util15.pack(value as Parameters<typeof util15.pack>[0]);
  if (out instanceof Promise) throw new Error('unexpected promise');
  return out as ArrayBuffer;
}

describe('decodeMessage: every PeerJS serialization', () => {
  it('binary (BinaryPack) from PeerJS 1.5 and 1.4.6, as ArrayBuffer or a view', async () => {
    const frame = pack15(move);
    expect(decodeMessage(frame, limits)).toEqual({ bytes: frame.byteLength, events: [{ name: 'move', data: move.data }], omitted: 0 });
    expect(decodeMessage(new Uint8Array(frame), limits).events).toEqual([{ name: 'move', data: move.data }]);
    const old = await util146.pack({ eventName: 'chat', data: 'héllo ✓' }).arrayBuffer();
    expect(decodeMessage(old, limits).events).toEqual([{ name: 'chat', data: 'héllo ✓' }]);
  });

  it('binary with non-string data (any PeerJS game): a JSON preview, binary parts by size', () => {
    const frame = pack15({ eventName: 'state', data: { x: 1.5, list: [1, -2, true, null], blob: new Uint8Array(40) } });
    expect(decodeMessage(frame, limits).events).toEqual([{ name: 'state', data: '{"x":1.5,"list":[1,-2,true,null],"blob":"<40 bytes>"}' }]);
  });

  it('json: text (1.4.6) and UTF-8 bytes (1.5)', () => {
    const text = JSON.stringify(move);
    expect(decodeMessage(text, limits)).toEqual({ bytes: text.length, events: [{ name: 'move', data: move.data }], omitted: 0 });
    const bytes = new TextEncoder().encode(text);
    expect(decodeMessage(bytes, limits).events).toEqual([{ name: 'move', data: move.data }]);
  });

  it('raw: JSON-looking text is read, anything else only counted', () => {
    expect(decodeMessage(' {"eventName":"ping","data":"1"}', limits).events).toEqual([{ name: 'ping', data: '1' }]);
    expect(decodeMessage('hello world', limits)).toEqual({ bytes: 11, events: [], omitted: 0 });
    expect(decodeMessage('{"type":"not an event"}', limits).events).toEqual([]);
    expect(decodeMessage(new Uint8Array([1, 2, 3]), limits)).toEqual({ bytes: 3, events: [], omitted: 0 });
  });

  it("our engine's batch frames give each event, bounded per frame", () => {
    const batch = JSON.stringify({ lp: 1, t: 'b', e: ['a', '1', 'b', '2', 'c', '3'] });
    expect(decodeMessage(batch, limits).events.map((e) => e.name)).toEqual(['a', 'b', 'c']);
    const two = decodeMessage(batch, { ...limits, maxEventsPerFrame: 2 });
    expect(two.events).toHaveLength(2);
    expect(two.omitted).toBe(1);
    expect(decodeMessage(JSON.stringify({ lp: 1, t: 'ping', s: 1, ts: 2 }), limits).events).toEqual([]);
  });

  it('counts a chunked BinaryPack message (over 16 KiB) chunk by chunk without decoding it', async () => {
    const big = { eventName: 'level', data: 'x'.repeat(40_000) };
    const chunks15 = util15.chunk(pack15(big)).map((chunk) => pack15(chunk));
    const chunks146 = await Promise.all(util146.chunk(util146.pack(big)).map((chunk) => util146.pack(chunk).arrayBuffer()));
    for (const chunk of [...chunks15, ...chunks146]) {
      const seen = decodeMessage(chunk, limits);
      expect(seen.events).toEqual([]);
      expect(seen.bytes).toBe(chunk.byteLength);
    }
    expect(chunks15.length).toBeGreaterThan(1);
    expect(chunks146.length).toBeGreaterThan(1);
  });

  it('keeps previews and names within their limits; a large text frame is read by its prefix', () => {
    const long = { eventName: 'n'.repeat(100), data: 'd'.repeat(100_000) };
    for (const frame of [pack15(long), JSON.stringify(long), new TextEncoder().encode(JSON.stringify(long))]) {
      const seen = decodeMessage(frame, limits);
      expect(seen.events).toEqual([{ name: 'n'.repeat(64), data: 'd'.repeat(256) }]);
    }
    expect(decodeMessage(JSON.stringify(long), limits).bytes).toBe(JSON.stringify(long).length);
  });

  it('never throws on garbage, truncated or hostile frames', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const frame = new Uint8Array(pack15({ eventName: 'move', data: 'abc', extra: [1, 2, 3] }));
    for (let i = 0; i < 2_000; i += 1) {
      const bytes = new Uint8Array(1 + Math.floor(random() * 64)).map(() => Math.floor(random() * 256));
      expect(() => decodeMessage(bytes, limits)).not.toThrow();
      expect(() => decodeMessage(frame.subarray(0, Math.floor(random() * frame.length)), limits)).not.toThrow();
    }
    // A map claiming 2^32 entries, and deep nesting: bounded, no event.
    expect(decodeMessage(new Uint8Array([0xdf, 0xff, 0xff, 0xff, 0xff]), limits).events).toEqual([]);
    expect(decodeMessage(new Uint8Array(200).fill(0x91), limits).events).toEqual([]);
    expect(decodeMessage({ not: 'a frame' }, limits)).toEqual({ bytes: 0, events: [], omitted: 0 });
  });
});

describe('sizes', () => {
  it('counts UTF-8 bytes on the wire', () => {
    expect(messageBytes('aé✓😀')).toBe(1 + 2 + 3 + 4);
    expect(messageBytes('aé')).toBe(3);
    expect(messageBytes(new ArrayBuffer(10))).toBe(10);
    expect(messageBytes(new Uint16Array(4))).toBe(8);
    expect(messageBytes(new Blob(['abcd']))).toBe(4);
  });
});
