import { describe, expect, it } from 'vitest';
import { AddressGate, invalidIdRefusal, normalizeAddress, perAddressRefusal } from './registration-gate.js';

describe('normalizeAddress', () => {
  it('treats an IPv4-mapped IPv6 address as the IPv4 address', () => {
    expect(normalizeAddress('::ffff:127.0.0.2')).toBe('127.0.0.2');
    expect(normalizeAddress('127.0.0.2')).toBe('127.0.0.2');
  });

  it('keeps IPv6 addresses (lower-cased) and names a missing one', () => {
    expect(normalizeAddress('FE80::1')).toBe('fe80::1');
    expect(normalizeAddress('::1')).toBe('::1');
    expect(normalizeAddress(undefined)).toBe('unknown');
  });
});

describe('AddressGate', () => {
  it('admits up to the limit from one address, then refuses that address only', () => {
    const gate = new AddressGate(3);
    expect([1, 2, 3].map(() => gate.admit('10.0.0.2'))).toEqual([true, true, true]);
    expect(gate.admit('10.0.0.2')).toBe(false);
    expect(gate.count('10.0.0.2')).toBe(3);
    expect(gate.admit('10.0.0.3')).toBe(true);
  });

  it('gives a slot back on release, and never goes below zero', () => {
    const gate = new AddressGate(1);
    expect(gate.admit('a')).toBe(true);
    expect(gate.admit('a')).toBe(false);
    gate.release('a');
    expect(gate.count('a')).toBe(0);
    gate.release('a');
    expect(gate.count('a')).toBe(0);
    expect(gate.admit('a')).toBe(true);
    expect(gate.admit('a')).toBe(false);
  });
});

describe('registration refusals', () => {
  it('refuses ids the contract does not allow, saying why, and lets peer answer a missing id', () => {
    expect(invalidIdRefusal('player-1')).toBeNull();
    expect(invalidIdRefusal('a'.repeat(64))).toBeNull();
    expect(invalidIdRefusal('a'.repeat(8_000))).toEqual({ code: 'invalid-id', msg: 'Invalid id: a peer id has at most 64 characters' });
    expect(invalidIdRefusal('<script>')?.code).toBe('invalid-id');
    expect(invalidIdRefusal(null)).toBeNull();
  });

  it('names the per-address limit in its message', () => {
    expect(perAddressRefusal(64)).toEqual({
      code: 'per-address-limit',
      msg: 'Too many clients from this machine: this broker accepts at most 64 at once from one address',
    });
  });
});
