/**
 * large-events.ts: the header, the pieces, and a reassembly bounded by
 * explicit limits. Every malformed header or piece is dropped as `invalid`
 * and counted, never thrown; nothing beyond the declared size is held.
 */
import { describe, expect, it } from 'vitest';
import { isLargeHeader, largeHeader, LargeReassembly, type LargeResult, PIECE_BYTES, splitPieces } from './large-events.js';
import { MAX_EVENT_DATA_BYTES } from './wire.js';

const encoder = new TextEncoder();

/** Feeds a whole message (header, then pieces) and returns every result. */
function feed(r: LargeReassembly, eventName: string, data: string, pieceBytes = PIECE_BYTES): LargeResult[] {
  const bytes = encoder.encode(data);
  return [r.header(largeHeader(eventName, bytes.byteLength)), ...splitPieces(bytes, pieceBytes).map((p) => r.piece(p))];
}

const invalid = (reason: RegExp): unknown => ({ kind: 'invalid', reason: expect.stringMatching(reason) });

describe('framing', () => {
  it('the header names the event and the byte count, and is recognised by its prefix', () => {
    const header = largeHeader('pos "1"', 70_000);
    expect(header).toBe('{"lp":1,"t":"L","n":"pos \\"1\\"","b":70000}');
    expect(isLargeHeader(header)).toBe(true);
    expect(isLargeHeader('{"lp":1,"t":"b","e":[]}')).toBe(false);
    expect(isLargeHeader('{"eventName":"L","data":""}')).toBe(false);
  });

  it('pieces are views of the data, 64 KiB each but the last', () => {
    const data = new Uint8Array(2 * PIECE_BYTES + 5);
    const pieces = splitPieces(data);
    expect(pieces.map((p) => p.byteLength)).toEqual([PIECE_BYTES, PIECE_BYTES, 5]);
    expect(pieces.every((p) => p.buffer === data.buffer)).toBe(true);
    expect(splitPieces(new Uint8Array(PIECE_BYTES)).length).toBe(1);
  });
});

describe('reassembly', () => {
  it('rebuilds an event of exactly the data limit (1 MiB) from its 16 pieces, pending until the last', () => {
    const r = new LargeReassembly();
    const data = 'x'.repeat(MAX_EVENT_DATA_BYTES);
    const results = feed(r, 'big', data);
    expect(results.length).toBe(1 + 16);
    expect(results.slice(0, -1).every((x) => x.kind === 'pending')).toBe(true);
    const last = results.at(-1);
    expect(last?.kind).toBe('event');
    if (last?.kind !== 'event') return;
    expect(last.event.eventName).toBe('big');
    expect(last.event.data === data).toBe(true);
    expect(last.bytes).toBe(largeHeader('big', MAX_EVENT_DATA_BYTES).length + MAX_EVENT_DATA_BYTES);
    expect(r.active).toBe(false);
    expect(r.dropped).toBe(0);
  });

  it('decodes UTF-8 across piece boundaries (a character cut between two pieces)', () => {
    const r = new LargeReassembly();
    // 'é' is 2 bytes, '😀' 4: with 7-byte pieces, characters straddle the cuts.
    const data = `é😀${'aé😀'.repeat(50)}`;
    const results = feed(r, 'utf', data, 7);
    expect(results.at(-1)).toEqual({ kind: 'event', event: { eventName: 'utf', data }, bytes: expect.any(Number) });
  });

  it('messages follow each other on one connection', () => {
    const r = new LargeReassembly();
    expect(feed(r, 'a', 'A'.repeat(100_000)).at(-1)).toMatchObject({ kind: 'event', event: { eventName: 'a' } });
    expect(feed(r, 'b', 'B'.repeat(10)).at(-1)).toMatchObject({ kind: 'event', event: { eventName: 'b', data: 'BBBBBBBBBB' } });
  });
});

describe('limits', () => {
  it('refuses a header declaring more than the limit, or nothing, before allocating anything', () => {
    const r = new LargeReassembly({ maxBytes: 1000, maxPieceBytes: 100 });
    expect(r.header(largeHeader('e', 1001))).toEqual(invalid(/size outside 1\.\.1000/));
    expect(r.header(largeHeader('e', 0))).toEqual(invalid(/size outside/));
    expect(r.header('{"lp":1,"t":"L","n":"e","b":1.5}')).toEqual(invalid(/size outside/));
    expect(r.header('{"lp":1,"t":"L","n":"e","b":"100"}')).toEqual(invalid(/size outside/));
    expect(r.active).toBe(false);
    expect(r.heldBytes).toBe(0);
    expect(r.dropped).toBe(4);
    // The default limit is the event data limit.
    expect(new LargeReassembly().header(largeHeader('e', MAX_EVENT_DATA_BYTES + 1))).toEqual(invalid(/size outside/));
  });

  it('holds exactly the declared size, and never more: a piece beyond it drops the message', () => {
    const r = new LargeReassembly({ maxBytes: 1000, maxPieceBytes: 100 });
    expect(r.header(largeHeader('e', 150))).toEqual({ kind: 'pending' });
    expect(r.heldBytes).toBe(150);
    expect(r.piece(new Uint8Array(100))).toEqual({ kind: 'pending' });
    expect(r.piece(new Uint8Array(51))).toEqual(invalid(/piece of 51 bytes does not fit \(50 bytes expected\)/));
    expect(r.active).toBe(false);
    expect(r.heldBytes).toBe(0);
    expect(r.dropped).toBe(1);
  });

  it('drops pieces larger than the piece limit, empty pieces and pieces without a header', () => {
    const r = new LargeReassembly({ maxBytes: 1000, maxPieceBytes: 100 });
    expect(r.piece(new Uint8Array(10))).toEqual(invalid(/without a header/));
    r.header(largeHeader('e', 500));
    expect(r.piece(new Uint8Array(101))).toEqual(invalid(/does not fit/));
    r.header(largeHeader('e', 500));
    expect(r.piece(new Uint8Array(0))).toEqual(invalid(/does not fit/));
    expect(r.dropped).toBe(3);
  });

  it('keeps one partial message at a time: a new header replaces it, an interruption drops it', () => {
    const r = new LargeReassembly({ maxBytes: 1000, maxPieceBytes: 100 });
    r.header(largeHeader('first', 1000));
    r.piece(new Uint8Array(100));
    expect(r.interrupt()).toEqual(invalid(/interrupted after 100 of 1000 bytes/));
    expect(r.interrupt()).toBeNull();
    // Many headers in a row never hold more than the last one's size.
    for (let i = 0; i < 100; i += 1) r.header(largeHeader(`m${i}`, 1000));
    expect(r.heldBytes).toBe(1000);
    r.reset();
    expect(r.heldBytes).toBe(0);
    expect(r.dropped).toBe(1);
  });

  it('drops malformed headers: not JSON, bad names, too long', () => {
    const r = new LargeReassembly();
    expect(r.header('{"lp":1,"t":"L",')).toEqual(invalid(/not JSON/));
    expect(r.header('{"lp":1,"t":"L","n":"","b":10}')).toEqual(invalid(/bad event name/));
    expect(r.header('{"lp":1,"t":"L","n":5,"b":10}')).toEqual(invalid(/bad event name/));
    expect(r.header(largeHeader('n'.repeat(257), 10))).toEqual(invalid(/bad event name/));
    expect(r.header(`{"lp":1,"t":"L","n":"e","b":10,"x":"${'x'.repeat(5000)}"}`)).toEqual(invalid(/too long/));
    expect(r.dropped).toBe(5);
    expect(r.active).toBe(false);
  });

  it('drops a message whose bytes are not UTF-8', () => {
    const r = new LargeReassembly();
    r.header(largeHeader('e', 3));
    expect(r.piece(new Uint8Array([0x61, 0xff, 0x62]))).toEqual(invalid(/not UTF-8/));
    expect(r.dropped).toBe(1);
  });
});
