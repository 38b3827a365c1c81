import { TYPING_AUTO_STOP_MS, type Identity, type Message, type PresenceData, type TypingData } from '@confab/protocol';
import { isOwnAuthor } from './message-list';
import type { ConversationState } from './types';

/** What the reducer keeps of the other people in a conversation: who is typing (never ourselves), and who has a post's conversation open. */
type Others = Pick<ConversationState, 'typing' | 'identity' | 'presence'>;

const sameIdentity = (a: Identity, b: Identity): boolean => a.id === b.id && a.kind === b.kind;

export function applyTyping<S extends Others>(state: S, data: TypingData, now: number): S {
  if (isOwnAuthor({ kind: data.who.kind, id: data.who.id, display_name: data.who.display_name }, state.identity)) {
    return state; // never show ourselves typing (another tab of ours)
  }
  const others = state.typing.filter((t) => !sameIdentity(t.who, data.who));
  if (data.state === 'stop') {
    return others.length === state.typing.length ? state : { ...state, typing: others };
  }
  return { ...state, typing: [...others, { who: data.who, until: now + TYPING_AUTO_STOP_MS }] };
}

/** Someone whose message just arrived has stopped typing it. */
export function clearTypingOf<S extends Others>(state: S, author: Message['author']): S {
  const typing = state.typing.filter((t) => !(t.who.id === author.id && t.who.kind === author.kind));
  return typing.length === state.typing.length ? state : { ...state, typing };
}

/** Frames published by several instances may cross: the highest version is the newest. */
export function applyPresence<S extends Others>(state: S, data: PresenceData): S {
  return state.presence !== null && state.presence.version >= data.version ? state : { ...state, presence: data };
}
