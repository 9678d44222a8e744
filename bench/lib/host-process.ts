/**
 * A `lan-party host` process started by the benchmark with Node's inspector
 * on loopback, so the broker-load scenario can read the host's own heap
 * (after a forced GC) and RSS: `process.memoryUsage()` inside the process,
 * the only way to see its heap from outside. The inspector only listens on
 * 127.0.0.1 and the process is ours, stopped by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { WebSocket } from 'ws';
import { launchHost, type LaunchedHost } from '../../e2e/fixtures/host-launcher.js';
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
  // On a failed start launchHost kills the process itself.
  const launched = await launchHost(child, { timeoutMs });
  const { port } = launched.ready;
  const stop = async (): Promise<void> => {
    await launched.stop();
  };
  try {
    const inspector = await inspectorUrl(launched);
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
      output: launched.output,
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

/**
 * Node prints its inspector's address on stderr before it runs the CLI, so it
 * is normally in the output by the ready line; the two pipes are read apart,
 * so allow it a moment (at most 2 s, 100 looks).
 */
async function inspectorUrl(host: LaunchedHost): Promise<string> {
  for (let look = 0; look < 100; look += 1) {
    const url = /Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/[\w-]+)/.exec(host.output())?.[1];
    if (url) return url;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the host printed no inspector address:\n${host.output()}`);
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
