import type { Identity, Message } from '@confab/protocol';
import { testMessage } from '../agents/test-fixtures';
import { decideRetry, retryClaimKey } from './retry-reply';

const grace: Identity = { kind: 'user', id: '11111111-1111-4111-8111-111111111111', display_name: 'Grace' };
const bob: Identity = { kind: 'user', id: '22222222-2222-4222-8222-222222222222', display_name: 'Bob' };

let seq = 0;
/** The next stored message, by a person or the agent. */
function message(author: Identity | 'agent', status: Message['status'] = 'complete'): Message {
  seq += 1;
  const stored = testMessage(seq, author === 'agent' ? 'agent' : author.kind, 'text');
  return { ...stored, author: author === 'agent' ? { kind: 'agent', id: null, display_name: 'Ada' } : author, status };
}

describe('decideRetry', () => {
  it("answers the asker's message again when its reply failed or was cut off", () => {
    for (const status of ['error', 'interrupted', 'stopped'] as const) {
      const question = message(grace);
      const reply = message('agent', status);
      expect(decideRetry([message(bob), question, reply], reply.id, grace)).toEqual({ ok: true, answering: question });
    }
  });

  it('answers the newest of the asker’s messages, also those sent after the reply (queued behind it, then cut off)', () => {
    const first = message(grace);
    const cutOff = message('agent', 'interrupted');
    const queued = [message(grace), message(grace)];
    expect(decideRetry([first, cutOff, ...queued], cutOff.id, grace)).toEqual({ ok: true, answering: queued[1] });
  });

  it('refuses a reply that finished or is still streaming, with CONFLICT', () => {
    for (const status of ['complete', 'streaming'] as const) {
      const reply = message('agent', status);
      expect(decideRetry([message(grace), reply], reply.id, grace)).toMatchObject({ ok: false, code: 'CONFLICT' });
    }
  });

  it('refuses when a newer reply came after it (no second answer)', () => {
    const failed = message('agent', 'error');
    const recent = [message(grace), failed, message(grace), message('agent')];
    expect(decideRetry(recent, failed.id, grace)).toMatchObject({ ok: false, code: 'CONFLICT' });
  });

  it("refuses someone else's question (FORBIDDEN) and an unknown or human message (NOT_FOUND)", () => {
    const question = message(bob);
    const reply = message('agent', 'error');
    expect(decideRetry([question, reply], reply.id, grace)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(decideRetry([question, reply], question.id, bob)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(decideRetry([question, reply], '99999999-9999-4999-8999-999999999999', bob)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });

  it('answers a question whose reply never started, named itself, while no reply came after it', () => {
    const asks = () => true;
    const answered = message(grace);
    const question = message(grace);
    expect(decideRetry([answered, message('agent'), question], question.id, grace, asks)).toEqual({ ok: true, answering: question });
    expect(decideRetry([question, message('agent', 'streaming')], question.id, grace, asks)).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(decideRetry([question], question.id, bob, asks)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    // A message that asked the agent nothing (plain chat in a post) is no question to answer.
    expect(decideRetry([question], question.id, grace, () => false)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });
});

describe('retryClaimKey', () => {
  it('is one claim per answer, whichever message a retry names; a reply that fails again is a new answer to ask for', () => {
    const first = message(grace);
    const failed = message('agent', 'error');
    const question = message(grace);
    const recent = [first, failed, question];
    const namingTheReply = decideRetry(recent, failed.id, grace, () => true);
    const namingTheQuestion = decideRetry(recent, question.id, grace, () => true);
    if (!namingTheReply.ok || !namingTheQuestion.ok) throw new Error('both retries are allowed on their own');
    expect(retryClaimKey(recent, namingTheReply.answering)).toBe(retryClaimKey(recent, namingTheQuestion.answering));
    const failedAgain = message('agent', 'error');
    expect(retryClaimKey([...recent, failedAgain], question)).not.toBe(retryClaimKey(recent, question));
  });
});
