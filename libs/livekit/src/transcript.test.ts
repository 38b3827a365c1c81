import { DONE_SEGMENT_GRACE_MS, emptyTranscript, transcriptReducer, type TranscriptAction, type TranscriptState } from './transcript';

const text = (segmentId: string, streamText: string, opts: { local?: boolean; final?: boolean; at?: number; streamId?: string } = {}): TranscriptAction => ({
  type: 'stream-text',
  segmentId,
  streamId: opts.streamId ?? `${segmentId}-stream`,
  speaker: opts.local ? 'me' : 'agent',
  local: opts.local ?? false,
  streamText,
  final: opts.final ?? false,
  at: opts.at ?? 1000,
});

const run = (actions: TranscriptAction[], from: TranscriptState = emptyTranscript) => actions.reduce(transcriptReducer, from);

describe('transcriptReducer', () => {
  it('keeps one entry per segment id, with the latest text', () => {
    const state = run([text('a', 'Hel', { local: true }), text('a', 'Hello', { local: true, streamId: 'x2' }), text('b', 'Hi')]);
    expect(state.segments.map((s) => [s.id, s.text, s.local])).toEqual([
      ['a', 'Hello', true],
      ['b', 'Hi', false],
    ]);
  });

  it("marks the person's segment done only when the final flag arrives, not when an interim stream ends", () => {
    let state = run([text('a', 'Hello', { local: true }), { type: 'stream-ended', segmentId: 'a', local: true, at: 1100 }]);
    expect(state.segments[0]?.done).toBe(false);
    state = run([text('a', 'Hello there', { local: true, final: true })], state);
    expect(state.segments[0]).toMatchObject({ text: 'Hello there', done: true });
  });

  it("marks the agent's segment done when its delta stream ends", () => {
    const state = run([text('b', 'Sure'), { type: 'stream-ended', segmentId: 'b', local: false, at: 1200 }]);
    expect(state.segments[0]?.done).toBe(true);
  });

  it('never lets a late interim result overwrite a final one', () => {
    const state = run([text('a', 'final words', { local: true, final: true }), text('a', 'fin', { local: true })]);
    expect(state.segments[0]).toMatchObject({ text: 'final words', done: true });
  });

  it('prunes done segments after the grace period and keeps live ones', () => {
    const state = run([text('a', 'live', { local: true, at: 0 }), text('b', 'done', { final: true, at: 0 })]);
    expect(run([{ type: 'prune', at: DONE_SEGMENT_GRACE_MS - 1 }], state)).toBe(state);
    expect(run([{ type: 'prune', at: DONE_SEGMENT_GRACE_MS }], state).segments.map((s) => s.id)).toEqual(['a']);
    expect(run([{ type: 'clear' }], state)).toEqual(emptyTranscript);
  });
});
