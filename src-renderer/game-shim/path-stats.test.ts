import { describe, expect, it } from 'vitest';
import { freezeReceived, readPath, snapshotReceived } from './path-stats';

// The shape Chromium reports (ids and fields as in a real getStats()).
function report(received: number, local: Record<string, unknown> = { candidateType: 'host', address: '3f1c.local' }): Map<string, Record<string, unknown>> {
  return new Map<string, Record<string, unknown>>([
    ['T01', { id: 'T01', type: 'transport', selectedCandidatePairId: 'CP1', packetsReceived: received, bytesReceived: received * 100 }],
    ['CP1', { id: 'CP1', type: 'candidate-pair', localCandidateId: 'L1', nominated: true, state: 'succeeded', currentRoundTripTime: 0.0123, packetsReceived: received, bytesReceived: received * 100, responsesReceived: 3, lastPacketReceivedTimestamp: 1_000 + received, timestamp: 5_000 }],
    ['L1', { id: 'L1', type: 'local-candidate', ...local }],
    ['D1', { id: 'D1', type: 'data-channel', messagesReceived: received }],
  ]);
}

describe('readPath', () => {
  it('reads the RTT and candidate kind of the pair in use (mDNS when the host address is .local)', () => {
    expect(readPath(report(1))).toEqual({ rttMs: 12.3, candidate: 'mdns' });
    expect(readPath(report(1, { candidateType: 'host', address: '10.77.0.2' }))).toEqual({ rttMs: 12.3, candidate: 'host' });
    expect(readPath(report(1, { candidateType: 'relay', address: '10.77.0.9' })).candidate).toBe('relay');
    expect(readPath(new Map())).toEqual({ rttMs: null, candidate: null });
  });
});

describe('freezeReceived', () => {
  it('keeps the received counters of transport and pair at the cut’s start and leaves the rest live', () => {
    const snapshot = snapshotReceived(report(10));
    const frozen = freezeReceived(report(50), snapshot);
    expect(frozen.get('T01')).toMatchObject({ packetsReceived: 10, bytesReceived: 1_000 });
    expect(frozen.get('CP1')).toMatchObject({ packetsReceived: 10, bytesReceived: 1_000, lastPacketReceivedTimestamp: 1_010, currentRoundTripTime: 0.0123 });
    expect(frozen.get('D1')).toEqual({ id: 'D1', type: 'data-channel', messagesReceived: 50 });
    // A pair that appeared during the cut has received nothing.
    const later = report(60);
    later.set('CP2', { id: 'CP2', type: 'candidate-pair', packetsReceived: 7 });
    expect(freezeReceived(later, snapshot).get('CP2')).toMatchObject({ packetsReceived: 0 });
  });
});
