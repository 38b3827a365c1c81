import { conversationReducer, type ConversationAction, type ConversationStoreState } from './reducer';
import { onlyStreamedTextChanged, withStreamedText } from './streamed-text';

/**
 * The reducer behind a tiny external store with two views of the state:
 * - `getState()`: always current; every frame is reduced the moment it arrives, so the hook's
 *   side effects (sync, outbox flush) decide on exact state;
 * - `getSnapshot()`: what React renders; published at most once per frame interval (from one
 *   animation frame to the next), so a burst of frames costs one render per frame instead of
 *   one per frame received; and not at all for a change that only adds streamed text, which
 *   goes to
 * - `getLiveSnapshot()`: the last published state including streamed text, read by a streaming
 *   reply's row (`LiveContent`), which draws tokens without React.
 *
 * When it is published: a change after a quiet frame goes out at the end of the task that made
 * it (a microtask), so React renders it in that task, between frames, and the next frame only
 * lays out and paints it; changes arriving after that wait for the next animation frame (so at
 * the start of a burst, two renders may precede one paint; streaming settles into one publish per
 * frame). A reply streamed at ~30 frames a second thus splits each token's work over two frames
 * instead of piling script, layout and paint into one (`npm run bench -- render`).
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
  /** What React renders: not changed by a publish that only adds streamed text (`onlyStreamedTextChanged`). */
  getSnapshot(): ConversationStoreState;
  /** The last published state, streamed text included: what a streaming reply's row draws (`LiveContent`). */
  getLiveSnapshot(): ConversationStoreState;
  dispatch(action: ConversationAction): ConversationStoreState;
  subscribe(listener: () => void): () => void;
  /** Publish now (no waiting for the next frame). */
  flush(): void;
  dispose(): void;
}

/** The end of the current task (a microtask), cancellable. */
export const scheduleEndOfTask: FrameScheduler = (callback) => {
  let cancelled = false;
  queueMicrotask(() => {
    if (!cancelled) callback();
  });
  return () => {
    cancelled = true;
  };
};

export function createConversationStore(
  initial: ConversationStoreState,
  nextFrame: FrameScheduler = scheduleAnimationFrame,
  endOfTask: FrameScheduler = scheduleEndOfTask,
): ConversationStore {
  let current = initial;
  let published = initial;
  let publishedLive = initial;
  let pending: Unschedule | null = null;
  /** Whether something was published since the last animation frame began. */
  let publishedThisFrame = false;
  const listeners = new Set<() => void>();

  const publish = (): void => {
    // What React renders has the streamed text in its messages: a render happens only for other
    // changes, so this copy of the list is made a few times a reply, not once a token.
    if (!onlyStreamedTextChanged(published, current)) published = current = withStreamedText(current);
    publishedLive = current;
    publishedThisFrame = true;
    // The next frame ends this one's window (and publishes what arrived in between).
    pending = nextFrame(onFrame);
    listeners.forEach((listener) => listener());
  };

  function onFrame(): void {
    pending = null;
    publishedThisFrame = false;
    if (publishedLive !== current) publish();
  }

  const flush = (): void => {
    pending?.();
    pending = null;
    if (publishedLive !== current) publish();
  };

  return {
    getState: () => current,
    getSnapshot: () => published,
    getLiveSnapshot: () => publishedLive,
    dispatch(action) {
      const next = conversationReducer(current, action);
      // Reducers return the same object when nothing changed: no render is scheduled for those.
      if (next !== current) {
        current = next;
        pending ??= publishedThisFrame ? nextFrame(onFrame) : endOfTask(flush);
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
