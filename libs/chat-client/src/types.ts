import type { ErrorCode, Identity, Message, PresenceData, ReplyAsker, Usage } from '@confab/protocol';
import type { ReactElement } from 'react';
import type { LiveContent } from './live-content';

/**
 * A message as the UI shows it: a stored message, or one of ours not yet acknowledged.
 * `queued`: written while offline, waiting in the outbox; `sending`: on the wire, no ack yet;
 * `failed`: the server refused it (see `error`); the stored statuses come from the server.
 */
export type LocalStatus = 'queued' | 'sending' | 'failed';
export type ChatMessageStatus = LocalStatus | Message['status'];

export interface ChatMessage {
  /** Server id once stored; the client_message_id before that. */
  key: string;
  id: string | null;
  client_message_id: string | null;
  seq: number | null;
  author: Message['author'];
  content: string;
  status: ChatMessageStatus;
  source: Message['source'];
  model: string | null;
  finish_reason: string | null;
  usage: Usage | null;
  created_at: string;
  error: { code: ErrorCode; message: string } | null;
  /**
   * Written by the viewer: our local copies, and stored messages whose author is the viewer's
   * identity (decided in the reducer, so the UI shows "You" without comparing identities itself).
   */
  mine: boolean;
  /**
   * An agent reply's asker, when the server said (while it streams). In a post, only they may
   * stop it, so only they are offered Stop.
   */
  askedBy?: ReplyAsker;
}

export type ConnectionStatus =
  | 'connecting'
  | 'open'
  | 'reconnecting'
  /** Gave up after the last backoff attempt: the UI offers a "Reconnect" button. */
  | 'failed'
  /** Closed for good: auth failed, forbidden, not found, or unmounted. */
  | 'closed';

export interface ConnectionState {
  status: ConnectionStatus;
  /** Reconnect attempt number (0 when connected). */
  attempt: number;
  /** Epoch ms of the next reconnect attempt while `reconnecting`. */
  nextRetryAt: number | null;
  /** Why the socket closed, in words, when it is not open. */
  reason: string | null;
}

export interface ConversationError {
  code: ErrorCode;
  message: string;
  /** Epoch ms until which sending is disabled (RATE_LIMIT). */
  until: number | null;
}

export interface ConversationState {
  conversationId: string;
  /** Sorted: stored messages by seq, then local unacknowledged ones in send order. */
  messages: ChatMessage[];
  /** Highest seq held contiguously from the start of what was loaded. */
  lastSeq: number;
  identity: Identity | null;
  canWrite: boolean;
  /** People typing now (never includes ourselves); entries expire after TYPING_AUTO_STOP_MS. */
  typing: Array<{ who: Identity; until: number }>;
  connection: ConnectionState;
  error: ConversationError | null;
  /** Whether older history exists before the first loaded message. */
  hasOlder: boolean;
  /** The session is gone: the UI asks the person to sign in again. */
  signInRequired: boolean;
  /** Who has a post's shared conversation open (the newest `presence` frame); null for a thread, or before the first. */
  presence: PresenceData | null;
  /** The question the server last said went `unanswered` (its reply never started); see `retryableReply`. */
  unanswered: string | null;
}

export type SendResult = { ok: true; clientMessageId: string } | { ok: false; reason: string };

export interface UseConversationOptions {
  conversationId: string;
  /** History rendered by the server component, so the first paint has messages. */
  initialMessages?: Message[];
  initialHasOlder?: boolean;
  /**
   * Whether to let the person write before the first `connected` says (default true, so a
   * message written during the first connect is queued, not refused). Pass false when the
   * server already knows they cannot (a visitor on a post's shared conversation).
   */
  initialCanWrite?: boolean;
  /**
   * Who the server rendered the page for (same cookie as the socket's ticket), so the viewer's
   * own messages in the rendered history are "You" from the first paint; `connected` confirms it.
   */
  initialIdentity?: Identity | null;
  /** `app_type=` on the socket URL; defaults to `process.env.appType`. */
  appType?: string;
}

export interface UseConversationResult {
  state: ConversationState;
  /** A streaming reply's text for its own row to draw, so nothing renders in React per token (`onlyStreamedTextChanged`). */
  liveContent: LiveContent;
  /**
   * The conversation's socket (react-use-websocket, loaded on demand right after hydration):
   * render it once, anywhere in the view; it draws nothing. null until its module has loaded,
   * on the server and while hydrating. Without it rendered, no socket opens.
   */
  socket: ReactElement | null;
  send: (text: string) => SendResult;
  /** Send a `failed` message again, with its original client_message_id (the server is idempotent on it). */
  retry: (clientMessageId: string) => SendResult;
  /** Drop a message that was not delivered (`queued` or `failed`) from the view and the outbox. */
  discard: (clientMessageId: string) => void;
  /** Stop the agent reply being streamed (newest when omitted). */
  stop: (messageId?: string) => void;
  /** Have a failed or cut-off reply, or an unanswered question, answered (`retryableReply` says which); false when not connected. */
  retryReply: (messageId: string) => boolean;
  /** Call on every keystroke; typing start/stop frames are debounced and rate-limited. */
  notifyTyping: () => void;
  /** Manual reconnect after `failed`. */
  reconnect: () => void;
  loadOlder: () => Promise<void>;
}
