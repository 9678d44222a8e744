import { describe, expect, it } from 'vitest';
import { describeEndpoint, formatBinaryBytes, hostClockOffset, formatBytes, formatClock, formatCount, formatDuration, formatRtt, hostPort, peerJsOptions } from './format';

describe('format', () => {
  it('counts with grouping', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(12345)).toBe('12,345');
  });

  it('sizes in SI units, one decimal under 10', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1500)).toBe('1.5 kB');
    expect(formatBytes(23_400_000)).toBe('23 MB');
    expect(formatBytes(-1)).toBe('—');
  });

  it('durations for uptimes', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(42_900)).toBe('42 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(formatDuration(2 * 3_600_000 + 7 * 60_000)).toBe('2 h 07 min');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe('3 d 04 h');
    expect(formatDuration(Number.NaN)).toBe('—');
  });

  it('measures the host clock offset from its broker uptime', () => {
    // Host thinks it is 1,000,000 when the page's clock says 1,090,000: the page is 90 s ahead.
    expect(hostClockOffset({ startedAt: 400_000, uptimeMs: 600_000 }, 1_090_000)).toBe(90_000);
    expect(hostClockOffset({ startedAt: null, uptimeMs: 0 }, 5)).toBe(0);
  });

  it('clock time with milliseconds', () => {
    const at = new Date(2024, 0, 1, 14, 3, 7, 45).getTime();
    expect(formatClock(at)).toBe('14:03:07.045');
  });

  it('round-trip times', () => {
    expect(formatRtt(null)).toBe('—');
    expect(formatRtt(0.4)).toBe('<1 ms');
    expect(formatRtt(12.4)).toBe('12 ms');
    expect(formatRtt(1250)).toBe('1.25 s');
  });

  it('addresses and broker details', () => {
    expect(hostPort('10.0.0.2', 9000)).toBe('10.0.0.2:9000');
    expect(hostPort('fe80::1', 9000)).toBe('[fe80::1]:9000');
    const endpoint = { host: '10.0.0.2', port: 9000, path: '/', key: 'peerjs', secure: false };
    expect(JSON.parse(peerJsOptions(endpoint))).toEqual(endpoint);
    expect(describeEndpoint(endpoint)).toBe('10.0.0.2:9000, path /, key peerjs');
  });
});

describe('formatBinaryBytes', () => {
  it('uses binary units with one decimal under 10', () => {
    expect(formatBinaryBytes(0)).toBe('0 B');
    expect(formatBinaryBytes(1023)).toBe('1023 B');
    expect(formatBinaryBytes(4096)).toBe('4.0 KiB');
    expect(formatBinaryBytes(1024 * 1024)).toBe('1.0 MiB');
    expect(formatBinaryBytes(32 * 1024 * 1024)).toBe('32 MiB');
    expect(formatBinaryBytes(-1)).toBe('—');
  });
});
