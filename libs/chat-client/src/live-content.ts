import type { ConversationStoreState } from './reducer';
import { wholeText, type LiveText } from './streamed-text';
import type { ChatMessage } from './types';

/**
 * A streaming reply's text, readable on its own. A stream frame changes one message's text and
 * nothing else, so the row showing it subscribes to that text and draws it itself, while React
 * (the conversation, its 5,000-row list, the virtualizer) sees no change at all
 * (`onlyStreamedTextChanged`, `npm run bench -- render`).
 */
export interface LiveContent {
  subscribe(listener: () => void): () => void;
  /**
   * The published text of the message with this key (undefined when it is not held), with the
   * pieces it streamed in: a reader that keeps the value it drew reads only what was added since
   * (`textAddedSince`).
   */
  read(key: string): LiveText | undefined;
}

/** A store's published messages, streamed text included, as a `LiveContent` (what `useConversation` returns). */
export function liveContentOf(store: {
  subscribe(listener: () => void): () => void;
  getLiveSnapshot(): { messages: readonly ChatMessage[]; streamedText?: ConversationStoreState['streamedText'] };
}): LiveContent {
  const read = (key: string): LiveText | undefined => {
    const snapshot = store.getLiveSnapshot();
    const streamed = snapshot.streamedText?.[key];
    if (streamed) return streamed;
    // From the end: a streaming reply is the last message, or very near it.
    const { messages } = snapshot;
    for (let i = messages.length - 1; i >= 0; i -= 1) {
      const message = messages[i];
      if (message?.key === key) return wholeText(message.content);
    }
    return undefined;
  };
  return { subscribe: store.subscribe, read };
}
