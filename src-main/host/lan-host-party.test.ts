/**
 * LanHost's party code and pinned broker, with discovery off (no mDNS outside
 * the LAN suite's namespaces; the mDNS side is e2e/lan/party.spec.ts): the
 * mode every dashboard shows, this instance as a member, a pin that elects
 * nobody when its instance is absent, and the code given to no player.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LanHost } from './lan-host.js';
import { defaultSettings } from './settings.js';

const hosts: LanHost[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop();
});

async function startHost(partyCode: string | null): Promise<LanHost> {
  const settings = { ...defaultSettings(), discovery: false, partyCode, broker: { ...defaultSettings().broker, port: 0 } };
  const host = new LanHost({ mode: 'headless', settings, bindHost: '127.0.0.1', shimFile: '/nonexistent/shim.js', notifyIntervalMs: 5 });
  hosts.push(host);
  await host.start();
  return host;
}

describe('LanHost: party code and pinned broker', () => {
  it('says which mode is on, and keeps the code from players and from the LAN state', async () => {
    const host = await startHost('otter-lantern-42');
    const lan = host.getLanState();
    expect(lan.trust).toEqual({ mode: 'party' });
    expect(lan.instances[0]?.party).toEqual({ member: true, addresses: ['127.0.0.1'] });
    // With discovery off, this instance is the party: its own broker stays the default.
    expect(lan.defaultBroker?.instanceId).toBe(host.instanceId);
    const player = host.getHostState(false);
    expect(player.settings).toBeNull();
    expect(JSON.stringify(player)).not.toContain('otter');
    expect(host.getHostState(true).settings?.partyCode).toBe('otter-lantern-42');
  });

  it('without a code, today’s behaviour: open mode, no standing on any instance', async () => {
    const host = await startHost(null);
    expect(host.getLanState().trust).toEqual({ mode: 'open' });
    expect(host.getLanState().instances.every((i) => i.party === undefined)).toBe(true);
  });

  it('a pinned broker elects only that instance; unpinned, the rule is back at once', async () => {
    const host = await startHost(null);
    await host.updateSettings({ pinnedBroker: 'somebody-else' });
    expect(host.getLanState().trust).toEqual({ mode: 'pinned', instanceId: 'somebody-else' });
    expect(host.getLanState().defaultBroker).toBeNull();
    await host.updateSettings({ pinnedBroker: host.instanceId });
    expect(host.getLanState().defaultBroker).toMatchObject({ instanceId: host.instanceId, reason: 'pinned by hand' });
    await host.updateSettings({ pinnedBroker: null, partyCode: 'a new code' });
    expect(host.getLanState().trust).toEqual({ mode: 'party' });
    expect(host.getLanState().defaultBroker?.instanceId).toBe(host.instanceId);
  });
});
