import { streamStep, type StreamData } from '@confab/protocol';
import { indexById } from './message-list';
import type { ConversationStoreState } from './reducer';
import type { ChatMessage } from './types';

/**
 * A streaming reply's text while it streams: held apart from the message list
 * (`ConversationStoreState.streamedText`) so a token does not copy the list, written into it
 * before anything else reads the list, and told apart from every other change so React does not
 * render per token.
 */

/**
 * A streaming reply's text after a stream frame, and the piece that frame added to the text before
 * it (`previous`; none when the text was taken whole). V8 copies a concatenated string whole the
 * first time anything reads it (a slice, a search, a comparison), so a row that read each new
 * text whole copied the reply once per token: ~10 MB for the render benchmark's 2,000-token reply,
 * most of what the page allocated while it streamed, and the minor GCs that came with it. A row
 * that holds the value it drew last reads only the pieces added since (`textAddedSince`).
 */
export interface LiveText {
  readonly text: string;
  readonly added: string;
  readonly previous: LiveText | null;
}

/** A text taken whole: no reader can continue from an earlier value. */
export const wholeText = (text: string): LiveText => ({ text, added: text, previous: null });

/**
 * What was added to the text since `shown`, a value read before ('' when it is `now`; with no
 * `shown`, the whole text), or null when the text does not continue from it (a snapshot replaced
 * it, or it was settled into the list since): the reader then reads `now.text` whole.
 */
export function textAddedSince(now: LiveText, shown: LiveText | null): string | null {
  if (now.previous === shown && shown !== null) return now.added; // one frame since: the common case
  const pieces: string[] = [];
  for (let at: LiveText | null = now; at !== shown; at = at.previous) {
    if (at === null) return null;
    pieces.push(at.added);
  }
  return pieces.reverse().join('');
}

export const NO_STREAMED_TEXT: Readonly<Record<string, LiveText>> = Object.freeze({});

/** A message's text as far as it has streamed (a state without `streamedText` holds it all in `messages`). */
export const textOf = (state: { streamedText?: ConversationStoreState['streamedText'] }, message: ChatMessage): string =>
  state.streamedText?.[message.key]?.text ?? message.content;

/** The state with its streamed text written into `messages`: the list as it reads now. */
export function withStreamedText(state: ConversationStoreState): ConversationStoreState {
  const streamed = state.streamedText;
  if (streamed === NO_STREAMED_TEXT || Object.keys(streamed).length === 0) return state;
  const messages = state.messages.map((m) => {
    const content = streamed[m.key]?.text;
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
  const held = state.streamedText[existing.key] ?? wholeText(existing.content);
  const step = streamStep(held.text, data);
  if (step === null) return state;
  const next: LiveText = 'append' in step ? { text: held.text + step.append, added: step.append, previous: held } : wholeText(step.replace);
  return { ...state, streamedText: { ...state.streamedText, [existing.key]: next } };
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
  if (was === now) return true; // what a token does: the text is in `streamedText`
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
