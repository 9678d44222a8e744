/**
 * What scenarios share in one run: the mode, a log, and resources started on
 * first use and stopped at the end (the loopback host, the page server,
 * Chromium). Each scenario also gets its own cleanup stack, run when it ends
 * or times out, so a failed scenario never leaks processes into the next.
 */
import type { Browser } from '@playwright/test';
import { startHost, type RunningHost } from '../../e2e/fixtures/host.js';
import type { BrokerInfo } from '../pages/drivers.js';
import { launchChromium } from '../peers/chromium.js';
import { startPageServer, type PageServer } from '../peers/page-server.js';

export type Cleanup = () => Promise<void> | void;

export class BenchContext {
  private hostPromise: Promise<RunningHost> | null = null;
  private pagesPromise: Promise<PageServer> | null = null;
  private browserPromise: Promise<Browser> | null = null;
  private readonly cleanups: Cleanup[] = [];

  constructor(
    readonly quick: boolean,
    /** Null when the simulated LAN (network namespaces) can run here, else why not. */
    readonly lanSkipReason: string | null,
    private readonly out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {}

  log(message: string): void {
    this.out(`[bench] ${message}`);
  }

  /** The loopback headless host every P2P scenario signals through (the real `lan-party host`). */
  host(): Promise<RunningHost> {
    this.hostPromise ??= startHost();
    return this.hostPromise;
  }

  async broker(): Promise<BrokerInfo> {
    const host = await this.host();
    return { host: host.brokerEndpoint.host, port: host.brokerEndpoint.port, path: host.brokerEndpoint.path, key: host.brokerEndpoint.key };
  }

  pages(): Promise<PageServer> {
    this.pagesPromise ??= startPageServer();
    return this.pagesPromise;
  }

  browser(): Promise<Browser> {
    this.browserPromise ??= launchChromium();
    return this.browserPromise;
  }

  /** Registers a cleanup for the scenario running now (see runScoped). */
  defer(cleanup: Cleanup): void {
    this.cleanups.push(cleanup);
  }

  /** Runs the cleanups registered since `mark`, newest first; never throws. */
  async unwind(mark: number): Promise<void> {
    while (this.cleanups.length > mark) {
      const cleanup = this.cleanups.pop() as Cleanup;
      try {
        await withTimeout(Promise.resolve().then(cleanup), 15_000, 'cleanup');
      } catch (error) {
        this.log(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  get mark(): number {
    return this.cleanups.length;
  }

  /** Stops the shared resources. */
  async close(): Promise<void> {
    await this.unwind(0);
    const browser = this.browserPromise;
    const pages = this.pagesPromise;
    const host = this.hostPromise;
    this.browserPromise = this.pagesPromise = this.hostPromise = null;
    await Promise.allSettled([
      browser?.then((b) => withTimeout(b.close(), 15_000, 'closing Chromium')),
      pages?.then((p) => p.close()),
      host?.then((h) => h.stop()),
    ]);
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A peer id unique in this run (the engine accepts letters, digits and single '-'). */
export function uniqueId(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
}
