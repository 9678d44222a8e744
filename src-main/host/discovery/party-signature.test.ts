import { describe, expect, it } from 'vitest';
import { encodeTxt, parseTxt, type AdvertisedFields } from './txt.js';
import { PARTY_TIMING, PartyVerifier, derivePartyKey, normalizePartyCode } from './party-signature.js';

const KEY = derivePartyKey('Blue Otter 42');
const OTHER_KEY = derivePartyKey('another party');
const T0 = 1_800_000_000_000;

function fields(overrides: Partial<AdvertisedFields> = {}): AdvertisedFields {
  return {
    instanceId: 'abc123',
    displayName: 'Ada',
    httpPort: 9000,
    peerId: 'ada-1',
    broker: { port: 9000, path: '/', key: 'peerjs', startedAt: 1_700_000_000_000 },
    party: { key: KEY, now: () => T0, addresses: ['10.77.0.1'] },
    ...overrides,
  };
}

function text(entries: readonly Uint8Array[]): string[] {
  return entries.map((e) => Buffer.from(e).toString('utf8'));
}

/** The record with one entry replaced (what an attacker without the code can do). */
function tampered(entries: Buffer[], key: string, value: string): Buffer[] {
  return entries.map((e) => (e.toString('utf8').startsWith(`${key}=`) ? Buffer.from(`${key}=${value}`) : e));
}

describe('party code: key and signed records', () => {
  it('derives the same key from the same code typed loosely, another from another code', () => {
    expect(normalizePartyCode('  Blue   OTTER 42 ')).toBe('blue otter 42');
    expect(derivePartyKey('blue otter 42').equals(KEY)).toBe(true);
    expect(OTHER_KEY.equals(KEY)).toBe(false);
  });

  it('signs with pts, paddr and sig, never the code, and the record still parses for everyone', () => {
    const entries = encodeTxt(fields());
    const lines = text(entries);
    expect(lines.slice(-3)[0]).toBe(`pts=${T0}`);
    expect(lines.slice(-3)[1]).toBe('paddr=10.77.0.1');
    expect(lines.at(-1)).toMatch(/^sig=[A-Za-z0-9_-]{22}$/);
    expect(lines.join('\n').toLowerCase()).not.toContain('otter');
    const parsed = parseTxt(entries);
    expect(parsed.ok && parsed.value.broker?.startedAt).toBe(1_700_000_000_000);
  });

  it('accepts a fresh record from its own address as a member', () => {
    const verifier = new PartyVerifier(KEY);
    expect(verifier.check(encodeTxt(fields()), 'abc123', '10.77.0.1', T0 + 1_000)).toEqual({ member: true, addresses: ['10.77.0.1'] });
  });

  it('refuses an unsigned record, and one signed under another code', () => {
    const verifier = new PartyVerifier(KEY);
    expect(verifier.check(encodeTxt(fields({ party: null })), 'abc123', '10.77.0.1', T0)).toEqual({
      member: false,
      reason: 'its record is not signed (no party code)',
    });
    const foreign = encodeTxt(fields({ party: { key: OTHER_KEY, now: () => T0, addresses: ['10.77.0.1'] } }));
    expect(verifier.check(foreign, 'abc123', '10.77.0.1', T0)).toMatchObject({ member: false, reason: expect.stringContaining('signature') });
  });

  it('refuses any altered field: an earlier broker start, another id, another address list, a later signing time', () => {
    const verifier = new PartyVerifier(KEY);
    const good = encodeTxt(fields());
    for (const [key, value] of [
      ['bstart', '1'],
      ['id', 'evil'],
      ['paddr', '10.77.0.66'],
      ['pts', String(T0 + 60_000)],
      ['bport', '9999'],
    ] as const) {
      expect(verifier.check(tampered(good, key, value), 'abc123', '10.77.0.1', T0), key).toMatchObject({ member: false });
    }
    // Dropping a signed entry (the peer id here) breaks it too; so does an unsigned entry added.
    expect(verifier.check(good.filter((e) => !e.toString().startsWith('peer=')), 'abc123', '10.77.0.1', T0).member).toBe(false);
    expect(verifier.check([Buffer.from('bstart=1'), ...good], 'abc123', '10.77.0.1', T0).member).toBe(false);
    // A signature that is not even base64url of the right size is refused, not thrown on.
    expect(verifier.check(tampered(good, 'sig', '!!'), 'abc123', '10.77.0.1', T0).member).toBe(false);
  });

  it('refuses a captured record replayed from another machine', () => {
    const verifier = new PartyVerifier(KEY);
    expect(verifier.check(encodeTxt(fields()), 'abc123', '10.77.0.66', T0)).toEqual({
      member: false,
      reason: 'its record is signed for 10.77.0.1 but came from 10.77.0.66 (replayed)',
    });
  });

  it('refuses a record replayed later: too old, or older than one already seen, or signed before a goodbye', () => {
    const verifier = new PartyVerifier(KEY);
    const first = encodeTxt(fields());
    expect(verifier.check(first, 'abc123', '10.77.0.1', T0 + PARTY_TIMING.maxAgeMs + 1)).toMatchObject({
      member: false,
      reason: expect.stringContaining('signed 540 s ago'),
    });
    const second = encodeTxt(fields({ party: { key: KEY, now: () => T0 + PARTY_TIMING.resignMs, addresses: ['10.77.0.1'] } }));
    expect(verifier.check(second, 'abc123', '10.77.0.1', T0 + PARTY_TIMING.resignMs).member).toBe(true);
    // The earlier record (an older broker, say) cannot roll the instance back, though still within maxAgeMs.
    expect(verifier.check(first, 'abc123', '10.77.0.1', T0 + PARTY_TIMING.resignMs)).toMatchObject({
      member: false,
      reason: 'its record is older than one already seen (replayed)',
    });
    // The same record again (a refresh, or the instance back after a cable blip) is fine.
    expect(verifier.check(second, 'abc123', '10.77.0.1', T0 + PARTY_TIMING.resignMs + 1).member).toBe(true);
    verifier.left('abc123');
    expect(verifier.check(second, 'abc123', '10.77.0.1', T0 + PARTY_TIMING.resignMs + 2)).toMatchObject({
      member: false,
      reason: 'its record was signed before it left the LAN (replayed)',
    });
    // The instance back for real signs anew.
    const back = encodeTxt(fields({ party: { key: KEY, now: () => T0 + PARTY_TIMING.resignMs + 5, addresses: ['10.77.0.1'] } }));
    expect(verifier.check(back, 'abc123', '10.77.0.1', T0 + PARTY_TIMING.resignMs + 6).member).toBe(true);
  });

  it('says when a clock is off rather than failing silently', () => {
    const verifier = new PartyVerifier(KEY);
    const future = encodeTxt(fields({ party: { key: KEY, now: () => T0 + PARTY_TIMING.maxFutureMs + 60_000, addresses: ['10.77.0.1'] } }));
    expect(verifier.check(future, 'abc123', '10.77.0.1', T0)).toEqual({
      member: false,
      reason: 'its record is signed 360 s in the future (its clock or this one is off)',
    });
  });

  it('signs at most 4 addresses and ignores what is not an IP address', () => {
    const many = encodeTxt(fields({ party: { key: KEY, now: () => T0, addresses: ['x', '10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'] } }));
    expect(text(many)).toContain('paddr=10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4');
  });
});
