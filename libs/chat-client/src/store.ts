import { conversationReducer, type ConversationAction, type ConversationStoreState } from './reducer';

/**
 * The reducer behind a tiny external store with two views of the state:
 * - `getState()`: always current; every frame is reduced the moment it arrives, so the hook's
 *   side effects (sync, outbox flush) decide on exact state;
 * - `getSnapshot()`: what React renders; published at most once per animation frame, so a burst
 *   of `stream` frames costs one render per frame instead of one per frame received.
 */

export type Unschedule = () => void;
export type FrameScheduler = (callback: () => void) => Unschedule;

/** requestAnimationFrame where there is one; a ~60 Hz timeout otherwise (tests, old runtimes). */
export const scheduleAnimationFrame: FrameScheduler = (callback) => {
  if (typeof requestAnimationFrame === 'function') {
    const handle = requestAnimationFrame(() => callback());
    return () => cancelAnimationFrame(handle);
  }
  const handle = setTimeout(callback, 16);
  return () => clearTimeout(handle);
};

export interface ConversationStore {
  getState(): ConversationStoreState;
  getSnapshot(): ConversationStoreState;
  dispatch(action: ConversationAction): ConversationStoreState;
  subscribe(listener: () => void): () => void;
  /** Publish now (no waiting for the next frame). */
  flush(): void;
  dispose(): void;
}

export function createConversationStore(
  initial: ConversationStoreState,
  schedule: FrameScheduler = scheduleAnimationFrame,
): ConversationStore {
  let current = initial;
  let published = initial;
  let pending: Unschedule | null = null;
  const listeners = new Set<() => void>();

  const flush = (): void => {
    pending?.();
    pending = null;
    if (published === current) return;
    published = current;
    listeners.forEach((listener) => listener());
  };

  return {
    getState: () => current,
    getSnapshot: () => published,
    dispatch(action) {
      const next = conversationReducer(current, action);
      // Reducers return the same object when nothing changed: no render is scheduled for those.
      if (next !== current) {
        current = next;
        pending ??= schedule(flush);
      }
      return current;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    flush,
    dispose() {
      pending?.();
      pending = null;
      listeners.clear();
    },
  };
}
