/**
 * A byte bound on what the broker keeps for ids that are not connected
 * (issue 10, item 5: 60 KiB OFFERs to ids that do not exist grew the host
 * from 54 MB to 1.1 GB RSS in 8 s from one client).
 *
 * How `peer` 1.0.2 queues (node_modules/peer/dist, `MessageHandler` and
 * `MessagesExpire`): an OFFER, ANSWER or CANDIDATE whose `dst` is not
 * registered is pushed, parsed, onto a per-id queue with no bound (LEAVE and
 * EXPIRE are not queued). The queue is delivered and cleared when that id
 * registers, or dropped whole by a sweep every `cleanup_out_msgs` ms once it
 * is `expire_timeout` ms old (nobody reads it, so its age is its creation).
 *
 * That queue is private to `peer`'s closure, so rather than patching `peer` the
 * frame guard keeps this ledger, which over-approximates it, and lets a frame
 * through only while the ledger stays within both bounds. A target's ledger is
 * released when the target registers (peer delivers its queue then) or when
 * nothing was admitted for it for RELEASE_AFTER_MS: a message `peer` still
 * holds was admitted less than expire + one sweep (+ timer lag) ago, so it is
 * still in the ledger, and `peer` never holds more than the ledger says.
 * Pure, over an explicit clock.
 */

/** `expire_timeout` given to `peer` (its default): a sender learns after 5 s that its target never came. */
export const OFFLINE_EXPIRE_MS = 5_000;
/** `cleanup_out_msgs` given to `peer` (its default): how often it sweeps expired queues. */
export const OFFLINE_SWEEP_MS = 1_000;
/** Room for `peer`'s sweep timer running late on a busy event loop. */
const TIMER_LAG_ALLOWANCE_MS = 2_000;
export const RELEASE_AFTER_MS = OFFLINE_EXPIRE_MS + OFFLINE_SWEEP_MS + TIMER_LAG_ALLOWANCE_MS;

/**
 * Per absent id. A stock PeerJS connection attempt sends one OFFER (1.4-4 KiB
 * of SDP as JSON) and a few CANDIDATEs (~300 B each): under 10 KiB. 256 KiB
 * holds four frames of the largest size accepted (64 KiB), or ~25 attempts at
 * a player who registers a few seconds late.
 */
export const MAX_QUEUED_BYTES_PER_TARGET = 256 * 1024;
/**
 * For all absent ids together: 16 targets at their cap, or ~400 pending
 * connection attempts, for a few MiB of host memory (peer keeps each message
 * parsed; SDP text parses to about its own size).
 */
export const MAX_QUEUED_BYTES_TOTAL = 4 * 1024 * 1024;

export interface OfflineQueueLimits {
  perTargetBytes: number;
  totalBytes: number;
  releaseAfterMs: number;
}

export const DEFAULT_OFFLINE_QUEUE_LIMITS: OfflineQueueLimits = {
  perTargetBytes: MAX_QUEUED_BYTES_PER_TARGET,
  totalBytes: MAX_QUEUED_BYTES_TOTAL,
  releaseAfterMs: RELEASE_AFTER_MS,
};

interface Held {
  bytes: number;
  lastAdmittedAt: number;
}

export class OfflineQueueBudget {
  /** In order of last admission (re-inserted on each), so expired targets are at the front. */
  private readonly targets = new Map<string, Held>();
  private total = 0;

  constructor(private readonly limits: OfflineQueueLimits = DEFAULT_OFFLINE_QUEUE_LIMITS) {}

  /** Whether `bytes` more for absent `target` fit; when they do, they are counted as queued. */
  admit(target: string, bytes: number, now: number): boolean {
    this.releaseExpired(now);
    const held = this.targets.get(target);
    const heldBytes = held?.bytes ?? 0;
    if (heldBytes + bytes > this.limits.perTargetBytes || this.total + bytes > this.limits.totalBytes) return false;
    this.targets.delete(target);
    this.targets.set(target, { bytes: heldBytes + bytes, lastAdmittedAt: now });
    this.total += bytes;
    return true;
  }

  /** `target` registered: `peer` has handed it its queue. */
  delivered(target: string): void {
    const held = this.targets.get(target);
    if (!held) return;
    this.targets.delete(target);
    this.total -= held.bytes;
  }

  /** The broker stopped: `peer`'s queues went with it. */
  clear(): void {
    this.targets.clear();
    this.total = 0;
  }

  /** Bytes counted as queued (an upper bound of what `peer` holds) at `now`. */
  queuedBytes(now: number): number {
    this.releaseExpired(now);
    return this.total;
  }

  private releaseExpired(now: number): void {
    for (const [target, held] of this.targets) {
      if (now - held.lastAdmittedAt < this.limits.releaseAfterMs) break;
      this.targets.delete(target);
      this.total -= held.bytes;
    }
  }
}
