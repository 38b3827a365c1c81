import type { ClientFrame, ErrorCode, ServerFrame } from '@confab/protocol';
import { reconnectDelay } from './backoff';
import { createConnectionPolicy } from './connection';
import { createFrameReader } from './frame-reader';
import { fetchOlderMessages } from './history';
import { lowestSeq, type OutboxEntry } from './message-list';
import type { Outbox } from './outbox';
import { checkSendable, isRateLimited, resumeAfterSeq, resyncAfterSeq, streamingReply } from './selectors';
import { isTemporaryFailure } from './reducer';
import { createStreamGapWatcher } from './stream-gaps';
import { randomClientMessageId } from './client-message-id';
import type { ConversationStore } from './store';
import type { FetchLike } from './ticket';
import { createTypingNotifier } from './typing-notifier';
import type { SendResult } from './types';

/**
 * Everything the hook does that is not React: react-use-websocket callbacks, the outbox, typing
 * frames, sync requests. Plain closures over a store, so it runs (and is tested) without React.
 * The hook owns the lifecycle (mount/unmount) and the socket; this owns the decisions.
 */

/** Typing expiry and rate-limit expiry are checked this often. */
export const CLOCK_TICK_MS = 1_000;
/** A message the server failed (not refused) is written again this many times (1, 2, 4 s…) before it shows as not sent. */
export const TEMPORARY_FAILURE_RETRIES = 4;

export interface SocketAccess {
  /** Writes a frame on the open socket; never queues (the outbox does the queuing). */
  send: (frame: ClientFrame) => void;
  /** The socket react-use-websocket holds now, to tell its events from a replaced socket's. */
  current: () => WebSocket | EventSource | null;
}

export interface ControllerDeps {
  conversationId: string;
  store: ConversationStore;
  outbox: Outbox;
  appType: string;
  productId?: string;
  isUnmounted: () => boolean;
  now?: () => number;
  random?: () => number;
  newClientMessageId?: () => string;
  fetchImpl?: FetchLike;
}

export type ConversationController = ReturnType<typeof createConversationController>;

export function createConversationController(deps: ControllerDeps) {
  const { store, outbox, conversationId } = deps;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const newClientMessageId = deps.newClientMessageId ?? (() => randomClientMessageId());
  const fetchImpl: FetchLike = deps.fetchImpl ?? ((input, init) => fetch(input, init));

  let socket: SocketAccess = { send: () => undefined, current: () => null };
  /** Outbox entries written on the current socket and not yet answered. */
  const inFlight = new Set<string>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let loadingOlder = false;

  const later = (callback: () => void, ms: number): void => {
    const handle = setTimeout(() => {
      timers.delete(handle);
      callback();
    }, ms);
    timers.add(handle);
  };
  const wait = (ms: number): Promise<void> => new Promise((resolve) => later(resolve, ms));

  const isOpen = (): boolean => store.getState().connection.status === 'open';
  const isStale = (target: EventTarget | null): boolean => {
    const current = socket.current();
    return current !== null && target !== null && target !== current;
  };

  // ---------- outbox ----------

  /** Write every outbox entry not yet on this socket, oldest first (FIFO survives reconnects). */
  const flushOutbox = (): void => {
    if (!isOpen() || isRateLimited(store.getState(), now())) return;
    const toSend = outbox.entries().filter((e) => !inFlight.has(e.client_message_id) && !givenUp.has(e.client_message_id));
    if (toSend.length === 0) return;
    toSend.forEach((entry) => {
      socket.send({
        event: 'action',
        data: { action: 'next', execution_type: 'chat', message: entry.content, client_message_id: entry.client_message_id },
      });
      inFlight.add(entry.client_message_id);
    });
    store.dispatch({ type: 'localSending', clientMessageIds: toSend.map((e) => e.client_message_id) });
  };

  const settle = (clientMessageId: string): void => {
    inFlight.delete(clientMessageId);
    temporaryFailures.delete(clientMessageId);
    givenUp.delete(clientMessageId);
    outbox.remove(clientMessageId);
  };

  // ---------- sync ----------

  /** Syncs the server failed to answer in a row; a retry waits longer each time. */
  let syncFailures = 0;
  let syncRetryPending = false;

  const requestSync = (afterSeq: number): void => {
    if (syncRetryPending) return; // the retry will ask (from where we are then)
    socket.send({ event: 'sync', data: { after_seq: afterSeq } });
    store.dispatch({ type: 'syncRequested', afterSeq });
  };

  /**
   * The sync on the wire was answered with an error naming no message (the server could not read
   * the history, or the frame rate limit refused it): it is asked again after a backoff. Left
   * waiting, no later hole or lost stream delta would ever be asked for on this socket.
   */
  const syncFailed = (): void => {
    store.dispatch({ type: 'syncFailed' });
    syncRetryPending = true;
    later(() => {
      syncRetryPending = false;
      if (isOpen()) requestSync(resumeAfterSeq(store.getState()));
    }, reconnectDelay(syncFailures, random));
    syncFailures += 1;
  };

  // ---------- frames ----------

  const afterFrame = (frame: ServerFrame): void => {
    switch (frame.event) {
      case 'connected':
        // Catch up first, then send what waited: the server answers in order.
        requestSync(resumeAfterSeq(store.getState()));
        // A Stop pressed and not yet answered (its reply has sent no `done`): written again, as a
        // Stop written on a socket that had died unnoticed went nowhere. Said twice, the server
        // answers NOTHING_TO_STOP, which changes nothing.
        if (stopPressed !== null) sendStop(stopPressed.target);
        flushOutbox();
        return;
      case 'ack':
        settle(frame.data.client_message_id);
        break;
      case 'message':
        if (frame.data.message.client_message_id !== null) settle(frame.data.message.client_message_id);
        break;
      case 'sync':
        frame.data.messages.forEach((m) => m.client_message_id !== null && settle(m.client_message_id));
        if (!frame.data.has_more) syncFailures = 0;
        break;
      case 'done':
        if (stopPressed !== null && (stopPressed.target === undefined || stopPressed.target === frame.data.message_id)) stopPressed = null;
        break;
      case 'error':
        if (frame.data.code === 'NOTHING_TO_STOP') stopPressed = null;
        if (frame.data.client_message_id === undefined && store.getState().syncInFlight) syncFailed();
        afterError(frame.data.client_message_id, frame.data.code, frame.data.message);
        break;
      default:
        break;
    }
    const gapFrom = resyncAfterSeq(store.getState());
    if (gapFrom !== null) requestSync(gapFrom);
  };

  /** The wait is over: clear the notice and send what waited, without waiting for the next tick. */
  const endOfRateLimit = (): void => {
    store.dispatch({ type: 'tick', now: now() });
    flushOutbox();
  };

  /** Times the server failed each message (not refused it), for its backoff. */
  const temporaryFailures = new Map<string, number>();
  /** Failed too often: shown as not sent and left alone (still in the outbox for a reload) until Retry. */
  const givenUp = new Set<string>();

  const afterError = (clientMessageId: string | undefined, code: ErrorCode, message: string): void => {
    if (code === 'RATE_LIMIT') {
      // Requeued: write it again once the limit is over (the tick also retries).
      if (clientMessageId !== undefined) inFlight.delete(clientMessageId);
      const until = store.getState().error?.until ?? now();
      later(endOfRateLimit, Math.max(0, until - now()) + 50);
      return;
    }
    if (clientMessageId === undefined) return;
    if (isTemporaryFailure(code)) {
      // Still in the outbox (a reload sends it too): written again after a backoff, and after a few
      // failures shown as not sent, with Retry, in case the server keeps failing.
      inFlight.delete(clientMessageId);
      const failures = (temporaryFailures.get(clientMessageId) ?? 0) + 1;
      temporaryFailures.set(clientMessageId, failures);
      if (failures > TEMPORARY_FAILURE_RETRIES) {
        givenUp.add(clientMessageId);
        store.dispatch({ type: 'localFailed', clientMessageId, error: { code, message } });
      } else {
        later(flushOutbox, reconnectDelay(failures - 1, random));
      }
      return;
    }
    settle(clientMessageId); // refused for good; `retry` puts it back
  };

  const streamGaps = createStreamGapWatcher(store.getState, requestSync);

  const handleFrame = (frame: ServerFrame): void => {
    const afterGap = streamGaps.check(frame);
    store.dispatch({ type: 'frame', frame, now: now() });
    afterFrame(frame);
    afterGap();
  };

  const onMessage = createFrameReader(handleFrame, isStale);

  // ---------- connection ----------

  const resetSocketSession = (): void => {
    inFlight.clear();
    typing.reset();
    // A new socket syncs on `connected` at once: a retry waiting for the old socket's failed sync must not hold it back.
    syncRetryPending = false;
    syncFailures = 0;
  };

  const connection = createConnectionPolicy({
    store,
    conversationId,
    appType: deps.appType,
    productId: deps.productId,
    isUnmounted: deps.isUnmounted,
    isStale,
    onSocketGone: resetSocketSession,
    wait,
    now,
    random: deps.random,
    fetchImpl,
  });

  // ---------- typing ----------

  const typing = createTypingNotifier({ isOpen, canWrite: () => store.getState().canWrite, send: (frame) => socket.send(frame) });

  // ---------- commands ----------

  const send = (text: string): SendResult => {
    const check = checkSendable({
      text,
      state: store.getState(),
      now: now(),
      outboxFull: outbox.isFull(),
      outboxCapacity: outbox.capacity,
    });
    if (!check.ok) return check;
    const entry: OutboxEntry = {
      client_message_id: newClientMessageId(),
      content: check.content,
      created_at: new Date(now()).toISOString(),
    };
    const added = outbox.add(entry);
    if (!added.ok) return added;
    store.dispatch({ type: 'localAdded', entry, status: 'queued' });
    typing.end();
    flushOutbox(); // goes out now when connected, after anything older still waiting
    return { ok: true, clientMessageId: entry.client_message_id };
  };

  /** Put a failed message back in the outbox with its original client_message_id. */
  const retry = (clientMessageId: string): SendResult => {
    const message = store.getState().messages.find((m) => m.id === null && m.client_message_id === clientMessageId);
    if (message === undefined) return { ok: false, reason: 'That message is no longer waiting to be sent.' };
    if (isRateLimited(store.getState(), now())) {
      return { ok: false, reason: store.getState().error?.message ?? 'Try again in a moment.' };
    }
    // Asked again by the person: a fresh start, backoff included.
    givenUp.delete(clientMessageId);
    temporaryFailures.delete(clientMessageId);
    const entry: OutboxEntry = { client_message_id: clientMessageId, content: message.content, created_at: message.created_at };
    const added = outbox.add(entry);
    if (!added.ok) return added;
    store.dispatch({ type: 'localAdded', entry, status: 'queued' });
    flushOutbox();
    return { ok: true, clientMessageId };
  };

  /** Drop a message that was not delivered (queued or failed). */
  const discard = (clientMessageId: string): void => {
    inFlight.delete(clientMessageId);
    outbox.remove(clientMessageId);
    store.dispatch({ type: 'localDiscarded', clientMessageId });
  };

  /**
   * A Stop pressed while the socket is down, kept for the next connection: the reply may still be
   * streaming there, and the person asked for it to end. `undefined` target: the newest reply.
   */
  /** The Stop pressed last, until its reply's `done` (or NOTHING_TO_STOP) answers it. */
  let stopPressed: { target: string | undefined } | null = null;

  const sendStop = (target: string | undefined): void => {
    socket.send({ event: 'action', data: target === undefined ? { action: 'stop' } : { action: 'stop', message_id: target } });
  };

  const stop = (messageId?: string): void => {
    const target = messageId ?? streamingReply(store.getState())?.id ?? undefined;
    stopPressed = { target };
    if (isOpen()) sendStop(target);
  };

  /** Only on an open socket: the button is offered then, and a retry is no message to queue. */
  const retryReply = (messageId: string): boolean => {
    if (!isOpen()) return false;
    socket.send({ event: 'action', data: { action: 'retry_reply', message_id: messageId } });
    return true;
  };

  const loadOlder = async (): Promise<void> => {
    const state = store.getState();
    const first = lowestSeq(state.messages);
    if (loadingOlder || !state.hasOlder || first === null || first <= 1) return;
    loadingOlder = true;
    try {
      const result = await fetchOlderMessages(conversationId, first, fetchImpl);
      if (deps.isUnmounted()) return;
      if (result.ok) store.dispatch({ type: 'historyLoaded', history: result.history });
      else store.dispatch({ type: 'errorShown', error: { ...result.error, until: null } });
    } finally {
      loadingOlder = false;
    }
  };

  // ---------- lifecycle ----------

  let clock: ReturnType<typeof setInterval> | null = null;

  const tick = (): void => {
    const wasLimited = isRateLimited(store.getState(), now());
    store.dispatch({ type: 'tick', now: now() });
    if (wasLimited && !isRateLimited(store.getState(), now())) flushOutbox();
  };

  return {
    attach(access: SocketAccess): void {
      socket = access;
    },
    /** Mount: show what a previous page load left in the outbox, start the clock. */
    mount(): void {
      void outbox.ready.then(() => {
        if (deps.isUnmounted()) return;
        // After a reload the server-rendered history may already hold what the outbox still has
        // (stored, but the ack was lost with the page): delivered, so it leaves the outbox unsent.
        const stored = new Set(store.getState().messages.filter((m) => m.id !== null).map((m) => m.client_message_id));
        outbox.entries().filter((e) => stored.has(e.client_message_id)).forEach((e) => outbox.remove(e.client_message_id));
        if (outbox.size() > 0) store.dispatch({ type: 'outboxRestored', entries: outbox.entries() });
      });
      clock ??= setInterval(tick, CLOCK_TICK_MS);
    },
    /** Unmount: no timer may fire into a component that is gone. */
    unmount(): void {
      if (clock !== null) clearInterval(clock);
      clock = null;
      timers.forEach((handle) => clearTimeout(handle));
      timers.clear();
      typing.reset();
    },
    // react-use-websocket
    getSocketUrl: connection.getSocketUrl,
    onMessage,
    onClose: connection.onClose,
    shouldReconnect: connection.shouldReconnect,
    reconnectInterval: connection.reconnectInterval,
    onReconnectStop: connection.onReconnectStop,
    // commands
    send,
    retry,
    discard,
    stop,
    retryReply,
    notifyTyping: typing.notify,
    loadOlder,
    beginManualReconnect: connection.beginManualReconnect,
    handleFrame,
    tick,
  };
}
