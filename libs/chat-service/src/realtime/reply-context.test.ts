import type { Identity, Message } from '@confab/protocol';
import { testMessage } from '../agents/test-fixtures';
import { replyContext } from './reply-context';

const grace: Identity = { kind: 'user', id: '11111111-1111-4111-8111-111111111111', display_name: 'Grace' };
const bob: Identity = { kind: 'user', id: '22222222-2222-4222-8222-222222222222', display_name: 'Bob' };
const maya: Identity = { kind: 'visitor', id: '33333333-3333-4333-8333-333333333333', display_name: 'Maya' };

let seq = 0;
/** The next stored message, by a person or the agent (a reply recording no reply_to, as older ones). */
function message(author: 'user' | 'agent', content: string, status: Message['status'] = 'complete'): Message {
  seq += 1;
  return { ...testMessage(seq, author, content), status };
}

/** The next stored message by `person`. */
function said(person: Identity, content: string): Message {
  seq += 1;
  return { ...testMessage(seq, person.kind, content), author: person };
}

/** The next stored agent reply, answering `question`. */
function reply(question: Message, content: string, status: Message['status'] = 'complete'): Message {
  return { ...message('agent', content, status), reply_to: question.id };
}

const contents = (messages: Message[]) => messages.map((m) => m.content);

/** The same messages handed over in other orders: the context must not depend on it. */
function orders<T>(items: readonly T[]): T[][] {
  return [[...items], [...items].reverse(), [...items.slice(1), ...items.slice(0, 1)]];
}

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
    const failed = reply(ask, 'half a sto', 'error');
    const cut = reply(ask, 'once upon', 'interrupted');
    const stopped = reply(ask, 'there was a', 'stopped');
    expect(contents(replyContext([ask, failed, cut, stopped], ask, stopped.id))).toEqual(['tell me a story']);
    // A stopped reply the person did not ask to replace is something the agent said.
    const next = message('user', 'go on');
    expect(contents(replyContext([ask, failed, cut, stopped, next], next, undefined))).toEqual(['tell me a story', 'there was a', 'go on']);
  });

  it('queued messages: each reply right after the message it answers, ending with the one being answered (Q1; Q2 and Q3 sent while answer-1 streams)', () => {
    const q1 = message('user', 'Q1');
    const a1 = reply(q1, 'answer-1');
    const q2 = message('user', 'Q2');
    const q3 = message('user', 'Q3');
    // answer-2's row is stored when its turn starts: after Q3.
    const a2 = reply(q2, 'answer-2');
    for (const recent of orders([q1, a1, q2, q3])) expect(contents(replyContext(recent, q2, undefined))).toEqual(['Q1', 'answer-1', 'Q2']);
    for (const recent of orders([q1, a1, q2, q3, a2])) {
      expect(contents(replyContext(recent, q3, undefined))).toEqual(['Q1', 'answer-1', 'Q2', 'answer-2', 'Q3']);
    }
  });

  it('in every order questions and reply turns can be stored in, reply i sees Q1, answer-1, …, Qi', () => {
    // Which of the two comes next, question or reply turn, over 5 questions: each order of storing
    // them where Qi comes before answer-i, and answers come one at a time (the 42 ballot sequences).
    const storings: Array<Array<'q' | 'a'>> = [];
    const walk = (path: Array<'q' | 'a'>, asked: number, answered: number) => {
      if (answered === 5) storings.push(path);
      if (asked < 5) walk([...path, 'q'], asked + 1, answered);
      if (answered < asked) walk([...path, 'a'], asked, answered + 1);
    };
    walk([], 0, 0);
    expect(storings).toHaveLength(42);

    for (const storing of storings) {
      const stored: Message[] = [];
      const questions: Message[] = [];
      for (const step of storing) {
        if (step === 'q') {
          const question = message('user', `Q${questions.length + 1}`);
          questions.push(question);
          stored.push(question);
          continue;
        }
        const i = stored.filter((m) => m.author.kind === 'agent').length;
        const answering = questions[i] as Message;
        // The context is read when the turn starts, before the reply's own row is stored.
        const expected = questions.slice(0, i).flatMap((q, j) => [q.content, `answer-${j + 1}`]);
        for (const recent of orders(stored)) {
          expect({ storing: storing.join(''), context: contents(replyContext(recent, answering, undefined)) }).toEqual({
            storing: storing.join(''),
            context: [...expected, answering.content],
          });
        }
        stored.push(reply(answering, `answer-${i + 1}`));
      }
    }
  });

  it('after "Try again": only the reply that replaced a stopped or failed one, right after its question', () => {
    const q1 = message('user', 'tell me a story');
    const stopped = reply(q1, 'there was a', 'stopped');
    const failedAgain = reply(q1, 'once', 'error');
    const story = reply(q1, 'Once upon a time.');
    const q2 = message('user', 'another');
    expect(contents(replyContext([q1, stopped, failedAgain, story, q2], q2, undefined))).toEqual(['tell me a story', 'Once upon a time.', 'another']);
  });

  it('a retry after a restart dropped the queued turns answers the last of them, without the replaced reply', () => {
    const q1 = message('user', 'Q1');
    const cutOff = reply(q1, 'answer-1 cut', 'interrupted');
    const stopped = reply(q1, 'answer-1 stop', 'stopped');
    const q2 = message('user', 'Q2');
    const q3 = message('user', 'Q3');
    expect(contents(replyContext([q1, cutOff, q2, q3], q3, cutOff.id))).toEqual(['Q1', 'Q2', 'Q3']);
    // A stopped reply is left out when it is the one replaced, though it answers an earlier message.
    expect(contents(replyContext([q1, stopped, q2, q3], q3, stopped.id))).toEqual(['Q1', 'Q2', 'Q3']);
    const retried = reply(q3, 'answer-3');
    const q4 = message('user', 'Q4');
    expect(contents(replyContext([q1, cutOff, q2, q3, retried, q4], q4, undefined))).toEqual(['Q1', 'Q2', 'Q3', 'answer-3', 'Q4']);
  });

  it("in a post: others' messages are context in the order they were written, each reply follows the mention it answers", () => {
    const sonnet = said(bob, '@ada what is a sonnet?');
    const toBob = reply(sonnet, 'Fourteen lines.', 'streaming');
    const haiku = said(grace, '@ada and a haiku?');
    const aside = said(maya, 'lol poets');
    // Grace's reply starts once Bob's is done: Maya wrote after Grace asked, so is not in it.
    const done = { ...toBob, status: 'complete' } satisfies Message;
    expect(contents(replyContext([sonnet, done, haiku, aside], haiku, undefined))).toEqual(['@ada what is a sonnet?', 'Fourteen lines.', '@ada and a haiku?']);
    // Bob's reply is not shown while it streams, nor is what came after his question.
    expect(contents(replyContext([sonnet, toBob, haiku, aside], sonnet, undefined))).toEqual(['@ada what is a sonnet?']);

    const toGrace = reply(haiku, 'Three lines.');
    const limerick = said(bob, '@ada thanks! A limerick?');
    expect(contents(replyContext([sonnet, done, haiku, aside, toGrace, limerick], limerick, undefined))).toEqual([
      '@ada what is a sonnet?',
      'Fourteen lines.',
      '@ada and a haiku?',
      'Three lines.',
      'lol poets',
      '@ada thanks! A limerick?',
    ]);
  });

  it('in a post served by several instances: a reply to a later message that finished first is not shown to an earlier one', () => {
    const first = said(bob, '@ada first');
    const second = said(grace, '@ada second');
    const answeredElsewhere = reply(second, 'to Grace');
    expect(contents(replyContext([first, second, answeredElsewhere], first, undefined))).toEqual(['@ada first']);
  });

  it('voice turns and replies stored before reply_to keep their place by seq; a reply to a message older than those read is left out', () => {
    const old = message('user', 'too old to be read');
    const toOld = reply(old, 'answer to it');
    const q1 = message('user', 'Q1');
    const legacy = message('agent', 'legacy answer');
    const spoken = { ...message('user', 'spoken question'), source: 'voice' } satisfies Message;
    const spokenAnswer = { ...message('agent', 'spoken answer'), source: 'voice' } satisfies Message;
    const q2 = message('user', 'Q2');
    expect(contents(replyContext([toOld, q1, legacy, spoken, spokenAnswer, q2], q2, undefined))).toEqual([
      'Q1',
      'legacy answer',
      'spoken question',
      'spoken answer',
      'Q2',
    ]);
  });
});
