import { describe, expect, it } from 'vitest';
import { AGENT_LIMITS } from '../../src-preload/game-agent-protocol';
import { NO_DIRECTED_CONDITIONS } from '../../src-preload/network-conditions';
import { agentUrl, brokerLine, newInstanceId, parseHostMessage, RECONNECT_MAX_MS, reconnectDelayMs } from './agent-link';

describe('agent link helpers', () => {
  it('backs off from 0.5 s, doubling, never past 10 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50].map(reconnectDelayMs)).toEqual([500, 1_000, 2_000, 4_000, 8_000, RECONNECT_MAX_MS, RECONNECT_MAX_MS, RECONNECT_MAX_MS]);
  });

  it('makes instance ids the host accepts and the URL on the own origin', () => {
    expect(newInstanceId()).toMatch(AGENT_LIMITS.instanceIdPattern);
    expect(agentUrl({ protocol: 'http:', host: '10.0.0.1:9001' })).toBe('ws://10.0.0.1:9001/lan-party/agent');
    expect(agentUrl({ protocol: 'https:', host: 'g.lan' })).toBe('wss://g.lan/lan-party/agent');
    expect(agentUrl({ protocol: 'file:', host: '' })).toBeNull();
  });

  it('logs each broker state once, warning while there is no broker', () => {
    const waiting = { type: 'broker', state: 'waiting', message: 'no broker on the LAN yet; waiting for one' } as const;
    expect(brokerLine(null, waiting)).toEqual({ level: 'warn', text: 'LAN Party: no broker on the LAN yet; waiting for one' });
    expect(brokerLine('waiting', waiting)).toBeNull();
    expect(brokerLine('waiting', { type: 'broker', state: 'connected', message: 'LAN Party: connected' })).toEqual({ level: 'info', text: 'LAN Party: connected' });
  });

  it('accepts well-formed host messages and refuses the rest without throwing', () => {
    const conditions = {
      type: 'conditions',
      instance: { up: { latencyMs: 100, jitterMs: 0, lossPct: 0, bandwidthKbps: null }, down: NO_DIRECTED_CONDITIONS.down, cut: false },
      links: { l1: { ...NO_DIRECTED_CONDITIONS, cut: true }, l2: { bad: 1 } },
      spike: { ms: 500, forMs: 2_000 },
    };
    expect(parseHostMessage(JSON.stringify(conditions))).toEqual({ ...conditions, links: { l1: { ...NO_DIRECTED_CONDITIONS, cut: true } } });
    expect(parseHostMessage(JSON.stringify({ type: 'broker', state: 'moving', message: 'x' }))).toEqual({ type: 'broker', state: 'moving', message: 'x' });
    expect(parseHostMessage('{"type":"reload","extra":"ignored"}')).toEqual({ type: 'reload' });
    for (const bad of [
      'not json',
      '[]',
      '{"type":"broker","state":"lost","message":"x"}',
      JSON.stringify({ ...conditions, instance: { ...conditions.instance, cut: 'yes' } }),
      JSON.stringify({ ...conditions, instance: { ...conditions.instance, up: { latencyMs: -5, jitterMs: 0, lossPct: 0, bandwidthKbps: null } } }),
      JSON.stringify({ ...conditions, spike: { ms: 1e9, forMs: 1 } }),
      42,
    ]) {
      expect(parseHostMessage(bad)).toBeNull();
    }
  });
});
