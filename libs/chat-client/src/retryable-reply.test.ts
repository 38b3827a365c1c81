import type { Message } from '@confab/protocol';
import { retryableReply } from './selectors';
import { ME, OTHER, agentMessage, message } from './test-fixtures';
import type { ChatMessage } from './types';

/** A stored message as the client holds it (`mine` when ME wrote it). */
function held(m: Message): ChatMessage {
  return { ...m, key: m.id, error: null, mine: m.author.id === ME.id };
}
const mine = (seq: number) => held(message(seq, { author: { kind: ME.kind, id: ME.id, display_name: ME.display_name } }));
const theirs = (seq: number) => held(message(seq, { author: { kind: OTHER.kind, id: OTHER.id, display_name: OTHER.display_name } }));
const reply = (seq: number, status: Message['status']) => held(agentMessage(seq, { status }));

describe('retryableReply: which reply offers "Try again"', () => {
  it.each(['error', 'interrupted', 'stopped'] as const)('a %s reply to my message', (status) => {
    const failed = reply(2, status);
    expect(retryableReply([mine(1), failed])).toBe(failed);
  });

  it('not a reply that finished or still streams', () => {
    expect(retryableReply([mine(1), reply(2, 'complete')])).toBeNull();
    expect(retryableReply([mine(1), reply(2, 'streaming')])).toBeNull();
  });

  it('still the cut-off reply when my messages sent while it streamed come after it (their turn was lost)', () => {
    const cutOff = reply(2, 'interrupted');
    expect(retryableReply([mine(1), cutOff, mine(3), mine(4)])).toBe(cutOff);
  });

  it('not when someone else wrote last, or my newest message is still on its way (it gets its own reply)', () => {
    expect(retryableReply([mine(1), reply(2, 'error'), theirs(3)])).toBeNull();
    const sending: ChatMessage = { ...mine(3), id: null, seq: null, status: 'sending' };
    expect(retryableReply([mine(1), reply(2, 'error'), sending])).toBeNull();
  });

  describe('a question whose reply never started (the server said `unanswered`)', () => {
    it('is offered while it is the newest message, also where failed replies are not (a post)', () => {
      const question = mine(3);
      const messages = [mine(1), reply(2, 'complete'), question];
      expect(retryableReply(messages, question.id)).toBe(question);
      expect(retryableReply(messages, question.id, false)).toBe(question);
    });

    it('not before the server says so: a reply may only be late', () => {
      expect(retryableReply([mine(1), reply(2, 'complete'), mine(3)])).toBeNull();
    });

    it('not once anything came after it, nor while a reply streams (its turn comes after)', () => {
      const question = mine(3);
      expect(retryableReply([question, reply(4, 'streaming')], question.id)).toBeNull();
      expect(retryableReply([question, theirs(4)], question.id)).toBeNull();
      expect(retryableReply([mine(1), reply(2, 'streaming'), question], question.id)).toBeNull();
      const sending: ChatMessage = { ...mine(4), id: null, seq: null, status: 'sending' };
      expect(retryableReply([question, sending], question.id)).toBeNull();
    });

    it("not someone else's question", () => {
      const question = theirs(3);
      expect(retryableReply([mine(1), reply(2, 'complete'), question], question.id)).toBeNull();
    });

    it('a cut-off reply before it still offers itself: it answers up to this question too', () => {
      const cutOff = reply(2, 'interrupted');
      const question = mine(3);
      expect(retryableReply([mine(1), cutOff, question], question.id)).toBe(cutOff);
    });
  });
});
