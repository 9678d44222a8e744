/**
 * The recorded trace of every instance's events, as JSONL: a header line, then
 * one line per event an agent reported (time, instance, the instance's own
 * peer id, link and its remote peer, direction, event name, size, data
 * preview, and the conditions in force on that link).
 *
 * Two sinks, one at a time: memory (started from a dashboard, read back a page
 * at a time with `page`, bounded at MEMORY_TRACE_MAX_BYTES) or a file (`--record
 * FILE`, written line by line with a synchronous write, so every reported line
 * is in the file when the process exits however it is stopped, bounded at
 * FILE_TRACE_MAX_BYTES). Past its bound a trace stops taking lines and says
 * `truncated` (its last line says so too).
 */
import fs from 'node:fs';
import { MEMORY_TRACE_MAX_BYTES, RECORDING_PAGE_MAX_BYTES, type RecordingPage } from '../../../src-preload/contract.js';
import type { InstancesState } from '../../../src-preload/game-agent-protocol.js';
import type { DirectedConditions } from '../../../src-preload/network-conditions.js';

/** A CLI run's trace on disk: hours of a busy game (a 2-player 60 Hz game writes ~4 MB a minute). */
export const FILE_TRACE_MAX_BYTES = 1024 * 1024 * 1024;
export const TRACE_FORMAT_VERSION = 1;

export interface TraceLine {
  /** Epoch ms on the page's clock when the event was sent or delivered. */
  t: number;
  instance: string;
  /** The instance's own PeerJS id, when known. */
  peerId: string | null;
  link: string;
  /** The link's remote peer (PeerJS id), when known. */
  peer: string | null;
  dir: 'in' | 'out';
  name: string;
  size: number;
  data: string;
  /** In force on that link when the host received the report. */
  conditions: DirectedConditions;
}

export type RecordingState = NonNullable<InstancesState['recording']>;

export class TraceRecorder {
  private lines: string[] = [];
  private bytes = 0;
  private count = 0;
  private startedAt = 0;
  private truncated = false;
  private running = false;
  private fd: number | null = null;
  private file: string | null = null;
  private maxBytes = MEMORY_TRACE_MAX_BYTES;

  constructor(private readonly hostInstanceId: string) {}

  get recording(): boolean {
    return this.running;
  }

  /** Starts a new trace (the previous one is dropped); throws with a clear message when one runs or the file cannot be opened. */
  start(options: { file?: string; maxBytes?: number } = {}): RecordingState {
    if (this.running) throw new Error(`A recording is already running${this.file ? ` (to ${this.file})` : ''}: stop it first.`);
    let fd: number | null = null;
    if (options.file !== undefined) {
      try {
        fd = fs.openSync(options.file, 'w');
      } catch (error) {
        throw new Error(`Cannot record to ${options.file}: ${(error as Error).message}`, { cause: error });
      }
    }
    this.fd = fd;
    this.file = options.file ?? null;
    this.maxBytes = options.maxBytes ?? (fd === null ? MEMORY_TRACE_MAX_BYTES : FILE_TRACE_MAX_BYTES);
    this.lines = [];
    this.bytes = 0;
    this.count = 0;
    this.truncated = false;
    this.running = true;
    this.startedAt = Date.now();
    this.append(
      JSON.stringify({
        type: 'header',
        version: TRACE_FORMAT_VERSION,
        startedAt: this.startedAt,
        host: this.hostInstanceId,
        maxBytes: this.maxBytes,
        note: 'one line per event an instance reported; conditions: what was in force on that link (up = sent by the instance, down = received)',
      }),
      true,
    );
    return this.state() as RecordingState;
  }

  record(line: TraceLine): void {
    if (!this.running || this.truncated) return;
    this.append(JSON.stringify({ type: 'event', ...line }), false);
  }

  /** Stops (closing the file); the memory trace stays readable until the next start. */
  stop(): RecordingState | null {
    if (!this.running) return null;
    const state = this.state();
    this.running = false;
    if (this.fd !== null) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // Already closed by the OS (disk gone): nothing more to write anyway.
      }
      this.fd = null;
    }
    return state;
  }

  /** What dashboards show; null when no recording runs. */
  state(): RecordingState | null {
    if (!this.running) return null;
    return { startedAt: this.startedAt, lines: this.count, bytes: this.bytes, truncated: this.truncated, file: this.file };
  }

  /** Whole lines from `fromLine`, at most RECORDING_PAGE_MAX_BYTES (always at least one line when any is left). */
  page(fromLine: number): RecordingPage {
    if (this.file !== null) throw new Error(`This trace is written to ${this.file} on the host, not kept in memory.`);
    const parts: string[] = [];
    let size = 0;
    let index = fromLine;
    while (index < this.lines.length) {
      const line = this.lines[index] as string;
      const bytes = Buffer.byteLength(line) + 1;
      if (parts.length > 0 && size + bytes > RECORDING_PAGE_MAX_BYTES) break;
      parts.push(line);
      size += bytes;
      index += 1;
    }
    return {
      text: parts.length > 0 ? `${parts.join('\n')}\n` : '',
      lines: parts.length,
      nextLine: index < this.lines.length ? index : null,
      truncated: this.truncated,
    };
  }

  private append(line: string, header: boolean): void {
    const size = Buffer.byteLength(line) + 1;
    if (this.bytes + size > this.maxBytes) {
      this.truncated = true;
      this.write(JSON.stringify({ type: 'truncated', at: Date.now(), maxBytes: this.maxBytes }));
      return;
    }
    this.bytes += size;
    if (!header) this.count += 1;
    this.write(line);
  }

  private write(line: string): void {
    if (this.fd !== null) {
      try {
        fs.writeSync(this.fd, `${line}\n`);
      } catch {
        // A full disk: the trace ends here, said in the state.
        this.truncated = true;
      }
    } else {
      this.lines.push(line);
    }
  }
}
