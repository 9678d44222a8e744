import { describe, expect, it, vi } from 'vitest';
import { createStaticDefaultBrokerSource } from '../../p2p';
import { DashboardP2P } from './dashboard-p2p';

const turn = (credential: string) => ({ urls: 'turn:10.77.0.3:3478', username: 'player', credential });

describe('DashboardP2P.applyIceServers', () => {
  it("replaces the engine's list with the settings' list (a corrected password is not appended behind the wrong one); unchanged lists are not re-applied", () => {
    const p2p = new DashboardP2P(createStaticDefaultBrokerSource(null));
    const set = vi.spyOn(p2p.engine, 'setIceServers');
    const add = vi.spyOn(p2p.engine, 'addIceServer');
    p2p.applyIceServers([turn('wrong')]);
    // The host's state arrives again with an equal (new) array: nothing to do.
    p2p.applyIceServers([turn('wrong')]);
    p2p.applyIceServers([turn('right')]);
    p2p.applyIceServers([]);
    expect(set.mock.calls).toEqual([[[turn('wrong')]], [[turn('right')]], [[]]]);
    expect(add).not.toHaveBeenCalled();
    expect(p2p.appliedIceServerCount()).toBe(0);
    expect(p2p.engine.getErrorLog()).toEqual([]);
    p2p.engine.destroy();
  });
});
