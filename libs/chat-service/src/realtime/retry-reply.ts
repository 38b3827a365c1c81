import type { ErrorCode, Identity, Message } from '@confab/protocol';
import type { ConversationRecord } from '../contracts';
import { shouldAgentReply } from './frames';

/** Statuses of a reply that may be answered again: it failed, a restart cut it off, or its asker stopped it (regenerate). */
const RETRYABLE = new Set<Message['status']>(['error', 'interrupted', 'stopped']);

export type RetryDecision = { ok: true; answering: Message } | { ok: false; code: ErrorCode; message: string };

/**
 * Whether `message` asked the agent for a reply: a person's typed message, any in a thread, one
 * mentioning the agent in a post (voice turns are the voice agent's to answer).
 */
export function asksAgent(conversation: Pick<ConversationRecord, 'kind' | 'persona'>, message: Message): boolean {
  const { kind } = message.author;
  return (kind === 'user' || kind === 'visitor') && message.source === 'text' && shouldAgentReply(conversation.kind, message.content, conversation.persona.handle);
}

/**
 * Whether `requester` may have `messageId` answered again, decided from the conversation's newest
 * messages (oldest first). It must be an agent reply that failed, was cut off or was stopped, or a
 * question (`asks`) whose reply never started, with no reply after it (answering twice would leave
 * two answers), and the newest message a person wrote must be the requester's (in a post, someone
 * else's question is not theirs to re-ask). `answering` is that newest message: messages sent while
 * the reply streamed were queued behind it, and a restart that cut it off dropped them, so the new
 * reply answers the conversation up to the last of them rather than the first question again.
 */
export function decideRetry(recent: readonly Message[], messageId: string, requester: Identity, asks: (message: Message) => boolean = () => false): RetryDecision {
  const index = recent.findIndex((m) => m.id === messageId);
  const target = recent[index];
  if (!target || (target.author.kind !== 'agent' && !asks(target))) {
    return { ok: false, code: 'NOT_FOUND', message: 'That reply is not among the latest of this conversation.' };
  }
  if (target.author.kind === 'agent' && !RETRYABLE.has(target.status)) {
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

/**
 * What a retry claims, so an answer is asked for once: the question it answers and the newest reply
 * before it, whichever message the retry named (the failed reply, or the question after it the
 * server said went unanswered). Two retries naming either, from two tabs or instances, race for one
 * claim; a new reply that fails again makes a new key, so it can be asked for again.
 */
export function retryClaimKey(recent: readonly Message[], answering: Message): string {
  return `${answering.id}:${recent.findLast((m) => m.author.kind === 'agent')?.id ?? 'none'}`;
}
