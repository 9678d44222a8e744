import { describe, expect, it } from 'vitest';
import { classifyConnectFailure, emptyIceReport, type IceReport, IceWatch, isTurnAuthError, selectedPath } from './ice-diagnosis.js';

function report(patch: Partial<Omit<IceReport, 'local'>> & { local?: Partial<IceReport['local']> } = {}): IceReport {
  const base = emptyIceReport();
  return { ...base, ...patch, local: { ...base.local, ...patch.local } };
}

describe('classifyConnectFailure', () => {
  it('no local candidate: no-ice-candidates, and only here the camera/microphone permission hint', () => {
    const failure = classifyConnectFailure('bob', report({ answered: true, remote: 2 }), 15_000);
    expect(failure.code).toBe('no-ice-candidates');
    expect(failure.message).toMatch(/^Could not connect to peer bob after 15 s: this browser gathered no ICE candidates/);
    expect(failure.message).toMatch(/camera\/microphone permission/);
    expect(failure.message).not.toMatch(/TURN/);
  });

  it('candidates on both sides but no pair worked: no-ice-path, with the hint to add a TURN server', () => {
    const failure = classifyConnectFailure('bob', report({ local: { host: 1 }, remote: 1, answered: true }), null);
    expect(failure.code).toBe('no-ice-path');
    expect(failure.message).toBe(
      'Could not connect to peer bob: no working path between 1 local and 1 remote candidates (the two networks cannot reach each other: add a TURN server both can reach)',
    );
    expect(failure.message).not.toMatch(/permission/);
  });

  it('no path even with a relay candidate: still no-ice-path, pointing at the peer side', () => {
    const failure = classifyConnectFailure('bob', report({ local: { host: 1, relay: 1 }, remote: 1, answered: true, turnServers: 1 }), 15_000);
    expect(failure.code).toBe('no-ice-path');
    expect(failure.message).toMatch(/even through the TURN relay/);
  });

  it('a TURN server refused the credentials and no relay candidate came: turn-auth-failed, even with host candidates', () => {
    const failure = classifyConnectFailure(
      'bob',
      report({ local: { host: 2 }, remote: 2, answered: true, turnServers: 1, turnAuthRefused: ['turn:10.77.0.3:3478?transport=udp'] }),
      15_000,
    );
    expect(failure.code).toBe('turn-auth-failed');
    expect(failure.message).toMatch(/TURN server turn:10\.77\.0\.3:3478\?transport=udp refused the username\/password \(401\)/);
  });

  it('one TURN URL refused but a relay came from another: the refusal did not cause the failure', () => {
    const failure = classifyConnectFailure('bob', report({ local: { host: 1, relay: 1 }, remote: 1, answered: true, turnAuthRefused: ['turn:a:3478'] }), null);
    expect(failure.code).toBe('no-ice-path');
  });

  it('the peer never answered: peer-unavailable; answered without candidates: the peer gathered none', () => {
    expect(classifyConnectFailure('bob', report({ local: { host: 1 } }), 15_000)).toEqual({
      code: 'peer-unavailable',
      message: 'Could not connect to peer bob after 15 s: the peer did not answer',
    });
    const silent = classifyConnectFailure('bob', report({ local: { host: 1 }, answered: true }), 15_000);
    expect(silent.code).toBe('no-ice-candidates');
    expect(silent.message).toMatch(/the peer sent no ICE candidates/);
  });
});

describe('isTurnAuthError', () => {
  it('401 from a turn:/turns: URL only', () => {
    expect(isTurnAuthError(401, 'turn:10.0.0.1:3478?transport=udp')).toBe(true);
    expect(isTurnAuthError(401, 'turns:relay.lan:5349')).toBe(true);
    // 701: server unreachable; a STUN URL never authenticates.
    expect(isTurnAuthError(701, 'turn:10.0.0.1:3478')).toBe(false);
    expect(isTurnAuthError(401, 'stun:10.0.0.1:3478')).toBe(false);
    expect(isTurnAuthError(401, undefined)).toBe(false);
  });
});

describe('selectedPath', () => {
  const candidates = [
    { id: 'L1', type: 'local-candidate', candidateType: 'host' },
    { id: 'L2', type: 'local-candidate', candidateType: 'relay' },
    { id: 'R1', type: 'remote-candidate', candidateType: 'host' },
    { id: 'R2', type: 'remote-candidate', candidateType: 'relay' },
  ];

  it("follows the transport's selected pair: relayed when either end is a relay candidate", () => {
    const stats = [
      ...candidates,
      { id: 'T', type: 'transport', selectedCandidatePairId: 'P2' },
      { id: 'P1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1', nominated: false, state: 'failed' },
      { id: 'P2', type: 'candidate-pair', localCandidateId: 'L2', remoteCandidateId: 'R1', nominated: true, state: 'succeeded' },
    ];
    expect(selectedPath(stats)).toEqual({ path: 'relayed', local: 'relay', remote: 'host' });
  });

  it('host to host is direct; without a transport entry the nominated succeeded pair counts', () => {
    const stats = [...candidates, { id: 'P1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1', nominated: true, state: 'succeeded' }];
    expect(selectedPath(stats)).toEqual({ path: 'direct', local: 'host', remote: 'host' });
  });

  it('null while no pair is selected', () => {
    const stats = [...candidates, { id: 'P1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R2', nominated: false, state: 'in-progress' }];
    expect(selectedPath(stats)).toBeNull();
  });
});

/** What IceWatch reads from an RTCPeerConnection; real Chromium ones are exercised by e2e/lan/turn.spec.ts. */
class FakePc extends EventTarget {
  remoteDescription: object | null = null;
  added: unknown[] = [];
  getConfiguration(): RTCConfiguration {
    return { iceServers: [{ urls: 'stun:s:3478' }, { urls: ['turn:t:3478?transport=udp', 'turns:t:5349'], username: 'u', credential: 'p' }] };
  }
  addIceCandidate(candidate?: RTCIceCandidateInit): Promise<void> {
    this.added.push(candidate);
    return Promise.resolve();
  }
  getStats(): Promise<Map<string, Record<string, unknown>>> {
    return Promise.resolve(new Map());
  }
}

function candidateEvent(line: string | null): Event {
  return Object.assign(new Event('icecandidate'), { candidate: line === null ? null : { candidate: line } });
}

function errorEvent(errorCode: number, url: string): Event {
  return Object.assign(new Event('icecandidateerror'), { errorCode, url, errorText: 'Unauthorized' });
}

describe('IceWatch', () => {
  it('counts local candidates by type, remote candidates added, TURN URLs configured, and reports each TURN refusal once', async () => {
    const pc = new FakePc();
    const refused: string[] = [];
    const watch = new IceWatch(pc as unknown as RTCPeerConnection, (url) => refused.push(url));
    pc.dispatchEvent(candidateEvent('candidate:1 1 udp 2122260223 10.77.0.1 50000 typ host generation 0'));
    pc.dispatchEvent(candidateEvent('candidate:2 1 udp 41885439 10.77.0.3 50010 typ relay raddr 10.77.0.1 rport 50000'));
    pc.dispatchEvent(candidateEvent(null));
    await pc.addIceCandidate({ candidate: 'candidate:3 1 udp 2122260223 10.78.0.2 50002 typ host', sdpMid: '0' });
    await pc.addIceCandidate({ candidate: '', sdpMid: '0' });
    pc.dispatchEvent(errorEvent(401, 'turn:t:3478?transport=udp'));
    pc.dispatchEvent(errorEvent(401, 'turn:t:3478?transport=udp'));
    pc.dispatchEvent(errorEvent(701, 'turns:t:5349'));
    pc.remoteDescription = { type: 'answer' };

    expect(refused).toEqual(['turn:t:3478?transport=udp']);
    expect(pc.added).toHaveLength(2);
    expect(watch.snapshot()).toEqual({
      local: { host: 1, srflx: 0, prflx: 0, relay: 1 },
      remote: 1,
      answered: true,
      turnServers: 2,
      turnAuthRefused: ['turn:t:3478?transport=udp'],
    });
    expect(await watch.path()).toBeNull();
  });
});
