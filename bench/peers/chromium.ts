/**
 * Chromium peers: Debian's Chromium (never a downloaded browser) driven by
 * Playwright, one browser context per bench page so each peer gets its own
 * renderer process, as two players' browsers would.
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from '../../e2e/fixtures/chromium.js';
import type { BenchPage } from '../pages/page.js';
import type { BrokerInfo, Kind } from '../pages/drivers.js';

export { chromiumAvailable };

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 60_000 });
}

type Method = keyof BenchPage;
type Args<M extends Method> = Parameters<BenchPage[M]>;
type Result<M extends Method> = Awaited<ReturnType<BenchPage[M]>>;

/** A bench page: typed calls into `window.bench`. */
export class BenchTab {
  private constructor(readonly page: Page) {}

  static async open(browser: Browser, origin: string): Promise<BenchTab> {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(`${origin}/bench/index.html`);
    await page.waitForFunction(() => window.benchLoaded === true, undefined, { timeout: 30_000 });
    return new BenchTab(page);
  }

  call<M extends Method>(method: M, ...args: Args<M>): Promise<Result<M>> {
    return this.page.evaluate(
      ([m, a]) => (window.bench[m] as (...x: unknown[]) => unknown)(...a),
      [method, args] as const,
    ) as Promise<Result<M>>;
  }

  create(kind: Kind, id: string, broker: BrokerInfo): Promise<string> {
    return this.call('create', kind, id, broker);
  }

  async close(): Promise<void> {
    await this.page.context().close();
  }
}
