/**
 * Number, size, time and address formatting for the dashboard. Pure, so it is
 * unit-tested under Node; every figure the UI shows goes through here.
 */
import type { BrokerEndpoint } from '../../../src-preload/contract';

const COUNT = new Intl.NumberFormat('en-US');

/** 12345 -> "12,345" (always en-US grouping: the UI is English). */
export function formatCount(value: number): string {
  return COUNT.format(Math.round(value));
}

/** One decimal under 10, in the largest unit under `base`: shared by both byte formats below. */
function formatScaled(bytes: number, base: number, units: readonly string[]): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < base) return `${Math.round(bytes)} B`;
  let value = bytes;
  let unit = '';
  for (const next of units) {
    value /= base;
    unit = next;
    if (value < base) break;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${unit}`;
}

/** Bytes with binary-free SI units, one decimal under 10: "0 B", "980 B", "1.5 kB", "23 MB". */
export function formatBytes(bytes: number): string {
  return formatScaled(bytes, 1000, ['kB', 'MB', 'GB', 'TB']);
}

/** Bytes in binary units, one decimal under 10: "980 B", "4.0 KiB", "1.0 MiB", "32 MiB" (sizes of data a user downloads). */
export function formatBinaryBytes(bytes: number): string {
  return formatScaled(bytes, 1024, ['KiB', 'MiB', 'GiB', 'TiB']);
}

/** A duration for uptimes: "0 s", "42 s", "3 min 05 s", "2 h 07 min", "3 d 04 h". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  const d = Math.floor(h / 24);
  return `${d} d ${String(h % 24).padStart(2, '0')} h`;
}

/**
 * How far this page's clock is ahead of the host's, in ms. A LAN without
 * internet often has no time server, so machines' clocks can differ by
 * minutes; the host's "now" is known when its broker runs (start + uptime,
 * both read at the same instant on the host). Otherwise assume no offset.
 */
export function hostClockOffset(broker: { startedAt: number | null; uptimeMs: number }, receivedAt: number): number {
  if (broker.startedAt === null) return 0;
  return receivedAt - (broker.startedAt + broker.uptimeMs);
}

/** Wall-clock time with milliseconds, local time zone: "14:03:07.045". */
export function formatClock(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** A round-trip time: "—" until measured, "<1 ms", "12 ms", "1.25 s". */
export function formatRtt(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1) return '<1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** `host:port`, bracketing IPv6 literals. */
export function hostPort(host: string, port: number | null): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return port === null ? h : `${h}:${port}`;
}

/** The PeerJS client options a web game passes to `new Peer(id, options)` to use this broker. */
export function peerJsOptions(endpoint: BrokerEndpoint): string {
  const { host, port, path, key, secure } = endpoint;
  return JSON.stringify({ host, port, path, key, secure });
}

/** A broker as one readable line: "192.168.1.20:9000, path /, key peerjs". */
export function describeEndpoint(endpoint: BrokerEndpoint): string {
  return `${hostPort(endpoint.host, endpoint.port)}, path ${endpoint.path}, key ${endpoint.key}${endpoint.secure ? ', TLS' : ''}`;
}

/** What a caught error says, for a line the user reads (anything thrown, not only Errors). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
