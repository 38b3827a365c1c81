import { z } from 'zod';
import { summarize, type Summary } from '../lib/stats';

/**
 * Main-thread time per animation frame, from a Chromium trace: frames are the intervals between
 * consecutive `BeginMainThreadFrame` (or `FireAnimationFrame`) events on the page's renderer main
 * thread; a frame's main-thread time is how much of its interval top-level tasks (`RunTask`) covered.
 */

export const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'toplevel', '__metadata'];

const TraceEvent = z.object({
  name: z.string(),
  ph: z.string(),
  ts: z.number(),
  dur: z.number().optional(),
  pid: z.number(),
  tid: z.number(),
  args: z.object({ name: z.string().optional() }).passthrough().optional(),
});
type TraceEvent = z.infer<typeof TraceEvent>;
const TraceFile = z.union([z.object({ traceEvents: z.array(z.unknown()) }), z.array(z.unknown())]);

export interface FrameStats {
  frames: number;
  /** Main-thread busy ms per frame. */
  busyMs: Summary;
  /** Frames whose main-thread time exceeded 16.7 ms (a missed 60 Hz frame). */
  over16ms: number;
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

/** Merges overlapping [start, end) intervals (nested tasks counted once). */
function merge(intervals: Array<[number, number]>): Array<[number, number]> {
  intervals.sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [s, e] of intervals) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

export function frameStats(json: string): FrameStats | null {
  const events = parseEvents(json);
  const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (!mains.has(key)) continue;
    let list = byThread.get(key);
    if (!list) byThread.set(key, (list = []));
    list.push(e);
  }
  // The page's main thread is the one running our requestAnimationFrame loop.
  let best: TraceEvent[] = [];
  for (const list of byThread.values()) {
    const count = list.filter((e) => e.name === 'FireAnimationFrame').length;
    if (count > best.filter((e) => e.name === 'FireAnimationFrame').length) best = list;
  }
  if (best.length === 0) return null;
  const begin = best.filter((e) => e.name === 'BeginMainThreadFrame');
  const marks = (begin.length > 10 ? begin : best.filter((e) => e.name === 'FireAnimationFrame')).map((e) => e.ts).sort((a, b) => a - b);
  const taskNames = best.some((e) => e.name === 'RunTask') ? ['RunTask'] : ['ThreadControllerImpl::RunTask'];
  const tasks = merge(best.filter((e) => e.ph === 'X' && taskNames.includes(e.name) && e.dur !== undefined).map((e): [number, number] => [e.ts, e.ts + (e.dur ?? 0)]));
  const busy: number[] = [];
  let t = 0;
  for (let i = 0; i + 1 < marks.length; i++) {
    const start = marks[i]!;
    const end = marks[i + 1]!;
    while (t < tasks.length && tasks[t]![1] <= start) t++;
    let sum = 0;
    for (let j = t; j < tasks.length && tasks[j]![0] < end; j++) sum += Math.min(end, tasks[j]![1]) - Math.max(start, tasks[j]![0]);
    busy.push(Math.max(0, sum) / 1000);
  }
  return { frames: busy.length, busyMs: summarize(busy), over16ms: busy.filter((b) => b > 16.7).length };
}
