import { inDialogueOrder, type Message } from '@confab/protocol';

/** Replies the model must not see as something it said: still going, failed, or cut off. */
const UNFINISHED = new Set<Message['status']>(['streaming', 'error', 'interrupted']);

/**
 * What the agent sees when it answers `answering`, from the conversation's newest messages (`recent`),
 * in the order of the dialogue (`inDialogueOrder`): each reply right after the message it answers, and
 * the conversation ends with `answering`.
 *
 * Seq is not that order: a reply's row gets its seq when its turn starts, after the messages queued
 * behind it (Q1, Q2, Q3, answer-1 …), and sorting by it showed the model answer-2 after Q3, as if it
 * answered Q3, in a request ending with an assistant turn. Replies recording the message they answer
 * (`reply_to`) follow it; everything else (people's messages, voice turns, replies stored before
 * `reply_to` existed) keeps its seq order.
 *
 * Nothing after `answering` is shown, neither later messages nor answers to it: this reply answers
 * that message as the conversation stood when it was sent. A message queued behind it gets its own
 * reply, which will see this one; shown it now, the model would answer it here too (the group note
 * says "answer the latest message"), twice in all. In a post, what others wrote later is context for
 * the replies that come after it, not for this one.
 *
 * Left out as well: unfinished replies (still streaming, failed, cut off), the reply being replaced
 * (`replacing`: a retry must not be shown its own broken or stopped attempt as something it said),
 * a reply superseded by a later answer to the same message (an earlier retried attempt), and replies
 * whose message is older than `recent` (an answer to nothing the model can see; some chat templates
 * also want the dialogue to start with a person's turn). A stopped reply nobody replaced is
 * something the agent said, and stays.
 */
export function replyContext(recent: readonly Message[], answering: Message, replacing: string | undefined): Message[] {
  const said = recent.filter((m) => !(m.author.kind === 'agent' && UNFINISHED.has(m.status)) && m.id !== replacing && m.id !== answering.id);
  const dialogue = inDialogueOrder([...said, answering]);
  return dialogue.slice(0, dialogue.indexOf(answering) + 1);
}
