import { poolFrames, readFrames } from '../bench/render/trace';

/**
 * The render benchmark's frame reading (tests/bench/render/trace.ts), on a synthetic Chromium
 * trace: 20 frames of 16 ms, each with a 1 ms task of 0.5 ms JS, except one frame whose task runs
 * 8 ms, 6 of them a garbage collection. The README's render figures are computed this way.
 */
const PID = 1;
const TID = 7;
const FRAME_US = 16_000;

/** `crossing`: frame 9's task starts 1 ms before frame 10 begins and runs 3 ms (1 + 2 ms split over the two). */
function syntheticTrace(options: { slowFrame?: number; crossing?: boolean } = {}): string {
  const slowFrame = options.slowFrame ?? 5;
  const events: object[] = [
    { name: 'thread_name', ph: 'M', ts: 0, pid: PID, tid: TID, args: { name: 'CrRendererMain' } },
    // Another renderer's main thread, with fewer animation frames: not the page's.
    { name: 'thread_name', ph: 'M', ts: 0, pid: 2, tid: 2, args: { name: 'CrRendererMain' } },
    { name: 'FireAnimationFrame', ph: 'X', ts: 100, dur: 10_000, pid: 2, tid: 2 },
  ];
  for (let frame = 0; frame <= 20; frame += 1) {
    const start = frame * FRAME_US;
    events.push({ name: 'BeginMainThreadFrame', ph: 'I', ts: start, pid: PID, tid: TID });
    if (frame === 20) break;
    const slow = frame === slowFrame;
    const crossing = options.crossing === true && frame === 9;
    const taskUs = slow ? 8_000 : crossing ? 3_000 : 1_000;
    // Tasks on one thread never overlap: after the crossing task, frame 10's own starts later.
    const taskStart = crossing ? start + FRAME_US - 1_000 : options.crossing === true && frame === 10 ? start + 5_000 : start + 100;
    events.push({ name: 'RunTask', ph: 'X', ts: taskStart, dur: taskUs, tdur: taskUs / 2, pid: PID, tid: TID });
    events.push({ name: 'FireAnimationFrame', ph: 'X', ts: taskStart, dur: 500, pid: PID, tid: TID });
    if (slow) events.push({ name: 'MinorGC', ph: 'X', ts: start + 1_000, dur: 6_000, pid: PID, tid: TID });
  }
  return JSON.stringify({ traceEvents: events });
}

describe('render benchmark: main-thread time per frame from a Chromium trace', () => {
  const frames = readFrames(syntheticTrace());

  it('measures each frame of the page main thread: task wall time and CPU time', () => {
    expect(frames?.busyMs).toHaveLength(20);
    expect(frames?.busyMs[0]).toBeCloseTo(1, 5);
    expect(frames?.busyMs[5]).toBeCloseTo(8, 5);
    expect(frames?.cpuMs[5]).toBeCloseTo(4, 5);
  });

  it('counts every event to its phase and to its frame', () => {
    expect(frames?.phaseMsByFrame[0]).toMatchObject({ script: 0.5, other: 0.5, GC: 0 });
    expect(frames?.phaseMsByFrame[5]).toMatchObject({ script: 0.5, GC: 6, other: 1.5 });
    expect(frames?.phaseMs.GC).toBeCloseTo(6, 5);
    expect(frames?.phaseMs.script).toBeCloseTo(10, 5);
  });

  it('says what the slowest 1 % of frames are made of, apart from the mean', () => {
    const pooled = frames ? poolFrames([frames]) : null;
    expect(pooled?.busyMs.p99).toBeCloseTo(8, 5);
    expect(pooled?.tailPhasePerFrame.GC).toBeCloseTo(6, 5);
    expect(pooled?.tailBusyMean).toBeCloseTo(8, 5);
    expect(pooled?.phasePerFrame.GC).toBeCloseTo(0.3, 5);
  });

  it('splits a task over the frames it spans, and counts its events to the frame they start in', () => {
    const crossing = readFrames(syntheticTrace({ crossing: true }));
    expect(crossing?.busyMs[9]).toBeCloseTo(1, 5);
    expect(crossing?.busyMs[10]).toBeCloseTo(1 + 2, 5);
    // The task's own time (2.5 ms, it has 0.5 ms of JS) counts to frame 9, where it started.
    expect(crossing?.phaseMsByFrame[9]?.other).toBeCloseTo(2.5, 5);
  });

  it('pools recordings: the tail is the slowest frames of all of them', () => {
    const other = readFrames(syntheticTrace({ slowFrame: 12 }));
    const pooled = frames && other ? poolFrames([frames, other]) : null;
    expect(pooled?.frames).toBe(40);
    expect(pooled?.runP99s).toEqual([8, 8]);
    expect(pooled?.tailBusyMean).toBeCloseTo(8, 5);
    expect(pooled?.tailPhasePerFrame.GC).toBeCloseTo(6, 5);
  });
});
