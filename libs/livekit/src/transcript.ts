/**
 * Live transcript segments from LiveKit's `lk.transcription` text streams.
 *
 * What the agent framework (@livekit/agents 1.9, room_io/_output) sends:
 * - the person's speech: one short stream per interim result, each carrying the whole text so far,
 *   all sharing one `lk.segment_id`; the last one has `lk.transcription_final: "true"`.
 * - the agent's speech: one stream per segment whose chunks are deltas; the stream closing
 *   means the segment is complete (its `lk.transcription_final` attribute stays "false").
 * Both are published under the speaking participant's identity (the person's own identity
 * for their speech), so `local` tells the two sides apart.
 *
 * Segments are keyed by segment id (never by stream id), so repeated streams update one entry.
 */

export const SEGMENT_ID_ATTRIBUTE = 'lk.segment_id';
export const FINAL_ATTRIBUTE = 'lk.transcription_final';
export const TRANSCRIPTION_TOPIC = 'lk.transcription';

/** How long a finished segment stays on screen: by then the stored message has arrived over the text socket. */
export const DONE_SEGMENT_GRACE_MS = 4000;

export interface TranscriptSegment {
  id: string;
  /** True when the person in this browser said it. */
  local: boolean;
  speaker: string;
  text: string;
  /** Final (person) or complete (agent): will become an ordinary message in the thread. */
  done: boolean;
  /** Epoch ms of the last update; orders segments and expires done ones. */
  updatedAt: number;
  firstSeenAt: number;
}

export type TranscriptAction =
  | {
      type: 'stream-text';
      segmentId: string;
      streamId: string;
      speaker: string;
      local: boolean;
      /** Everything this stream has carried so far (deltas already joined). */
      streamText: string;
      final: boolean;
      at: number;
    }
  | { type: 'stream-ended'; segmentId: string; local: boolean; at: number }
  | { type: 'prune'; at: number }
  | { type: 'clear' };

export interface TranscriptState {
  segments: TranscriptSegment[];
}

export const emptyTranscript: TranscriptState = { segments: [] };

export function transcriptReducer(state: TranscriptState, action: TranscriptAction): TranscriptState {
  switch (action.type) {
    case 'stream-text':
      return upsert(state, action);
    case 'stream-ended':
      // Only the agent's delta stream ends its segment; the person's interim streams end constantly.
      if (action.local) return state;
      return mapSegment(state, action.segmentId, (s) => ({ ...s, done: true, updatedAt: action.at }));
    case 'prune': {
      const kept = state.segments.filter((s) => !s.done || action.at - s.updatedAt < DONE_SEGMENT_GRACE_MS);
      return kept.length === state.segments.length ? state : { segments: kept };
    }
    case 'clear':
      return state.segments.length === 0 ? state : emptyTranscript;
  }
}

function upsert(state: TranscriptState, a: Extract<TranscriptAction, { type: 'stream-text' }>): TranscriptState {
  const existing = state.segments.find((s) => s.id === a.segmentId);
  if (!existing) {
    const segment: TranscriptSegment = {
      id: a.segmentId,
      local: a.local,
      speaker: a.speaker,
      text: a.streamText,
      done: a.final,
      updatedAt: a.at,
      firstSeenAt: a.at,
    };
    return { segments: [...state.segments, segment] };
  }
  // A done segment never goes back to interim (a late interim stream must not overwrite the final text).
  if (existing.done && !a.final) return state;
  return mapSegment(state, a.segmentId, (s) => ({ ...s, text: a.streamText, done: a.final || s.done, updatedAt: a.at }));
}

function mapSegment(state: TranscriptState, id: string, f: (s: TranscriptSegment) => TranscriptSegment): TranscriptState {
  let changed = false;
  const segments = state.segments.map((s) => {
    if (s.id !== id) return s;
    changed = true;
    return f(s);
  });
  return changed ? { segments } : state;
}

export function isFinalAttribute(attributes: Record<string, string> | undefined): boolean {
  return attributes?.[FINAL_ATTRIBUTE] === 'true';
}
