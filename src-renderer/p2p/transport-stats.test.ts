/** Reading packets received from getStats reports shaped as Chromium 156 returns them. */
import { describe, expect, it } from 'vitest';
import { readTransport } from './transport-stats.js';

function report(stats: object[]): { forEach(cb: (s: object) => void): void } {
  return { forEach: (cb) => stats.forEach(cb) };
}

const pair = (extra: object) => ({ type: 'candidate-pair', id: 'CP1', nominated: true, state: 'succeeded', timestamp: 10_000, ...extra });

describe('readTransport', () => {
  it('counts transport and selected-pair packets, and dates the last one', () => {
    const r = readTransport(
      report([
        { type: 'transport', id: 'T1', packetsReceived: 10, bytesReceived: 2_383, selectedCandidatePairId: 'CP1' },
        pair({ packetsReceived: 10, bytesReceived: 2_383, requestsReceived: 3, responsesReceived: 3, lastPacketReceivedTimestamp: 9_700 }),
        { type: 'candidate-pair', id: 'CP2', packetsReceived: 999, timestamp: 10_000, lastPacketReceivedTimestamp: 9_999 },
      ]),
    );
    expect(r?.lastPacketAgeMs).toBe(300);
    // The unselected pair is ignored; one more SACK or ICE response moves the counter.
    const later = readTransport(
      report([
        { type: 'transport', id: 'T1', packetsReceived: 10, bytesReceived: 2_383, selectedCandidatePairId: 'CP1' },
        pair({ packetsReceived: 10, bytesReceived: 2_383, requestsReceived: 3, responsesReceived: 4, lastPacketReceivedTimestamp: 9_700 }),
      ]),
    );
    expect(later?.counter).toBe((r?.counter ?? 0) + 1);
  });

  it('an idle link (no data yet) still has a counter from ICE checks, and no date', () => {
    const r = readTransport(report([{ type: 'transport', id: 'T1', packetsReceived: 9, selectedCandidatePairId: 'CP1' }, pair({ responsesReceived: 5 })]));
    expect(r).toEqual({ counter: 14, lastPacketAgeMs: null });
  });

  it('falls back to the nominated pair without a transport entry, and returns null without either', () => {
    expect(readTransport(report([pair({ packetsReceived: 2, lastPacketReceivedTimestamp: 9_000 })]))).toEqual({ counter: 2, lastPacketAgeMs: 1_000 });
    expect(readTransport(report([{ type: 'data-channel', id: 'D1' }]))).toBeNull();
  });

  it('ignores nonsense values (a last packet "in the future", non-numbers)', () => {
    const r = readTransport(report([pair({ packetsReceived: 'x', lastPacketReceivedTimestamp: 20_000 })]));
    expect(r).toEqual({ counter: 0, lastPacketAgeMs: null });
  });
});
