import { describe, expect, it } from 'vitest';
import { canControl, isLoopbackAddress, isLoopbackHost } from './access.js';

const TOKEN = 'secret-token-123';

describe('control access', () => {
  it('recognises loopback peers', () => {
    expect(isLoopbackAddress('127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('::1')).toBe(true);
    expect(isLoopbackAddress('10.77.0.5')).toBe(false);
    expect(isLoopbackAddress(undefined)).toBe(false);
  });

  it('matches loopback Host names exactly, never by prefix', () => {
    for (const host of ['127.0.0.1:9000', '[::1]:9000', 'localhost:9000', '127.0.0.1', 'localhost']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of [
      '127.evil.example:9000',
      '127.0.0.1.nip.io:9000',
      'localhost.evil:9000',
      'localhost.:9000',
      '[::1].evil:9000',
      '127.0.0.2:9000',
      // Spellings the URL parser would turn into 127.0.0.1: not what a browser sends.
      '0x7f.1:9000',
      '127.1:9000',
      '2130706433:9000',
      'user@127.0.0.1:9000',
      'LOCALHOST:9000',
      '',
      undefined,
    ]) {
      expect(isLoopbackHost(host), String(host)).toBe(false);
    }
  });

  it('grants our own page on this machine', () => {
    expect(canControl({ remoteAddress: '127.0.0.1', host: '127.0.0.1:9000', origin: 'http://127.0.0.1:9000', token: null }, TOKEN)).toBe(true);
    expect(canControl({ remoteAddress: '::1', host: '[::1]:9000', origin: 'http://[::1]:9000', token: null }, TOKEN)).toBe(true);
    expect(canControl({ remoteAddress: '::1', host: 'localhost:9000', origin: undefined, token: null }, TOKEN)).toBe(true);
  });

  it('refuses a DNS-rebound name on loopback, whatever its prefix', () => {
    for (const name of ['127.evil.example', '127.0.0.1.nip.io', 'localhost.evil', '[::1].evil']) {
      const host = `${name}:9000`;
      expect(canControl({ remoteAddress: '127.0.0.1', host, origin: `http://${host}`, token: null }, TOKEN), host).toBe(false);
      expect(canControl({ remoteAddress: '127.0.0.1', host, origin: undefined, token: null }, TOKEN), host).toBe(false);
    }
  });

  it('refuses a game or another site open in a local browser (Origin is not our page)', () => {
    const loopback = { remoteAddress: '127.0.0.1', host: '127.0.0.1:9000', token: null };
    expect(canControl({ ...loopback, origin: 'http://evil.example' }, TOKEN)).toBe(false);
    // A hosted game: same machine, its own port.
    expect(canControl({ ...loopback, origin: 'http://127.0.0.1:9001' }, TOKEN)).toBe(false);
    expect(canControl({ ...loopback, origin: 'null' }, TOKEN)).toBe(false);
    expect(canControl({ ...loopback, origin: 'https://127.0.0.1:9000' }, TOKEN)).toBe(false);
    expect(canControl({ remoteAddress: '127.0.0.1', host: undefined, origin: undefined, token: null }, TOKEN)).toBe(false);
  });

  it('refuses a LAN caller without the token, grants it with the token', () => {
    const lan = { remoteAddress: '10.77.0.5', host: '10.77.0.1:9000', origin: 'http://10.77.0.1:9000' };
    expect(canControl({ ...lan, token: null }, TOKEN)).toBe(false);
    expect(canControl({ ...lan, token: 'wrong' }, TOKEN)).toBe(false);
    expect(canControl({ ...lan, token: `${TOKEN}x` }, TOKEN)).toBe(false);
    expect(canControl({ ...lan, token: TOKEN }, TOKEN)).toBe(true);
    // A non-browser client (no Origin) with the token keeps control.
    expect(canControl({ ...lan, origin: undefined, token: TOKEN }, TOKEN)).toBe(true);
  });

  it('refuses the token from another site\'s page (a stolen token is useless in a browser elsewhere)', () => {
    expect(canControl({ remoteAddress: '10.77.0.5', host: '10.77.0.1:9000', origin: 'http://evil.example', token: TOKEN }, TOKEN)).toBe(false);
    expect(canControl({ remoteAddress: '127.0.0.1', host: '127.0.0.1:9000', origin: 'http://127.0.0.1:9001', token: TOKEN }, TOKEN)).toBe(false);
  });
});
