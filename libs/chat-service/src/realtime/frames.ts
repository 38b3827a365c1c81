import { isUtf8 } from 'node:buffer';
import type { RawData } from 'ws';
import {
  ClientMessageId,
  DELTA_STREAMS_QUERY,
  HEARTBEAT_PING,
  Id,
  MAX_MESSAGE_CHARS,
  messageLength,
  parseClientFrame,
  type ClientFrame,
  type ConversationKind,
  type ErrorCode,
  type ServerFrame,
} from '@confab/protocol';

/**
 * Pure decisions of the realtime layer (no sockets, no timers), so they are unit-tested
 * directly: which URLs are conversation sockets, which origins may connect, what an incoming
 * frame means, when the agent answers, what to do with a slow consumer.
 */

const SOCKET_PREFIX = '/ws/v1/conversation/';

export type SocketTarget =
  | { kind: 'conversation'; conversationId: string }
  /** Under the conversation prefix but not a conversation id: answered with NOT_FOUND like an unknown id. */
  | { kind: 'invalid-conversation' }
  | { kind: 'not-a-socket' };

export interface UpgradeParams {
  target: SocketTarget;
  /** The ticket and the parameter it came in (`token` for users, `session_user` for visitors). */
  ticket: { value: string; param: 'token' | 'session_user' } | null;
  /** Which app and product the socket comes from (seed guide: `app_type`, `product_id`); logged only. */
  appType: string | null;
  productId: string | null;
  /** The client applies delta-only `stream` frames (`DELTA_STREAMS_QUERY`). */
  deltaStreams: boolean;
}

export function parseUpgradeUrl(rawUrl: string): UpgradeParams {
  const url = new URL(rawUrl, 'http://localhost');
  const token = url.searchParams.get('token');
  const sessionUser = url.searchParams.get('session_user');
  const ticket = token ? { value: token, param: 'token' as const } : sessionUser ? { value: sessionUser, param: 'session_user' as const } : null;
  return {
    target: socketTarget(url.pathname),
    ticket,
    appType: url.searchParams.get('app_type'),
    productId: url.searchParams.get('product_id'),
    deltaStreams: url.searchParams.get(DELTA_STREAMS_QUERY.name) === DELTA_STREAMS_QUERY.value,
  };
}

function socketTarget(pathname: string): SocketTarget {
  if (!pathname.startsWith(SOCKET_PREFIX)) return { kind: 'not-a-socket' };
  const rest = pathname.slice(SOCKET_PREFIX.length).replace(/\/$/, '');
  const id = Id.safeParse(rest);
  return id.success ? { kind: 'conversation', conversationId: id.data.toLowerCase() } : { kind: 'invalid-conversation' };
}

/** Browsers always send Origin; other clients (tests, the voice agent, curl) may not, and are allowed. */
export function isOriginAllowed(origin: string | undefined, allowedOrigins: readonly string[]): boolean {
  if (origin === undefined || origin === '') return true;
  return allowedOrigins.includes(origin);
}

export type IncomingFrame =
  /** The plain-text heartbeat: answer with the plain text `pong`. */
  | { kind: 'heartbeat' }
  | { kind: 'frame'; frame: ClientFrame }
  | { kind: 'invalid'; code: Extract<ErrorCode, 'VALIDATION_ERROR' | 'MESSAGE_TOO_LONG'>; message: string; clientMessageId?: string };

/** Reads the client_message_id of a rejected `next` so the client can mark that message failed. */
function salvageNextAction(raw: string): { message?: unknown; clientMessageId?: string } {
  try {
    const json: unknown = JSON.parse(raw);
    if (typeof json !== 'object' || json === null || !('data' in json)) return {};
    const data = json.data;
    if (typeof data !== 'object' || data === null) return {};
    const id = 'client_message_id' in data ? ClientMessageId.safeParse(data.client_message_id) : null;
    return { message: 'message' in data ? data.message : undefined, clientMessageId: id?.success ? id.data : undefined };
  } catch {
    return {};
  }
}

/** Where a client writes `client_message_id`: after the message, so at the end of a frame. */
const TRAILING_CLIENT_MESSAGE_ID = /"client_message_id"\s*:\s*"([A-Za-z0-9_-]{8,64})"/;
const ID_SEARCH_BYTES = 512;

/**
 * The client_message_id of a frame too large to parse (over MAX_FRAME_BYTES), looked for in its
 * last bytes only: naming the message lets the client mark it failed, and reading it must cost
 * next to nothing, however many such frames arrive.
 */
export function clientMessageIdAtEnd(bytes: Buffer): string | undefined {
  return TRAILING_CLIENT_MESSAGE_ID.exec(bytes.subarray(Math.max(0, bytes.length - ID_SEARCH_BYTES)).toString('latin1'))?.[1];
}

/** The client_message_id of a frame that looks like a `next` action (to name it in an error about a dropped frame). */
export function clientMessageIdOf(raw: string): string | undefined {
  return salvageNextAction(raw).clientMessageId;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** String.prototype.toWellFormed: every lone surrogate becomes U+FFFD (the embedded database rejects them otherwise). */
export function toWellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

export type StorableText = { ok: true; text: string } | { ok: false; message: string };

/**
 * Message text as the database can store it, for every way a message comes in (WebSocket, the voice
 * agent's REST API): PostgreSQL text cannot hold NUL, so that is the client's mistake (VALIDATION_ERROR,
 * not a failed insert); JSON can carry lone UTF-16 surrogates ("\ud800") that UTF-8 cannot, so they
 * become U+FFFD.
 */
export function storableText(text: string): StorableText {
  if (text.includes('\u0000')) return { ok: false, message: 'A message cannot contain NUL characters.' };
  return { ok: true, text: toWellFormed(text) };
}

export function decodeIncoming(data: string | null, isBinary: boolean): IncomingFrame {
  if (isBinary || data === null) return { kind: 'invalid', code: 'VALIDATION_ERROR', message: 'Binary frames are not supported; send JSON text.' };
  if (data === HEARTBEAT_PING) return { kind: 'heartbeat' };
  const parsed = parseClientFrame(data);
  if (parsed.ok) {
    const frame = parsed.frame;
    if (frame.event === 'action' && frame.data.action === 'next') {
      const text = storableText(frame.data.message);
      if (!text.ok) return { kind: 'invalid', code: 'VALIDATION_ERROR', message: text.message, clientMessageId: frame.data.client_message_id };
      return { kind: 'frame', frame: { ...frame, data: { ...frame.data, message: text.text } } };
    }
    return { kind: 'frame', frame };
  }
  const salvaged = salvageNextAction(data);
  const clientMessageId = salvaged.clientMessageId ? { clientMessageId: salvaged.clientMessageId } : {};
  const length = typeof salvaged.message === 'string' ? messageLength(salvaged.message) : 0;
  if (length > MAX_MESSAGE_CHARS) {
    return {
      kind: 'invalid',
      code: 'MESSAGE_TOO_LONG',
      message: `A message can be at most ${MAX_MESSAGE_CHARS} characters (this one has ${length}).`,
      ...clientMessageId,
    };
  }
  return { kind: 'invalid', code: 'VALIDATION_ERROR', message: parsed.message, ...clientMessageId };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `@handle` anywhere, case-insensitive, as a whole word ("@ada," yes; "@adam", "me@ada" no). */
export function mentionsHandle(text: string, handle: string): boolean {
  if (!handle) return false;
  return new RegExp(`(^|[^A-Za-z0-9_.@-])@${escapeRegExp(handle)}(?![A-Za-z0-9_-])`, 'i').test(text);
}

/** Threads always get an answer; a post's shared conversation only when the agent is addressed. */
export function shouldAgentReply(kind: ConversationKind, text: string, handle: string): boolean {
  return kind === 'thread' || mentionsHandle(text, handle);
}

/** Above this many unsent bytes a connection stops getting typing frames (they are ephemeral). */
export const SLOW_CONSUMER_DROP_BYTES = 1024 * 1024;
/** A frame that would leave more than this many bytes unsent closes the connection with TRY_AGAIN_LATER; the client resyncs. */
export const SLOW_CONSUMER_CLOSE_BYTES = 8 * 1024 * 1024;

export type DeliveryDecision = 'send' | 'drop' | 'close';

/**
 * What to do with a frame of `frameBytes` for a socket with `bufferedAmount` bytes unsent. The
 * limit is on what the buffer would hold after the write: checked before it alone, one large
 * frame written onto a buffer just under the limit overshot it by its own size. A frame written
 * onto an empty buffer always goes (none is near the limit).
 */
export function deliveryDecision(bufferedAmount: number, frameBytes: number, event: ServerFrame['event']): DeliveryDecision {
  if (bufferedAmount > 0 && bufferedAmount + frameBytes > SLOW_CONSUMER_CLOSE_BYTES) return 'close';
  if (bufferedAmount > SLOW_CONSUMER_DROP_BYTES && event === 'typing') return 'drop';
  return 'send';
}

export function rawDataToBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** The text of a frame, or null when its bytes are not valid UTF-8 (answered with VALIDATION_ERROR, not a close). */
export function frameText(data: RawData): string | null {
  const bytes = rawDataToBuffer(data);
  return isUtf8(bytes) ? bytes.toString('utf8') : null;
}
