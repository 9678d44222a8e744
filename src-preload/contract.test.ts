/** The contract refuses every malformed input with a message that says what is wrong. */
import { describe, expect, it } from 'vitest';
import { BRIDGE_PROTOCOL, BridgeRequestSchema, bridgeProtocols, invokeChannels, parseInvokeInput, tokenFromProtocols, type InvokeName } from './contract.js';

/** One test per case: the channel refuses the input with a message matching the pattern (titled with `titleChars` of the input). */
function itRefuses(cases: [InvokeName, unknown, RegExp][], titleChars: number): void {
  for (const [name, input, message] of cases) {
    it(`${name} refuses ${JSON.stringify(input).slice(0, titleChars)}`, () => {
      const result = parseInvokeInput(name, input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatch(message);
    });
  }
}

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
  itRefuses(cases, 60);

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
    expect(invokeChannels.updateSettings.access).toBe('control');
  });
});

describe('game agent inputs', () => {
  const none = { latencyMs: 0, jitterMs: 0, lossPct: 0, bandwidthKbps: null };
  const cases: [InvokeName, unknown, RegExp][] = [
    ['setNetworkConditions', {}, /give conditions, a preset or a spike/],
    ['setNetworkConditions', { preset: 'dialup' }, /preset: a preset is one of lan, good-wifi/],
    ['setNetworkConditions', { preset: 'lan', conditions: { up: none, down: none, cut: false } }, /conditions or a preset, not both/],
    ['setNetworkConditions', { link: 'l1', preset: 'lan' }, /a link is named with its instance/],
    ['setNetworkConditions', { instance: 'NOT-HEX', preset: 'lan' }, /instance: an instance id is 16 lowercase hex/],
    ['setNetworkConditions', { conditions: { up: { ...none, latencyMs: -1 }, down: none, cut: false } }, /conditions\.up: latency is 0 to 10000 ms/],
    ['setNetworkConditions', { conditions: { up: { ...none, lossPct: 150 }, down: none, cut: false } }, /loss is 0 to 100 %/],
    ['setNetworkConditions', { conditions: { up: { ...none, bandwidthKbps: 1 }, down: none, cut: false } }, /bandwidth is 8 to/],
    ['setNetworkConditions', { spike: { ms: 20_000, forMs: 1_000 } }, /spike\.ms: a spike adds at most 10000 ms/],
    ['setNetworkConditions', { preset: 'lan', extra: 1 }, /Unrecognized key/i],
    ['setNetworkConditions', { bench: { id: '0123abcd', instance: 2 }, preset: 'lan' }, /a bench slot is named with its game, and without an instance/],
    ['setNetworkConditions', { gameId: '0123abcd', instance: '0123456789abcdef', bench: { id: '0123abcd', instance: 2 }, preset: 'lan' }, /without an instance/],
    ['setNetworkConditions', { gameId: '0123abcd', bench: { id: '0123abcd', instance: 17 }, preset: 'lan' }, /bench\.instance: a bench index is at most 16/],
    ['setNetworkConditions', { gameId: '0123abcd', bench: { id: 'NOT-HEX', instance: 1 }, preset: 'lan' }, /bench\.id: a bench id is 8 lowercase hex/],
    ['getRecording', { fromLine: -1 }, /fromLine/],
    ['startRecording', { file: '/etc/passwd' }, /Invalid input for startRecording/],
  ];
  itRefuses(cases, 70);

  it('accepts a link with its instance, a preset for a game, a spike for everyone, a preset for a bench slot', () => {
    expect(parseInvokeInput('setNetworkConditions', { instance: '0123456789abcdef', link: 'l1', preset: 'lan' }).ok).toBe(true);
    expect(parseInvokeInput('setNetworkConditions', { gameId: '0123abcd', preset: 'mobile-3g' }).ok).toBe(true);
    expect(parseInvokeInput('setNetworkConditions', { spike: { ms: 500, forMs: 3_000 } }).ok).toBe(true);
    expect(parseInvokeInput('setNetworkConditions', { gameId: '0123abcd', bench: { id: '89abcdef', instance: 16 }, preset: 'congested' }).ok).toBe(true);
  });
});

