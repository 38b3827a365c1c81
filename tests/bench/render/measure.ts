import type { Browser } from 'playwright-core';
import { z } from 'zod';
import { summarize, type Summary } from '../lib/stats';
import { frameStats, TRACE_CATEGORIES, type FrameStats } from './trace';

/**
 * Loads a page in Chromium, waits until it shows the whole thread, then records while a reply
 * streams: a Chromium trace (main-thread time per frame), the page's own requestAnimationFrame
 * timestamps (frame intervals) and PerformanceObserver long tasks.
 */

const COLLECTOR = `
window.__bench = { recording: false, frames: [], longTasks: [] };
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (window.__bench.recording) window.__bench.longTasks.push(e.duration);
  }).observe({ type: 'longtask', buffered: false });
} catch (e) {}
const loop = (t) => { if (window.__bench.recording) window.__bench.frames.push(t); requestAnimationFrame(loop); };
requestAnimationFrame(loop);
`;

const Collected = z.object({ frames: z.array(z.number()), longTasks: z.array(z.number()) });

export interface PageRun {
  name: string;
  rowsBefore: number;
  rowsAfter: number;
  /** Main-thread time per frame (trace); null when the trace had no frames. */
  frames: FrameStats | null;
  /** Intervals between requestAnimationFrame callbacks (ms). */
  rafIntervalMs: Summary;
  longTasks: { count: number; totalMs: number; maxMs: number };
  streamSeconds: number;
  loadSeconds: number;
}

export async function measurePage(
  browser: Browser,
  name: string,
  url: string,
  expectRows: number,
  trigger: () => Promise<void>,
  loadTimeoutMs = 180_000,
): Promise<PageRun> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.addInitScript({ content: COLLECTOR });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text().slice(0, 300)}`);
    });
    const loadStart = Date.now();
    await page.goto(url);
    try {
      await page.waitForFunction((n) => document.querySelectorAll('li[data-status]').length >= n, expectRows, { timeout: loadTimeoutMs, polling: 500 });
    } catch {
      const rows = await page.locator('li[data-status]').count();
      const text = (await page.locator('body').innerText()).slice(0, 300).replace(/\s+/g, ' ');
      throw new Error(`${name}: ${rows}/${expectRows} rows after ${loadTimeoutMs / 1000} s; page says "${text}"; ${problems.slice(0, 5).join(' | ')}`);
    }
    const loadSeconds = (Date.now() - loadStart) / 1000;
    await page.waitForTimeout(1_500);
    const rowsBefore = await page.locator('li[data-status]').count();
    await browser.startTracing(page, { categories: TRACE_CATEGORIES });
    await page.evaluate('window.__bench.recording = true');
    const streamStart = Date.now();
    await trigger();
    const streamSeconds = (Date.now() - streamStart) / 1000;
    await page.waitForTimeout(500);
    const collected = Collected.parse(await page.evaluate('window.__bench.recording = false, window.__bench'));
    const trace = await browser.stopTracing();
    const rowsAfter = await page.locator('li[data-status]').count();
    const intervals = collected.frames.slice(1).map((t, i) => t - collected.frames[i]!);
    return {
      name,
      rowsBefore,
      rowsAfter,
      frames: frameStats(trace.toString('utf8')),
      rafIntervalMs: summarize(intervals),
      longTasks: {
        count: collected.longTasks.length,
        totalMs: collected.longTasks.reduce((a, b) => a + b, 0),
        maxMs: collected.longTasks.reduce((a, b) => Math.max(a, b), 0),
      },
      streamSeconds,
      loadSeconds,
    };
  } finally {
    await context.close();
  }
}
