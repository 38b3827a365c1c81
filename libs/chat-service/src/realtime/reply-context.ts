import type { Message } from '@confab/protocol';

/** Replies the model must not see as something it said: still going, failed, or cut off. */
const UNFINISHED = new Set<Message['status']>(['streaming', 'error', 'interrupted']);

/**
 * What the agent sees when it answers `answering`, from the conversation's newest messages: the
 * conversation up to that message (plus earlier replies), never unfinished replies, nor failed or
 * cut-off ones, nor the reply it replaces (`replacing`): a retry must not be shown its own broken
 * (or stopped) first attempt as something it already said. Oldest first.
 */
export function replyContext(recent: readonly Message[], answering: Message, replacing: string | undefined): Message[] {
  const history = recent.filter(
    (m) =>
      !(m.author.kind === 'agent' && UNFINISHED.has(m.status)) &&
      !(m.seq > answering.seq && m.author.kind !== 'agent') &&
      m.id !== answering.id &&
      m.id !== replacing,
  );
  history.push(answering);
  return history.sort((a, b) => a.seq - b.seq);
}
