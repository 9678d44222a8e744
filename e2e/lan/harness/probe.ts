/**
 * The test process's hands inside the simulated LAN: an HTTP client process
 * (fixtures/http-probe.mjs) running in an observer namespace that has an
 * address on every segment but runs no mDNS. Requests and replies are JSON
 * lines over its stdin/stdout.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import type { Writable } from 'node:stream';
import { bridgeProtocols } from '../../../src-preload/contract.js';
import { FIXTURES } from './environment.js';
import type { LanNode, SimulatedLan } from './netns.js';

export type FetchResult = { ok: true; status: number; body: string } | { ok: false; error: string };

export class LanProbe {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (results: FetchResult[]) => void; reject: (error: Error) => void }>();
  private closed = false;
  private markReady: () => void = () => undefined;
  private readonly ready = new Promise<void>((resolve) => (this.markReady = resolve));

  private readonly stdin: Writable;

  private constructor(
    readonly node: LanNode,
    child: ChildProcess,
  ) {
    if (!child.stdin || !child.stdout) throw new Error('the LAN probe needs piped stdin and stdout');
    this.stdin = child.stdin;
    const lines = readline.createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      let reply: { id?: number; ready?: boolean; results?: FetchResult[] };
      try {
        reply = JSON.parse(line) as typeof reply;
      } catch {
        return;
      }
      if (reply.ready) this.markReady();
      if (reply.id === undefined) return;
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      waiter?.resolve(reply.results ?? []);
    });
    child.once('exit', (code, signal) => {
      this.closed = true;
      for (const waiter of this.pending.values()) waiter.reject(new Error(`probe exited (${code ?? signal})`));
      this.pending.clear();
    });
  }

  /** Starts the probe in `node` and waits until it is ready. */
  static async start(lan: SimulatedLan, node: LanNode): Promise<LanProbe> {
    const child = lan.spawnIn(node, process.execPath, [path.join(FIXTURES, 'http-probe.mjs')], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const probe = new LanProbe(node, child);
    let timer: NodeJS.Timeout | undefined;
    const failed = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error('the LAN probe did not start within 10 s')), 10_000);
      child.once('exit', (code) => reject(new Error(`the LAN probe exited with ${code}`)));
    });
    // A later exit is reported by get() instead.
    failed.catch(() => undefined);
    try {
      await Promise.race([probe.ready, failed]);
    } finally {
      clearTimeout(timer);
    }
    return probe;
  }

  /** Fetches several URLs concurrently from inside the LAN. */
  async get(urls: string[], timeoutMs = 2000): Promise<FetchResult[]> {
    if (this.closed) throw new Error('the LAN probe is not running');
    const id = this.nextId++;
    const results = new Promise<FetchResult[]>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.stdin.write(`${JSON.stringify({ id, urls, timeoutMs })}\n`);
    return results;
  }

  /** Calls a contract method over a host's web bridge (with control when `token` is given); returns the bridge reply. */
  async invoke(url: string, method: string, input?: unknown, token?: string): Promise<{ ok: boolean; value?: unknown; error?: string }> {
    if (this.closed) throw new Error('the LAN probe is not running');
    const id = this.nextId++;
    const results = new Promise<FetchResult[]>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    const protocols = bridgeProtocols(token);
    this.stdin.write(`${JSON.stringify({ id, invoke: { url, protocols, method, input }, timeoutMs: 5000 })}\n`);
    const [result] = await results;
    if (!result?.ok) throw new Error(`bridge call ${method} failed: ${result ? result.error : 'no result'}`);
    return JSON.parse(result.body) as { ok: boolean; value?: unknown; error?: string };
  }

  /** GETs JSON from each URL; null where the request failed. */
  async getJson<T>(urls: string[], timeoutMs = 2000): Promise<Array<T | null>> {
    const results = await this.get(urls, timeoutMs);
    return results.map((result) => {
      if (!result.ok || result.status !== 200) return null;
      try {
        return JSON.parse(result.body) as T;
      } catch {
        return null;
      }
    });
  }
}
