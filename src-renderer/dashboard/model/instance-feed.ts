/**
 * Game instances hosted here, as a control dashboard sees them: the host's
 * last InstancesState (pushed at most every 500 ms on the `instances`
 * channel), the instances' events (batches on `instanceEvents`, handed to the
 * event console), and the actions on them: network conditions, lag spikes,
 * cut/restore, recording and the trace download.
 *
 * Control only: the host pushes neither channel to a player and refuses the
 * invokes, so the feed subscribes only while the host says this page
 * controls it, and forgets everything when it no longer does.
 */
import { MEMORY_TRACE_MAX_BYTES, RECORDING_PAGE_MAX_BYTES, type LanPartyApi, type RecordingPage } from '../../../src-preload/contract';
import type { InstanceEvents, InstancesState } from '../../../src-preload/game-agent-protocol';
import { NO_CONDITIONS, type DirectedConditions, type NetworkPresetId } from '../../../src-preload/network-conditions';
import { Store } from './store';
import { messageOf } from './format';

/** Which instances a setting applies to: a link of an instance, an instance, every instance of a game, or (none given) all. */
export interface ConditionsTarget {
  gameId?: string;
  instance?: string;
  link?: string;
}

/** The contract's instance channels, as this feed uses them. */
export type InstancesApi = Pick<
  LanPartyApi,
  'getInstances' | 'onInstances' | 'onInstanceEvents' | 'setNetworkConditions' | 'startRecording' | 'stopRecording' | 'getRecording'
>;

/**
 * Most a trace download reads, in pages of RECORDING_PAGE_MAX_BYTES: twice the
 * host's bound on a dashboard's trace (pages end on whole lines, so they are
 * not all full), so a whole trace always fits and a host that never ends its
 * pages cannot fill the tab.
 */
export const TRACE_DOWNLOAD_MAX_PAGES = Math.ceil((2 * MEMORY_TRACE_MAX_BYTES) / RECORDING_PAGE_MAX_BYTES);

/**
 * Reads a whole trace, page after page, into one JSONL text. Stops with an
 * error, never a partial file, when the pages do not end within `maxPages`.
 */
export async function readTrace(
  getPage: (fromLine: number) => Promise<RecordingPage>,
  maxPages = TRACE_DOWNLOAD_MAX_PAGES,
): Promise<{ ok: true; text: string; lines: number; truncated: boolean } | { ok: false; error: string }> {
  const parts: string[] = [];
  let from = 0;
  let lines = 0;
  for (let pages = 0; pages < maxPages; pages += 1) {
    const page = await getPage(from);
    parts.push(page.text);
    lines += page.lines;
    if (page.nextLine === null) return { ok: true, text: parts.join(''), lines, truncated: page.truncated };
    // A page that does not move forward would loop until maxPages for nothing.
    if (page.nextLine <= from) return { ok: false, error: 'the host answered the same page twice' };
    from = page.nextLine;
  }
  return { ok: false, error: `the trace is larger than ${(maxPages * RECORDING_PAGE_MAX_BYTES) / (1024 * 1024)} MiB` };
}

function isInstancesState(value: unknown): value is InstancesState {
  return typeof value === 'object' && value !== null && Array.isArray((value as InstancesState).instances);
}

export const NO_INSTANCES: InstancesState = Object.freeze({ instances: [], recording: null }) as InstancesState;

export class InstanceFeed {
  readonly state = new Store<InstancesState>(NO_INSTANCES);
  private unsubscribers: (() => void)[] = [];
  private control = false;

  constructor(
    private readonly api: InstancesApi,
    private readonly onEvents: (batch: InstanceEvents) => void,
  ) {}

  /** Follows the host's view: subscribes when this page controls the host, drops everything when it does not. */
  setControl(control: boolean): void {
    if (control === this.control) return;
    this.control = control;
    if (control) {
      this.unsubscribers.push(
        this.api.onInstances((state) => this.state.set(state)),
        this.api.onInstanceEvents((batch) => this.onEvents(batch)),
      );
      void this.refresh();
    } else {
      this.stop();
    }
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    this.control = false;
    this.state.set(NO_INSTANCES);
  }

  /** Reads the state now (at start, and after the bridge reconnects: pushes missed meanwhile are lost). */
  async refresh(): Promise<void> {
    if (!this.control) return;
    try {
      const state = await this.api.getInstances();
      if (this.control) this.state.set(state);
    } catch {
      // The next push brings the state; a refused read (no longer control) is followed by setControl(false).
    }
  }

  /** Each action resolves with the host's reason when it refused, else null. */
  setConditions(target: ConditionsTarget, conditions: DirectedConditions): Promise<string | null> {
    return this.act(() => this.api.setNetworkConditions({ ...target, conditions }));
  }

  /** A preset on both directions; 'none' clears the conditions (a cut in force stays). */
  applyPreset(target: ConditionsTarget, preset: NetworkPresetId | 'none', current: DirectedConditions): Promise<string | null> {
    if (preset === 'none') return this.setConditions(target, { ...current, up: { ...NO_CONDITIONS }, down: { ...NO_CONDITIONS } });
    return this.act(() => this.api.setNetworkConditions({ ...target, preset }));
  }

  spike(target: ConditionsTarget, ms: number, forMs: number): Promise<string | null> {
    return this.act(() => this.api.setNetworkConditions({ ...target, spike: { ms, forMs } }));
  }

  /** Cut (nothing passes, like a pulled cable) or restore, keeping the other conditions. */
  setCut(target: ConditionsTarget, current: DirectedConditions, cut: boolean): Promise<string | null> {
    return this.setConditions(target, { ...current, cut });
  }

  startRecording(): Promise<string | null> {
    return this.act(() => this.api.startRecording());
  }

  stopRecording(): Promise<string | null> {
    return this.act(() => this.api.stopRecording());
  }

  /** The trace (running or last stopped) as JSONL text, or the reason it could not be read. */
  async trace(): Promise<{ ok: true; text: string; lines: number; truncated: boolean } | { ok: false; error: string }> {
    try {
      return await readTrace((fromLine) => this.api.getRecording({ fromLine }));
    } catch (error) {
      return { ok: false, error: messageOf(error) };
    }
  }

  private async act(call: () => Promise<unknown>): Promise<string | null> {
    try {
      const answer = await call();
      // The host pushes the new state within 500 ms; show what the action did at once.
      if (isInstancesState(answer)) this.state.set(answer);
      else await this.refresh();
      return null;
    } catch (error) {
      return messageOf(error);
    }
  }
}

/** The file a trace downloads as: "lan-party-trace-2026-12-01T21-30-05.jsonl" (local time of the download). */
export function traceFileName(now: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}-${pad(now.getMinutes())}-${pad(now.getSeconds())}`;
  return `lan-party-trace-${stamp}.jsonl`;
}
