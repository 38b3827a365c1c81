/** Limits shared by client and server so both sides enforce the same numbers. */
/** Characters in a message people send, counted by `messageLength`. */
export const MAX_MESSAGE_CHARS = 10_000;

/**
 * A message's length as MAX_MESSAGE_CHARS counts it: in characters (Unicode code points), so an
 * emoji is one, as people count, and as the server's schema (zod's maxLength) counts; not in
 * UTF-16 units (`text.length`), which count it as two. Every check and every counter uses this.
 */
export function messageLength(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    length++;
  }
  return length;
}
/** Messages one identity may send in MESSAGE_RATE_WINDOW_S seconds, across all its connections. */
export const MESSAGE_RATE_LIMIT = 10;
export const MESSAGE_RATE_WINDOW_S = 60;
/** A typing "start" is relayed at most once per this many ms per identity. */
export const TYPING_MIN_INTERVAL_MS = 1_000;
/** Receivers (and the server) treat a typing indicator as stopped after this long without a refresh. */
export const TYPING_AUTO_STOP_MS = 5_000;
/** A `presence` frame names at most this many signed-in people; `people_count` counts them all. */
export const PRESENCE_NAMES_MAX = 20;
/** Largest WebSocket frame the server accepts (bytes). A 10,000-char message of 4-byte chars plus envelope fits. */
export const MAX_FRAME_BYTES = 64 * 1024;
/**
 * Frames over MAX_FRAME_BYTES up to this size are still received, to answer them with a typed
 * error (MESSAGE_TOO_LONG for a message, naming its client_message_id, found without parsing the
 * frame); a larger one closes the socket with 1009 unread. Small enough that many sockets sending
 * such frames at once cost little memory.
 */
export const MAX_READ_FRAME_BYTES = 256 * 1024;
/** Outbox capacity per conversation in the browser (FIFO; full means the UI refuses with a message). */
export const OUTBOX_CAPACITY = 100;
/** The largest seq or count: the database stores them as 32-bit integers. */
export const MAX_SEQ = 2_147_483_647;
/** Page size for message history. */
export const HISTORY_PAGE_SIZE = 50;
export const HISTORY_MAX_PAGE_SIZE = 200;
/**
 * A `sync` page holds at most HISTORY_MAX_PAGE_SIZE messages and at most this many bytes of message
 * text (UTF-8), or the one message that is longer; `has_more` says another page follows. Pages can
 * be smaller when many sockets from one address sync at once. The server writes the next page only
 * once the previous one has left it, so a client that stops reading holds one page there, not the
 * whole history.
 */
export const SYNC_PAGE_MAX_BYTES = 256 * 1024;
/**
 * A history page (`GET /v1/conversations/:id/messages`) holds at most this many bytes of message
 * text, or the one message that is longer, as a sync page does: `has_more` says more follow, so a
 * page of large messages has fewer of them. Without it a page of 200 messages of 40 kB was 8 MB.
 */
export const HISTORY_PAGE_MAX_BYTES = SYNC_PAGE_MAX_BYTES;
/** WebSocket tickets are single-purpose and short-lived: they only open a socket. */
export const WS_TICKET_TTL_S = 60;

/**
 * `finish_reason`s of a reply cut off before it ended by itself: at its length (OpenAI's name for
 * a max_tokens cut, which the chat service's own length limit uses too) or its time (the chat
 * service's limit). The UI says so under the reply.
 */
export const FINISH_REASON_TOO_LONG = 'length';
export const FINISH_REASON_TOO_SLOW = 'time_limit';
