import * as z from 'zod/mini';
import { AgentPersona, Count, Id, Identity, Message, MessageContent, Post, Thread, User } from './models';
import { HISTORY_MAX_PAGE_SIZE, MAX_SEQ } from './limits';

/**
 * The chat service's REST API (base: CHAT_SERVICE_URL, e.g. http://127.0.0.1:4000).
 * Sessions are opaque bearer tokens (`Authorization: Bearer <session_token>`); the
 * Next.js app keeps them in httpOnly cookies and never hands them to page JavaScript.
 * Errors: non-2xx with an `ApiError` body.
 */

/**
 * The web server calls sign-up, sign-in and visitor creation on people's behalf, so to the chat
 * service every such call comes from one address. It names the person's address in
 * `CLIENT_ADDRESS_HEADER`, which counts only next to the internal token in `INTERNAL_TOKEN_HEADER`
 * (anyone else could write any address there): per-address limits then apply per person, and one
 * person's failed sign-ins cannot lock everyone else out of an account.
 */
export const CLIENT_ADDRESS_HEADER = 'x-confab-client-address';
export const INTERNAL_TOKEN_HEADER = 'x-confab-internal-token';
/** An IPv4 or IPv6 address as a proxy writes it (no port, no brackets). */
export const ClientAddress = z.string().check(z.minLength(2), z.maxLength(64), z.regex(/^[0-9A-Fa-f:.]+$/));

export const Email = z.pipe(
  z.email().check(z.maxLength(254)),
  z.transform((s: string) => s.toLowerCase()),
);
export const Password = z.string().check(z.minLength(8, 'Password must be at least 8 characters.'), z.maxLength(200));

/**
 * What a name or a title cannot hold: control characters (NUL cannot even be stored, and a newline
 * or a tab has no place in one line), the invisible direction overrides and isolates that make a
 * name read as something else, and lone UTF-16 surrogates, which UTF-8 cannot store.
 */
const NOT_IN_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** One line of text people choose (a display name, a thread title), trimmed. */
function oneLine(maxLength: number, what: string) {
  return z.string().check(
    z.trim(),
    z.minLength(1, `${what} cannot be empty.`),
    z.maxLength(maxLength, `${what} can be at most ${maxLength} characters.`),
    z.refine((text) => !NOT_IN_ONE_LINE.test(text), `${what} cannot contain control characters.`),
  );
}

export const DisplayName = oneLine(60, 'A display name');
/** A post's address (`/posts/<slug>`): lower-case letters, digits and dashes. */
export const PostSlug = z.string().check(z.regex(/^[a-z0-9-]{1,100}$/));

// POST /v1/auth/signup
export const SignUpBody = z.object({
  email: Email,
  password: Password,
  display_name: DisplayName,
  /** A visitor session being upgraded: its threads become the new account's. */
  visitor_session_token: z.optional(z.string()),
});
export type SignUpBody = z.infer<typeof SignUpBody>;

// POST /v1/auth/signin
export const SignInBody = z.object({
  email: Email,
  password: z.string().check(z.minLength(1), z.maxLength(200)),
  visitor_session_token: z.optional(z.string()),
});
export type SignInBody = z.infer<typeof SignInBody>;

/** Answer of sign up, sign in and visitor creation. */
export const SessionResponse = z.object({
  session_token: z.string(),
  expires_at: z.iso.datetime(),
  identity: Identity,
  /** How many visitor threads were moved into the account (sign up / sign in only). */
  merged_threads: z.optional(Count),
});
export type SessionResponse = z.infer<typeof SessionResponse>;

// POST /v1/auth/signout -> 204
// GET /v1/auth/me
export const MeResponse = z.object({ identity: Identity, user: z.nullable(User) });
export type MeResponse = z.infer<typeof MeResponse>;

// POST /v1/visitors -> SessionResponse (identity.kind === 'visitor')

// POST /v1/tickets (Bearer session) -> a short-lived ticket that opens one WebSocket.
export const TicketResponse = z.object({
  ticket: z.string(),
  expires_at: z.iso.datetime(),
  identity: Identity,
});
export type TicketResponse = z.infer<typeof TicketResponse>;

// GET /v1/posts
export const PostsResponse = z.object({ posts: z.array(Post) });
export type PostsResponse = z.infer<typeof PostsResponse>;
// GET /v1/posts/:slug
export const PostResponse = z.object({ post: Post });
export type PostResponse = z.infer<typeof PostResponse>;

// GET /v1/threads (Bearer) — the caller's threads, newest first
export const ThreadsResponse = z.object({ threads: z.array(Thread) });
export type ThreadsResponse = z.infer<typeof ThreadsResponse>;
// POST /v1/posts/:slug/threads (Bearer) -> 201
export const CreateThreadBody = z.object({ title: z.optional(oneLine(120, 'A title')) });
export type CreateThreadBody = z.infer<typeof CreateThreadBody>;
// DELETE /v1/threads/:id (Bearer, owner only) -> 204; 404 for everyone else. The thread and its
// messages are gone; its open sockets get NOT_FOUND ("This thread was deleted.") and close 4404.
// GET /v1/threads/:id (Bearer, owner only; 404 for everyone else so ids are not probed)
export const ThreadResponse = z.object({ thread: Thread });
export type ThreadResponse = z.infer<typeof ThreadResponse>;

// GET /v1/conversations/:id/messages?before_seq=&after_seq=&limit=
// Post conversations: anyone. Threads: owner only.
export const HistoryQuery = z
  .object({
    before_seq: z.optional(z.coerce.number().check(z.int(), z.positive(), z.maximum(MAX_SEQ))),
    after_seq: z.optional(z.coerce.number().check(z.int(), z.nonnegative(), z.maximum(MAX_SEQ))),
    limit: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(HISTORY_MAX_PAGE_SIZE))),
  })
  .check(z.refine((q) => q.before_seq === undefined || q.after_seq === undefined, 'Use before_seq or after_seq, not both.'));
export type HistoryQuery = z.infer<typeof HistoryQuery>;
export const HistoryResponse = z.object({
  messages: z.array(Message),
  /** Whether older (before_seq / default) or newer (after_seq) messages remain. */
  has_more: z.boolean(),
  last_seq: Count,
});
export type HistoryResponse = z.infer<typeof HistoryResponse>;

// ---------- internal API for the voice agent (Authorization: Bearer CHAT_SERVICE_INTERNAL_TOKEN) ----------

// GET /v1/internal/threads/:id/context
export const ThreadContextResponse = z.object({
  thread: Thread,
  persona: AgentPersona,
  /** The most recent messages, oldest first, for the agent's chat context. */
  history: z.array(Message),
});
export type ThreadContextResponse = z.infer<typeof ThreadContextResponse>;

// POST /v1/internal/threads/:id/messages -> 201 { message } ; broadcast live like any message
export const InternalMessageBody = z.object({
  role: z.enum(['user', 'agent']),
  content: MessageContent.check(z.minLength(1)),
  source: z.literal('voice'),
  /** Idempotency key (e.g. the transcription segment id): the same key is stored once. */
  client_message_id: z.string().check(z.minLength(1), z.maxLength(128)),
});
export type InternalMessageBody = z.infer<typeof InternalMessageBody>;
export const MessageResponse = z.object({ message: Message });
export type MessageResponse = z.infer<typeof MessageResponse>;

// POST /v1/internal/threads/:id/voice-session { state: 'started' | 'ended', room_name } -> 204
export const VoiceSessionBody = z.object({
  state: z.enum(['started', 'ended']),
  room_name: z.string().check(z.minLength(1), z.maxLength(200)),
});
export type VoiceSessionBody = z.infer<typeof VoiceSessionBody>;

// ---------- the Next.js app's own routes (browser -> Next.js) ----------

/** `GET /api/ws-ticket`: a ticket for one socket, and where to open it. */
export const WsTicketResponse = z.object({
  /** Short-lived JWT that opens one socket (WS_TICKET_TTL_S). */
  ticket: z.string().check(z.minLength(1)),
  /** Query parameter the chat service expects it in: `token` for users, `session_user` for visitors. */
  param: z.enum(['token', 'session_user']),
  /** Base of the chat service's WebSocket API, e.g. `ws://localhost:4000/ws/v1/`. */
  ws_base: z.string().check(z.regex(/^wss?:\/\/[^\s]+$/, 'ws_base must be a ws:// or wss:// URL')),
});
export type WsTicketResponse = z.infer<typeof WsTicketResponse>;

/** Voice room token answer, shaped for livekit-client's `TokenSource.endpoint`. */
export const RoomTokenResponse = z.object({
  serverUrl: z.string(),
  roomName: z.string(),
  participantName: z.string(),
  participantToken: z.string(),
});
export type RoomTokenResponse = z.infer<typeof RoomTokenResponse>;

export { Id };
