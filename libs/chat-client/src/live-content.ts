import { useSyncExternalStore } from 'react';
import type { ChatMessage } from './types';

/**
 * A streaming reply's text, readable on its own. A stream frame changes one message's text and
 * nothing else, so the row showing it can subscribe to that text and re-render alone, while the
 * list it sits in (5,000 rows, a virtualizer, every other row's memo check) sees no change
 * (`npm run bench -- render`).
 */
export interface LiveContent {
  subscribe(listener: () => void): () => void;
  /** The published text of the message with this key; undefined when it is not held. */
  get(key: string): string | undefined;
}

/** A store's published messages as a `LiveContent` (what `useConversation` returns). */
export function liveContentOf(store: {
  subscribe(listener: () => void): () => void;
  getSnapshot(): { messages: readonly ChatMessage[] };
}): LiveContent {
  return {
    subscribe: store.subscribe,
    get(key) {
      // From the end: a streaming reply is the last message, or very near it.
      const messages = store.getSnapshot().messages;
      for (let i = messages.length - 1; i >= 0; i -= 1) {
        const message = messages[i];
        if (message?.key === key) return message.content;
      }
      return undefined;
    },
  };
}

const subscribeToNothing = (): (() => void) => () => undefined;

/**
 * The text to show for a message: while it streams (and a `LiveContent` is given), the live
 * text, re-rendering this component alone for every published stream frame; otherwise the
 * message's own content, with no subscription at all.
 */
export function useLiveContent(live: LiveContent | undefined, message: Pick<ChatMessage, 'key' | 'content' | 'status'>): string {
  const following = live !== undefined && message.status === 'streaming';
  const read = (): string => (following ? (live.get(message.key) ?? message.content) : message.content);
  return useSyncExternalStore(following ? live.subscribe : subscribeToNothing, read, read);
}
