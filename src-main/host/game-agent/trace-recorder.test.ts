/** The trace: every line parses, the byte bound stops it with `truncated`, a file trace is on disk line by line, pages are whole lines. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NO_DIRECTED_CONDITIONS } from '../../../src-preload/network-conditions.js';
import { TraceRecorder, type TraceLine } from './trace-recorder.js';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function line(i: number, data = 'x'): TraceLine {
  return { t: 1_000 + i, instance: 'aaaaaaaaaaaaaaaa', peerId: 'p1', link: 'l1', peer: 'p2', dir: i % 2 ? 'in' : 'out', name: 'move', size: 10, data, conditions: { ...NO_DIRECTED_CONDITIONS } };
}

const parse = (text: string): Array<Record<string, unknown>> => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('TraceRecorder', () => {
  it('keeps a header and one parseable line per event, read back in pages of whole lines', () => {
    const recorder = new TraceRecorder('host1');
    recorder.start();
    for (let i = 0; i < 1_000; i += 1) recorder.record(line(i, 'd'.repeat(256)));
    expect(recorder.state()).toMatchObject({ lines: 1_000, truncated: false, file: null });
    recorder.stop();
    // Still readable after stop; pages are whole lines that join back into the trace.
    const lines: Array<Record<string, unknown>> = [];
    let from: number | null = 0;
    for (let pages = 0; from !== null && pages < 10; pages += 1) {
      const page = recorder.page(from);
      lines.push(...parse(page.text));
      from = page.nextLine;
    }
    expect(lines[0]).toMatchObject({ type: 'header', host: 'host1', version: 1 });
    expect(lines.length).toBe(1_001);
    expect(lines[1000]).toMatchObject({ type: 'event', t: 1_999, dir: 'in', name: 'move' });
  });

  it('stops at its byte bound and says truncated', () => {
    const recorder = new TraceRecorder('host1');
    recorder.start({ maxBytes: 10_000 });
    for (let i = 0; i < 1_000; i += 1) recorder.record(line(i, 'd'.repeat(100)));
    const state = recorder.state();
    expect(state?.truncated).toBe(true);
    expect(state?.bytes).toBeLessThanOrEqual(10_000);
    const lines = parse(recorder.page(0).text);
    expect(lines.at(-1)).toMatchObject({ type: 'truncated', maxBytes: 10_000 });
    expect(lines.length).toBeLessThan(100);
  });

  it('writes a file trace line by line (complete without a stop), refuses a second recording and an unwritable file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lan-party-trace-'));
    temps.push(dir);
    const file = path.join(dir, 'trace.jsonl');
    const recorder = new TraceRecorder('host1');
    recorder.start({ file });
    recorder.record(line(0));
    recorder.record(line(1));
    // On disk already: a killed host leaves every reported line.
    expect(parse(fs.readFileSync(file, 'utf8')).map((l) => l['type'])).toEqual(['header', 'event', 'event']);
    expect(() => recorder.start()).toThrow(/already running \(to .*trace\.jsonl\)/);
    expect(() => recorder.page(0)).toThrow(/written to .*trace\.jsonl/);
    recorder.stop();
    expect(() => new TraceRecorder('h').start({ file: path.join(dir, 'missing', 'x.jsonl') })).toThrow(/Cannot record to .*x\.jsonl/);
  });
});
