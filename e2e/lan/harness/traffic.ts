/**
 * What a simulated LAN carries, and what its hosts cost:
 * - MdnsCounter: a listener in one node (fixtures/mdns-counter.mjs) that joins
 *   the mDNS group and counts every multicast packet on the segment (it sends
 *   nothing);
 * - bridgeTotals: every frame that entered the bridge (unicast included), from
 *   the kernel's counters of the bridge's ports;
 * - processUsage: CPU time and resident memory of a host process (/proc).
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { FIXTURES } from './environment.js';
import { ip, type LanNode, type SimulatedLan } from './netns.js';

export interface MdnsCounts {
  /** Epoch ms of the reading. */
  at: number;
  packets: number;
  /** Ethernet frame bytes (payload + UDP + IPv4 + Ethernet headers). */
  bytes: number;
  queries: number;
  responses: number;
  bySource: Record<string, { packets: number; bytes: number }>;
  /** UDP payload size -> packets. */
  sizes: Record<string, number>;
}

export class MdnsCounter {
  private readonly waiters: Array<(line: string) => void> = [];

  private constructor(private readonly child: ChildProcess) {
    const lines = readline.createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => this.waiters.shift()?.(line));
  }

  static async start(lan: SimulatedLan, node: LanNode): Promise<MdnsCounter> {
    const child = lan.spawnIn(node, process.execPath, [path.join(FIXTURES, 'mdns-counter.mjs')], { stdio: ['pipe', 'pipe', 'pipe'] });
    const counter = new MdnsCounter(child);
    await counter.next(10_000, 'the mDNS counter to start');
    return counter;
  }

  /** Zeroes the counters; returns when (epoch ms). */
  async reset(): Promise<number> {
    this.child.stdin?.write('{"cmd":"reset"}\n');
    return (JSON.parse(await this.next(5_000, 'the mDNS counter')) as { at: number }).at;
  }

  async read(): Promise<MdnsCounts> {
    this.child.stdin?.write('{"cmd":"read"}\n');
    return JSON.parse(await this.next(5_000, 'the mDNS counter')) as MdnsCounts;
  }

  private next(timeoutMs: number, what: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      this.waiters.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
  }
}

export interface BridgeTotals {
  packets: number;
  bytes: number;
  multicastPackets: number;
}

interface LinkStats {
  ifname?: string;
  master?: string;
  stats64?: { rx?: { bytes?: number; packets?: number; multicast?: number } };
}

/**
 * Every frame the hosts sent into the LAN: the bridge's ports receive each
 * frame once, from its sender (a multicast frame is counted once, not once per
 * receiver). The kernel counts bytes without the Ethernet FCS.
 */
export async function bridgeTotals(lan: SimulatedLan): Promise<BridgeTotals> {
  const links = JSON.parse(await ip(['-n', lan.bridgeNs, '-s', '-j', 'link', 'show'])) as LinkStats[];
  const totals: BridgeTotals = { packets: 0, bytes: 0, multicastPackets: 0 };
  for (const link of links) {
    if (!link.master?.startsWith('br')) continue;
    totals.packets += link.stats64?.rx?.packets ?? 0;
    totals.bytes += link.stats64?.rx?.bytes ?? 0;
  }
  // The kernel's per-port "multicast" counter is for frames it received as multicast at L2 on that port.
  for (const link of links) if (link.master?.startsWith('br')) totals.multicastPackets += link.stats64?.rx?.multicast ?? 0;
  return totals;
}

export interface ProcessUsage {
  /** User + system CPU time so far, ms. */
  cpuMs: number;
  /** Resident set, bytes. */
  rssBytes: number;
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ: 100 on Linux). */
const USER_HZ = 100;

/** Null when the process is gone. */
export function processUsage(pid: number): ProcessUsage | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), in parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    if (!Number.isFinite(utime) || !Number.isFinite(stime) || !Number.isFinite(rssKb)) return null;
    return { cpuMs: ((utime + stime) * 1000) / USER_HZ, rssBytes: rssKb * 1024 };
  } catch {
    return null;
  }
}
