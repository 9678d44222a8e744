/**
 * LAN discovery over mDNS / DNS-SD (`_lanparty._tcp`), main process only and
 * Electron-free.
 *
 * - Advertise: one socket per chosen interface; our records are announced at
 *   once (no probing: the instance name carries the unique id) and again after
 *   a second, re-announced on every `update()`, and withdrawn with goodbyes on
 *   `stop()`.
 * - Browse: one PTR query when a socket opens (every instance answers), and
 *   again only when this instance seems cut off (nobody pings it).
 * - Liveness: bonjour-service never reports an instance that vanished without
 *   a goodbye. Unicast pings around a ring of instances, a multicast check by
 *   name of a silent one that every instance observes, and a constant-rate
 *   re-announcement (discovery/liveness.ts): steady-state multicast no longer
 *   grows with the number of instances (it was a query a second answered by
 *   every instance, 61 KB/s at N = 100).
 * - Safety: socket errors never escape (they are reported in the state and the
 *   socket is rebuilt with backoff); every received record is validated and
 *   the invalid ones are counted, never trusted; the list is bounded.
 */
import os from 'node:os';
import type { RemoteInfo } from 'node:dgram';
import type { LanBroker, LanGame, LanInstance, LanState } from '../../../src-preload/contract.js';
import {
  interfaceFor,
  interfaceKey,
  rankAddresses,
  selectInterfaces,
  type LocalInterface,
  type OsInterfaces,
} from './addresses.js';
import { HeartbeatSocket, type Heartbeat } from './heartbeat.js';
import {
  FailureChecks,
  LIVENESS,
  PresenceSchedule,
  SuccessorWatch,
  silentExpiryMs,
  successorOf,
  type LivenessTiming,
} from './liveness.js';
import { buildRecords, checkQuestion, checkedServices, goodbyeRecords, readSightings, type PublishedRecord } from './packets.js';
import { InstanceTable } from './table.js';
import { PartyVerifier, type PartySigning } from './party-signature.js';
import { MdnsTransport } from './transport.js';
import {
  PROTOCOL_VERSION,
  advertisableGameName,
  advertisableName,
  assertAdvertisable,
  parseTxt,
  serviceFqdn,
} from './txt.js';

export interface Advertisement {
  instanceId: string;
  displayName: string;
  /** Port of this host's HTTP server (broker, /api/lan); each game has its own. */
  httpPort: number;
  peerId: string | null;
  broker: LanBroker | null;
  /** Games this host serves (at most 8); absent or empty when none. */
  games?: LanGame[];
  /** With a party code: how the record is signed (party-signature.ts). */
  party?: PartySigning | null;
}

export interface DiscoveryOptions {
  advertisement: Advertisement;
  /** Interface names to use; empty = every non-internal IPv4 interface. */
  interfaces: string[];
  /** Liveness timing (discovery/liveness.ts LIVENESS by default). */
  liveness?: Partial<LivenessTiming>;
  /** Most other instances tracked; more are ignored and counted (default 128). */
  maxInstances?: number;
  /** mDNS UDP port (default 5353). */
  mdnsPort?: number;
  /** Problems worth a log line (socket errors, restarts). Silent by default. */
  log?: (message: string) => void;
  /** For tests: the OS interface table. */
  networkInterfaces?: () => OsInterfaces;
  /** With a party code: its key; each received record is then checked and listed as in the party or not. */
  partyKey?: Buffer | null;
}

export type DiscoveryState = Omit<LanState, 'defaultBroker'>;

type Patch = Partial<Omit<Advertisement, 'instanceId'>>;

/** Interface changes (cable, Wi-Fi, VPN) are looked for this often. */
const INTERFACE_CHECK_MS = 2000;
/** Liveness (pings, checks, drops, presence) runs this often: a drop comes at most this late. */
const LIVENESS_TICK_MS = 250;
/** Nonces of the last pings still accepted in an answer (a late answer still proves life). */
const PING_NONCES_KEPT = 3;
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30_000;
/** A socket that ran this long without failing resets its backoff. */
const HEALTHY_AFTER_MS = 30_000;
/** RFC 6762 section 8.3: a second announcement one second after the first. */
const REANNOUNCE_MS = 1000;
/** Goodbyes must not hold shutdown. */
const GOODBYE_TIMEOUT_MS = 500;

interface Slot {
  key: string;
  iface: LocalInterface;
  transport: MdnsTransport | null;
  records: PublishedRecord[];
  retryTimer: NodeJS.Timeout | null;
  reannounceTimer: NodeJS.Timeout | null;
  backoffMs: number;
  readySince: number | null;
  lastError: string | null;
}

export class Discovery {
  private advertisement: Advertisement;
  private readonly wantedInterfaces: string[];
  private readonly timing: LivenessTiming;
  private readonly mdnsPort: number;
  private readonly log: (message: string) => void;
  private readonly osInterfaces: () => OsInterfaces;
  private readonly listeners = new Set<() => void>();
  private readonly table: InstanceTable;
  private readonly party: PartyVerifier | null;
  private readonly slots = new Map<string, Slot>();
  private readonly checks: FailureChecks;
  private watch: SuccessorWatch;
  private presence: PresenceSchedule;
  private heartbeat: HeartbeatSocket | null = null;
  private pingNonces: string[] = [];

  private status: DiscoveryState['discovery'] = 'off';
  private lastError: string | null = null;
  private ignored = 0;
  private startedAt: number | null = null;
  private interfaces: LocalInterface[] = [];
  private interfaceProblems: string[] = [];
  private lastInterfaceCheck = 0;
  private tickTimer: NodeJS.Timeout | null = null;

  constructor(options: DiscoveryOptions) {
    assertAdvertisable(options.advertisement);
    this.advertisement = copyAdvertisement(options.advertisement);
    this.wantedInterfaces = [...options.interfaces];
    this.timing = { ...LIVENESS, ...options.liveness };
    this.mdnsPort = options.mdnsPort ?? 5353;
    this.log = options.log ?? (() => undefined);
    this.osInterfaces = options.networkInterfaces ?? (() => os.networkInterfaces());
    this.party = options.partyKey ? new PartyVerifier(options.partyKey) : null;
    const maxInstances = options.maxInstances ?? 128;
    // Addresses are confirmed by re-announcements, which may be minutes apart on a big LAN.
    this.table = new InstanceTable(maxInstances, silentExpiryMs(maxInstances, this.timing));
    this.checks = new FailureChecks(this.timing);
    this.watch = new SuccessorWatch(this.timing);
    this.presence = new PresenceSchedule(Date.now(), this.timing);
    this.resolveInterfaces();
  }

  start(): void {
    if (this.status !== 'off') return;
    this.status = 'starting';
    this.lastError = null;
    this.startedAt = Date.now();
    this.watch = new SuccessorWatch(this.timing);
    this.presence = new PresenceSchedule(this.startedAt, this.timing);
    this.heartbeat = new HeartbeatSocket(
      this.advertisement.httpPort,
      { ping: (beat, source) => this.onPing(beat, source), pong: (beat, source) => this.onPong(beat, source) },
      this.log,
    );
    this.syncInterfaces(true);
    this.tickTimer = setInterval(() => this.tick(), LIVENESS_TICK_MS);
    this.tickTimer.unref();
    this.emit();
  }

  /** What the record says now (a copy): the one place the advertised broker and games are kept. */
  advertised(): Advertisement {
    return copyAdvertisement(this.advertisement);
  }

  update(patch: Patch): void {
    const next = copyAdvertisement({ ...this.advertisement, ...patch, instanceId: this.advertisement.instanceId });
    assertAdvertisable(next);
    this.advertisement = next;
    if (this.status !== 'off') {
      for (const slot of this.slots.values()) this.publish(slot);
    }
    this.emit();
  }

  /** Sends goodbyes (others drop us at once) and closes every socket. */
  async stop(): Promise<void> {
    if (this.status === 'off') return;
    this.status = 'off';
    this.lastError = null;
    this.clearTimers();
    this.heartbeat?.close();
    this.heartbeat = null;
    const closing = [...this.slots.values()].map((slot) => this.closeSlot(slot, true));
    this.slots.clear();
    await Promise.race([Promise.all(closing), delay(GOODBYE_TIMEOUT_MS)]);
    this.table.clear();
    this.checks.clear();
    this.emit();
  }

  getState(): DiscoveryState {
    return {
      discovery: this.status,
      lastError: this.lastError,
      instances: [this.selfInstance(), ...this.table.list()],
      ignoredRecords: this.ignored,
    };
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // -------------------------------------------------------------------------
  // Interfaces and sockets
  // -------------------------------------------------------------------------

  private resolveInterfaces(): boolean {
    let available: OsInterfaces;
    try {
      available = this.osInterfaces();
    } catch (error) {
      // os.networkInterfaces() can fail on exotic systems; treat as "none".
      this.interfaceProblems = [`cannot list network interfaces: ${message(error)}`];
      available = {};
    }
    const { interfaces, problems } = selectInterfaces(this.wantedInterfaces, available);
    const changed = interfaces.map(interfaceKey).join(',') !== this.interfaces.map(interfaceKey).join(',');
    this.interfaces = interfaces;
    this.interfaceProblems = problems;
    return changed;
  }

  /** Opens a socket per current interface and closes those of interfaces that went away. */
  private syncInterfaces(force = false): void {
    const now = Date.now();
    if (!force && now - this.lastInterfaceCheck < INTERFACE_CHECK_MS) return;
    this.lastInterfaceCheck = now;
    const changed = this.resolveInterfaces();
    if (!changed && !force) return;
    const keep = new Set(this.interfaces.map(interfaceKey));
    for (const [key, slot] of this.slots) {
      if (keep.has(key)) continue;
      this.slots.delete(key);
      this.log(`discovery: interface ${slot.iface.name} (${slot.iface.address}) went away`);
      void this.closeSlot(slot, true);
      this.dropUnreachable();
    }
    for (const iface of this.interfaces) {
      const key = interfaceKey(iface);
      if (this.slots.has(key)) continue;
      const slot: Slot = {
        key,
        iface,
        transport: null,
        records: [],
        retryTimer: null,
        reannounceTimer: null,
        backoffMs: RETRY_MIN_MS,
        readySince: null,
        lastError: null,
      };
      this.slots.set(key, slot);
      this.openSlot(slot);
    }
    this.refreshStatus();
    this.emit();
  }

  private openSlot(slot: Slot): void {
    slot.retryTimer = null;
    if (this.slots.get(slot.key) !== slot) return;
    try {
      slot.transport = new MdnsTransport(
        slot.iface,
        {
          ready: () => this.onReady(slot),
          response: (packet, source) => this.onResponse(slot, packet, source),
          query: (packet, source) => this.onQuery(slot, packet, source),
          failed: (error) => this.onFailed(slot, error),
        },
        { port: this.mdnsPort },
      );
    } catch (error) {
      this.onFailed(slot, error);
    }
  }

  private onReady(slot: Slot): void {
    if (this.slots.get(slot.key) !== slot) return;
    slot.readySince = Date.now();
    slot.lastError = null;
    this.publish(slot);
    this.browse(slot);
    this.refreshStatus();
    this.emit();
  }

  private onFailed(slot: Slot, error: unknown): void {
    if (this.slots.get(slot.key) !== slot) return;
    const text = `${slot.iface.name}: ${message(error)}`;
    this.log(`discovery: ${text}; retrying in ${slot.backoffMs} ms`);
    slot.lastError = text;
    this.lastError = text;
    slot.transport?.destroy();
    slot.transport = null;
    if (slot.reannounceTimer) clearTimeout(slot.reannounceTimer);
    slot.reannounceTimer = null;
    if (slot.readySince !== null && Date.now() - slot.readySince > HEALTHY_AFTER_MS) slot.backoffMs = RETRY_MIN_MS;
    slot.readySince = null;
    if (!slot.retryTimer) {
      slot.retryTimer = setTimeout(() => this.openSlot(slot), slot.backoffMs);
      slot.retryTimer.unref();
      slot.backoffMs = Math.min(slot.backoffMs * 2, RETRY_MAX_MS);
    }
    this.refreshStatus();
    this.emit();
  }

  private async closeSlot(slot: Slot, goodbye: boolean): Promise<void> {
    if (slot.retryTimer) clearTimeout(slot.retryTimer);
    if (slot.reannounceTimer) clearTimeout(slot.reannounceTimer);
    slot.retryTimer = null;
    slot.reannounceTimer = null;
    const transport = slot.transport;
    slot.transport = null;
    if (transport) await transport.close(goodbye && slot.records.length > 0 ? goodbyeRecords(slot.records) : null);
  }

  private refreshStatus(): void {
    if (this.status === 'off') return;
    const slots = [...this.slots.values()];
    const ready = slots.filter((slot) => slot.transport?.ready);
    if (slots.length === 0) {
      this.status = 'error';
      this.lastError = this.interfaceProblems.join('; ') || 'no network interface to run discovery on';
    } else if (ready.length > 0) {
      this.status = 'running';
      // Keep the last error visible while some socket is still failing.
      const failing = slots.find((slot) => slot.lastError !== null);
      this.lastError = failing?.lastError ?? (this.interfaceProblems.join('; ') || null);
    } else {
      const failing = slots.find((slot) => slot.lastError !== null);
      this.status = failing ? 'error' : 'starting';
      this.lastError = failing?.lastError ?? null;
    }
  }

  // -------------------------------------------------------------------------
  // Advertising and browsing
  // -------------------------------------------------------------------------

  private publish(slot: Slot): void {
    const transport = slot.transport;
    if (!transport?.ready) return;
    slot.records = buildRecords(this.advertisement, slot.iface.address);
    transport.setRecords(slot.records);
    const records = slot.records;
    this.presence.announced(Date.now());
    void transport.announce(records).catch(() => undefined);
    if (slot.reannounceTimer) clearTimeout(slot.reannounceTimer);
    slot.reannounceTimer = setTimeout(() => {
      slot.reannounceTimer = null;
      if (slot.transport === transport && slot.records === records) void transport.announce(records).catch(() => undefined);
    }, REANNOUNCE_MS);
    slot.reannounceTimer.unref();
  }

  private browse(slot: Slot): void {
    const transport = slot.transport;
    if (!transport?.ready) return;
    void transport.browse().catch(() => undefined);
  }

  /** Re-announces our records once (not twice: this is a refresh, not a change). */
  private reannounce(slot: Slot): void {
    const transport = slot.transport;
    if (!transport?.ready || slot.records.length === 0) return;
    void transport.announce(slot.records).catch(() => undefined);
  }

  // -------------------------------------------------------------------------
  // Liveness (discovery/liveness.ts)
  // -------------------------------------------------------------------------

  private tick(): void {
    if (this.status === 'off') return;
    this.syncInterfaces();
    const now = Date.now();
    let changed = false;
    // Checks seen on the LAN (ours too) that went unanswered: that instance is gone.
    for (const key of this.checks.settle(now, (k) => this.table.lastSeen(k))) {
      changed = this.table.remove(key) || changed;
    }
    const members = this.table.members();
    // Safety net: silent for three re-announcement periods (a LAN where nobody checks it).
    if (this.table.expire(now - silentExpiryMs(members.length, this.timing)) > 0) changed = true;
    this.watchSuccessor(now, members);
    const presence = this.presence.step(now, members.length);
    if (presence !== 'none') {
      for (const slot of this.slots.values()) {
        this.reannounce(slot);
        if (presence === 'announce-and-browse') this.browse(slot);
      }
    }
    if (changed) this.emit();
  }

  private watchSuccessor(now: number, members: ReturnType<InstanceTable['members']>): void {
    const targetId = successorOf(this.advertisement.instanceId, members.map((m) => m.instanceId));
    const target = targetId === null ? undefined : members.find((m) => m.instanceId === targetId);
    const step = this.watch.step(now, target?.key ?? null, target ? this.table.lastSeen(target.key) : undefined);
    if (!target) return;
    if (step.ping && target.address !== null) {
      const nonce = Math.floor(Math.random() * 0xffffffff).toString(16);
      this.pingNonces = [nonce, ...this.pingNonces].slice(0, PING_NONCES_KEPT);
      this.heartbeat?.ping(target.instanceId, nonce, target.address, target.httpPort);
    }
    if (step.check) {
      // Counted as a check here too: without a working socket (cable out) nobody answers, and we drop it.
      this.checks.start(target.key, now);
      const question = checkQuestion(target.instanceId);
      const owner = target.address === null ? undefined : interfaceFor(target.address, this.interfaces);
      for (const slot of this.slots.values()) {
        if (owner && interfaceKey(owner) !== slot.key) continue;
        void slot.transport?.check([question]).catch(() => undefined);
      }
    }
  }

  /** Our interface to them went away: they are unreachable from here at once (no need to wait for checks). */
  private dropUnreachable(): void {
    let changed = false;
    for (const member of this.table.members()) {
      if (member.address !== null && interfaceFor(member.address, this.interfaces) === undefined) {
        changed = this.table.remove(member.key) || changed;
        this.checks.forget(member.key);
      }
    }
    if (changed) this.emit();
  }

  private onPing(beat: Heartbeat, source: RemoteInfo): void {
    if (this.status === 'off' || beat.instanceId !== this.advertisement.instanceId) return;
    this.heartbeat?.pong(beat, source);
    // Only a listed instance watching us counts: after an outage that dropped everyone, we must announce.
    if (this.table.hasAddress(source.address)) this.presence.pinged(Date.now());
  }

  private onPong(beat: Heartbeat, source: RemoteInfo): void {
    if (this.status === 'off' || !this.pingNonces.includes(beat.nonce)) return;
    const key = serviceFqdn(beat.instanceId).toLowerCase();
    if (key !== this.watch.current || !this.table.knowsAddress(key, source.address)) return;
    this.table.touch(key, Date.now(), source.address);
  }

  // -------------------------------------------------------------------------
  // Receiving
  // -------------------------------------------------------------------------

  /**
   * Which slot handles a packet: every socket on the machine receives every
   * link's multicast (Linux), so exactly one slot, the one on the source's
   * subnet (else the first), reads it; counts are then not doubled.
   */
  private handles(slot: Slot, source: string): boolean {
    const owner = interfaceFor(source, this.interfaces);
    if (owner) return interfaceKey(owner) === slot.key;
    return this.slots.keys().next().value === slot.key;
  }

  /** A query asking for a listed instance by name is a failure check: it must answer, or be dropped. */
  private onQuery(slot: Slot, packet: unknown, source: RemoteInfo): void {
    if (this.status === 'off' || !this.handles(slot, source.address)) return;
    const now = Date.now();
    for (const key of checkedServices(packet)) if (this.table.has(key)) this.checks.start(key, now);
  }

  private onResponse(slot: Slot, packet: unknown, source: RemoteInfo): void {
    if (this.status === 'off' || !this.handles(slot, source.address)) return;
    const now = Date.now();
    const ownKey = serviceFqdn(this.advertisement.instanceId).toLowerCase();
    let changed = false;
    for (const sighting of readSightings(packet)) {
      if (sighting.key === ownKey) continue;
      if (sighting.goodbye) {
        // Only the instance itself may say goodbye: a goodbye from another address is ignored.
        if (this.table.knowsAddress(sighting.key, source.address)) {
          this.party?.left(sighting.key);
          changed = this.table.remove(sighting.key) || changed;
          this.checks.forget(sighting.key);
        }
        else if (this.table.has(sighting.key)) this.ignored += 1;
        continue;
      }
      if (sighting.txt === null) {
        // A record set without TXT (an SRV refresh, a check's answer) only keeps a known instance alive, from its own address.
        if (this.table.knowsAddress(sighting.key, source.address)) this.table.touch(sighting.key, now, source.address);
        continue;
      }
      const txt = parseTxt(sighting.txt);
      const problem = !txt.ok
        ? txt.reason
        : sighting.key !== serviceFqdn(txt.value.instanceId).toLowerCase()
          ? 'service name does not match the instance id'
          : sighting.srv !== null && sighting.srv.port !== txt.value.httpPort
            ? 'SRV port differs from the advertised HTTP port'
            : null;
      if (problem !== null || !txt.ok) {
        this.ignored += 1;
        changed = true;
        continue;
      }
      // A valid instance advertising a game we refuse: listed without that game, the refusal counted.
      if (txt.ignoredGames.length > 0) {
        this.ignored += txt.ignoredGames.length;
        changed = true;
      }
      const ranked = rankAddresses(source.address, sighting.advertised, this.interfaces);
      // With a party code: a record that does not prove it is listed as not in the party, but never replaces a member's.
      const party = this.party?.check(sighting.txt as Uint8Array[], sighting.key, source.address, now);
      if (party && !party.member && this.table.isPartyMember(sighting.key)) {
        this.ignored += 1;
        changed = true;
        continue;
      }
      const result = this.table.upsert(sighting.key, { txt: txt.value, ...ranked, ...(party ? { party } : {}) }, now);
      if (result === 'full') this.ignored += 1;
      if (result !== 'refreshed') changed = true;
    }
    if (changed) this.emit();
  }

  // -------------------------------------------------------------------------

  private selfInstance(): LanInstance {
    const now = Date.now();
    const addresses = this.interfaces.map((iface) => iface.address);
    return selfInstance(this.advertisement, addresses.length > 0 ? addresses : ['127.0.0.1'], this.startedAt ?? now, now);
  }

  private clearTimers(): void {
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = null;
  }

  private emit(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (error) {
        // A failing listener must not stop discovery (or the other listeners).
        this.log(`discovery: change listener threw: ${message(error)}`);
      }
    }
  }
}

/**
 * This instance in the LAN state, as the others read it from its record (name
 * and games shortened the same way). The host uses it too when discovery is
 * off, so both views of "self" cannot drift apart.
 */
export function selfInstance(ad: Advertisement, addresses: readonly string[], firstSeen: number, now: number): LanInstance {
  return {
    instanceId: ad.instanceId,
    name: advertisableName(ad.displayName),
    address: addresses[0] ?? '127.0.0.1',
    addresses: [...addresses],
    httpPort: ad.httpPort,
    broker: ad.broker ? { ...ad.broker } : null,
    peerId: ad.peerId,
    games: (ad.games ?? []).map((game) => ({ name: advertisableGameName(game.name), port: game.port })),
    protocolVersion: PROTOCOL_VERSION,
    self: true,
    firstSeen,
    lastSeen: now,
  };
}

/** A copy the caller cannot change afterwards (the games list included). */
function copyAdvertisement(ad: Advertisement): Advertisement {
  const copy: Advertisement = { ...ad, broker: ad.broker ? { ...ad.broker } : null };
  if (ad.games) copy.games = ad.games.map((game) => ({ name: game.name, port: game.port }));
  return copy;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
