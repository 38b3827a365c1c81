import type { Message } from '@confab/protocol';
import { testMessage } from '../agents/test-fixtures';
import { replyContext } from './reply-context';

let seq = 0;
/** The next stored message, by a person (Grace) or the agent. */
function message(author: 'user' | 'agent', content: string, status: Message['status'] = 'complete'): Message {
  seq += 1;
  return { ...testMessage(seq, author, content), status };
}

const contents = (messages: Message[]) => messages.map((m) => m.content);

describe('replyContext: what the agent sees', () => {
  it('the conversation up to the message it answers, with earlier finished replies, oldest first', () => {
    const hi = message('user', 'hi');
    const hello = message('agent', 'hello');
    const question = message('user', 'question');
    const later = message('user', 'sent while the reply was being made');
    expect(contents(replyContext([later, hello, hi, question], question, undefined))).toEqual(['hi', 'hello', 'question']);
  });

  it('without failed, cut-off or still-streaming replies, nor the stopped reply it replaces', () => {
    const ask = message('user', 'tell me a story');
    const failed = message('agent', 'half a sto', 'error');
    const cut = message('agent', 'once upon', 'interrupted');
    const stopped = message('agent', 'there was a', 'stopped');
    const recent = [ask, failed, cut, stopped];
    expect(contents(replyContext(recent, ask, stopped.id))).toEqual(['tell me a story']);
    // A stopped reply the person did not ask to replace is something the agent said.
    expect(contents(replyContext(recent, ask, undefined))).toEqual(['tell me a story', 'there was a']);
  });
});
