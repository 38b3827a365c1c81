import { z } from 'zod';
import { summarize, type Summary } from '../lib/stats';

/**
 * Main-thread time per animation frame, from a Chromium trace: frames are the intervals between
 * consecutive `BeginMainThreadFrame` (or `FireAnimationFrame`) events on the page's renderer main
 * thread; a frame's main-thread time is how much of its interval top-level tasks (`RunTask`)
 * covered (wall time), and how much CPU those tasks used in it (thread time: what the main thread
 * itself did, without the time another process held the core). Where the time goes is told by
 * phase: every traced event's self time is counted to its phase (script, style and layout, paint,
 * commit, GC, socket), nested events of no phase to their parent's.
 */

/**
 * What a recording traces. `frames`: only what main-thread time per frame is made of (top-level
 * tasks, frame starts, thread names). `phases`: every event DevTools' Performance panel records as
 * well, for the phase tables; recording those slows the page itself (same code, same run: p50
 * 1.19× and p99 1.16× the `frames` trace's), so the frame figures are taken without them.
 */
export type TraceDetail = 'frames' | 'phases';

export function traceDetail(): TraceDetail {
  const named = process.env.BENCH_RENDER_TRACE ?? 'frames';
  if (named !== 'frames' && named !== 'phases') throw new Error('BENCH_RENDER_TRACE must be frames or phases');
  return named;
}

export function traceCategories(detail: TraceDetail): string[] {
  const frames = ['toplevel', 'disabled-by-default-devtools.timeline.frame', '__metadata'];
  // V8's sampling profiler when asked for (JS call stacks in DevTools), whatever the detail: it slows the page too.
  const profiler = process.env.BENCH_JS_PROFILE === '1' ? ['disabled-by-default-v8.cpu_profiler'] : [];
  if (detail === 'frames') return [...profiler, ...frames];
  return [...profiler, 'devtools.timeline', 'disabled-by-default-devtools.timeline', ...frames];
}

const TraceEvent = z.object({
  name: z.string(),
  ph: z.string(),
  ts: z.number(),
  dur: z.number().optional(),
  tdur: z.number().optional(),
  pid: z.number(),
  tid: z.number(),
  args: z.object({ name: z.string().optional() }).passthrough().optional(),
});
type TraceEvent = z.infer<typeof TraceEvent>;
const TraceFile = z.union([z.object({ traceEvents: z.array(z.unknown()) }), z.array(z.unknown())]);

export const PHASES = ['script', 'style & layout', 'paint', 'commit', 'GC', 'socket & IPC', 'other'] as const;
export type Phase = (typeof PHASES)[number];

const PHASE_OF: Record<string, Phase> = {
  FunctionCall: 'script',
  FireAnimationFrame: 'script',
  EventDispatch: 'script',
  TimerFire: 'script',
  BlinkScheduler_PerformMicrotaskCheckpoint: 'script',
  EvaluateScript: 'script',
  UpdateLayoutTree: 'style & layout',
  Layout: 'style & layout',
  'IntersectionObserverController::computeIntersections': 'style & layout',
  HitTest: 'style & layout',
  PrePaint: 'paint',
  Paint: 'paint',
  Layerize: 'commit',
  Commit: 'commit',
  UpdateLayer: 'commit',
  ScrollLayer: 'commit',
  MinorGC: 'GC',
  MajorGC: 'GC',
  'Receive mojo message': 'socket & IPC',
  'SimpleWatcher::OnHandleReady': 'socket & IPC',
};

function phaseOf(name: string): Phase | undefined {
  return PHASE_OF[name] ?? (name.startsWith('V8.GC') || name.startsWith('BlinkGC') || name.startsWith('CppGC') ? 'GC' : undefined);
}

/** One recording: per-frame samples and the time spent by phase over all its frames. */
export interface TraceFrames {
  /** Main-thread busy ms per frame (wall time). */
  busyMs: number[];
  /** Main-thread CPU ms per frame (thread time). */
  cpuMs: number[];
  phaseMs: Record<Phase, number>;
  /** The same, per frame (in the order of `busyMs`). */
  phaseMsByFrame: Array<Record<Phase, number>>;
}

export interface FrameStats {
  frames: number;
  busyMs: Summary;
  cpuMs: Summary;
  /** Frames whose main-thread time exceeded 16.7 ms (a missed 60 Hz frame). */
  over16ms: number;
  /** Mean ms per frame by phase. */
  phasePerFrame: Record<Phase, number>;
  /** Mean ms per frame by phase over the slowest 1 % of frames (busy at or above the p99): what the tail is made of. */
  tailPhasePerFrame: Record<Phase, number>;
  /** Mean busy ms of those frames. */
  tailBusyMean: number;
  /** Each recording's own p99 (busy), to show how much one run varies from the next. */
  runP99s: number[];
}

function parseEvents(json: string): TraceEvent[] {
  const file = TraceFile.parse(JSON.parse(json));
  const raw = Array.isArray(file) ? file : file.traceEvents;
  const events: TraceEvent[] = [];
  for (const e of raw) {
    const parsed = TraceEvent.safeParse(e);
    if (parsed.success) events.push(parsed.data);
  }
  return events;
}

/** The page's renderer main thread: the CrRendererMain starting the most frames. */
function pageMainThread(events: TraceEvent[]): TraceEvent[] {
  const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (!mains.has(key)) continue;
    let list = byThread.get(key);
    if (!list) byThread.set(key, (list = []));
    list.push(e);
  }
  const animationFrames = (list: TraceEvent[]): number => list.filter((e) => e.name === 'FireAnimationFrame' || e.name === 'BeginMainThreadFrame').length;
  let best: TraceEvent[] = [];
  for (const list of byThread.values()) if (animationFrames(list) > animationFrames(best)) best = list;
  return best;
}

interface Task {
  start: number;
  end: number;
  /** CPU µs per wall µs of this task. */
  cpuShare: number;
}

/** Top-level tasks, nested ones folded into their parent. */
function topLevelTasks(thread: TraceEvent[]): Task[] {
  const taskNames = thread.some((e) => e.name === 'RunTask') ? ['RunTask'] : ['ThreadControllerImpl::RunTask'];
  const tasks = thread
    .filter((e) => e.ph === 'X' && taskNames.includes(e.name) && e.dur !== undefined)
    .map((e): Task => ({ start: e.ts, end: e.ts + (e.dur ?? 0), cpuShare: e.dur && e.tdur !== undefined ? Math.min(1, e.tdur / e.dur) : 1 }))
    .sort((a, b) => a.start - b.start);
  const out: Task[] = [];
  for (const task of tasks) {
    const last = out[out.length - 1];
    if (last && task.start <= last.end) last.end = Math.max(last.end, task.end);
    else out.push(task);
  }
  return out;
}

const noTime = (): Record<Phase, number> => Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number>;

/**
 * Self time of every complete event in the frames between `marks`, counted to its phase (or its
 * nearest ancestor's) and to the frame in which the event started.
 */
function timeByPhasePerFrame(thread: TraceEvent[], marks: readonly number[]): Array<Record<Phase, number>> {
  const frames = marks.slice(1).map(noTime);
  const from = marks[0] ?? 0;
  const to = marks[marks.length - 1] ?? 0;
  const events = thread.filter((e) => e.ph === 'X' && e.dur !== undefined && e.ts >= from && e.ts < to).sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const stack: Array<{ end: number; phase: Phase; self: number; frame: number }> = [];
  const close = (until: number): void => {
    while (stack.length > 0 && stack[stack.length - 1]!.end <= until) {
      const done = stack.pop()!;
      frames[done.frame]![done.phase] += done.self / 1000;
    }
  };
  let frame = 0;
  for (const e of events) {
    close(e.ts);
    while (frame + 2 < marks.length && marks[frame + 1]! <= e.ts) frame++;
    const parent = stack[stack.length - 1];
    // A child never outlasts its parent (clamped, so a malformed event cannot swallow the next task).
    const end = Math.min(e.ts + (e.dur ?? 0), parent?.end ?? Number.POSITIVE_INFINITY);
    const dur = Math.max(0, end - e.ts);
    if (parent) parent.self -= dur;
    stack.push({ end, phase: phaseOf(e.name) ?? parent?.phase ?? 'other', self: dur, frame });
  }
  close(Number.POSITIVE_INFINITY);
  return frames;
}

export function readFrames(json: string): TraceFrames | null {
  const thread = pageMainThread(parseEvents(json));
  if (thread.length === 0) return null;
  const begin = thread.filter((e) => e.name === 'BeginMainThreadFrame');
  const marks = (begin.length > 10 ? begin : thread.filter((e) => e.name === 'FireAnimationFrame')).map((e) => e.ts).sort((a, b) => a - b);
  if (marks.length < 2) return null;
  const tasks = topLevelTasks(thread);
  const busyMs: number[] = [];
  const cpuMs: number[] = [];
  let t = 0;
  for (let i = 0; i + 1 < marks.length; i++) {
    const start = marks[i]!;
    const end = marks[i + 1]!;
    while (t < tasks.length && tasks[t]!.end <= start) t++;
    let wall = 0;
    let cpu = 0;
    for (let j = t; j < tasks.length && tasks[j]!.start < end; j++) {
      const overlap = Math.max(0, Math.min(end, tasks[j]!.end) - Math.max(start, tasks[j]!.start));
      wall += overlap;
      cpu += overlap * tasks[j]!.cpuShare;
    }
    busyMs.push(wall / 1000);
    cpuMs.push(cpu / 1000);
  }
  const phaseMsByFrame = timeByPhasePerFrame(thread, marks);
  const phaseMs = noTime();
  for (const perFrame of phaseMsByFrame) for (const phase of PHASES) phaseMs[phase] += perFrame[phase];
  return { busyMs, cpuMs, phaseMs, phaseMsByFrame };
}

/** Frames of several recordings of the same page, pooled: a p99 over thousands of frames, not one run's dozen worst. */
export function poolFrames(recordings: readonly TraceFrames[]): FrameStats | null {
  if (recordings.length === 0) return null;
  const busy = recordings.flatMap((r) => r.busyMs);
  const frames = busy.length;
  const phasePerFrame = Object.fromEntries(PHASES.map((p) => [p, recordings.reduce((sum, r) => sum + r.phaseMs[p], 0) / frames])) as Record<Phase, number>;
  const busyMs = summarize(busy);
  const inTail = (r: TraceFrames, i: number): boolean => (r.busyMs[i] ?? 0) >= busyMs.p99;
  const tail = recordings.flatMap((r) => r.phaseMsByFrame.filter((_, i) => inTail(r, i)));
  const tailBusy = recordings.flatMap((r) => r.busyMs.filter((_, i) => inTail(r, i)));
  const tailPhasePerFrame = noTime();
  for (const perFrame of tail) for (const phase of PHASES) tailPhasePerFrame[phase] += perFrame[phase] / tail.length;
  return {
    frames,
    busyMs,
    tailPhasePerFrame,
    tailBusyMean: tailBusy.reduce((a, b) => a + b, 0) / Math.max(1, tailBusy.length),
    cpuMs: summarize(recordings.flatMap((r) => r.cpuMs)),
    over16ms: busy.filter((b) => b > 16.7).length,
    phasePerFrame,
    runP99s: recordings.map((r) => summarize(r.busyMs).p99),
  };
}
