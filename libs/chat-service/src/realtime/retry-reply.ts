import type { ErrorCode, Identity, Message } from '@confab/protocol';

/** Statuses of a reply that may be answered again: it failed, a restart cut it off, or its asker stopped it (regenerate). */
const RETRYABLE = new Set<Message['status']>(['error', 'interrupted', 'stopped']);

export type RetryDecision = { ok: true; answering: Message } | { ok: false; code: ErrorCode; message: string };

/**
 * Whether `requester` may have the reply `messageId` answered again, decided from the
 * conversation's newest messages (oldest first): it must be an agent reply that failed, was cut
 * off or was stopped, with no reply after it (answering twice would leave two answers), and the
 * newest message a person wrote must be the requester's (in a post, someone else's question is not
 * theirs to re-ask). `answering` is that newest message: messages sent while the reply streamed
 * were queued behind it, and a restart that cut it off dropped them, so the new reply answers the
 * conversation up to the last of them rather than the first question again.
 */
export function decideRetry(recent: readonly Message[], messageId: string, requester: Identity): RetryDecision {
  const index = recent.findIndex((m) => m.id === messageId);
  const reply = recent[index];
  if (!reply || reply.author.kind !== 'agent') {
    return { ok: false, code: 'NOT_FOUND', message: 'That reply is not among the latest of this conversation.' };
  }
  if (!RETRYABLE.has(reply.status)) {
    return { ok: false, code: 'CONFLICT', message: 'Only a reply that failed or was cut off can be tried again.' };
  }
  if (recent.slice(index + 1).some((m) => m.author.kind === 'agent')) {
    return { ok: false, code: 'CONFLICT', message: 'A newer reply came after this one.' };
  }
  const answering = recent.findLast((m) => m.author.kind === 'user' || m.author.kind === 'visitor');
  if (!answering) return { ok: false, code: 'CONFLICT', message: 'This reply answers nothing that can be asked again.' };
  if (answering.author.kind !== requester.kind || answering.author.id !== requester.id) {
    return { ok: false, code: 'FORBIDDEN', message: 'Only the person who asked can try this reply again.' };
  }
  return { ok: true, answering };
}
