import { describe, expect, it } from 'vitest';
import type { RecordingPage } from '../../../src-preload/contract';
import { readTrace, traceFileName } from './instance-feed';

/** A host's paged trace over `lines`, `perPage` lines a page (the real paging lives in trace-recorder.ts). */
function pages(lines: string[], perPage: number): (from: number) => Promise<RecordingPage> {
  return (from) => {
    const slice = lines.slice(from, from + perPage);
    const next = from + slice.length;
    return Promise.resolve({
      text: slice.map((l) => `${l}\n`).join(''),
      lines: slice.length,
      nextLine: next < lines.length ? next : null,
      truncated: false,
    });
  };
}

describe('trace download', () => {
  it('joins every page into one JSONL text, line for line', async () => {
    const lines = Array.from({ length: 25 }, (_, i) => JSON.stringify({ t: i, name: 'move' }));
    const trace = await readTrace(pages(lines, 10));
    expect(trace).toEqual({ ok: true, text: `${lines.join('\n')}\n`, lines: 25, truncated: false });
    if (trace.ok) expect(trace.text.trimEnd().split('\n').map((l) => (JSON.parse(l) as { t: number }).t)).toEqual(lines.map((_, i) => i));
  });

  it('refuses a trace that never ends or does not move forward, instead of filling the tab', async () => {
    const endless = (from: number): Promise<RecordingPage> => Promise.resolve({ text: 'x\n', lines: 1, nextLine: from + 1, truncated: false });
    expect(await readTrace(endless, 8)).toEqual({ ok: false, error: 'the trace is larger than 8 MiB' });
    const stuck = (): Promise<RecordingPage> => Promise.resolve({ text: 'x\n', lines: 1, nextLine: 0, truncated: false });
    expect(await readTrace(stuck)).toEqual({ ok: false, error: 'the host answered the same page twice' });
  });

  it('names the file with the local time, safe on every file system', () => {
    expect(traceFileName(new Date(2026, 11, 1, 9, 5, 7))).toBe('lan-party-trace-2026-12-01T09-05-07.jsonl');
  });
});
