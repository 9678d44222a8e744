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
 */
import type { DefaultBroker, LanInstance } from '../../src-preload/contract.js';

type Candidate = LanInstance & { broker: NonNullable<LanInstance['broker']>; address: string };

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

function ruleReason(sorted: readonly Candidate[]): string {
  const [first, second] = sorted;
  if (!first) return '';
  if (!second) return 'only broker on the LAN';
  if (second.broker.startedAt === first.broker.startedAt) return 'earliest broker start on the LAN (tie broken by smallest instance id)';
  return 'earliest broker start on the LAN';
}

function sortedCandidates(instances: readonly LanInstance[]): Candidate[] {
  return instances.filter(isCandidate).sort(compareCandidates);
}

/** The pure rule: same input in any order gives the same answer. */
export function electDefaultBroker(instances: readonly LanInstance[]): DefaultBroker | null {
  const sorted = sortedCandidates(instances);
  const first = sorted[0];
  return first ? toDefault(first, ruleReason(sorted)) : null;
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
  private instances: LanInstance[] = [];
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
  private evaluate(): DefaultBroker | null {
    if (this.disposed) return this.current;
    const now = this.now();
    const candidates = sortedCandidates(this.instances);
    this.trackCandidates(candidates, now);

    const warmingUp = now - this.createdAt < this.settleMs;
    const settled = (c: Candidate): boolean => warmingUp || now - (this.candidateSince.get(c.instanceId) ?? now) >= this.settleMs;
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
          : ruleReason(candidates);
      next = toDefault(winner, reason);
    }

    this.scheduleRecheck(candidates, now, settled);
    if (!sameChoice(next, this.current)) {
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
