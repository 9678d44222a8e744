/**
 * The outbox alone: flush thresholds, scheduling, the shared text of a
 * broadcast. A manual scheduler stands in for queueMicrotask, so each test
 * says exactly when the end of the task comes.
 */
import { describe, expect, it } from 'vitest';
import { batchText, encodePiece, exceedsBatch, fitsBatch, MAX_BATCH_BYTES, MAX_BATCH_EVENTS, Outbox } from './outbox.js';
import { decodeText, utf8Length, type WireEvent } from './wire.js';

interface Sent {
  key: string;
  text: string;
  bytes: number;
  count: number;
}

function rig(): { outbox: Outbox<string>; sent: Sent[]; endOfTask: () => void; scheduled: () => number } {
  const sent: Sent[] = [];
  const queue: (() => void)[] = [];
  const outbox = new Outbox<string>(
    (key, text, bytes, count) => sent.push({ key, text, bytes, count }),
    (callback) => queue.push(callback),
  );
  return {
    outbox,
    sent,
    endOfTask: () => {
      for (let i = 0; i < 100 && queue.length > 0; i += 1) queue.shift()?.();
    },
    scheduled: () => queue.length,
  };
}

function events(text: string): WireEvent[] {
  const decoded = decodeText(text, true);
  if (decoded.kind !== 'batch') throw new Error(`not a batch: ${JSON.stringify(decoded)}`);
  return decoded.events;
}

const ev = (eventName: string, data: string): WireEvent => ({ eventName, data });

describe('encodePiece', () => {
  it('counts UTF-8 bytes exactly, ASCII or not', () => {
    for (const data of ['plain', 'é', '日本', '😀', 'quote " and \\ and \n', '\u0001']) {
      const piece = encodePiece(ev('n', data));
      expect(piece.bytes).toBe(utf8Length(piece.text));
      expect(events(batchText([piece.text]))).toEqual([ev('n', data)]);
    }
  });

  it('says when an event cannot fit in a batch', () => {
    expect(fitsBatch(encodePiece(ev('n', 'x'.repeat(MAX_BATCH_BYTES - 40))))).toBe(true);
    expect(fitsBatch(encodePiece(ev('n', 'x'.repeat(MAX_BATCH_BYTES))))).toBe(false);
    // Non-ASCII text counts by its bytes, not its length.
    expect(fitsBatch(encodePiece(ev('n', 'é'.repeat(MAX_BATCH_BYTES / 2))))).toBe(false);
  });
});

describe('exceedsBatch', () => {
  it('is only true for events that could never fit (so skipping their encoding loses nothing), whatever the characters', () => {
    const e = (data: string, eventName = 'e'): WireEvent => ({ eventName, data });
    for (const data of ['a', 'x'.repeat(MAX_BATCH_BYTES - 40), 'é'.repeat(MAX_BATCH_BYTES / 2 - 20), '\u0001'.repeat(3_000)]) {
      if (fitsBatch(encodePiece(e(data)))) expect(exceedsBatch(e(data))).toBe(false);
    }
    // Just past what a frame holds, even in ASCII: true, without encoding.
    expect(exceedsBatch(e('x'.repeat(MAX_BATCH_BYTES)))).toBe(true);
    expect(exceedsBatch(e('x'.repeat(1024 * 1024)))).toBe(true);
    // Exact for plain ASCII: the largest event that fits is not "exceeding", one character more is.
    let n = MAX_BATCH_BYTES;
    while (!fitsBatch(encodePiece(e('x'.repeat(n))))) n -= 1;
    expect(exceedsBatch(e('x'.repeat(n)))).toBe(false);
    expect(exceedsBatch(e('x'.repeat(n + 1)))).toBe(true);
  });
});

describe('Outbox', () => {
  it('sends the events of one task as one frame at the end of the task, in order', () => {
    const r = rig();
    for (let i = 0; i < 5; i += 1) r.outbox.add('a', encodePiece(ev('e', String(i))));
    expect(r.sent).toEqual([]);
    expect(r.scheduled()).toBe(1);
    r.endOfTask();
    expect(r.sent).toHaveLength(1);
    expect(r.sent[0]?.count).toBe(5);
    expect(r.sent[0]?.bytes).toBe(utf8Length(r.sent[0]?.text ?? ''));
    expect(events(r.sent[0]?.text ?? '').map((e) => e.data)).toEqual(['0', '1', '2', '3', '4']);
    // A later task starts a new batch.
    r.outbox.add('a', encodePiece(ev('e', '5')));
    r.endOfTask();
    expect(r.sent.map((s) => s.count)).toEqual([5, 1]);
  });

  it('flushes early at MAX_BATCH_EVENTS events', () => {
    const r = rig();
    for (let i = 0; i < MAX_BATCH_EVENTS + 5; i += 1) r.outbox.add('a', encodePiece(ev('e', String(i))));
    expect(r.sent.map((s) => s.count)).toEqual([MAX_BATCH_EVENTS]);
    r.endOfTask();
    expect(r.sent.map((s) => s.count)).toEqual([MAX_BATCH_EVENTS, 5]);
    const all = r.sent.flatMap((s) => events(s.text).map((e) => Number(e.data)));
    expect(all).toEqual(Array.from({ length: MAX_BATCH_EVENTS + 5 }, (_, i) => i));
  });

  it('flushes before a batch would exceed MAX_BATCH_BYTES; no frame is larger', () => {
    const r = rig();
    const data = 'é'.repeat(1000); // 2,000 bytes each
    for (let i = 0; i < 20; i += 1) r.outbox.add('a', encodePiece(ev(`e${i}`, data)));
    r.endOfTask();
    expect(r.sent.length).toBeGreaterThan(2);
    for (const s of r.sent) {
      expect(utf8Length(s.text)).toBe(s.bytes);
      expect(s.bytes).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    }
    expect(r.sent.flatMap((s) => events(s.text).map((e) => e.eventName))).toEqual(Array.from({ length: 20 }, (_, i) => `e${i}`));
  });

  it('keeps one batch per key; flush(key) sends that key only; discard forgets it', () => {
    const r = rig();
    r.outbox.add('a', encodePiece(ev('e', '1')));
    r.outbox.add('b', encodePiece(ev('e', '2')));
    r.outbox.add('c', encodePiece(ev('e', '3')));
    r.outbox.flush('b');
    expect(r.sent.map((s) => s.key)).toEqual(['b']);
    expect(r.outbox.discard('c')).toBe(1);
    expect(r.outbox.pendingCount('c')).toBe(0);
    r.endOfTask();
    expect(r.sent.map((s) => s.key)).toEqual(['b', 'a']);
    r.outbox.flush('a');
    expect(r.sent).toHaveLength(2);
  });

  it('a broadcast builds its text once and sends the same text per link', () => {
    const r = rig();
    for (let i = 0; i < 3; i += 1) {
      const piece = encodePiece(ev('e', String(i)));
      for (const key of ['a', 'b', 'c']) r.outbox.add(key, piece);
    }
    r.outbox.add('c', encodePiece(ev('only-c', '')));
    r.endOfTask();
    const [a, b, c] = r.sent;
    expect(a?.text).toBe(b?.text);
    expect(c?.count).toBe(4);
    expect(events(c?.text ?? '').at(-1)).toEqual(ev('only-c', ''));
  });

  it('events queued while a batch is being sent (an error listener) go in a later batch', () => {
    const queue: (() => void)[] = [];
    const sent: string[][] = [];
    let reentered = false;
    const outbox: Outbox<string> = new Outbox<string>(
      (_key, text) => {
        sent.push(events(text).map((e) => e.data));
        if (!reentered) {
          reentered = true;
          outbox.add('a', encodePiece(ev('e', 'from the sender')));
        }
      },
      (callback) => queue.push(callback),
    );
    outbox.add('a', encodePiece(ev('e', 'first')));
    for (let i = 0; i < 10 && queue.length > 0; i += 1) queue.shift()?.();
    expect(sent).toEqual([['first'], ['from the sender']]);
  });
});
