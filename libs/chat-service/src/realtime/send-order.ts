import { OUTBOX_CAPACITY, type ErrorData } from '@confab/protocol';

/**
 * Keeps one connection's messages in the order they were sent when the server turns one away for
 * a while. A client writes its outbox without waiting for each ack, so a message refused for a
 * reason the client retries (a rate limit, a failure of the server's) used to be overtaken by the
 * next one: refused at the end of a budget window, it was followed by one that arrived just after
 * the window reset and was stored, and the client's resend came after that. Readers, and the agent,
 * then had the person's messages out of order.
 *
 * So once a message is refused that way, every later new message on the connection is refused the
 * same way (each by its own error, naming it) until the first refused one is sent again: the
 * client's resend, oldest first, then stores them in order. The refused messages wait in the order
 * they arrived; each one stored (or refused for good) gives the next its turn. Pure state (the
 * caller passes the time), touched only from the connection's frame queue.
 */

/** A refusal the client answers by keeping the message and sending it again. */
export interface RetryableRefusal {
  code: 'RATE_LIMIT' | 'INTERNAL_ERROR';
  /** When the refused message may be sent again (ms since the epoch): now for a server failure. */
  retryAt: number;
}

/**
 * How long past its `retryAt` the refused message is waited for. The browser sends it again at once
 * after a rate limit's wait, and after a server failure within 8 s (its longest backoff, 1-2-4-8 s);
 * one that gave the message up (failed 5 times, or discarded) must not keep the next ones out for
 * long, since those would then be given up too.
 */
export const SEND_ORDER_GRACE_MS = 10_000;
/** The most refused messages remembered (a browser holds at most this many unsent). Later ones are refused all the same. */
const MAX_WAITING = OUTBOX_CAPACITY;

export class SendOrder {
  /** client_message_ids refused and not stored since, in the order they arrived. */
  private waiting: string[] = [];
  /** Why the first of them was refused: the later ones are refused in its words. */
  private refusal: RetryableRefusal | null = null;
  private expiresAt = 0;

  /**
   * Null when it is `clientMessageId`'s turn to be stored: nothing waits, or it is the first of those
   * that wait. Otherwise it waits behind an earlier refused message, remembered in its place, and
   * this is the refusal to send it.
   */
  turnOf(clientMessageId: string, now: number): ErrorData | null {
    if (now >= this.expiresAt) this.forgetAll();
    const first = this.waiting[0];
    if (first === undefined || first === clientMessageId || this.refusal === null) return null;
    this.waitsInLine(clientMessageId);
    return waitingRefusal(this.refusal, clientMessageId, now);
  }

  /**
   * `clientMessageId`, whose turn it was, was refused in a way the client retries; or it was
   * dropped on arrival (the frame rate limit), before the frames behind it.
   */
  refused(clientMessageId: string, refusal: RetryableRefusal, now: number): void {
    if (now >= this.expiresAt) this.forgetAll();
    const first = this.waiting[0];
    if (first !== undefined && first !== clientMessageId) return this.waitsInLine(clientMessageId);
    // It comes first: what it was refused for now is what the others wait for.
    this.waiting = [clientMessageId, ...this.waiting.slice(1)];
    this.refusal = refusal;
    this.expiresAt = refusal.retryAt + SEND_ORDER_GRACE_MS;
  }

  /** `clientMessageId` is stored (or refused for good): it waits no more, and the next one gets its turn. */
  settled(clientMessageId: string, now: number): void {
    const wasFirst = this.waiting[0] === clientMessageId;
    this.waiting = this.waiting.filter((id) => id !== clientMessageId);
    if (this.waiting.length === 0) return this.forgetAll();
    // The client sends the next ones right behind it.
    if (wasFirst && this.refusal) this.expiresAt = Math.max(this.refusal.retryAt, now) + SEND_ORDER_GRACE_MS;
  }

  private waitsInLine(clientMessageId: string): void {
    if (this.waiting.length < MAX_WAITING && !this.waiting.includes(clientMessageId)) this.waiting.push(clientMessageId);
  }

  private forgetAll(): void {
    this.waiting = [];
    this.refusal = null;
    this.expiresAt = 0;
  }
}

/** The refusal of a message that waits for an earlier one: the same kind, with the wait left. */
function waitingRefusal(refusal: RetryableRefusal, clientMessageId: string, now: number): ErrorData {
  if (refusal.code === 'RATE_LIMIT') {
    const retryAfterS = Math.max(1, Math.ceil((refusal.retryAt - now) / 1000));
    return { code: 'RATE_LIMIT', message: rateLimitWords(retryAfterS), retry_after_s: retryAfterS, client_message_id: clientMessageId };
  }
  return { code: 'INTERNAL_ERROR', message: WAITS_FOR_EARLIER, client_message_id: clientMessageId };
}

const WAITS_FOR_EARLIER = 'Not stored yet: it waits for an earlier message of yours that the server could not store.';

export function rateLimitWords(retryAfterS: number): string {
  return `You're sending messages too fast. Try again in ${retryAfterS} s.`;
}
