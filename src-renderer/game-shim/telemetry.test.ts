import { describe, expect, it } from 'vitest';
import { AGENT_LIMITS } from '../../src-preload/game-agent-protocol';
import { utf8Length } from '../p2p/utf8';
import { OTHER_LINK, OTHER_NAME, Telemetry } from './telemetry';

const noPeer = (): null => null;

describe('Telemetry reports', () => {
  it('reports links, counts each way, events and names; nothing when nothing changed', () => {
    const telemetry = new Telemetry();
    const link = telemetry.addLink('dc_abc', false, 'connecting');
    telemetry.setState(link, 'open');
    telemetry.setPath(link, 12, 'mdns');
    telemetry.setPeerId('me');
    telemetry.count(link, 'out', 1_000, 30, [{ name: 'move', data: '{"x":1}' }]);
    telemetry.count(link, 'in', 1_005, 31, [{ name: 'move', data: '{"x":2}' }]);
    telemetry.count(link, 'in', 1_006, 5, []);
    const report = telemetry.buildReport((label) => (label === 'dc_abc' ? 'them' : null), null);
    expect(report).toEqual({
      type: 'report',
      links: [
        {
          id: 'l1',
          peer: 'them',
          label: 'dc_abc',
          state: 'open',
          reliable: false,
          rttMs: 12,
          candidate: 'mdns',
          sent: { messages: 1, bytes: 30 },
          received: { messages: 2, bytes: 36 },
        },
      ],
      events: [
        { t: 1_000, link: 'l1', dir: 'out', name: 'move', size: 30, data: '{"x":1}' },
        { t: 1_005, link: 'l1', dir: 'in', name: 'move', size: 31, data: '{"x":2}' },
      ],
      names: [{ name: 'move', in: 1, out: 1, backlog: null }],
      droppedEvents: 0,
      peerId: 'me',
    });
    expect(telemetry.buildReport(noPeer, null)).toBeNull();
    telemetry.setPath(link, 12, 'mdns');
    expect(telemetry.buildReport(noPeer, null)).toBeNull();
    telemetry.setPath(link, 14, 'mdns');
    expect(telemetry.buildReport(noPeer, null)?.events).toEqual([]);
  });

  it('carries the backlog of a frame-loop runtime per name, and reports when only it changed', () => {
    const telemetry = new Telemetry();
    const link = telemetry.addLink('x', true, 'open');
    telemetry.count(link, 'in', 1, 10, [{ name: 'move', data: '' }]);
    telemetry.buildReport(noPeer, [['move', 3]]);
    const report = telemetry.buildReport(noPeer, [
      ['move', 5],
      ['chat', 1],
    ]);
    expect(report?.names).toEqual([
      { name: 'move', in: 1, out: 0, backlog: 5 },
      { name: 'chat', in: 0, out: 0, backlog: 1 },
    ]);
    expect(telemetry.buildReport(noPeer, [['move', 5], ['chat', 1]])).toBeNull();
  });

  it('keeps at most maxEventsPerReport events per report and counts the rest', () => {
    const telemetry = new Telemetry();
    const link = telemetry.addLink('x', true, 'open');
    for (let i = 0; i < AGENT_LIMITS.maxEventsPerReport + 50; i += 1) telemetry.count(link, 'in', i, 10, [{ name: 'tick', data: String(i) }]);
    const report = telemetry.buildReport(noPeer, null);
    expect(report?.events).toHaveLength(AGENT_LIMITS.maxEventsPerReport);
    expect(report?.droppedEvents).toBe(50);
    expect(report?.names).toEqual([{ name: 'tick', in: AGENT_LIMITS.maxEventsPerReport + 50, out: 0, backlog: null }]);
    // The count restarts with the next report.
    telemetry.count(link, 'in', 1, 10, [{ name: 'tick', data: '' }]);
    expect(telemetry.buildReport(noPeer, null)?.droppedEvents).toBe(0);
  });

  it('fits the report in maxMessageBytes even with previews that JSON escapes sixfold, and counts what it left out', () => {
    const telemetry = new Telemetry();
    const link = telemetry.addLink('x', true, 'open');
    const nasty = '\u0001'.repeat(AGENT_LIMITS.maxEventDataChars * 2);
    for (let i = 0; i < AGENT_LIMITS.maxEventsPerReport; i += 1) telemetry.count(link, 'in', i, 10, [{ name: 'n'.repeat(100), data: nasty }]);
    const report = telemetry.buildReport(noPeer, null);
    expect(report).not.toBeNull();
    expect(utf8Length(JSON.stringify(report))).toBeLessThanOrEqual(AGENT_LIMITS.maxMessageBytes);
    expect((report?.events.length ?? 0) + (report?.droppedEvents ?? 0)).toBe(AGENT_LIMITS.maxEventsPerReport);
    expect(report?.droppedEvents).toBeGreaterThan(0);
    expect(report?.events[0]?.name).toHaveLength(AGENT_LIMITS.maxEventNameChars);
    expect(report?.events[0]?.data).toHaveLength(AGENT_LIMITS.maxEventDataChars);
  });

  it('bounds event names per instance (the rest under (other)) and links per report (the rest summed)', () => {
    const telemetry = new Telemetry();
    const link = telemetry.addLink('x', true, 'open');
    for (let i = 0; i < 100; i += 1) telemetry.count(link, 'in', i, 1, [{ name: `n${i}`, data: '' }]);
    const names = telemetry.buildReport(noPeer, null)?.names ?? [];
    expect(names).toHaveLength(AGENT_LIMITS.maxEventNamesPerInstance);
    expect(names.at(-1)).toEqual({ name: OTHER_NAME, in: 100 - (AGENT_LIMITS.maxEventNamesPerInstance - 1), out: 0, backlog: null });

    for (let i = 0; i < 40; i += 1) {
      const extra = telemetry.addLink(`c${i}`, false, 'open');
      telemetry.count(extra, 'out', 0, 100, []);
    }
    const links = telemetry.buildReport(noPeer, null)?.links ?? [];
    expect(links).toHaveLength(AGENT_LIMITS.maxLinksPerInstance);
    const other = links.at(-1);
    expect(other?.id).toBe(OTHER_LINK);
    expect(other?.sent).toEqual({ messages: 41 - (AGENT_LIMITS.maxLinksPerInstance - 1), bytes: 100 * (41 - (AGENT_LIMITS.maxLinksPerInstance - 1)) });
  });

  it('forgets the oldest closed links past its memory bound', () => {
    const telemetry = new Telemetry({ ...AGENT_LIMITS, maxLinksPerInstance: 1_000 });
    for (let i = 0; i < 200; i += 1) telemetry.setState(telemetry.addLink(`c${i}`, false, 'open'), 'closed');
    const links = telemetry.buildReport(noPeer, null)?.links ?? [];
    expect(links).toHaveLength(64);
    expect(links[0]?.label).toBe('c136');
  });
});
