/**
 * Dashboard: the real dashboard (served by the loopback host, as a browser
 * player opens it) receives 5,000 events/s from a bench page running our
 * engine; frame intervals are measured IN the dashboard page (its own
 * requestAnimationFrame loop and long-task observer). The same dashboard,
 * idle, is measured first in the same run: that is the machine's floor.
 */
import fs from 'node:fs';
import path from 'node:path';
import { uniqueId } from '../lib/context.js';
import { REPO_ROOT } from '../lib/paths.js';
import type { Row } from '../lib/results.js';
import { startFrames, stopFrames } from '../pages/frame-recorder.js';
import { p99, percentile } from '../lib/stats.js';
import { BenchTab } from '../peers/chromium.js';
import type { Scenario } from './scenario.js';

const RATE = 5_000;
const TARGET = { kind: 'absMax', max: 50 } as const;
const METRIC = 'frame interval in the dashboard receiving 5,000 events/s, p99';

interface DashboardHandle {
  engine: { isReady(): boolean; getId(): string; getPeerStats(): { peerId: string; messagesIn: number }[] };
}

interface FrameWindow {
  lanPartyDashboard?: DashboardHandle;
}

export const dashboardScenario: Scenario = {
  name: 'dashboard',
  plan: () => [{ metric: METRIC, unit: 'ms', target: TARGET, where: 'Chromium page' }],
  budgetMs: (quick) => (quick ? 60_000 : 120_000),
  skipReason() {
    if (!fs.existsSync(path.join(REPO_ROOT, 'src-renderer/dashboard'))) return 'the dashboard (src-renderer/dashboard) does not exist yet';
    const html = path.join(REPO_ROOT, 'out/renderer/index.html');
    if (!fs.existsSync(html)) return 'out/renderer is not built: run `npm run build`';
    return null;
  },
  async run(ctx) {
    const durationMs = ctx.quick ? 5_000 : 15_000;
    const [browser, host, pages, broker] = await Promise.all([ctx.browser(), ctx.host(), ctx.pages(), ctx.broker()]);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    ctx.defer(() => context.close());
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(host.url);
    try {
      await page.waitForFunction(() => {
        const engine = (window as unknown as FrameWindow).lanPartyDashboard?.engine;
        return engine !== undefined && engine.isReady() && engine.getId() !== '';
      }, undefined, { timeout: 20_000 });
    } catch {
      throw new Error('the dashboard did not come online within 20 s (no window.lanPartyDashboard engine registered on the broker)');
    }
    const dashboardId = await page.evaluate(() => (window as unknown as FrameWindow).lanPartyDashboard?.engine.getId() ?? '');

    // The machine's floor: the same page, idle, for a second.
    await startFrames(page);
    await page.waitForTimeout(1_500);
    const idle = await stopFrames(page);

    const sender = await BenchTab.open(browser, pages.origin);
    ctx.defer(() => sender.close());
    const senderId = uniqueId('dash-sender');
    await sender.create('engine', senderId, broker);
    await sender.call('connect', senderId, dashboardId);
    await startFrames(page);
    const sent = await sender.call('paced', senderId, dashboardId, RATE, durationMs);
    // Let the last events land and render.
    await page.waitForTimeout(500);
    const busy = await stopFrames(page);
    const received = await page.evaluate(
      (id) => (window as unknown as FrameWindow).lanPartyDashboard?.engine.getPeerStats().find((s) => s.peerId === id)?.messagesIn ?? 0,
      senderId,
    );
    const shown = (await page.getByTestId('event-received').textContent({ timeout: 2_000 }).catch(() => null))?.trim() ?? '?';
    const over = busy.intervals.filter((v) => v >= 50).length;
    const row: Row = {
      scenario: 'dashboard',
      metric: METRIC,
      unit: 'ms',
      ours: p99(busy.intervals),
      raw: null,
      stock: null,
      target: TARGET,
      where: 'Chromium page',
      samples: `${busy.intervals.length} frames over ${durationMs / 1000} s`,
      note: [
        `max ${Math.max(...busy.intervals).toFixed(0)} ms, ${over} frames ≥ 50 ms, median ${(percentile(busy.intervals, 50) ?? NaN).toFixed(1)} ms`,
        `long tasks: ${busy.longTasks.length} (longest ${busy.longTasks.length ? Math.max(...busy.longTasks).toFixed(0) : 0} ms)`,
        `idle floor p99 ${(p99(idle.intervals) ?? NaN).toFixed(1)} ms`,
        `${sent.toLocaleString('en-US')} sent (${Math.round((sent / durationMs) * 1000).toLocaleString('en-US')}/s), ${received.toLocaleString('en-US')} received by the engine, console shows "${shown}" received`,
        ...(problems.length > 0 ? [`page errors: ${problems.slice(0, 2).join('; ')}`] : []),
      ].join('; '),
    };
    return [row];
  },
};
