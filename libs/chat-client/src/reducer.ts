import {
  MESSAGE_RATE_WINDOW_S,
  type AckData,
  type ConnectedData,
  type DoneData,
  type ErrorCode,
  type ErrorData,
  type HistoryResponse,
  type Identity,
  type Message,
  type ServerFrame,
  type StreamData,
  type SyncData,
  streamedText,
} from '@confab/protocol';
import {
  advanceContiguous,
  agentPlaceholder,
  highestSeq,
  indexByClientMessageId,
  indexById,
  indexOfLocal,
  insertInOrder,
  isFinal,
  isLocal,
  localAuthor,
  lowestSeq,
  isMineStored,
  mergeStoredMessages,
  removeAt,
  replaceAt,
  replaceInOrder,
  type OutboxEntry,
} from './message-list';
import { addLocal, discardLocal, markLocalFailed, setLocalStatus } from './local-messages';
import { applyPresence, applyTyping, clearTypingOf } from './others';
import { NO_STREAMED_TEXT, streamIntoText, withStreamedText, type LiveText } from './streamed-text';
import type { ChatMessage, ConnectionState, ConversationError, ConversationState } from './types';

/**
 * The conversation as the browser knows it, as a pure reducer: frames from the server and
 * local actions in, next state out. No I/O, no clocks (`now` travels in the action), so every
 * rule below is unit-tested without a socket.
 */

export interface ConversationStoreState extends ConversationState {
  /** Highest seq known to exist (messages seen, `connected.last_seq`). Above lastSeq = a hole to fill. */
  highestSeqSeen: number;
  /** A `sync` request is on the wire and its last page has not arrived yet. */
  syncInFlight: boolean;
  /**
   * Streamed text newer than the reply's entry in `messages`, by message key (`textOf`). A
   * `stream` frame for a reply that is streaming only records its text here, instead of copying
   * the whole message list (5,000 entries, ~20 KB) for every frame: that copy was half of what
   * the page allocated while a reply streamed (26 → 12 MB a reply in `npm run bench -- render`'s
   * trace). Every other action first writes this text into `messages` (`withStreamedText`), so
   * the rest of the reducer sees one plain list, and so does React (`store.ts`).
   */
  streamedText: Readonly<Record<string, LiveText>>;
}

export type ConversationAction =
  | { type: 'frame'; frame: ServerFrame; now: number }
  /** Messages found in the persisted outbox after a reload: shown as queued. */
  | { type: 'outboxRestored'; entries: readonly OutboxEntry[] }
  /** A message we wrote: `queued` while it cannot go out, `sending` when written to the socket. */
  | { type: 'localAdded'; entry: OutboxEntry; status: 'queued' | 'sending' }
  | { type: 'localSending'; clientMessageIds: readonly string[] }
  | { type: 'localFailed'; clientMessageId: string; error: { code: ErrorCode; message: string } }
  | { type: 'localDiscarded'; clientMessageId: string }
  | { type: 'connection'; connection: ConnectionState }
  /** Clock tick: expires typing indicators and a rate limit whose time has passed. */
  | { type: 'tick'; now: number }
  | { type: 'historyLoaded'; history: HistoryResponse }
  | { type: 'syncRequested'; afterSeq: number }
  /** The server answered the sync on the wire with an error (it names no message): it is asked again later. */
  | { type: 'syncFailed' }
  | { type: 'signInRequired' }
  | { type: 'errorShown'; error: ConversationError }
  | { type: 'errorDismissed' };

export interface InitialStateInput {
  conversationId: string;
  initialMessages?: readonly Message[];
  initialHasOlder?: boolean;
  /** What to assume before `connected` says (lets people write while the first connect is pending). */
  initialCanWrite?: boolean;
  /**
   * Who the server rendered the page for (from the same cookie the socket will use), so the
   * viewer's own messages in the rendered history show as theirs from the first paint.
   */
  initialIdentity?: Identity | null;
}

export function createInitialState(input: InitialStateInput): ConversationStoreState {
  const identity = input.initialIdentity ?? null;
  const messages = mergeStoredMessages([], input.initialMessages ?? [], identity);
  const first = lowestSeq(messages);
  // The server component renders the newest page: contiguity starts just below its first seq.
  const lastSeq = first === null ? 0 : advanceContiguous(first - 1, messages);
  return {
    conversationId: input.conversationId,
    messages,
    lastSeq,
    identity,
    canWrite: input.initialCanWrite ?? true,
    typing: [],
    connection: { status: 'connecting', attempt: 0, nextRetryAt: null, reason: null },
    error: null,
    hasOlder: input.initialHasOlder ?? false,
    signInRequired: false,
    highestSeqSeen: highestSeq(messages),
    syncInFlight: false,
    streamedText: NO_STREAMED_TEXT,
    presence: null,
    unanswered: null,
  };
}

export function conversationReducer(state: ConversationStoreState, action: ConversationAction): ConversationStoreState {
  if (action.type === 'frame' && action.frame.event === 'stream') {
    const streamed = streamIntoText(state, action.frame.data);
    if (streamed) return streamed;
  }
  // The clock reads no message: a streaming reply's text stays apart. Writing it into the list
  // once a second copied the 5,000 rows of a long thread and restarted the text's chain, so the
  // reply's row read its whole text again (0.5–1.8 ms of a frame each second, in the slowest
  // frames of `npm run bench -- render`).
  if (action.type === 'tick') return expireByClock(state, action.now);
  return reduceListed(withStreamedText(state), action);
}

function reduceListed(state: ConversationStoreState, action: Exclude<ConversationAction, { type: 'tick' }>): ConversationStoreState {
  switch (action.type) {
    case 'frame':
      return reduceFrame(state, action.frame, action.now);
    case 'outboxRestored':
      return action.entries.reduce((s, entry) => addLocal(s, entry, 'queued'), state);
    case 'localAdded':
      return addLocal(state, action.entry, action.status);
    case 'localSending':
      return setLocalStatus(state, action.clientMessageIds, 'sending');
    case 'localFailed':
      return markLocalFailed(state, action.clientMessageId, action.error);
    case 'localDiscarded':
      return discardLocal(state, action.clientMessageId);
    case 'connection':
      return applyConnection(state, action.connection);
    case 'historyLoaded':
      return applyHistory(state, action.history);
    case 'syncRequested':
      return { ...state, syncInFlight: true };
    case 'syncFailed':
      return { ...state, syncInFlight: false };
    case 'signInRequired':
      return {
        ...state,
        signInRequired: true,
        syncInFlight: false,
        connection: {
          status: 'closed',
          attempt: 0,
          nextRetryAt: null,
          reason: 'Your session has ended. Sign in again to continue.',
        },
      };
    case 'errorShown':
      return { ...state, error: action.error };
    case 'errorDismissed':
      return state.error === null ? state : { ...state, error: null };
  }
}

// ---------- server frames ----------

function reduceFrame(state: ConversationStoreState, frame: ServerFrame, now: number): ConversationStoreState {
  switch (frame.event) {
    case 'connected':
      return applyConnected(state, frame.data);
    case 'ack':
      return applyAck(state, frame.data);
    case 'message':
      return withSeqBookkeeping(clearTypingOf(applyStored(state, [frame.data.message]), frame.data.message.author));
    case 'stream':
      return applyStream(state, frame.data, now);
    case 'done':
      return withSeqBookkeeping(applyDone(state, frame.data, now));
    case 'typing':
      return applyTyping(state, frame.data, now);
    case 'presence':
      return applyPresence(state, frame.data);
    case 'sync':
      return applySync(state, frame.data);
    case 'error':
      return applyError(state, frame.data, now);
    case 'unanswered':
      // Everyone is told of every question left unanswered: only the viewer's own is theirs to ask again.
      return state.messages.some((m) => m.mine && m.id === frame.data.message_id) ? { ...state, unanswered: frame.data.message_id } : state;
    case 'pong':
      return state;
  }
}

function applyConnected(state: ConversationStoreState, data: ConnectedData): ConversationStoreState {
  const keepRateLimit = state.error !== null && state.error.until !== null;
  return {
    ...state,
    identity: data.identity,
    canWrite: data.can_write,
    highestSeqSeen: Math.max(state.highestSeqSeen, data.last_seq),
    messages: markOwnMessages(state.messages, data.identity),
    connection: { status: 'open', attempt: 0, nextRetryAt: null, reason: null },
    // Problems from the previous socket are over; an active rate limit is not.
    error: keepRateLimit ? state.error : null,
    signInRequired: false,
    syncInFlight: false,
    // Presence is told per socket: this one's first `presence` frame starts it again (with its own versions).
    presence: null,
  };
}

/**
 * Once the socket says who we are: local bubbles written before get our name, and stored messages
 * are ours exactly when their author is this identity (server-rendered history, other tabs; and
 * no longer, if the socket turned out to be someone else, e.g. after signing out elsewhere).
 */
function markOwnMessages(messages: readonly ChatMessage[], identity: Identity | null): ChatMessage[] {
  let changed = false;
  const next = messages.map((m) => {
    if (isLocal(m)) {
      const author = localAuthor(identity);
      if (m.author.kind === author.kind && m.author.id === author.id && m.author.display_name === author.display_name) return m;
      changed = true;
      return { ...m, author };
    }
    const mine = isMineStored(m.author, identity, m.mine);
    if (mine === m.mine) return m;
    changed = true;
    return { ...m, mine };
  });
  return changed ? next : (messages as ChatMessage[]);
}

function applyAck(state: ConversationStoreState, ack: AckData): ConversationStoreState {
  const localIndex = indexOfLocal(state.messages, ack.client_message_id);
  if (localIndex < 0) return state; // already replaced by the broadcast, or not ours
  if (indexById(state.messages, ack.message_id) >= 0 || hasStoredCopy(state.messages, ack.client_message_id)) {
    // The broadcast `message` (or a sync page) arrived first: the stored copy is shown; drop the local one.
    return withSeqBookkeeping({ ...state, messages: removeAt(state.messages, localIndex) });
  }
  const local = state.messages[localIndex] as ChatMessage;
  const stored: ChatMessage = {
    ...local,
    key: ack.message_id,
    id: ack.message_id,
    seq: ack.seq,
    status: 'complete',
    error: null,
  };
  return withSeqBookkeeping({ ...state, messages: replaceInOrder(state.messages, localIndex, stored) });
}

/** A stored entry (not our local copy) with this client_message_id. */
function hasStoredCopy(messages: readonly ChatMessage[], clientMessageId: string): boolean {
  const index = indexByClientMessageId(messages, clientMessageId);
  return index >= 0 && !isLocal(messages[index] as ChatMessage);
}

function applyStored(state: ConversationStoreState, incoming: readonly Message[]): ConversationStoreState {
  const messages = mergeStoredMessages(state.messages, incoming, state.identity);
  return messages === state.messages ? state : { ...state, messages };
}

/**
 * A `stream` frame brings a reply's whole text (a connection's first frame for it) or the delta
 * after what we hold (`streamedText`): a repeated or older frame never rolls the text back.
 */
function applyStream(state: ConversationStoreState, data: StreamData, now: number): ConversationStoreState {
  const index = indexById(state.messages, data.message_id);
  const existing = index < 0 ? undefined : (state.messages[index] as ChatMessage);
  // A final reply is not streaming any more, whatever a late frame says.
  if (existing && isFinal(existing)) return state;
  const content = streamedText(existing?.content, data);
  if (content === null) return state;
  if (!existing) {
    const placeholder = agentPlaceholder({ id: data.message_id, seq: data.seq, content, createdAt: new Date(now).toISOString(), askedBy: data.asked_by });
    return withSeqBookkeeping({ ...state, messages: insertInOrder(state.messages, placeholder) });
  }
  // A reply we already hold keeps its seq: no seq bookkeeping (two passes over the whole thread) per token.
  const askedBy = existing.askedBy ?? data.asked_by;
  const next: ChatMessage = askedBy === existing.askedBy ? { ...existing, content, status: 'streaming' } : { ...existing, content, status: 'streaming', askedBy };
  return { ...state, messages: replaceAt(state.messages, index, next) };
}

function applyDone(state: ConversationStoreState, data: DoneData, now: number): ConversationStoreState {
  const index = indexById(state.messages, data.message_id);
  const base =
    index >= 0
      ? (state.messages[index] as ChatMessage)
      : agentPlaceholder({ id: data.message_id, seq: data.seq, content: data.content, createdAt: new Date(now).toISOString() });
  const finished: ChatMessage = {
    ...base,
    content: data.content,
    status: data.status,
    finish_reason: data.finish_reason,
    usage: data.usage,
    model: data.model,
  };
  const messages = index >= 0 ? replaceAt(state.messages, index, finished) : insertInOrder(state.messages, finished);
  return { ...state, messages };
}

function applySync(state: ConversationStoreState, data: SyncData): ConversationStoreState {
  const merged = withSeqBookkeeping(applyStored(state, data.messages));
  if (data.has_more || !state.syncInFlight) return merged;
  // Last page of the sync we asked for: the server has sent every message up to its last_seq,
  // so we hold them all (this also gets past seqs the server will never send).
  const lastSeq = advanceContiguous(Math.max(merged.lastSeq, data.last_seq), merged.messages);
  return {
    ...merged,
    syncInFlight: false,
    lastSeq,
    highestSeqSeen: Math.max(merged.highestSeqSeen, data.last_seq, lastSeq),
  };
}

/** After messages change: advance lastSeq over what we hold, and remember the highest seq seen. */
function withSeqBookkeeping(state: ConversationStoreState): ConversationStoreState {
  const lastSeq = advanceContiguous(state.lastSeq, state.messages);
  const highestSeqSeen = Math.max(state.highestSeqSeen, highestSeq(state.messages));
  if (lastSeq === state.lastSeq && highestSeqSeen === state.highestSeqSeen) return state;
  return { ...state, lastSeq, highestSeqSeen };
}

// ---------- errors ----------

export const rateLimitWords = (seconds: number): string =>
  `You're sending messages too fast. Try again in ${seconds} s.`;

/**
 * RATE_LIMIT re-queues the message instead of failing it: the person already pressed Send, so
 * they expect it to go out; it keeps its place (FIFO) and its client_message_id, and the hook
 * resends the outbox when `error.until` has passed. Other errors about one message fail it
 * (resending the same text would be refused again); errors about nothing in particular go to
 * `state.error`.
 */
function applyError(state: ConversationStoreState, data: ErrorData, now: number): ConversationStoreState {
  // A Stop that found no reply streaming: pressed just as the reply ended (its `done` says how).
  // Nothing went wrong and the finished reply is what the person sees, so nothing is shown.
  if (data.code === 'NOTHING_TO_STOP') return state;
  if (data.code === 'RATE_LIMIT') {
    const seconds = data.retry_after_s ?? MESSAGE_RATE_WINDOW_S;
    const error: ConversationError = { code: data.code, message: rateLimitWords(seconds), until: now + seconds * 1000 };
    const requeued =
      data.client_message_id === undefined ? state : setLocalStatus(state, [data.client_message_id], 'queued');
    return { ...requeued, error };
  }
  if (data.client_message_id !== undefined && indexOfLocal(state.messages, data.client_message_id) >= 0) {
    // The server failed, the message was not refused: it waits in the outbox and goes again (the controller's backoff).
    if (isTemporaryFailure(data.code)) return setLocalStatus(state, [data.client_message_id], 'queued');
    return markLocalFailed(state, data.client_message_id, { code: data.code, message: data.message });
  }
  return { ...state, error: { code: data.code, message: data.message, until: null } };
}

/** An error that says the server could not do it this time, not that it never will (a database timeout, a store hiccup). */
export const isTemporaryFailure = (code: ErrorCode): boolean => code === 'INTERNAL_ERROR';

// ---------- connection, clock, history ----------

function applyConnection(state: ConversationStoreState, connection: ConnectionState): ConversationStoreState {
  if (connection.status === 'open') return { ...state, connection };
  // Without a socket nothing is on the wire any more: in-flight messages wait in the outbox
  // again, and a sync that was asked for will be asked again on the next `connected`.
  const messages = state.messages.some((m) => m.status === 'sending')
    ? state.messages.map((m) => (m.status === 'sending' ? { ...m, status: 'queued' as const } : m))
    : state.messages;
  return { ...state, connection, messages, syncInFlight: false, typing: [] };
}

function expireByClock(state: ConversationStoreState, now: number): ConversationStoreState {
  const typing = state.typing.filter((t) => t.until > now);
  const errorExpired = state.error !== null && state.error.until !== null && state.error.until <= now;
  if (typing.length === state.typing.length && !errorExpired) return state;
  return { ...state, typing, error: errorExpired ? null : state.error };
}

function applyHistory(state: ConversationStoreState, history: HistoryResponse): ConversationStoreState {
  const merged = withSeqBookkeeping(applyStored(state, history.messages));
  return { ...merged, hasOlder: history.has_more, highestSeqSeen: Math.max(merged.highestSeqSeen, history.last_seq) };
}
