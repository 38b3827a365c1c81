import type { Message } from './models';

/** The id of the message an agent reply answers; undefined for anything else (and replies stored before `reply_to`). */
function answers(message: Message): string | undefined {
  return message.author.kind === 'agent' ? message.reply_to : undefined;
}

/**
 * `messages` in the order of the dialogue: each agent reply right after the message it answers.
 *
 * Seq is not that order: a reply's row gets its seq when its turn starts, after the messages queued
 * behind it, so by seq Q1, Q2, Q3, answer-1, answer-2 reads as answer-1 answering Q3. Here messages
 * that are not replies recording `reply_to` (people's messages, voice turns, replies stored before
 * `reply_to` existed, system notices) keep their seq order, and each is followed by its newest reply:
 * a message is answered once, so an earlier reply to it was an attempt that was retried. A reply
 * whose message is not among `messages` (older than the window read) is left out: it answers nothing
 * the reader can see.
 *
 * Pure; the order of `messages` does not matter. Callers filter first what must not count (e.g.
 * unfinished replies), so that a failed retry does not hide the answer it was meant to replace.
 */
export function inDialogueOrder(messages: readonly Message[]): Message[] {
  const newestReply = new Map<string, Message>();
  const turns: Message[] = [];
  for (const message of messages) {
    const question = answers(message);
    if (question === undefined) turns.push(message);
    else if ((newestReply.get(question)?.seq ?? -Infinity) < message.seq) newestReply.set(question, message);
  }
  turns.sort((a, b) => a.seq - b.seq);

  const dialogue: Message[] = [];
  for (const turn of turns) {
    dialogue.push(turn);
    const reply = newestReply.get(turn.id);
    if (reply) dialogue.push(reply);
  }
  return dialogue;
}
