import type { Browser } from 'playwright-core';
import { z } from 'zod';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readFrames, traceCategories, traceDetail, type TraceFrames } from './trace';

/**
 * Loads a page in Chromium, waits until it holds the whole thread, then records while a reply
 * streams: a Chromium trace (main-thread time per frame), the page's own requestAnimationFrame
 * timestamps (frame intervals) and PerformanceObserver long tasks.
 */

/**
 * How a page says how many messages it holds. `dom`: every message is a row in the DOM (the naive
 * page). `aria-setsize`: a virtual list renders only the rows near the viewport (~20), and each
 * says how many there are in all (Confab's MessageList sets aria-posinset/aria-setsize).
 */
export type RowCount = 'dom' | 'aria-setsize';

/** A page expression (a string, so that no compiler helper sneaks into the browser): [messages, rows in the DOM]. */
function countRows(mode: RowCount): string {
  return `(() => {
    const rows = document.querySelectorAll('li[data-status]');
    let messages = ${mode === 'dom' ? 'rows.length' : '0'};
    ${mode === 'aria-setsize' ? "rows.forEach((li) => { messages = Math.max(messages, Number(li.getAttribute('aria-setsize')) || 0); });" : ''}
    return [messages, rows.length];
  })()`;
}

const Counted = z.tuple([z.number(), z.number()]);

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
  /** Messages the page holds before and after the streamed reply (see `RowCount`). */
  rowsBefore: number;
  rowsAfter: number;
  /** Message rows actually in the DOM before and after. */
  domRowsBefore: number;
  domRowsAfter: number;
  /** Main-thread time per frame (trace); null when the trace had no frames. */
  frames: TraceFrames | null;
  /** Intervals between requestAnimationFrame callbacks (ms). */
  rafIntervalsMs: number[];
  /** Durations of the long tasks seen (ms). */
  longTasksMs: number[];
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
  rowCount: RowCount = 'dom',
): Promise<PageRun> {
  const count = countRows(rowCount);
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
      await page.waitForFunction(`${count}[0] >= ${expectRows}`, undefined, { timeout: loadTimeoutMs, polling: 500 });
    } catch {
      const [rows, inDom] = Counted.parse(await page.evaluate(count));
      const text = (await page.locator('body').innerText()).slice(0, 300).replace(/\s+/g, ' ');
      throw new Error(`${name}: ${rows}/${expectRows} messages (${rowCount}; ${inDom} rows in the DOM) after ${loadTimeoutMs / 1000} s; page says "${text}"; ${problems.slice(0, 5).join(' | ')}`);
    }
    const loadSeconds = (Date.now() - loadStart) / 1000;
    await page.waitForTimeout(1_500);
    const [rowsBefore, domRowsBefore] = Counted.parse(await page.evaluate(count));
    await browser.startTracing(page, { categories: traceCategories(traceDetail()) });
    await page.evaluate('window.__bench.recording = true');
    const streamStart = Date.now();
    await trigger();
    const streamSeconds = (Date.now() - streamStart) / 1000;
    await page.waitForTimeout(500);
    const collected = Collected.parse(await page.evaluate('window.__bench.recording = false, window.__bench'));
    const trace = await browser.stopTracing();
    saveTrace(name, trace);
    const shots = process.env.BENCH_SCREENSHOT_DIR;
    if (shots) await page.screenshot({ path: path.join(shots, `${fileNameOf(name)}.png`) });
    const [rowsAfter, domRowsAfter] = Counted.parse(await page.evaluate(count));
    const intervals = collected.frames.slice(1).map((t, i) => t - collected.frames[i]!);
    return {
      name,
      rowsBefore,
      rowsAfter,
      domRowsBefore,
      domRowsAfter,
      frames: readFrames(trace.toString('utf8')),
      rafIntervalsMs: intervals,
      longTasksMs: collected.longTasks,
      streamSeconds,
      loadSeconds,
    };
  } finally {
    await context.close();
  }
}

/** `BENCH_SCREENSHOT_DIR=<dir>`: each page as it looks when the reply has ended. `BENCH_TRACE_DIR=<dir>` keeps each page's Chromium trace of every round (open it in DevTools' Performance panel). */
function saveTrace(name: string, trace: Buffer): void {
  const dir = process.env.BENCH_TRACE_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  // Every round's trace: the page's first as `<page>.json`, the next as `<page>-2.json`, and so on.
  const base = fileNameOf(name);
  let file = path.join(dir, `${base}.json`);
  for (let round = 2; existsSync(file); round += 1) file = path.join(dir, `${base}-${round}.json`);
  writeFileSync(file, trace);
}

/** A page's name as a file name: "Confab at 648fe55 (same run)" is `Confab-at-648fe55`, not `Confab` (which today's Confab page writes). */
function fileNameOf(name: string): string {
  return name.replace(/\s*\(.*$/, '').replace(/[^A-Za-z0-9]+/g, '-');
}
