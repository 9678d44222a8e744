/**
 * A `lan-party host` process started by the benchmark with Node's inspector
 * on loopback, so the broker-load scenario can read the host's own heap
 * (after a forced GC) and RSS: `process.memoryUsage()` inside the process,
 * the only way to see its heap from outside. The inspector only listens on
 * 127.0.0.1 and the process is ours, stopped by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { WebSocket } from 'ws';
import { BRIDGE_PATH, bridgeProtocols } from '../../src-preload/contract.js';
import { CLI, REPO_ROOT } from './paths.js';

export interface Memory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

export interface InspectedHost {
  port: number;
  pid: number;
  /** Forces a full GC in the host, then returns its memory usage. */
  memory(): Promise<Memory>;
  /** GET a JSON endpoint of the host. */
  getJson<T>(pathname: string): Promise<T>;
  output(): string;
  stop(): Promise<void>;
}

export async function startInspectedHost(extraArgs: string[] = [], timeoutMs = 20_000): Promise<InspectedHost> {
  const args = ['--inspect=127.0.0.1:0', CLI, 'host', '--port', '0', '--host', '127.0.0.1', '--no-discovery', ...extraArgs];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const { port, inspector } = await new Promise<{ port: number; inspector: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`host did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
      const check = (): void => {
        const port = /running on port (\d+)/.exec(output)?.[1];
        const inspector = /Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/[\w-]+)/.exec(output)?.[1];
        if (port && inspector) {
          clearTimeout(timer);
          resolve({ port: Number(port), inspector });
        }
      };
      child.stdout?.on('data', check);
      child.stderr?.on('data', check);
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`host exited before starting:\n${output}`));
      });
    });
    const cdp = await Inspector.connect(inspector);
    return {
      port,
      pid: child.pid as number,
      async memory() {
        await cdp.send('HeapProfiler.collectGarbage');
        const reply = await cdp.send('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true });
        const value = (reply as { result?: { value?: unknown } }).result?.value;
        if (typeof value !== 'string') throw new Error(`unexpected inspector reply ${JSON.stringify(reply)}`);
        return JSON.parse(value) as Memory;
      },
      async getJson<T>(pathname: string) {
        const response = await fetch(`http://127.0.0.1:${port}${pathname}`, { signal: AbortSignal.timeout(5_000) });
        return (await response.json()) as T;
      },
      output: () => output,
      async stop() {
        cdp.close();
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The few Chrome DevTools Protocol calls needed, over the inspector's WebSocket. */
class Inspector {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: unknown) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: unknown };
      if (message.id === undefined) return;
      this.pending.get(message.id)?.(message.error ? { error: message.error } : message.result);
      this.pending.delete(message.id);
    });
  }

  static connect(url: string): Promise<Inspector> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const timer = setTimeout(() => reject(new Error('inspector did not answer')), 10_000);
      ws.once('open', () => {
        clearTimeout(timer);
        resolve(new Inspector(ws));
      });
      ws.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`inspector ${method} timed out`)), 30_000);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.ws.close();
  }
}

/** One call over the host's web bridge (the contract's framing); loopback callers with no Origin have control rights. */
export function bridgeCall<T>(port: number, method: string, input?: unknown, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${BRIDGE_PATH}`, bridgeProtocols());
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`bridge ${method} timed out`));
    }, timeoutMs);
    ws.on('open', () => ws.send(JSON.stringify({ id: 1, method, input })));
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { kind?: string; id?: number; ok?: boolean; value?: T; error?: string };
      if (message.kind !== 'reply' || message.id !== 1) return;
      clearTimeout(timer);
      ws.close();
      if (message.ok) resolve(message.value as T);
      else reject(new Error(`bridge ${method}: ${message.error ?? 'failed'}`));
    });
    ws.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
