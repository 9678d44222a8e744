import { describe, expect, it } from 'vitest';
import {
  buildEvent,
  buildVariableEvent,
  decodeText,
  decodeValue,
  encodeControl,
  isLanPartyMetadata,
  LAN_PARTY_METADATA,
  MAX_BATCH_EVENTS_IN,
  MAX_EVENT_DATA_BYTES,
  MAX_EVENT_NAME_LENGTH,
  MAX_MESSAGE_BYTES,
  metadataDeclares,
  parseWireEvent,
  utf8Length,
} from './wire.js';

describe('parseWireEvent: every event is { eventName: string, data: string }', () => {
  it('accepts the reference shape (extra keys ignored)', () => {
    expect(parseWireEvent({ eventName: 'e', data: 'd' })).toEqual({ kind: 'event', event: { eventName: 'e', data: 'd' } });
    expect(parseWireEvent({ eventName: 'e', data: '', extra: 1 })).toEqual({ kind: 'event', event: { eventName: 'e', data: '' } });
  });

  it.each([
    ['null', null],
    ['a string', 'hello'],
    ['a number', 42],
    ['an array', [{ eventName: 'e', data: 'd' }]],
    ['missing data', { eventName: 'e' }],
    ['numeric data', { eventName: 'e', data: 1 }],
    ['object data', { eventName: 'e', data: { a: 1 } }],
    ['missing name', { data: 'd' }],
    ['empty name', { eventName: '', data: 'd' }],
    ['oversized name', { eventName: 'x'.repeat(MAX_EVENT_NAME_LENGTH + 1), data: 'd' }],
    ['oversized data', { eventName: 'e', data: 'x'.repeat(MAX_MESSAGE_BYTES + 1) }],
  ])('rejects %s', (_label, value) => {
    expect(parseWireEvent(value).kind).toBe('invalid');
  });
});

describe('decodeText', () => {
  it('decodes a JSON event', () => {
    expect(decodeText('{"eventName":"e","data":"1"}', false)).toEqual({ kind: 'event', event: { eventName: 'e', data: '1' } });
  });

  it('drops text that is not JSON, without throwing', () => {
    expect(decodeText('{"eventName":', false)).toEqual({ kind: 'invalid', reason: 'not JSON' });
  });

  it('drops oversized text before parsing it', () => {
    expect(decodeText(' '.repeat(MAX_MESSAGE_BYTES + 1), false).kind).toBe('invalid');
  });

  it('honours control messages only from engines', () => {
    const ping = encodeControl({ t: 'ping', s: 3, ts: 1000 });
    expect(decodeText(ping, true)).toEqual({ kind: 'control', control: { t: 'ping', s: 3, ts: 1000 } });
    // From a stock peer the same object is just a malformed event: never a heartbeat.
    expect(decodeText(ping, false).kind).toBe('invalid');
    expect(decodeText(encodeControl({ t: 'hello', v: 1 }), true)).toEqual({ kind: 'control', control: { t: 'hello', v: 1, caps: [] } });
  });

  it('reads the capabilities of a hello, bounded; a v1 hello has none', () => {
    expect(decodeValue({ lp: 1, t: 'hello', v: 2, caps: ['batch', 7, 'x'.repeat(40), 'later'] }, true)).toEqual({
      kind: 'control',
      control: { t: 'hello', v: 2, caps: ['batch', 'later'] },
    });
    expect(decodeValue({ lp: 1, t: 'hello', v: 2, caps: 'batch' }, true)).toEqual({ kind: 'control', control: { t: 'hello', v: 2, caps: [] } });
  });

  it('rejects malformed control messages', () => {
    expect(decodeValue({ lp: 1, t: 'ping', s: 'x', ts: 1 }, true).kind).toBe('invalid');
    expect(decodeValue({ lp: 1, t: 'nope' }, true).kind).toBe('invalid');
    expect(decodeValue({ lp: 1, t: 'pong', s: 1, ts: Number.NaN }, true).kind).toBe('invalid');
  });
});

describe('batch frames', () => {
  it('decode to every event, in order', () => {
    expect(decodeText('{"lp":1,"t":"b","e":["a","1","b",""]}', true)).toEqual({
      kind: 'batch',
      events: [
        { eventName: 'a', data: '1' },
        { eventName: 'b', data: '' },
      ],
    });
  });

  it('are never honoured from a stock peer: there they are a malformed event', () => {
    expect(decodeText('{"lp":1,"t":"b","e":["a","1"]}', false).kind).toBe('invalid');
  });

  it.each([
    ['no entries', { e: [] }],
    ['not an array', { e: 'a,1' }],
    ['missing', {}],
    ['an odd number of entries', { e: ['a', '1', 'b'] }],
    ['a name that is not a string', { e: ['a', '1', 5, '2'] }],
    ['an empty name', { e: ['', '1'] }],
    ['a name too long', { e: ['n'.repeat(MAX_EVENT_NAME_LENGTH + 1), '1'] }],
    ['data that is not a string', { e: ['a', { x: 1 }] }],
    ['too many events', { e: Array.from({ length: (MAX_BATCH_EVENTS_IN + 1) * 2 }, () => 'a') }],
  ])('with %s are dropped whole (one malformed frame), never thrown', (_what, fields) => {
    expect(decodeValue({ lp: 1, t: 'b', ...fields }, true).kind).toBe('invalid');
  });

  it('are bounded by the frame-size limit before parsing', () => {
    const huge = `{"lp":1,"t":"b","e":["a","${'x'.repeat(MAX_MESSAGE_BYTES)}"]}`;
    expect(decodeText(huge, true)).toEqual({ kind: 'invalid', reason: 'message is too large' });
  });
});

describe('building what the game sends', () => {
  it('string form sends the data as is', () => {
    expect(buildEvent('e', 'hello')).toEqual({ ok: true, event: { eventName: 'e', data: 'hello' } });
  });

  it.each([
    [42, '42'],
    ['abc', '"abc"'],
    [true, 'true'],
    [{ a: [1, 2] }, '{"a":[1,2]}'],
    [[1, 'x'], '[1,"x"]'],
    [null, 'null'],
  ])('variable form sends JSON.stringify(%j)', (value, expected) => {
    expect(buildVariableEvent('e', value)).toEqual({ ok: true, event: { eventName: 'e', data: expected } });
  });

  it('reports unsendable values instead of throwing', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(buildVariableEvent('e', cyclic)).toMatchObject({ ok: false });
    expect(buildVariableEvent('e', undefined)).toMatchObject({ ok: false });
    expect(buildVariableEvent('e', 10n)).toMatchObject({ ok: false });
    const hostile = {
      toString() {
        throw new Error('boom');
      },
    };
    expect(buildVariableEvent(hostile, 1)).toMatchObject({ ok: false });
  });

  it('admits exactly 1 MiB of data whatever the name (the framing is not counted)', () => {
    expect(MAX_EVENT_DATA_BYTES).toBe(1_048_576);
    expect(buildEvent('n'.repeat(MAX_EVENT_NAME_LENGTH), 'x'.repeat(MAX_EVENT_DATA_BYTES))).toMatchObject({ ok: true });
    expect(buildEvent('e', 'é'.repeat(MAX_EVENT_DATA_BYTES / 2))).toMatchObject({ ok: true });
  });

  it('rejects bad names, non-string data and oversized messages', () => {
    expect(buildEvent('', 'd')).toMatchObject({ ok: false });
    expect(buildEvent(5, 'd')).toMatchObject({ ok: false });
    expect(buildEvent('e', 5)).toMatchObject({ ok: false });
    expect(buildEvent('e', 'x'.repeat(MAX_EVENT_DATA_BYTES + 1))).toMatchObject({ ok: false, code: 'too-large', error: expect.stringMatching(/too large/) });
    // 1 MiB + 1 byte of UTF-8 in fewer characters ('é' is 2 bytes) is refused too.
    expect(buildEvent('e', `${'x'.repeat(MAX_EVENT_DATA_BYTES - 1)}é`)).toMatchObject({ ok: false, code: 'too-large' });
  });
});

describe('helpers', () => {
  it('utf8Length counts UTF-8 bytes', () => {
    expect(utf8Length('abc')).toBe(3);
    expect(utf8Length('é')).toBe(2);
    expect(utf8Length('€')).toBe(3);
    expect(utf8Length('😀')).toBe(4);
    expect(utf8Length('\ud800')).toBe(3);
    const sample = 'aé€😀\ud800z';
    expect(utf8Length(sample)).toBe(new TextEncoder().encode(sample).length);
  });

  it('recognises our connection metadata only', () => {
    expect(isLanPartyMetadata({ lanParty: 1 })).toBe(true);
    expect(isLanPartyMetadata({ lanParty: '1' })).toBe(false);
    expect(isLanPartyMetadata(undefined)).toBe(false);
    expect(isLanPartyMetadata(null)).toBe(false);
  });

  it('reads capabilities from our metadata only', () => {
    expect(metadataDeclares(LAN_PARTY_METADATA, 'batch')).toBe(true);
    expect(metadataDeclares({ lanParty: 1 }, 'batch')).toBe(false);
    expect(metadataDeclares({ caps: ['batch'] }, 'batch')).toBe(false);
    expect(metadataDeclares({ lanParty: 1, caps: { 0: 'batch' } }, 'batch')).toBe(false);
  });
});
