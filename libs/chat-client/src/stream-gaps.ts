import type { ServerFrame } from '@confab/protocol';
import type { ConversationStoreState } from './reducer';
import { isStreamGap } from './selectors';

/**
 * Asks for a `sync` when a delta-only `stream` frame does not fit the reply's text (a frame was
 * lost): the snapshot the server sends after the sync pages brings the whole text back. One sync per
 * reply until a frame brings its whole text, so a missing snapshot (Redis unreachable) costs one
 * request, not one per frame; the reply's `done` carries its whole text anyway.
 */
export function createStreamGapWatcher(getState: () => ConversationStoreState, requestSync: (afterSeq: number) => void) {
  const syncedFor = new Set<string>();
  return {
    /** Call before the frame is reduced: returns what to call after it. */
    check(frame: ServerFrame): () => void {
      if (frame.event !== 'stream') return noop;
      const { message_id: messageId } = frame.data;
      if (frame.data.content !== undefined) syncedFor.delete(messageId);
      if (!isStreamGap(getState(), frame.data)) return noop;
      return () => {
        const state = getState();
        if (syncedFor.has(messageId) || state.connection.status !== 'open' || state.syncInFlight) return;
        syncedFor.add(messageId);
        requestSync(state.lastSeq);
      };
    },
  };
}

const noop = (): void => undefined;
