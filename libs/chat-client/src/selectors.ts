import { MAX_MESSAGE_CHARS, messageLength, type StreamData } from '@confab/protocol';
import { indexById, isFinal } from './message-list';
import { outboxFullReason } from './outbox';
import { rateLimitWords, type ConversationStoreState } from './reducer';
import { textOf } from './streamed-text';
import type { ChatMessage, ConversationState } from './types';

/** Questions asked of the conversation state (by the controller and the UI); pure, like the reducer. */

/**
 * The seq to resync from when we know of messages we do not hold (a gap after lastSeq), else
 * null. The hook sends `sync {after_seq}` for it: a hole is filled, never skipped silently.
 */
export function resyncAfterSeq(state: ConversationStoreState): number | null {
  if (state.connection.status !== 'open' || state.syncInFlight) return null;
  return state.highestSeqSeen > state.lastSeq ? state.lastSeq : null;
}

/**
 * Whether a `stream` frame starts past the text we hold for its reply (a frame was lost on the way,
 * e.g. while an instance's Redis subscription reconnected): its delta cannot be placed, and only a
 * snapshot, which the server sends after `sync` pages, brings the reply's text back.
 */
export function isStreamGap(state: ConversationStoreState, data: StreamData): boolean {
  if (data.content !== undefined || data.offset === undefined) return false;
  const held = state.messages[indexById(state.messages, data.message_id)];
  if (held && isFinal(held)) return false;
  return held === undefined || textOf(state, held).length < data.offset;
}

/**
 * Where to resume from on (re)connect. Normally the last seq we hold; but a reply we still show as
 * streaming may have ended while we were away (stopped, finished, interrupted by a restart), and
 * only a stored copy tells us so — so resume from just before the oldest such reply.
 */
export function resumeAfterSeq(state: ConversationState): number {
  let from = state.lastSeq;
  for (const m of state.messages) {
    if (m.status === 'streaming' && m.seq !== null) from = Math.min(from, m.seq - 1);
  }
  return Math.max(0, from);
}

export function isRateLimited(state: ConversationState, now: number): boolean {
  return state.error !== null && state.error.until !== null && state.error.until > now;
}

/**
 * What "Stop" stops: the newest agent reply still being generated that the viewer may stop. In a
 * shared conversation only the person who asked may (the server refuses anyone else), so a reply
 * someone else asked for is not offered; one whose asker is not known (an older server) is.
 */
export function streamingReply(state: Pick<ConversationState, 'messages' | 'identity'>): ChatMessage | null {
  const { identity } = state;
  for (let i = state.messages.length - 1; i >= 0; i -= 1) {
    const m = state.messages[i] as ChatMessage;
    if (m.status !== 'streaming' || m.author.kind !== 'agent') continue;
    if (m.askedBy === undefined || (identity !== null && m.askedBy.kind === identity.kind && m.askedBy.id === identity.id)) return m;
  }
  return null;
}

export type SendCheck = { ok: true; content: string } | { ok: false; reason: string };

/** Whether `text` may be sent now, with the refusal in words the composer can show as is. */
export function checkSendable(input: {
  text: string;
  state: ConversationState;
  now: number;
  outboxFull: boolean;
  outboxCapacity: number;
}): SendCheck {
  const content = input.text.trim();
  if (content.length === 0) return { ok: false, reason: 'Write a message first.' };
  const length = messageLength(content);
  if (length > MAX_MESSAGE_CHARS) {
    return {
      ok: false,
      reason: `A message can be at most ${MAX_MESSAGE_CHARS.toLocaleString('en-US')} characters (this one has ${length.toLocaleString('en-US')}).`,
    };
  }
  if (input.state.signInRequired) return { ok: false, reason: 'Your session has ended. Sign in again to send messages.' };
  if (!input.state.canWrite) return { ok: false, reason: "You can't write in this conversation." };
  if (input.state.connection.status === 'closed') {
    // Closed for good (not found, forbidden…): queuing would promise a delivery that cannot happen.
    return { ok: false, reason: input.state.connection.reason ?? 'This conversation is closed.' };
  }
  const { error } = input.state;
  if (error !== null && error.until !== null && error.until > input.now) {
    return { ok: false, reason: rateLimitWords(Math.ceil((error.until - input.now) / 1000)) };
  }
  if (input.outboxFull) {
    return { ok: false, reason: outboxFullReason(input.outboxCapacity) };
  }
  return { ok: true, content };
}

/**
 * What the viewer may have answered again (the server holds the same rule, `decideRetry`), while
 * the newest message a person wrote is the viewer's. With `replies` (threads): the conversation's
 * newest agent reply, if it failed, was cut off or was stopped. Messages sent while it streamed may
 * follow it (a restart that cut it off dropped their turn): the new reply answers up to the last of
 * them. Else the viewer's question the server said went `unanswered` (its reply never started),
 * while it is the newest message and no reply streams (one ahead of it, in a post): only the server
 * knows a reply is not merely late.
 */
export function retryableReply(messages: readonly ChatMessage[], unanswered: string | null = null, replies = true): ChatMessage | null {
  const newestPerson = messages.findLast((m) => m.author.kind === 'user' || m.author.kind === 'visitor');
  const newestReply = messages.findLast((m) => m.author.kind === 'agent');
  // A message of theirs still on its way gets a reply of its own.
  if (!newestPerson?.mine || newestPerson.id === null) return null;
  if (replies && newestReply?.id && RETRYABLE_STATUSES.has(newestReply.status)) return newestReply;
  return newestPerson.id === unanswered && newestPerson === messages.at(-1) && !messages.some((m) => m.status === 'streaming') ? newestPerson : null;
}

const RETRYABLE_STATUSES = new Set<ChatMessage['status']>(['error', 'interrupted', 'stopped']);
