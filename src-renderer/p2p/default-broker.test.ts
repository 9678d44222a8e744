/** Default-broker sources with an injected fetch and fake timers: nothing waits, nothing touches the network. */
import { describe, expect, it, vi } from 'vitest';
import type * as contract from '../../src-preload/contract.js';
import { useFakeTimersInEachTest } from '../../src-preload/testing/fake-timers.js';
import { lanInstance, lanState as lanStateOf } from '../../src-preload/testing/lan-instance.js';
import { createHttpDefaultBrokerSource, parseLanStateEndpoint, parseLanStateHosts, sameEndpoint } from './default-broker.js';
import type { BrokerEndpoint } from './types.js';

const A: BrokerEndpoint = { host: '10.0.0.1', port: 9000, path: '/', key: 'peerjs', secure: false };
const B: BrokerEndpoint = { host: '10.0.0.2', port: 9000, path: '/', key: 'peerjs', secure: false };

function lanState(endpoint: BrokerEndpoint | null, instances: { address: string; httpPort: number }[] = []): contract.LanState {
  return lanStateOf(
    instances.map((i, n) => lanInstance({ instanceId: `i${n}`, name: `n${n}`, address: i.address, httpPort: i.httpPort, self: n === 0 })),
    { defaultBroker: endpoint ? { instanceId: 'i0', endpoint, reason: 'test' } : null },
  );
}

/** A fetch answering per base URL; `null` = that host does not answer. */
function fakeFetch(answers: Map<string, unknown>): typeof fetch {
  return vi.fn((input: string | URL | Request) => {
    const url = String(input);
    const base = url.replace(/\/api\/lan$/, '');
    const body = answers.get(base);
    if (body === undefined || body === null) return Promise.reject(new Error('unreachable'));
    return Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
  }) as unknown as typeof fetch;
}

useFakeTimersInEachTest();

describe('parsing /api/lan (untrusted)', () => {
  it('reads the default endpoint, null when the LAN has none', () => {
    expect(parseLanStateEndpoint(lanState(A))).toEqual(A);
    expect(parseLanStateEndpoint(lanState(null))).toBeNull();
  });

  it.each([null, 'x', {}, { defaultBroker: { endpoint: { ...A, port: 0 } } }, { defaultBroker: { endpoint: { ...A, host: '' } } }, { defaultBroker: { endpoint: { ...A, secure: 'no' } } }, { defaultBroker: { endpoint: { ...A, path: '/a?b' } } }, { defaultBroker: { endpoint: { ...A, key: '' } } }])(
    'rejects %j',
    (body) => {
      expect(parseLanStateEndpoint(body)).toBeUndefined();
    },
  );

  it('lists other hosts, bounded and validated', () => {
    const body = lanState(A, [
      { address: '10.0.0.1', httpPort: 8080 },
      { address: 'fe80::1', httpPort: 8081 },
      { address: 'bad/host', httpPort: 1 },
      ...Array.from({ length: 20 }, (_, i) => ({ address: `10.0.1.${i}`, httpPort: 80 })),
    ]);
    const hosts = parseLanStateHosts(body);
    expect(hosts.slice(0, 2)).toEqual(['http://10.0.0.1:8080', 'http://[fe80::1]:8081']);
    expect(hosts).toHaveLength(8);
  });

  it('compares endpoints field by field', () => {
    expect(sameEndpoint(A, { ...A })).toBe(true);
    expect(sameEndpoint(A, B)).toBe(false);
    expect(sameEndpoint(null, null)).toBe(true);
    expect(sameEndpoint(A, null)).toBe(false);
  });
});

describe('createHttpDefaultBrokerSource', () => {
  it('gets the default and notifies subscribers only when it changes', async () => {
    const answers = new Map<string, unknown>([['http://host-a', lanState(A)]]);
    const source = createHttpDefaultBrokerSource({ baseUrl: 'http://host-a', intervalMs: 1_000, fetch: fakeFetch(answers) });
    await expect(source.get()).resolves.toEqual(A);
    const seen: (BrokerEndpoint | null)[] = [];
    const off = source.subscribe((e) => seen.push(e));
    await vi.advanceTimersByTimeAsync(3_000);
    expect(seen).toEqual([]);
    answers.set('http://host-a', lanState(B));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(seen).toEqual([B]);
    off();
    answers.set('http://host-a', lanState(A));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(seen).toEqual([B]);
  });

  it('when its host stops answering, asks the other hosts it listed', async () => {
    const answers = new Map<string, unknown>([
      ['http://host-a', lanState(A, [{ address: '10.0.0.2', httpPort: 8080 }])],
      ['http://10.0.0.2:8080', lanState(B)],
    ]);
    const source = createHttpDefaultBrokerSource({ baseUrl: 'http://host-a', intervalMs: 1_000, fetch: fakeFetch(answers) });
    await expect(source.get()).resolves.toEqual(A);
    answers.set('http://host-a', null);
    await expect(source.get()).resolves.toEqual(B);
  });

  it('rejects when no host answers', async () => {
    const source = createHttpDefaultBrokerSource({ baseUrl: 'http://nowhere', fetch: fakeFetch(new Map()) });
    await expect(source.get()).rejects.toThrow(/No LAN Party host answered/);
  });
});
