import { describe, expect, it } from 'vitest';
import { parseHostArgs, UsageError } from './host-args.js';

describe('lan-party host flags', () => {
  it('has sensible defaults', () => {
    const parsed = parseHostArgs([]);
    expect(parsed?.settings.broker).toMatchObject({ port: 9000, path: '/', key: 'peerjs' });
    expect(parsed?.settings.discovery).toBe(true);
    expect(parsed?.startBroker).toBe(true);
  });

  it('reads every flag', () => {
    const parsed = parseHostArgs(['--port', '0', '--name', 'Ada', '--interface', 'eth0', '--interface', 'wlan0', '--no-discovery', '--no-broker', '--broker-path', '/game/', '--broker-key', 'lan', '--token', 'abcdefgh', '--host', '127.0.0.1']);
    expect(parsed).toMatchObject({
      bindHost: '127.0.0.1',
      token: 'abcdefgh',
      startBroker: false,
      settings: { displayName: 'Ada', interfaces: ['eth0', 'wlan0'], discovery: false, broker: { port: 0, path: '/game/', key: 'lan' } },
    });
    expect(parseHostArgs(['--help'])).toBeNull();
  });

  it('refuses bad flags with a usage error that names them', () => {
    const bad: [string[], RegExp][] = [
      [['--bogus'], /Unknown option '--bogus'/],
      [['--port'], /--port/],
      [['--port', 'abc'], /--port: .*number/],
      [['--port', '70000'], /--port: the port is at most 65535/],
      [['--broker-path', 'x'], /--broker-path: the broker path starts with/],
      [['--token', 'short'], /--token: the token is 8 to 128/],
      [['--name', ''], /--name: the display name cannot be empty/],
      [['stray'], /Unexpected argument/],
    ];
    for (const [args, message] of bad) {
      expect(() => parseHostArgs(args), args.join(' ')).toThrow(UsageError);
      expect(() => parseHostArgs(args), args.join(' ')).toThrow(message);
    }
  });
});
