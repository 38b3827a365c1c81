import * as z from 'zod/mini';
import { ErrorCode } from './errors';
import { PRESENCE_NAMES_MAX } from './limits';
import { Count, FinalStatus, Id, Identity, Message, MessageContent, ReplyAsker, Seq, Usage } from './models';

/**
 * WebSocket protocol. Every frame is a JSON envelope `{ event, data }`.
 * Endpoint: `/ws/v1/conversation/<conversationId>/?token=<ticket>&app_type=<appType>`
 * (signed-in) or `?session_user=<ticket>&app_type=<appType>` (visitor). Tickets come
 * from the Next.js route `/api/ws-ticket` and live WS_TICKET_TTL_S seconds.
 * The plain text frame `ping` is answered with the plain text `pong`
 * (react-use-websocket's heartbeat).
 */

export const ClientMessageId = z.string().check(z.minLength(8), z.maxLength(64), z.regex(/^[A-Za-z0-9_-]+$/, 'client_message_id must be URL-safe'));

// ---------- client -> server ----------

/** Send a user message and (in threads, or when the agent is @mentioned in a post) get the agent's next turn. */
export const NextAction = z.object({
  action: z.literal('next'),
  execution_type: z.literal('chat'),
  message: MessageContent.check(z.refine((s) => s.trim().length > 0, 'A message cannot be empty.')),
  client_message_id: ClientMessageId,
});
export type NextAction = z.infer<typeof NextAction>;

/**
 * Stop the agent reply being streamed (the newest one when message_id is omitted). Always answered:
 * by the reply's `done` (`stopped`, or how it ended first) or, when no reply of this conversation
 * is streaming anywhere, by an `error` NOTHING_TO_STOP to the sender alone (with the `message_id` it named).
 */
export const StopAction = z.object({
  action: z.literal('stop'),
  message_id: z.optional(Id),
});
export type StopAction = z.infer<typeof StopAction>;

/**
 * In a thread, answer again, as a new reply, where the newest reply failed, was cut off or was
 * stopped (`error`, `interrupted`, `stopped`); once per reply. (In a post: FORBIDDEN, ask again
 * with a mention.) `message_id` may also name a question the server said is `unanswered` (its
 * reply never started), in a thread or, for a mention, in a post.
 */
export const RetryReplyAction = z.object({
  action: z.literal('retry_reply'),
  message_id: Id,
});
export type RetryReplyAction = z.infer<typeof RetryReplyAction>;

export const ClientFrame = z.discriminatedUnion('event', [
  z.object({ event: z.literal('action'), data: z.discriminatedUnion('action', [NextAction, StopAction, RetryReplyAction]) }),
  z.object({ event: z.literal('typing'), data: z.object({ state: z.enum(['start', 'stop']) }) }),
  /** Ask for every message after `after_seq` (on connect, and whenever the client sees a gap). */
  z.object({ event: z.literal('sync'), data: z.object({ after_seq: Count }) }),
  z.object({ event: z.literal('ping'), data: z.optional(z.object({})) }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

// ---------- server -> client ----------

export const ConnectedData = z.object({
  connection_id: z.string(),
  conversation_id: Id,
  identity: z.nullable(Identity),
  /** Highest seq stored in the conversation at connect time. */
  last_seq: Count,
  /** Whether this identity may post here (false for anonymous readers of a post's shared conversation). */
  can_write: z.boolean(),
  server_time: z.iso.datetime(),
});

/** The message was stored; `duplicate` is true when this client_message_id had been stored before. */
export const AckData = z.object({
  client_message_id: ClientMessageId,
  message_id: Id,
  seq: Seq,
  duplicate: z.boolean(),
});

/**
 * Part of a reply being generated. The first `stream` frame a connection gets for a reply carries
 * `content`, everything generated so far (a late joiner renders from it alone); later ones carry
 * only `delta`, the text that follows the first `offset` characters (UTF-16 code units, as in
 * JavaScript). Sending the whole text in every frame cost each viewer ~30x the reply's size
 * (3.6 MB for a 2,000-token reply), with thousands of viewers in a post. Only sockets opened with
 * `DELTA_STREAMS_QUERY` get delta-only frames: a page loaded before that existed (whose schema
 * requires `content`) keeps getting the whole text in every frame.
 */

export const StreamData = z.object({
  message_id: Id,
  conversation_id: Id,
  seq: Seq,
  delta: z.string(),
  /** Optional only for frames from instances older than it (they always carry `content`). */
  offset: z.optional(Count),
  content: z.optional(z.string()),
  /** Sent with `content` (a socket's first frame of a reply, snapshots), not with each delta. */
  asked_by: z.optional(ReplyAsker),
});

export const DoneData = z.object({
  message_id: Id,
  conversation_id: Id,
  seq: Seq,
  /** How the reply ended. */
  status: FinalStatus,
  content: z.string(),
  finish_reason: z.nullable(z.string()),
  usage: z.nullable(Usage),
  model: z.nullable(z.string()),
});

export const TypingData = z.object({
  conversation_id: Id,
  who: Identity,
  state: z.enum(['start', 'stop']),
});

/**
 * Who has a post's shared conversation open, across every instance of the service: sent to a
 * socket when it joins, and to everyone when it changes (at most about once a second).
 */
export const PresenceData = z.object({
  conversation_id: Id,
  /** Orders presence frames: keep the highest seen (frames published by several instances may cross). */
  version: Count,
  /** Signed-in people with it open, each once however many tabs they have, by name; at most PRESENCE_NAMES_MAX. */
  people: z.array(Identity).check(z.maxLength(PRESENCE_NAMES_MAX)),
  /** Every signed-in person with it open (`people` may name fewer). */
  people_count: Count,
  /** Readers without an account: visitors, and sockets with no session. */
  guests: Count,
});

export const SyncData = z.object({
  conversation_id: Id,
  messages: z.array(Message),
  /** True when more messages follow in another `sync` frame. */
  has_more: z.boolean(),
  last_seq: Count,
});

export const ErrorData = z.object({
  code: ErrorCode,
  message: z.string(),
  retry_after_s: z.optional(Count),
  /** Set when the error concerns one sent message, so the client can mark that message failed. */
  client_message_id: z.optional(z.string()),
  /** Set when the error concerns one agent reply: the one a `stop` named (NOTHING_TO_STOP). */
  message_id: z.optional(Id),
});

/**
 * The message `message_id` asked the agent, and no reply to it started or is on its way: the
 * database refused the reply's row for longer than the service tries, or the instance stopped
 * while the reply waited its turn. Sent to everyone when the service gives up, and to the asker
 * after a `sync` while it is still the conversation's newest message. Its asker may have it
 * answered with `retry_reply` naming it.
 */
export const UnansweredData = z.object({ message_id: Id });

export const ServerFrame = z.discriminatedUnion('event', [
  z.object({ event: z.literal('connected'), data: ConnectedData }),
  z.object({ event: z.literal('ack'), data: AckData }),
  /** A stored message, sent to every participant (the sender too). Also re-sent when a message changes state. */
  z.object({ event: z.literal('message'), data: z.object({ message: Message }) }),
  z.object({ event: z.literal('stream'), data: StreamData }),
  z.object({ event: z.literal('done'), data: DoneData }),
  z.object({ event: z.literal('typing'), data: TypingData }),
  z.object({ event: z.literal('presence'), data: PresenceData }),
  z.object({ event: z.literal('sync'), data: SyncData }),
  z.object({ event: z.literal('error'), data: ErrorData }),
  z.object({ event: z.literal('unanswered'), data: UnansweredData }),
  z.object({ event: z.literal('pong'), data: z.optional(z.object({})) }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
export type ServerEvent = ServerFrame['event'];
export type ServerFrameOf<E extends ServerEvent> = Extract<ServerFrame, { event: E }>;
export type ConnectedData = z.infer<typeof ConnectedData>;
export type AckData = z.infer<typeof AckData>;
export type StreamData = z.infer<typeof StreamData>;
export type DoneData = z.infer<typeof DoneData>;
export type TypingData = z.infer<typeof TypingData>;
export type PresenceData = z.infer<typeof PresenceData>;
export type SyncData = z.infer<typeof SyncData>;
export type ErrorData = z.infer<typeof ErrorData>;
export type UnansweredData = z.infer<typeof UnansweredData>;

export type ParseResult<T> = { ok: true; frame: T } | { ok: false; message: string };

function parseJsonFrame<T>(schema: z.ZodMiniType<T>, raw: string): ParseResult<T> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, message: 'Frame is not valid JSON.' };
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    return { ok: false, message: `${issue?.message ?? 'Invalid frame'}${where}.` };
  }
  return { ok: true, frame: result.data };
}

export const parseClientFrame = (raw: string): ParseResult<ClientFrame> => parseJsonFrame(ClientFrame, raw);
export const parseServerFrame = (raw: string): ParseResult<ServerFrame> => parseJsonFrame(ServerFrame, raw);
