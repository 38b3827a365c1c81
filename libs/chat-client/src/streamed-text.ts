import { streamedText, type StreamData } from '@confab/protocol';
import { indexById } from './message-list';
import type { ConversationStoreState } from './reducer';
import type { ChatMessage } from './types';

/**
 * A streaming reply's text while it streams: held apart from the message list
 * (`ConversationStoreState.streamedText`) so a token does not copy the list, written into it
 * before anything else reads the list, and told apart from every other change so React does not
 * render per token.
 */

export const NO_STREAMED_TEXT: Readonly<Record<string, string>> = Object.freeze({});

/** A message's text as far as it has streamed (a state without `streamedText` holds it all in `messages`). */
export const textOf = (state: { streamedText?: ConversationStoreState['streamedText'] }, message: ChatMessage): string =>
  state.streamedText?.[message.key] ?? message.content;

/** The state with its streamed text written into `messages`: the list as it reads now. */
export function withStreamedText(state: ConversationStoreState): ConversationStoreState {
  const streamed = state.streamedText;
  if (streamed === NO_STREAMED_TEXT || Object.keys(streamed).length === 0) return state;
  const messages = state.messages.map((m) => {
    const content = streamed[m.key];
    return content === undefined || content === m.content ? m : { ...m, content };
  });
  return { ...state, messages, streamedText: NO_STREAMED_TEXT };
}

/**
 * A `stream` frame for a reply we hold as streaming, that changes nothing but its text: the text
 * goes to `streamedText` and `messages` stays as it is. Null for any other frame (the reply's
 * first, one that names who asked for the first time, one for a reply we do not hold as
 * streaming): `applyStream` takes those.
 */
export function streamIntoText(state: ConversationStoreState, data: StreamData): ConversationStoreState | null {
  const existing = state.messages[indexById(state.messages, data.message_id)];
  if (existing?.status !== 'streaming' || (existing.askedBy === undefined && data.asked_by !== undefined)) return null;
  const content = streamedText(textOf(state, existing), data);
  if (content === null) return state;
  return { ...state, streamedText: { ...state.streamedText, [existing.key]: content } };
}

/**
 * Whether `after` differs from `before` only in the text of replies that were streaming in both:
 * what a `stream` frame changes, 100 times a second while a reply streams. Such a change needs
 * no React render at all (the reply's row draws its own text, `LiveContent`), so the store hands
 * it to live readers only and React's snapshot stays as it was: the conversation, its list and
 * its composer do not render per token (`npm run bench -- render`).
 */
export function onlyStreamedTextChanged(before: ConversationStoreState, after: ConversationStoreState): boolean {
  if (before === after) return true;
  for (const key of Object.keys(after) as (keyof ConversationStoreState)[]) {
    if (key !== 'messages' && key !== 'streamedText' && before[key] !== after[key]) return false;
  }
  const was = before.messages;
  const now = after.messages;
  if (was.length !== now.length) return false;
  for (let i = 0; i < now.length; i++) {
    const a = was[i] as ChatMessage;
    const b = now[i] as ChatMessage;
    if (a !== b && !sameButStreamedText(a, b)) return false;
  }
  return true;
}

function sameButStreamedText(a: ChatMessage, b: ChatMessage): boolean {
  if (a.status !== 'streaming' || b.status !== 'streaming') return false;
  for (const key of Object.keys(b) as (keyof ChatMessage)[]) {
    if (key !== 'content' && a[key] !== b[key]) return false;
  }
  return Object.keys(a).length === Object.keys(b).length;
}
