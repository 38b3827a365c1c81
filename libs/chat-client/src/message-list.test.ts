import { advanceContiguous, fromOutbox, fromStored, highestSeq, insertInOrder, replaceInOrder, sortMessages } from './message-list';
import { cid, message, ME } from './test-fixtures';
import type { ChatMessage } from './types';

/** A thread as the list holds it: stored messages by seq (some missing), then our unacknowledged ones. */
function thread(seqs: readonly number[], locals: number): ChatMessage[] {
  const stored = seqs.map((seq) => fromStored(message(seq), false));
  const pending = Array.from({ length: locals }, (_, i) => fromOutbox({ client_message_id: cid(i), content: `draft ${i}`, created_at: new Date(0).toISOString() }, ME, 'sending'));
  return sortMessages([...stored, ...pending]);
}

const order = (messages: readonly ChatMessage[]): string[] => messages.map((m) => m.key);

describe('adding a message in order without sorting the thread', () => {
  it.each([
    ['after the last stored message, before our unsent ones', [1, 2, 3], 2, 4],
    ['into a gap (a message that arrived late)', [1, 2, 5, 6], 1, 3],
    ['before every message (an older one)', [4, 5, 6], 0, 1],
    ['into an empty thread', [], 0, 1],
  ])('a stored message goes %s, where a sort puts it', (_where, seqs, locals, seq) => {
    const before = thread(seqs, locals);
    const added = fromStored(message(seq), false);
    expect(order(insertInOrder(before, added))).toEqual(order(sortMessages([...before, added])));
  });

  it('a new unsent message goes after the other unsent ones, in the order they were written', () => {
    const before = thread([1, 2], 2);
    const added = fromOutbox({ client_message_id: cid(9), content: 'latest', created_at: new Date(0).toISOString() }, ME, 'sending');
    expect(order(insertInOrder(before, added)).slice(-3)).toEqual([cid(0), cid(1), cid(9)]);
  });

  it('an acknowledged message leaves the unsent ones and takes its seq’s place, as a sort would put it', () => {
    const before = thread([1, 2, 3], 3);
    const local = before.findIndex((m) => m.key === cid(1));
    const stored: ChatMessage = { ...(before[local] as ChatMessage), key: 'stored-4', id: 'stored-4', seq: 4, status: 'complete' };
    const after = replaceInOrder(before, local, stored);
    expect(order(after)).toEqual(order(sortMessages(before.map((m, i) => (i === local ? stored : m)))));
    expect(order(after)).toEqual([message(1).id, message(2).id, message(3).id, 'stored-4', cid(0), cid(2)]);
  });

  it('leaves the list it was given as it was', () => {
    const before = thread([1, 3], 1);
    const keys = order(before);
    insertInOrder(before, fromStored(message(2), false));
    replaceInOrder(before, 0, fromStored(message(9), false));
    expect(order(before)).toEqual(keys);
  });
});

describe('where the held seqs end', () => {
  it.each([
    ['every seq held: up to the last', [1, 2, 3, 4], 0, 0, 4],
    ['a gap: up to the message before it', [1, 2, 3, 5, 6], 2, 1, 3],
    ['from past the gap: on over the messages after it', [1, 2, 3, 5, 6], 0, 4, 6],
    ['the next seq missing: where it was', [4, 5], 1, 2, 2],
    ['nothing stored: where it was', [], 2, 7, 7],
  ])('%s (unsent messages after the stored ones do not count)', (_case, seqs, locals, from, expected) => {
    expect(advanceContiguous(from, thread(seqs, locals))).toBe(expected);
  });

  it.each([
    ['the last stored one, past our unsent messages', [1, 2, 9], 2, 9],
    ['none stored: 0', [], 3, 0],
  ])('the highest seq is %s', (_case, seqs, locals, expected) => {
    expect(highestSeq(thread(seqs, locals))).toBe(expected);
  });
});
