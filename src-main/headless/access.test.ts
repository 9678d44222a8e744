import { describe, expect, it } from 'vitest';
import { canControl, isLoopbackAddress } from './access.js';

const TOKEN = 'secret-token-123';

describe('control access', () => {
  it('recognises loopback peers', () => {
    expect(isLoopbackAddress('127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('::1')).toBe(true);
    expect(isLoopbackAddress('10.77.0.5')).toBe(false);
    expect(isLoopbackAddress(undefined)).toBe(false);
  });

  it('grants our own page on this machine', () => {
    expect(canControl({ remoteAddress: '127.0.0.1', host: '127.0.0.1:9000', origin: 'http://127.0.0.1:9000', token: null }, TOKEN)).toBe(true);
    expect(canControl({ remoteAddress: '::1', host: 'localhost:9000', origin: undefined, token: null }, TOKEN)).toBe(true);
  });

  it('refuses a LAN caller without the token, grants it with the token', () => {
    const lan = { remoteAddress: '10.77.0.5', host: '10.77.0.1:9000', origin: 'http://10.77.0.1:9000' };
    expect(canControl({ ...lan, token: null }, TOKEN)).toBe(false);
    expect(canControl({ ...lan, token: 'wrong' }, TOKEN)).toBe(false);
    expect(canControl({ ...lan, token: TOKEN }, TOKEN)).toBe(true);
  });

  it('refuses another site open in a local browser, and a DNS-rebound name', () => {
    expect(canControl({ remoteAddress: '127.0.0.1', host: '127.0.0.1:9000', origin: 'http://evil.example', token: null }, TOKEN)).toBe(false);
    expect(canControl({ remoteAddress: '127.0.0.1', host: 'evil.example:9000', origin: 'http://evil.example:9000', token: null }, TOKEN)).toBe(false);
    expect(canControl({ remoteAddress: '127.0.0.1', host: undefined, origin: undefined, token: null }, TOKEN)).toBe(false);
  });
});
