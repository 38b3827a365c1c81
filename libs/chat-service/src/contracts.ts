import type { AgentPersona, ConversationKind, Identity, Message, MessageSource, MessageStatus, ReplyAsker, ServerFrame, Usage } from '@confab/protocol';

/**
 * The seams inside the chat service: the data layer (database, auth, REST) implements
 * `Store` and `Auth`; the realtime layer (WebSocket, fan-out, agents) implements `Realtime`.
 * Each side depends only on these interfaces, so either can be tested against the real other.
 */

/** An authenticated caller: a session (user or visitor) resolved from a bearer token or a WS ticket. */
export interface Principal {
  identity: Identity;
  sessionId: string;
  /** Epoch ms when the session (not the ticket) expires; the socket is closed with SESSION_EXPIRED then. */
  sessionExpiresAt: number;
}

export interface ConversationRecord {
  id: string;
  kind: ConversationKind;
  postId: string;
  postSlug: string;
  persona: AgentPersona;
  /** Owner of a thread (null for a post's shared conversation). */
  owner: { kind: Identity['kind']; id: string } | null;
  lastSeq: number;
}

export interface NewMessage {
  conversationId: string;
  clientMessageId: string | null;
  author: Message['author'];
  content: string;
  status: MessageStatus;
  source: MessageSource;
  model?: string | null;
  /** An agent reply: the id of the message it answers. */
  replyTo?: string | null;
}

export interface MessagePatch {
  content?: string;
  status?: MessageStatus;
  finishReason?: string | null;
  usage?: Usage | null;
  model?: string | null;
}

export interface MessagePage {
  messages: Message[];
  hasMore: boolean;
  lastSeq: number;
}

/** An agent reply whose row says `streaming`, on whichever instance runs it. */
export interface StreamingReply {
  id: string;
  /** The author of the message it answers, when a person: in a post, only they may stop it. */
  askedBy: ReplyAsker | undefined;
}

export interface Store {
  getConversation(conversationId: string): Promise<ConversationRecord | null>;
  /** Drops a cached conversation record (it was deleted). Other instances' copies expire within seconds. */
  forgetConversation(conversationId: string): void;
  /**
   * Stores a message with the next gap-free seq of its conversation (atomic even with
   * several instances on one PostgreSQL). Idempotent on (conversationId, clientMessageId):
   * a second call returns the first stored message with `duplicate: true`.
   */
  appendMessage(input: NewMessage): Promise<{ message: Message; duplicate: boolean }>;
  updateMessage(messageId: string, patch: MessagePatch): Promise<Message>;
  /** The message stored under this client_message_id in the conversation, if any (a resend is re-acked, never refused). */
  findByClientMessageId(conversationId: string, clientMessageId: string): Promise<Message | null>;
  /**
   * Oldest first. `afterSeq` pages forward, `beforeSeq` pages backward (default: the newest page).
   * `maxBytes` (forward pages only) also ends the page before the messages' text passes that many
   * UTF-8 bytes, though a page always holds at least one message; `hasMore` stays exact.
   */
  listMessages(conversationId: string, page: { afterSeq?: number; beforeSeq?: number; limit: number; maxBytes?: number }): Promise<MessagePage>;
  /**
   * The newest `limit` messages, oldest first: the agent's context. `upToSeq`: the newest `limit`
   * up to that seq instead, plus the agent replies stored after it (up to `limit`): a reply to an
   * earlier message gets its seq when its turn starts, after messages queued behind it, and still
   * belongs before them in the dialogue.
   */
  recentMessages(conversationId: string, limit: number, upToSeq?: number): Promise<Message[]>;
  /**
   * Replies left `streaming` by a process that is gone (not touched for `olderThanMs`) become
   * `interrupted`. Returns them as they are now, so readers can be told.
   */
  interruptStaleStreams(olderThanMs: number): Promise<Message[]>;
  /**
   * The conversation's replies whose rows say `streaming`: what any instance may be running. (A row
   * of a crashed instance says so too until `interruptStaleStreams` takes it.)
   */
  streamingReplies(conversationId: string): Promise<StreamingReply[]>;
  /** Marks replies streaming here as alive (their rows' updated_at), so no sweep takes them for abandoned. */
  keepStreamsAlive(messageIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export interface Auth {
  /** Verifies a WebSocket ticket (signature, expiry, session still alive). Null when invalid. */
  verifyTicket(ticket: string): Promise<Principal | null>;
  /** Resolves an opaque session token (Authorization: Bearer). Null when unknown or expired. */
  resolveSession(sessionToken: string): Promise<Principal | null>;
  /** Whether a session is still valid now (signed out or expired sessions are not). */
  isSessionActive(sessionId: string): Promise<boolean>;
}

/** Access rules, in one place, used by REST and WebSocket alike. */
export interface Access {
  canRead(conversation: ConversationRecord, principal: Principal | null): boolean;
  canWrite(conversation: ConversationRecord, principal: Principal | null): boolean;
}

export interface Realtime {
  /** Sends a frame to every connection on a conversation, on every instance. */
  publish(conversationId: string, frame: ServerFrame): void;
  /**
   * The conversation is gone (a deleted thread): every connection to it, on every instance, is told
   * NOT_FOUND with `message` and closed with 4404.
   */
  endConversation(conversationId: string, message: string): void;
  /** Starts the agent's reply to a stored user message (used by the WS layer; REST voice turns do not trigger it). */
  startAgentReply(conversation: ConversationRecord, userMessage: Message): void;
  /** Stop accepting, finish or interrupt replies in flight, close sockets with GOING_AWAY. */
  shutdown(): Promise<void>;
}
