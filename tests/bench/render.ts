import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { log, notRun, type BenchResult, type Table } from './lib/report';
import { chatServiceMissing, startConfab } from './lib/servers';
import { fmt, ratio, summarize, type Summary } from './lib/stats';
import { startPacedModel } from './render/fake-openai';
import { measurePage, type PageRun } from './render/measure';
import { checkOutBaseline, type BaselineCheckout } from './render/baseline-rev';
import { startPageServer } from './render/pages';
import { prepareThread, type BenchThread } from './render/thread';
import { PHASES, poolFrames, traceDetail, type FrameStats } from './render/trace';

/**
 * Streaming render in real Chromium: a thread holding 5,000 messages receives a 2,000-token reply
 * at 100 tokens/s from a paced OpenAI-compatible model through the real chat service. Confab's UI
 * against a naive lastMessage + append-to-array page, fed by the same service in the same run.
 */

const CHROMIUM = '/usr/bin/chromium';
const SIZES = {
  full: { messages: 5_000, tokens: 2_000, loadTimeoutMs: 180_000, rounds: 3 },
  quick: { messages: 500, tokens: 300, loadTimeoutMs: 45_000, rounds: 1 },
};
const TOKENS_PER_SECOND = 100;
/** The pages, in the order each round measures them, and their names in the tables. */
const PAGE_NAMES = {
  naive: 'naive (lastMessage + array)',
  confab: 'Confab (chat-ui + useConversation)',
  baseline: 'Confab at BENCH_BASELINE_REV',
  lean: 'lean (thread in hand-written DOM, no markdown)',
  floor: 'floor (one line replaced per token)',
} as const;
type PageId = keyof typeof PAGE_NAMES;
const TITLE = '3. Streaming render in Chromium (5,000-message thread, 2,000 tokens at 100 tok/s)';

/** One page's recordings over every round, pooled. */
interface PageResult {
  name: string;
  runs: PageRun[];
  frames: FrameStats | null;
  rafIntervalMs: Summary;
  longTasksMs: number[];
}

function pool(name: string, runs: PageRun[]): PageResult {
  return {
    name,
    runs,
    frames: poolFrames(runs.flatMap((r) => (r.frames ? [r.frames] : []))),
    rafIntervalMs: summarize(runs.flatMap((r) => r.rafIntervalsMs)),
    longTasksMs: runs.flatMap((r) => r.longTasksMs),
  };
}

const count = (n: number): string => n.toLocaleString('en-US');

function row(page: PageResult): string[] {
  const f = page.frames;
  const first = page.runs[0];
  const longest = page.longTasksMs.reduce((a, b) => Math.max(a, b), 0);
  const longTotal = page.longTasksMs.reduce((a, b) => a + b, 0);
  return [
    page.name,
    first ? `${count(first.rowsBefore)} → ${count(first.rowsAfter)}` : 'n/a',
    first ? `${count(first.domRowsBefore)} → ${count(first.domRowsAfter)}` : 'n/a',
    f ? fmt(f.busyMs.p50, 2) : 'n/a',
    f ? fmt(f.busyMs.p99, 2) : 'n/a',
    f ? f.runP99s.map((p) => fmt(p, 1)).join(' / ') : 'n/a',
    f ? fmt(f.cpuMs.p99, 2) : 'n/a',
    f ? fmt(f.busyMs.max, 1) : 'n/a',
    f ? `${f.over16ms} / ${count(f.frames)}` : 'n/a',
    fmt(page.rafIntervalMs.p99, 1),
    `${page.longTasksMs.length} (${fmt(longTotal, 0)} ms, max ${fmt(longest, 0)})`,
    fmt(page.runs.reduce((a, r) => a + r.loadSeconds, 0) / Math.max(1, page.runs.length), 1),
  ];
}

/** Where a frame's main-thread time goes, per page: mean ms per frame by phase, over all frames and over the slowest 1 %. */
function phaseTable(pages: PageResult[]): Table {
  const withFrames = pages.filter((p): p is PageResult & { frames: FrameStats } => p.frames !== null);
  const short = (p: PageResult): string => p.name.split(' (')[0] ?? p.name;
  return {
    header: ['mean ms per frame', ...withFrames.flatMap((p) => [short(p), `${short(p)}, slowest 1 %`])],
    rows: [
      ...PHASES.map((phase) => [phase, ...withFrames.flatMap((p) => [fmt(p.frames.phasePerFrame[phase], 2), fmt(p.frames.tailPhasePerFrame[phase], 2)])]),
      ['**all (busy mean)**', ...withFrames.flatMap((p) => [`**${fmt(p.frames.busyMs.mean, 2)}**`, `**${fmt(p.frames.tailBusyMean, 2)}**`])],
    ],
  };
}

const PAGE_IDS = Object.keys(PAGE_NAMES) as PageId[];
const isPageId = (name: string): name is PageId => (PAGE_IDS as string[]).includes(name);

/**
 * Every page (the baseline only with `BENCH_BASELINE_REV`), or those named in `BENCH_RENDER_PAGES`
 * (e.g. `confab,lean`): a profiling session does not need to wait for the naive page each round.
 */
function pagesToMeasure(withBaseline: boolean): PageId[] {
  const all = PAGE_IDS.filter((page) => page !== 'baseline' || withBaseline);
  const named = (process.env.BENCH_RENDER_PAGES ?? '').split(',').map((name) => name.trim()).filter(Boolean);
  if (named.length === 0) return all;
  const unknown = named.filter((name) => !isPageId(name));
  if (unknown.length > 0) throw new Error(`BENCH_RENDER_PAGES: unknown page ${unknown.join(', ')} (pages: ${PAGE_IDS.join(', ')})`);
  return all.filter((page) => named.includes(page));
}

/** The size's rounds, or `BENCH_RENDER_ROUNDS`. */
function roundsToRun(rounds: number): number {
  const named = Number(process.env.BENCH_RENDER_ROUNDS ?? rounds);
  if (!Number.isInteger(named) || named < 1) throw new Error('BENCH_RENDER_ROUNDS must be a whole number of at least 1');
  return named;
}

export async function renderBench(scale: 'full' | 'quick'): Promise<BenchResult> {
  const missing = chatServiceMissing() ?? (existsSync(CHROMIUM) ? null : `${CHROMIUM} is not installed (apt-get install chromium)`);
  if (missing) return notRun('render', TITLE, missing);
  const started = Date.now();
  const size = SIZES[scale];
  const baselineRev = process.env.BENCH_BASELINE_REV;
  const baseline: BaselineCheckout | null = baselineRev ? checkOutBaseline(baselineRev) : null;
  const pageName = (page: PageId): string => (page === 'baseline' ? `Confab at ${baseline?.rev ?? '?'} (same run)` : PAGE_NAMES[page]);
  const model = await startPacedModel(size.tokens, TOKENS_PER_SECOND);
  let thread: BenchThread | null = null;
  let wsBase = '';
  const pages = await startPageServer(async () => {
    if (!thread) throw new Error('thread not ready');
    const t = await thread.ticket();
    return { ticket: t.ticket, param: 'token', ws_base: wsBase };
  }, baseline?.root);
  const server = await startConfab({ OPENAI_BASE_URL: model.baseUrl, OPENAI_API_KEY: 'bench', ALLOWED_ORIGINS: `http://localhost:3000,${pages.origin}` });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    wsBase = server.service.wsBase;
    const streamTimeout = (size.tokens / TOKENS_PER_SECOND + 60) * 1000;
    /** Each measurement fills a thread of its own, so every run streams into a thread of exactly `size.messages`. */
    const measureOnFreshThread = async (page: PageId, label: string): Promise<PageRun> => {
      log(`render: ${label}: filling a thread with ${size.messages} messages`);
      const bench = await prepareThread(server, size.messages);
      thread = bench;
      const trigger = (): Promise<void> => bench.askForReply(streamTimeout);
      log(`render: ${label}: ${page} page`);
      if (page === 'confab' || page === 'baseline') {
        return measurePage(browser, pageName(page), `${pages.origin}/${page}?conversation=${bench.id}`, size.messages, trigger, size.loadTimeoutMs, 'aria-setsize');
      }
      const { ticket } = await bench.ticket();
      const ws = `${wsBase}conversation/${bench.id}/?token=${encodeURIComponent(ticket)}&app_type=social`;
      const url = `${pages.origin}/${page}?ws=${encodeURIComponent(ws)}`;
      if (page === 'lean') return measurePage(browser, pageName(page), url, size.messages, trigger, size.loadTimeoutMs, 'aria-setsize');
      return measurePage(browser, pageName(page), url, page === 'naive' ? size.messages : 1, trigger, size.loadTimeoutMs);
    };
    const pageIds = pagesToMeasure(baseline !== null);
    const runs: Record<PageId, PageRun[]> = { naive: [], confab: [], baseline: [], lean: [], floor: [] };
    // Rounds interleave the pages, so a slow spell of this shared machine falls on all of them.
    const rounds = roundsToRun(size.rounds);
    for (let round = 1; round <= rounds; round++) {
      for (const page of pageIds) runs[page].push(await measureOnFreshThread(page, `round ${round}/${rounds}`));
    }
    const naive = pool(PAGE_NAMES.naive, runs.naive);
    const confab = pool(PAGE_NAMES.confab, runs.confab);
    const before = baseline ? pool(pageName('baseline'), runs.baseline) : null;
    const lean = pool(PAGE_NAMES.lean, runs.lean);
    const floor = pool(PAGE_NAMES.floor, runs.floor);
    const measured = (before ? [naive, confab, before, lean, floor] : [naive, confab, lean, floor]).filter((page) => page.runs.length > 0);
    const table: Table = {
      header: ['page', 'messages', 'rows in DOM', 'main-thread ms/frame p50', 'p99', 'p99 of each run', 'CPU p99', 'max', 'frames > 16.7 ms', 'rAF interval p99 ms', 'long tasks (total, max)', 'load s'],
      rows: measured.map(row),
    };
    const withPhases = traceDetail() === 'phases';
    const result: BenchResult = { id: 'render', title: TITLE, status: 'ok', tables: withPhases ? [table, phaseTable(measured)] : [table], targets: [], notes: [], seconds: 0 };
    if (naive.frames && confab.frames) {
      table.rows.push(['**Confab / naive**', '', '', ratio(confab.frames.busyMs.p50, naive.frames.busyMs.p50), `**${ratio(confab.frames.busyMs.p99, naive.frames.busyMs.p99)}**`, '', ratio(confab.frames.cpuMs.p99, naive.frames.cpuMs.p99), ratio(confab.frames.busyMs.max, naive.frames.busyMs.max), '', ratio(confab.rafIntervalMs.p99, naive.rafIntervalMs.p99), '', '']);
      const floorP99 = `${lean.frames ? `; lean ${fmt(lean.frames.busyMs.p99, 2)} ms` : ''}${floor.frames ? `; floor ${fmt(floor.frames.busyMs.p99, 2)} ms` : ''}`;
      result.targets.push({ label: 'main-thread p99 < 4 ms per frame', met: confab.frames.busyMs.p99 < 4, detail: `${fmt(confab.frames.busyMs.p99, 2)} ms over ${count(confab.frames.frames)} frames of ${confab.frames.runP99s.length} run${confab.frames.runP99s.length === 1 ? '' : 's'} (naive ${fmt(naive.frames.busyMs.p99, 2)} ms${floorP99})` });
    }
    if (before?.frames && confab.frames) {
      table.rows.push([`**Confab / Confab at ${baseline?.rev ?? '?'}**`, '', '', ratio(confab.frames.busyMs.p50, before.frames.busyMs.p50), `**${ratio(confab.frames.busyMs.p99, before.frames.busyMs.p99)}**`, '', ratio(confab.frames.cpuMs.p99, before.frames.cpuMs.p99), ratio(confab.frames.busyMs.max, before.frames.busyMs.max), '', '', '', '']);
    }
    if (lean.frames && confab.frames) {
      table.rows.push(['**Confab / lean**', '', '', ratio(confab.frames.busyMs.p50, lean.frames.busyMs.p50), `**${ratio(confab.frames.busyMs.p99, lean.frames.busyMs.p99)}**`, '', ratio(confab.frames.cpuMs.p99, lean.frames.cpuMs.p99), ratio(confab.frames.busyMs.max, lean.frames.busyMs.max), '', '', '', '']);
    }
    if (floor.frames && confab.frames) {
      table.rows.push(['**Confab / floor**', '', '', ratio(confab.frames.busyMs.p50, floor.frames.busyMs.p50), ratio(confab.frames.busyMs.p99, floor.frames.busyMs.p99), '', ratio(confab.frames.cpuMs.p99, floor.frames.cpuMs.p99), ratio(confab.frames.busyMs.max, floor.frames.busyMs.max), '', '', '', '']);
    }
    result.notes.push(
      `Main-thread time per frame: share of each interval between two \`BeginMainThreadFrame\`s covered by top-level tasks on the page's renderer main thread (Chromium trace), over the whole stream (${fmt(runs.confab[0]?.streamSeconds ?? Number.NaN, 1)} s), frames of all ${size.rounds} rounds pooled (rounds interleave the pages; every run streams into a fresh thread of ${count(size.messages)} messages); "p99 of each run" shows how much one run differs from the next. CPU p99: the same frames counted in the main thread's CPU time (time another process held the core left out). rAF interval: the page's own requestAnimationFrame loop; long tasks: PerformanceObserver \`longtask\`.`,
      withPhases
        ? 'Traced in detail (`BENCH_RENDER_TRACE=phases`): every event the Performance panel records, which slows the page itself (p50 ~1.2×, p99 ~1.15× in a same-run comparison of the same code), so these frame figures run higher than the default trace\'s. Phases (second table): self time (wall) of every traced event on the main thread, counted to its phase (script: JS, rAF callbacks, events, and the DOM work they cause; style & layout; paint: pre-paint and paint; commit: layerize and hand-off to the compositor, mostly the main thread waiting for the compositor thread, so it grows when the 2 cores are busy; GC; socket & IPC: WebSocket data arriving from the network process), divided by the frames; "slowest 1 %": the same over the frames at or above the p99 only (what the tail is made of). An event counts wholly to the frame it starts in while busy time is cut at frame edges, so the phases of a frame and its busy time differ a little, either way.'
        : 'Trace: top-level tasks and frame starts only (`BENCH_RENDER_TRACE=frames`, the default), the least that measures main-thread time per frame; `BENCH_RENDER_TRACE=phases` records every event as well and adds where the time goes, at the cost of slowing the page it measures.',
      "Messages held: the naive page's rows in the DOM; Confab's list is virtualized (only rows near the viewport are in the DOM), so its count is the rows' `aria-setsize`, which the load waits for.",
      'Both pages hold the same thread (sync from seq 0) and get the same frames from the same chat service; the naive page renders plain-text rows (no markdown), which favours it. Headless Chromium with --disable-gpu: software compositing.',
      "The lean page holds the same thread and shows the growing reply, but in hand-written DOM: a spacer for the rows above and the last 24 rows, the reply one text node that each token is appended to, the view kept at the end; no framework, no markdown, no virtualizer measuring rows. No chat UI that shows the thread does much less per frame, so its p99 is the practical limit on this machine: a target below it cannot be met here by any UI.",
      "The floor page gets the same frames and parses them the same way but only replaces one short line's text per token (no growing text, no list, no markdown, no framework): what a frame costs on this machine and browser before any chat UI does anything.",
    );
    if (baseline) {
      result.notes.push(`Confab at ${baseline.rev}: the UI as it was at that revision (\`BENCH_BASELINE_REV\`; a git worktree, bundled and measured the same way), interleaved with today's in every round: the one comparison that run-to-run noise cannot fake.`);
    }
    result.seconds = (Date.now() - started) / 1000;
    return result;
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    await pages.close();
    await model.close();
    baseline?.remove();
  }
}
