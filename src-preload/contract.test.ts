/** The contract refuses every malformed input with a message that says what is wrong. */
import { describe, expect, it } from 'vitest';
import { BRIDGE_PROTOCOL, BridgeRequestSchema, bridgeProtocols, invokeChannels, parseInvokeInput, tokenFromProtocols, type InvokeName } from './contract.js';

describe('invoke input validation', () => {
  const cases: [InvokeName, unknown, RegExp][] = [
    ['startBroker', { please: true }, /Invalid input for startBroker/],
    ['updateSettings', 'not an object', /expected object/],
    ['updateSettings', { displayName: '' }, /displayName: the display name cannot be empty/],
    ['updateSettings', { displayName: 'x'.repeat(41) }, /at most 40 characters/],
    ['updateSettings', { displayName: 'bad\u0007name' }, /control characters/],
    ['updateSettings', { broker: { port: 70000 } }, /broker\.port: a port is at most 65535/],
    ['updateSettings', { broker: { port: 1.5 } }, /broker\.port: a port is a whole number/],
    ['updateSettings', { broker: { path: 'no-slash' } }, /broker\.path: the broker path starts with "\/"/],
    ['updateSettings', { broker: { key: '' } }, /broker\.key: the broker key is 1 to 64/],
    ['updateSettings', { broker: { unknown: 1 } }, /broker: Unrecognized key/i],
    ['updateSettings', { iceServers: [{ urls: 'http://x' }] }, /iceServers\.0\.urls: an ICE server URL starts with stun:/],
    ['updateSettings', { autoConnect: 'yes' }, /autoConnect: .*boolean/],
    ['updateSettings', { extra: 1 }, /Unrecognized key/i],
    ['setOwnPeerId', { peerId: 'has  two spaces' }, /peerId: a peer id is letters and digits/],
    ['setOwnPeerId', { peerId: 'x'.repeat(65) }, /peerId: a peer id has at most 64 characters/],
    ['setOwnPeerId', {}, /peerId/],
  ];
  for (const [name, input, message] of cases) {
    it(`${name} refuses ${JSON.stringify(input).slice(0, 60)}`, () => {
      const result = parseInvokeInput(name, input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatch(message);
    });
  }

  it('accepts well-formed input', () => {
    expect(parseInvokeInput('startBroker', undefined)).toEqual({ ok: true, value: undefined });
    expect(parseInvokeInput('updateSettings', { displayName: '  Ada  ', broker: { port: 9100 } })).toEqual({
      ok: true,
      value: { displayName: 'Ada', broker: { port: 9100 } },
    });
    expect(parseInvokeInput('setOwnPeerId', { peerId: 'player_1-a b' }).ok).toBe(true);
    expect(parseInvokeInput('setOwnPeerId', { peerId: null }).ok).toBe(true);
  });

  it('gives every channel a unique, prefixed name', () => {
    const names = Object.values(invokeChannels).map((c) => c.channel);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^lan-party:/);
  });

  it('refuses malformed bridge requests', () => {
    expect(BridgeRequestSchema.safeParse({ id: -1, method: 'x' }).success).toBe(false);
    expect(BridgeRequestSchema.safeParse({ id: 1, method: 'x'.repeat(65) }).success).toBe(false);
    expect(BridgeRequestSchema.safeParse({ id: 1, method: 'getLanState', extra: true }).success).toBe(false);
    expect(BridgeRequestSchema.safeParse({ id: 1, method: 'getLanState' }).success).toBe(true);
  });
});

describe('bridge handshake protocols', () => {
  it('carries the token as a subprotocol, read back from the header a server receives', () => {
    expect(bridgeProtocols()).toEqual([BRIDGE_PROTOCOL]);
    expect(bridgeProtocols(null)).toEqual([BRIDGE_PROTOCOL]);
    const offered = bridgeProtocols('abc_DEF-123');
    expect(offered[0]).toBe(BRIDGE_PROTOCOL);
    // Every name must be an HTTP token, or browsers and ws refuse the handshake.
    for (const name of offered) expect(name).toMatch(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/);
    expect(tokenFromProtocols(offered.join(', '))).toBe('abc_DEF-123');
    expect(tokenFromProtocols(BRIDGE_PROTOCOL)).toBeNull();
    expect(tokenFromProtocols(undefined)).toBeNull();
  });

  it('makes settings a control channel: players get none', () => {
    expect(invokeChannels.getSettings.access).toBe('control');
  });
});
