import { describe, expect, it, vi } from 'vitest';
import { createStaticDefaultBrokerSource } from '../../p2p';
import { P2PSession } from './p2p-session';

const turn = (credential: string) => ({ urls: 'turn:10.77.0.3:3478', username: 'player', credential });

describe('P2PSession.applyIceServers', () => {
  it("replaces the engine's list with the settings' list (a corrected password is not appended behind the wrong one); unchanged lists are not re-applied", () => {
    const session = new P2PSession(createStaticDefaultBrokerSource(null));
    const set = vi.spyOn(session.engine, 'setIceServers');
    const add = vi.spyOn(session.engine, 'addIceServer');
    session.applyIceServers([turn('wrong')]);
    // The host's state arrives again with an equal (new) array: nothing to do.
    session.applyIceServers([turn('wrong')]);
    session.applyIceServers([turn('right')]);
    session.applyIceServers([]);
    expect(set.mock.calls).toEqual([[[turn('wrong')]], [[turn('right')]], [[]]]);
    expect(add).not.toHaveBeenCalled();
    expect(session.appliedIceServerCount()).toBe(0);
    expect(session.engine.getErrorLog()).toEqual([]);
    session.engine.destroy();
  });
});
