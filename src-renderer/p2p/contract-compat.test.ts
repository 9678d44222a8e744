/**
 * The engine restates a few contract types and the peer-id pattern so the
 * standalone bundle (and its .d.ts) does not pull zod in. This test keeps
 * `src-preload/contract.ts` the single source of truth: `tsc -b` fails on a
 * drift of the types, vitest on a drift of the pattern.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as contract from '../../src-preload/contract.js';
import { PEER_ID_PATTERN } from './engine.js';
import type { BrokerEndpoint, IceServer } from './types.js';

describe('engine types match the contract', () => {
  it('BrokerEndpoint and IceServer are the contract types', () => {
    expectTypeOf<BrokerEndpoint>().toEqualTypeOf<contract.BrokerEndpoint>();
    expectTypeOf<IceServer>().toEqualTypeOf<contract.IceServer>();
  });

  it('the peer-id pattern is the contract pattern', () => {
    expect(PEER_ID_PATTERN.source).toBe(contract.PEER_ID_PATTERN.source);
    expect(PEER_ID_PATTERN.flags).toBe(contract.PEER_ID_PATTERN.flags);
  });
});
