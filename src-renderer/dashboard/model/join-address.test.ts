import { describe, expect, it } from 'vitest';
import { dashboardJoinUrl, httpUrl, isLoopbackHostname, joinHostname } from './join-address';

const onLan = { addresses: ['192.168.1.20', '10.0.0.5', '127.0.0.1'], port: 9000 };
const loopbackOnly = { addresses: ['127.0.0.1'], port: 41234 };

describe('join addresses', () => {
  it('on the host machine (loopback page or Electron), uses the LAN address the host advertises, never loopback', () => {
    expect(dashboardJoinUrl(onLan, { hostname: '127.0.0.1', port: '9000' })).toBe('http://192.168.1.20:9000/');
    expect(dashboardJoinUrl(onLan, { hostname: 'localhost', port: '9000' })).toBe('http://192.168.1.20:9000/');
    expect(dashboardJoinUrl(onLan, { hostname: '[::1]', port: '9000' })).toBe('http://192.168.1.20:9000/');
    expect(dashboardJoinUrl(onLan, null)).toBe('http://192.168.1.20:9000/');
    expect(joinHostname(onLan, { hostname: '127.0.0.1', port: '9000' })).toBe('192.168.1.20');
  });

  it("for a player's page, keeps the address they used (it works from their network)", () => {
    expect(dashboardJoinUrl(onLan, { hostname: '10.0.0.5', port: '9000' })).toBe('http://10.0.0.5:9000/');
    expect(dashboardJoinUrl(onLan, { hostname: 'gamebox.local', port: '' })).toBe('http://gamebox.local/');
    expect(joinHostname(onLan, { hostname: '[fe80::1]', port: '9000' })).toBe('[fe80::1]');
  });

  it('a host bound to loopback is joined on loopback: it is all it advertises', () => {
    expect(dashboardJoinUrl(loopbackOnly, { hostname: '127.0.0.1', port: '41234' })).toBe('http://127.0.0.1:41234/');
  });

  it('no address while the host is not listening', () => {
    expect(dashboardJoinUrl({ addresses: [], port: null }, { hostname: '127.0.0.1', port: '9000' })).toBeNull();
    expect(joinHostname({ addresses: [] }, null)).toBeNull();
  });

  it('recognises loopback names exactly, and brackets IPv6 literals', () => {
    expect(isLoopbackHostname('127.3.2.1')).toBe(true);
    expect(isLoopbackHostname('127.evil.example')).toBe(false);
    expect(isLoopbackHostname('localhost.example')).toBe(false);
    expect(httpUrl('fe80::1', 9001)).toBe('http://[fe80::1]:9001/');
    expect(httpUrl('[fe80::1]', 9001)).toBe('http://[fe80::1]:9001/');
  });
});
