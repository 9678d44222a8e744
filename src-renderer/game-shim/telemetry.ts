/**
 * What the game agent knows about its page, and the reports it sends: pure
 * state fed by the page glue (rtc-wrap.ts), so the bounds are unit tested.
 *
 * Cost model: on the message path the glue calls `count()`: a few additions
 * and, for a decoded event, one bounded array push and a Map lookup. All the
 * rest (truncation, sorting, JSON) happens in `buildReport()`, at most once per
 * AGENT_LIMITS.reportIntervalMs, and only when something changed.
 * Measured (Node 20, 200,000 GDevelop-style `move` events, with decoding by
 * event-decode.ts): 1.5 µs per message in BinaryPack, 0.9 µs in JSON text.
 *
 * Bounds (AGENT_LIMITS, the one source): events per report (the rest are
 * counted in `droppedEvents`), event names per instance (more are counted
 * under OTHER_NAME), links per report (the rest summed into one OTHER_LINK),
 * characters of names, previews and labels, and the report's JSON in bytes
 * (events are left out, and counted, until it fits maxMessageBytes).
 */
import { AGENT_LIMITS, type AgentMessage, type CandidateKind, type EventNameReport, type EventReport, type LinkReport, type LinkState } from '../../src-preload/game-agent-protocol.js';
import { utf8Length } from '../p2p/utf8.js';
import type { SeenEvent } from './event-decode.js';

export const OTHER_NAME = '(other)';
export const OTHER_LINK = 'other';
/** Closed links remembered for the dashboard; older closed ones are forgotten (memory bound). */
export const MAX_CLOSED_LINKS = 64;
/** Room kept in a report for everything but its events. */
const REPORT_OVERHEAD_BYTES = 1024;

export type Report = Extract<AgentMessage, { type: 'report' }>;

/** AGENT_LIMITS with its figures widened to number (tests pass other bounds). */
export type AgentLimits = { readonly [K in keyof typeof AGENT_LIMITS]: (typeof AGENT_LIMITS)[K] extends number ? number : (typeof AGENT_LIMITS)[K] };

export interface LinkRecord {
  readonly id: string;
  label: string;
  state: LinkState;
  reliable: boolean;
  rttMs: number | null;
  candidate: CandidateKind | null;
  sentMessages: number;
  sentBytes: number;
  receivedMessages: number;
  receivedBytes: number;
}

interface NameCount {
  in: number;
  out: number;
}

const clip = (text: string, max: number): string => (text.length > max ? text.slice(0, max) : text);

export class Telemetry {
  private readonly links: LinkRecord[] = [];
  private nextLink = 1;
  private readonly names = new Map<string, NameCount>();
  private events: EventReport[] = [];
  private droppedEvents = 0;
  private peerId: string | null = null;
  private dirty = true;
  private lastBacklog = '';

  constructor(private readonly limits: AgentLimits = AGENT_LIMITS) {}

  addLink(label: string, reliable: boolean, state: LinkState): LinkRecord {
    const link: LinkRecord = {
      id: `l${this.nextLink++}`,
      label: clip(label, this.limits.maxLabelChars),
      state,
      reliable,
      rttMs: null,
      candidate: null,
      sentMessages: 0,
      sentBytes: 0,
      receivedMessages: 0,
      receivedBytes: 0,
    };
    this.links.push(link);
    this.forgetOldClosed();
    this.dirty = true;
    return link;
  }

  setState(link: LinkRecord, state: LinkState): void {
    if (link.state === state) return;
    link.state = state;
    this.dirty = true;
    if (state === 'closed') this.forgetOldClosed();
  }

  setPath(link: LinkRecord, rttMs: number | null, candidate: CandidateKind | null): void {
    if (link.rttMs === rttMs && link.candidate === candidate) return;
    link.rttMs = rttMs;
    link.candidate = candidate;
    this.dirty = true;
  }

  setPeerId(id: string | null): void {
    const clipped = id === null ? null : clip(id, this.limits.maxLabelChars);
    if (this.peerId === clipped) return;
    this.peerId = clipped;
    this.dirty = true;
  }

  /**
   * A message the game sent (`out`, at the time it called send) or that was
   * delivered to it (`in`). `omitted`: events of the frame the decoder left out.
   */
  count(link: LinkRecord, dir: 'in' | 'out', t: number, bytes: number, events: readonly SeenEvent[], omitted = 0): void {
    if (dir === 'in') {
      link.receivedMessages += 1;
      link.receivedBytes += bytes;
    } else {
      link.sentMessages += 1;
      link.sentBytes += bytes;
    }
    this.dirty = true;
    this.droppedEvents += omitted;
    for (const event of events) this.event(link, dir, t, bytes, event);
  }

  /** An event seen apart from its frame's count (a Blob decoded later). */
  event(link: LinkRecord, dir: 'in' | 'out', t: number, size: number, event: SeenEvent): void {
    let count = this.names.get(event.name);
    if (!count) {
      const key = this.names.size < this.limits.maxEventNamesPerInstance - 1 ? event.name : OTHER_NAME;
      count = this.names.get(key);
      if (!count) {
        count = { in: 0, out: 0 };
        this.names.set(key, count);
      }
    }
    count[dir] += 1;
    this.dirty = true;
    if (this.events.length >= this.limits.maxEventsPerReport) {
      this.droppedEvents += 1;
      return;
    }
    this.events.push({
      t,
      link: link.id,
      dir,
      name: clip(event.name, this.limits.maxEventNameChars),
      size,
      data: clip(event.data, this.limits.maxEventDataChars),
    });
  }

  /** Events the glue could not decode in time (a Blob read refused): counted as left out. */
  dropEvents(count: number): void {
    this.droppedEvents += count;
    this.dirty = true;
  }

  /** Everything changed: the next report is a full one (a new agent socket). */
  touch(): void {
    this.dirty = true;
  }

  private forgetOldClosed(): void {
    let closed = 0;
    for (const link of this.links) if (link.state === 'closed') closed += 1;
    for (let i = 0; closed > MAX_CLOSED_LINKS && i < this.links.length; ) {
      if ((this.links[i] as LinkRecord).state === 'closed') {
        this.links.splice(i, 1);
        closed -= 1;
      } else i += 1;
    }
  }

  /**
   * The report to send now, or null when nothing changed since the last one.
   * `peerOf` resolves a channel label to the remote PeerJS id (signaling
   * seen on the relay socket); `backlog` is the frame queues' count per name,
   * null when the page runs no frame-loop runtime.
   */
  buildReport(peerOf: (label: string) => string | null, backlog: ReadonlyArray<readonly [string, number]> | null): Report | null {
    const backlogKey = backlog === null ? '' : JSON.stringify(backlog);
    if (backlogKey !== this.lastBacklog) {
      this.lastBacklog = backlogKey;
      this.dirty = true;
    }
    if (!this.dirty) return null;
    this.dirty = false;
    const links = this.reportLinks(peerOf);
    const queued = new Map(backlog ?? []);
    const names: EventNameReport[] = [];
    for (const [name, count] of this.names) {
      names.push({ name: clip(name, this.limits.maxEventNameChars), in: count.in, out: count.out, backlog: backlog === null ? null : (queued.get(name) ?? 0) });
    }
    // Names only the frame queues know (events delivered before the agent saw the link).
    if (backlog !== null) {
      for (const [name, count] of backlog) {
        if (this.names.has(name) || names.length >= this.limits.maxEventNamesPerInstance) continue;
        names.push({ name: clip(name, this.limits.maxEventNameChars), in: 0, out: 0, backlog: count });
      }
    }
    let events = this.events;
    this.events = [];
    const fixed: Report = { type: 'report', links, events: [], names, droppedEvents: 0, peerId: this.peerId };
    const budget = this.limits.maxMessageBytes - utf8Length(JSON.stringify(fixed)) - REPORT_OVERHEAD_BYTES;
    let used = 0;
    let keep = 0;
    for (; keep < events.length; keep += 1) {
      used += utf8Length(JSON.stringify(events[keep])) + 1;
      if (used > budget) break;
    }
    if (keep < events.length) {
      this.droppedEvents += events.length - keep;
      events = events.slice(0, keep);
    }
    const report: Report = { ...fixed, events, droppedEvents: this.droppedEvents };
    this.droppedEvents = 0;
    return report;
  }

  private reportLinks(peerOf: (label: string) => string | null): LinkReport[] {
    const peerOfLink = (link: LinkRecord): string | null => {
      // The label is PeerJS's connection id; the signaling seen on the relay names its peer (null for other games).
      const peer = peerOf(link.label);
      return peer === null ? null : clip(peer, this.limits.maxLabelChars);
    };
    const toReport = (link: LinkRecord): LinkReport => ({
      id: link.id,
      peer: peerOfLink(link),
      label: link.label,
      state: link.state,
      reliable: link.reliable,
      rttMs: link.rttMs,
      candidate: link.candidate,
      sent: { messages: link.sentMessages, bytes: link.sentBytes },
      received: { messages: link.receivedMessages, bytes: link.receivedBytes },
    });
    const max = this.limits.maxLinksPerInstance;
    if (this.links.length <= max) return this.links.map(toReport);
    // Live links first, then the most recently closed; the rest summed into one.
    const live = this.links.filter((l) => l.state !== 'closed');
    const closed = this.links.filter((l) => l.state === 'closed').reverse();
    const ordered = [...live, ...closed];
    const shown = ordered.slice(0, max - 1).map(toReport);
    const rest = ordered.slice(max - 1);
    const other: LinkReport = {
      id: OTHER_LINK,
      peer: null,
      label: `(${rest.length} more links)`,
      state: rest.some((l) => l.state === 'open') ? 'open' : 'closed',
      reliable: false,
      rttMs: null,
      candidate: null,
      sent: { messages: 0, bytes: 0 },
      received: { messages: 0, bytes: 0 },
    };
    for (const link of rest) {
      other.sent.messages += link.sentMessages;
      other.sent.bytes += link.sentBytes;
      other.received.messages += link.receivedMessages;
      other.received.bytes += link.receivedBytes;
    }
    return [...shown, other];
  }
}
