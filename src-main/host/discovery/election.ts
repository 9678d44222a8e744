/**
 * The LAN's default broker. Every instance runs the same pure rule over what
 * it sees, so all converge on one broker without talking to each other:
 * the earliest broker start wins, then the smallest instance id. Only
 * instances whose broker runs and that have an address we can reach count.
 *
 * `DefaultBrokerElection` adds hysteresis on top of the rule: a candidate that
 * just appeared must stay for `settleMs` before it can take over (a flapping
 * instance does not bounce every peer between brokers), while the current
 * default leaving switches at once. Once the LAN is stable, the choice is the
 * pure rule's, so every instance ends up with the same answer.
 *
 * A policy narrows who may be elected: with a party code, only instances
 * that proved it (`party.member`), reached at an address their signed record
 * names (never one a replayed packet came from); with a broker pinned by
 * hand, only that instance, and no other when it is absent.
 */
import type { DefaultBroker, LanInstance } from '../../../src-preload/contract.js';

type Candidate = LanInstance & { broker: NonNullable<LanInstance['broker']>; address: string };

export interface ElectionPolicy {
  /** Only instances whose record proved the party code. */
  partyOnly: boolean;
  /** Only this instance (by id). */
  pinned: string | null;
}

export const OPEN_POLICY: ElectionPolicy = { partyOnly: false, pinned: null };

/** A default that vanished after being it this long returns at once (not a flapping one: it never stays that long). */
const STABLE_DEFAULT_MS = 4_000;
/** ... when it comes back within this long. */
const RETURN_WINDOW_MS = 60_000;

function isCandidate(instance: LanInstance): instance is Candidate {
  const broker = instance.broker;
  return (
    broker !== null &&
    instance.address !== null &&
    Number.isInteger(broker.port) &&
    broker.port >= 1 &&
    broker.port <= 65535 &&
    Number.isFinite(broker.startedAt)
  );
}

/** The instance as a candidate under the policy (its address possibly replaced by a signed one), or null. */
function eligible(instance: LanInstance, policy: ElectionPolicy): Candidate | null {
  if (!isCandidate(instance)) return null;
  if (policy.pinned !== null && instance.instanceId !== policy.pinned) return null;
  if (!policy.partyOnly || instance.self) return instance;
  const party = instance.party;
  if (!party?.member) return null;
  if (party.addresses.includes(instance.address)) return instance;
  const signed = party.addresses.find((a) => instance.addresses.includes(a)) ?? party.addresses[0];
  return signed === undefined ? null : { ...instance, address: signed };
}

function compareText(a: string, b: string): number {
  // Code-unit order, not locale order: every machine must sort the same way.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Total order: start time, then id; address and port only break ties between impostors claiming one id. */
function compareCandidates(a: Candidate, b: Candidate): number {
  return (
    a.broker.startedAt - b.broker.startedAt ||
    compareText(a.instanceId, b.instanceId) ||
    compareText(a.address, b.address) ||
    a.broker.port - b.broker.port
  );
}

function toDefault(winner: Candidate, reason: string): DefaultBroker {
  const { port, path, key } = winner.broker;
  return { instanceId: winner.instanceId, endpoint: { host: winner.address, port, path, key, secure: false }, reason };
}

function ruleReason(sorted: readonly Candidate[], policy: ElectionPolicy): string {
  const [first, second] = sorted;
  if (!first) return '';
  if (policy.pinned !== null) return 'pinned by hand';
  const where = policy.partyOnly ? 'in the party' : 'on the LAN';
  if (!second) return `only broker ${where}`;
  if (second.broker.startedAt === first.broker.startedAt) return `earliest broker start ${where} (tie broken by smallest instance id)`;
  return `earliest broker start ${where}`;
}

function sortedCandidates(instances: readonly LanInstance[], policy: ElectionPolicy): Candidate[] {
  return instances.flatMap((instance) => eligible(instance, policy) ?? []).sort(compareCandidates);
}

/** The pure rule: same input in any order gives the same answer. */
export function electDefaultBroker(instances: readonly LanInstance[], policy: ElectionPolicy = OPEN_POLICY): DefaultBroker | null {
  const sorted = sortedCandidates(instances, policy);
  const first = sorted[0];
  return first ? toDefault(first, ruleReason(sorted, policy)) : null;
}

function sameChoice(a: DefaultBroker | null, b: DefaultBroker | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export interface ElectionOptions {
  /** How long a new candidate must stay before it may take over (default 2000 ms). */
  settleMs?: number;
  now?: () => number;
}

export class DefaultBrokerElection {
  private readonly settleMs: number;
  private readonly now: () => number;
  /** While the LAN is still being learned (first settleMs), the rule applies directly. */
  private readonly createdAt: number;
  private current: DefaultBroker | null = null;
  /** Since when the current default has been it. */
  private currentSince = 0;
  /**
   * A default that had been stable and vanished (this machine's cable pulled,
   * its Wi-Fi dropped): when it comes back within RETURN_WINDOW_MS it is the
   * default again at once, without settling, since every other instance most
   * likely kept it. Measured in e2e/lan/redial.spec.ts: the settling alone
   * held a returning machine's dashboard off the LAN's broker for 2 s more.
   */
  private formerDefault: { instanceId: string; leftAt: number } | null = null;
  private instances: LanInstance[] = [];
  private policy: ElectionPolicy = OPEN_POLICY;
  /** Since when each candidate has been one without interruption. */
  private readonly candidateSince = new Map<string, number>();
  private readonly listeners = new Set<(choice: DefaultBroker | null) => void>();
  private timer: NodeJS.Timeout | null = null;
  private disposed = false;

  constructor(options: ElectionOptions = {}) {
    this.settleMs = options.settleMs ?? 2000;
    this.now = options.now ?? Date.now;
    this.createdAt = this.now();
  }

  update(instances: readonly LanInstance[]): DefaultBroker | null {
    this.instances = [...instances];
    return this.evaluate();
  }

  get(): DefaultBroker | null {
    return this.current;
  }

  /** A new policy applies at once, without hysteresis: an instance it excludes must not stay the default. */
  setPolicy(policy: ElectionPolicy): DefaultBroker | null {
    if (policy.partyOnly === this.policy.partyOnly && policy.pinned === this.policy.pinned) return this.current;
    this.policy = { ...policy };
    return this.evaluate(true);
  }

  onChange(listener: (choice: DefaultBroker | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.listeners.clear();
  }

  /** Re-runs the choice; also called by the timer when a waiting candidate has settled. */
  private evaluate(policyChanged = false): DefaultBroker | null {
    if (this.disposed) return this.current;
    const now = this.now();
    const candidates = sortedCandidates(this.instances, this.policy);
    this.trackCandidates(candidates, now);

    const warmingUp = policyChanged || now - this.createdAt < this.settleMs;
    const current = this.current;
    if (current && !candidates.some((c) => c.instanceId === current.instanceId) && now - this.currentSince >= STABLE_DEFAULT_MS) {
      this.formerDefault = { instanceId: current.instanceId, leftAt: now };
    }
    const former = this.formerDefault !== null && now - this.formerDefault.leftAt <= RETURN_WINDOW_MS ? this.formerDefault.instanceId : null;
    const settled = (c: Candidate): boolean =>
      warmingUp || c.instanceId === former || now - (this.candidateSince.get(c.instanceId) ?? now) >= this.settleMs;
    // The current default stays eligible while it is present (hysteresis); others must have settled.
    const pool = candidates.filter((c) => settled(c) || c.instanceId === this.current?.instanceId);
    // Nobody settled and the default is gone: take the rule's choice at once rather than have no broker.
    const chosenFrom = pool.length > 0 ? pool : candidates;
    const winner = chosenFrom[0];
    let next: DefaultBroker | null = null;
    if (winner) {
      const ideal = candidates[0];
      const reason =
        ideal && ideal.instanceId !== winner.instanceId
          ? `current default kept until ${ideal.name} has stayed ${formatSeconds(this.settleMs)} on the LAN`
          : ruleReason(candidates, this.policy);
      next = toDefault(winner, reason);
    }

    this.scheduleRecheck(candidates, now, settled);
    if (!sameChoice(next, this.current)) {
      if (next?.instanceId !== this.current?.instanceId) this.currentSince = now;
      if (next?.instanceId === former) this.formerDefault = null;
      this.current = next;
      for (const listener of [...this.listeners]) listener(next);
    }
    return this.current;
  }

  private trackCandidates(candidates: readonly Candidate[], now: number): void {
    const present = new Set(candidates.map((c) => c.instanceId));
    for (const id of this.candidateSince.keys()) if (!present.has(id)) this.candidateSince.delete(id);
    for (const id of present) if (!this.candidateSince.has(id)) this.candidateSince.set(id, now);
  }

  /** Wakes up when the next waiting candidate settles (or warm-up ends), since nothing else may call update. */
  private scheduleRecheck(candidates: readonly Candidate[], now: number, settled: (c: Candidate) => boolean): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const waits = candidates
      .filter((c) => !settled(c))
      .map((c) => (this.candidateSince.get(c.instanceId) ?? now) + this.settleMs - now);
    const warmUpLeft = this.createdAt + this.settleMs - now;
    if (warmUpLeft > 0 && candidates.length > 0) waits.push(warmUpLeft);
    if (waits.length === 0) return;
    this.timer = setTimeout(() => this.evaluate(), Math.max(0, Math.min(...waits)) + 1);
    this.timer.unref();
  }
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
