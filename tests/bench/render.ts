import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { log, notRun, type BenchResult, type Table } from './lib/report';
import { chatServiceMissing, startConfab } from './lib/servers';
import { fmt, ratio } from './lib/stats';
import { startPacedModel } from './render/fake-openai';
import { measurePage, type PageRun } from './render/measure';
import { startPageServer } from './render/pages';
import { prepareThread, type BenchThread } from './render/thread';

/**
 * Streaming render in real Chromium: a thread holding 5,000 messages receives a 2,000-token reply
 * at 100 tokens/s from a paced OpenAI-compatible model through the real chat service. Confab's UI
 * against a naive lastMessage + append-to-array page, fed by the same service in the same run.
 */

const CHROMIUM = '/usr/bin/chromium';
const SIZES = { full: { messages: 5_000, tokens: 2_000, loadTimeoutMs: 180_000 }, quick: { messages: 500, tokens: 300, loadTimeoutMs: 45_000 } };
const TOKENS_PER_SECOND = 100;
const TITLE = '3. Streaming render in Chromium (5,000-message thread, 2,000 tokens at 100 tok/s)';

function row(run: PageRun): string[] {
  const f = run.frames;
  return [
    run.name,
    `${run.rowsBefore.toLocaleString('en-US')} → ${run.rowsAfter.toLocaleString('en-US')}`,
    `${run.domRowsBefore.toLocaleString('en-US')} → ${run.domRowsAfter.toLocaleString('en-US')}`,
    f ? fmt(f.busyMs.p50, 2) : 'n/a',
    f ? fmt(f.busyMs.p99, 2) : 'n/a',
    f ? fmt(f.busyMs.max, 1) : 'n/a',
    f ? `${f.over16ms} / ${f.frames}` : 'n/a',
    fmt(run.rafIntervalMs.p50, 1),
    fmt(run.rafIntervalMs.p99, 1),
    `${run.longTasks.count} (${fmt(run.longTasks.totalMs, 0)} ms, max ${fmt(run.longTasks.maxMs, 0)})`,
    fmt(run.loadSeconds, 1),
  ];
}

export async function renderBench(scale: 'full' | 'quick'): Promise<BenchResult> {
  const missing = chatServiceMissing() ?? (existsSync(CHROMIUM) ? null : `${CHROMIUM} is not installed (apt-get install chromium)`);
  if (missing) return notRun('render', TITLE, missing);
  const started = Date.now();
  const size = SIZES[scale];
  const model = await startPacedModel(size.tokens, TOKENS_PER_SECOND);
  let thread: BenchThread | null = null;
  let wsBase = '';
  const pages = await startPageServer(async () => {
    if (!thread) throw new Error('thread not ready');
    const t = await thread.ticket();
    return { ticket: t.ticket, param: 'token', ws_base: wsBase };
  });
  const server = await startConfab({ OPENAI_BASE_URL: model.baseUrl, OPENAI_API_KEY: 'bench', ALLOWED_ORIGINS: `http://localhost:3000,${pages.origin}` });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    wsBase = server.service.wsBase;
    log(`render: filling a thread with ${size.messages} messages`);
    const bench = await prepareThread(server, size.messages);
    thread = bench;
    const streamTimeout = (size.tokens / TOKENS_PER_SECOND + 60) * 1000;
    const trigger = (): Promise<void> => bench.askForReply(streamTimeout);
    const runs: PageRun[] = [];
    const { ticket } = await bench.ticket();
    const naiveWs = `${wsBase}conversation/${bench.id}/?token=${encodeURIComponent(ticket)}&app_type=social`;
    log('render: naive page');
    runs.push(await measurePage(browser, 'naive (lastMessage + array)', `${pages.origin}/naive?ws=${encodeURIComponent(naiveWs)}`, size.messages, trigger, size.loadTimeoutMs));
    log('render: Confab page');
    runs.push(await measurePage(browser, 'Confab (chat-ui + useConversation)', `${pages.origin}/confab?conversation=${bench.id}`, size.messages + 2, trigger, size.loadTimeoutMs, 'aria-setsize'));
    log('render: floor page');
    const floorWs = `${wsBase}conversation/${bench.id}/?token=${encodeURIComponent((await bench.ticket()).ticket)}&app_type=social`;
    runs.push(await measurePage(browser, 'floor (one line replaced per token)', `${pages.origin}/floor?ws=${encodeURIComponent(floorWs)}`, 1, trigger, size.loadTimeoutMs));
    const table: Table = {
      header: ['page', 'messages', 'rows in DOM', 'main-thread ms/frame p50', 'p99', 'max', 'frames > 16.7 ms', 'rAF interval p50 ms', 'rAF p99 ms', 'long tasks (total, max)', 'load s'],
      rows: runs.map(row),
    };
    const [naive, confab, floor] = runs;
    const result: BenchResult = { id: 'render', title: TITLE, status: 'ok', tables: [table], targets: [], notes: [], seconds: 0 };
    if (naive?.frames && confab?.frames) {
      table.rows.push(['**Confab / naive**', '', '', ratio(confab.frames.busyMs.p50, naive.frames.busyMs.p50), `**${ratio(confab.frames.busyMs.p99, naive.frames.busyMs.p99)}**`, ratio(confab.frames.busyMs.max, naive.frames.busyMs.max), '', '', ratio(confab.rafIntervalMs.p99, naive.rafIntervalMs.p99), ratio(confab.longTasks.count, naive.longTasks.count), '']);
      const floorP99 = floor?.frames ? ` ; floor ${fmt(floor.frames.busyMs.p99, 2)} ms` : '';
      result.targets.push({ label: 'main-thread p99 < 4 ms per frame', met: confab.frames.busyMs.p99 < 4, detail: `${fmt(confab.frames.busyMs.p99, 2)} ms (naive ${fmt(naive.frames.busyMs.p99, 2)} ms${floorP99})` });
    }
    if (floor?.frames && confab?.frames) {
      table.rows.push(['**Confab / floor**', '', '', ratio(confab.frames.busyMs.p50, floor.frames.busyMs.p50), ratio(confab.frames.busyMs.p99, floor.frames.busyMs.p99), ratio(confab.frames.busyMs.max, floor.frames.busyMs.max), '', '', '', '', '']);
    }
    result.notes.push(
      `Main-thread time per frame: share of each interval between two \`BeginMainThreadFrame\`s covered by top-level tasks on the page's renderer main thread (Chromium trace), over the whole stream (${fmt(confab?.streamSeconds ?? Number.NaN, 1)} s). rAF interval: the page's own requestAnimationFrame loop; long tasks: PerformanceObserver \`longtask\`.`,
      "Messages held: the naive page's rows in the DOM; Confab's list is virtualized (only rows near the viewport are in the DOM), so its count is the rows' `aria-setsize`, which the load waits for.",
      'Both pages hold the same thread (sync from seq 0) and get the same frames from the same chat service; the naive page renders plain-text rows (no markdown), which favours it. Headless Chromium with --disable-gpu: software compositing.',
      "The floor page gets the same frames and parses them the same way but only replaces one short line's text per token (no growing text, no list, no markdown, no framework): what a frame costs on this machine and browser before any chat UI does anything.",
    );
    result.seconds = (Date.now() - started) / 1000;
    return result;
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    await pages.close();
    await model.close();
  }
}
