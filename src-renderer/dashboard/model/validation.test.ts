import { describe, expect, it } from 'vitest';
import { parseEventData, parseInterfaceList, validateArchiveLimit, validateBrokerPath, validateDisplayName, validateEventName, validateIceServer, validatePeerId, validatePort } from './validation';

describe('peer id and display name (contract schemas)', () => {
  it('accepts ids the broker accepts and says why others are refused', () => {
    expect(validatePeerId('player-1')).toEqual({ ok: true, value: 'player-1' });
    const bad = validatePeerId('bad id!');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/^A peer id is letters and digits/);
    expect(validatePeerId('  ')).toEqual({ ok: false, error: 'Type an id' });
    expect(validatePeerId('a'.repeat(65)).ok).toBe(false);
  });

  it('trims display names and refuses empty or control characters', () => {
    expect(validateDisplayName('  Ada ')).toEqual({ ok: true, value: 'Ada' });
    expect(validateDisplayName('   ')).toEqual({ ok: false, error: 'The display name cannot be empty' });
    expect(validateDisplayName('a\u0007b').ok).toBe(false);
  });
});

describe('settings fields', () => {
  it('ports are whole numbers in range', () => {
    expect(validatePort('9000')).toEqual({ ok: true, value: 9000 });
    expect(validatePort('70000').ok).toBe(false);
    expect(validatePort('90a').ok).toBe(false);
  });

  it('broker paths and ICE servers use the contract rules', () => {
    expect(validateBrokerPath('/games').ok).toBe(true);
    expect(validateBrokerPath('games').ok).toBe(false);
    expect(validateIceServer('stun:10.0.0.1:3478', '', '')).toEqual({ ok: true, value: { urls: 'stun:10.0.0.1:3478' } });
    expect(validateIceServer('turn:t.example:3478', 'u', 'p')).toEqual({ ok: true, value: { urls: 'turn:t.example:3478', username: 'u', credential: 'p' } });
    const bad = validateIceServer('http://x', '', '');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toContain('stun:');
  });

  it('interface lists are comma-separated names, deduplicated', () => {
    expect(parseInterfaceList('')).toEqual({ ok: true, value: [] });
    expect(parseInterfaceList('eth0, wlan0,eth0')).toEqual({ ok: true, value: ['eth0', 'wlan0'] });
    expect(parseInterfaceList('eth0, bad name').ok).toBe(false);
  });
});

describe('event name and data', () => {
  it('event names are 1..256 characters', () => {
    expect(validateEventName('').ok).toBe(false);
    expect(validateEventName('move').ok).toBe(true);
    expect(validateEventName('x'.repeat(257)).ok).toBe(false);
  });

  it('text data is sent as is, even empty', () => {
    expect(parseEventData('text', '')).toEqual({ ok: true, value: { mode: 'text', data: '' } });
    expect(parseEventData('text', '{not json')).toEqual({ ok: true, value: { mode: 'text', data: '{not json' } });
  });

  it('JSON data must parse, and the error says where it stops', () => {
    expect(parseEventData('json', '{"x": 1, "tags": ["a"]}')).toEqual({ ok: true, value: { mode: 'json', value: { x: 1, tags: ['a'] } } });
    expect(parseEventData('json', '42')).toEqual({ ok: true, value: { mode: 'json', value: 42 } });
    expect(parseEventData('json', 'null')).toEqual({ ok: true, value: { mode: 'json', value: null } });
    const empty = parseEventData('json', '  ');
    expect(empty.ok).toBe(false);
    const broken = parseEventData('json', '{\n  "x": 1,\n}');
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.error).toMatch(/^Not valid JSON: .+/);
  });

  it('admits exactly 1 MiB of data, as the engine does, and refuses one byte more', () => {
    expect(parseEventData('text', 'x'.repeat(1024 * 1024)).ok).toBe(true);
    expect(parseEventData('text', 'x'.repeat(1024 * 1024 + 1))).toEqual({ ok: false, error: 'Too large: an event carries at most 1024 KiB of data' });
  });
});

describe('archive limits (contract schema)', () => {
  it('converts MiB to bytes and says why a limit is refused', () => {
    expect(validateArchiveLimit('maxTotalBytes', ' 1.5 ', 1024 ** 2)).toEqual({ ok: true, value: 1.5 * 1024 ** 2 });
    expect(validateArchiveLimit('maxEntries', '10000')).toEqual({ ok: true, value: 10_000 });
    expect(validateArchiveLimit('maxEntries', '2.5')).toEqual({ ok: false, error: 'A whole number of files' });
    expect(validateArchiveLimit('maxRatio', '0')).toEqual({ ok: false, error: 'A ratio of at least 1' });
    expect(validateArchiveLimit('maxTotalBytes', '0.5', 1024 ** 2)).toEqual({ ok: false, error: 'At least 1 MiB' });
    expect(validateArchiveLimit('maxRatio', '-3')).toEqual({ ok: false, error: 'Type a number' });
  });
});
