import { FINISH_REASON_TOO_LONG, FINISH_REASON_TOO_SLOW, type DoneData, type Message, type ServerFrame, type Usage } from '@confab/protocol';

/** How an agent reply ends: its outcome, and the `done` frame that tells its readers. */

/** Why a reply was aborted; passed as the AbortSignal's reason. */
export type AbortCause = 'stopped' | 'interrupted' | 'too-long' | 'too-slow';

export interface Outcome {
  status: DoneData['status'];
  finishReason: string | null;
  usage: Usage | null;
  model: string | null;
}

const FINISH_REASON_STOPPED = 'stopped_by_user';
const FINISH_REASON_INTERRUPTED = 'server_shutdown';

/** The outcome of a reply its AbortSignal ended, by the signal's reason. */
export function outcomeOfAbort(cause: unknown, model: string | null): Outcome {
  if (cause === 'interrupted') return { status: 'interrupted', finishReason: FINISH_REASON_INTERRUPTED, usage: null, model };
  // Cut off at a limit: what was written is the reply, as when a model stops at its own max_tokens.
  if (cause === 'too-long') return { status: 'complete', finishReason: FINISH_REASON_TOO_LONG, usage: null, model };
  if (cause === 'too-slow') return { status: 'complete', finishReason: FINISH_REASON_TOO_SLOW, usage: null, model };
  return { status: 'stopped', finishReason: FINISH_REASON_STOPPED, usage: null, model };
}

/** The `done` frame that ends a reply for its readers: how it ended, and its whole text. */
export function doneFrame(reply: Pick<Message, 'id' | 'conversation_id' | 'seq'>, end: Omit<DoneData, 'message_id' | 'conversation_id' | 'seq'>): ServerFrame {
  return { event: 'done', data: { message_id: reply.id, conversation_id: reply.conversation_id, seq: reply.seq, ...end } };
}

/** `text` without a lone high surrogate at its end (cutting a string can split an emoji in two). */
export function wholeCharacters(text: string): string {
  const last = text.charCodeAt(text.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? text.slice(0, -1) : text;
}
