import { inDialogueOrder } from './dialogue-order';
import type { Message } from './models';

let seq = 0;
function stored(kind: 'user' | 'agent', content: string, replyTo?: Message): Message {
  seq += 1;
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    conversation_id: '5b0c7a52-8a4f-4c55-9a57-6c7f0f3f1a11',
    seq,
    client_message_id: null,
    author: { kind, id: null, display_name: kind },
    content,
    status: 'complete',
    source: 'text',
    model: null,
    finish_reason: null,
    usage: null,
    created_at: '2026-01-01T00:00:00.000Z',
    ...(replyTo && { reply_to: replyTo.id }),
  };
}
const contents = (messages: Message[]) => messages.map((m) => m.content);

describe('inDialogueOrder', () => {
  it('puts each reply right after the message it answers, whatever order it is given', () => {
    const q1 = stored('user', 'Q1');
    const q2 = stored('user', 'Q2');
    const a1 = stored('agent', 'A1', q1);
    const q3 = stored('user', 'Q3');
    const a2 = stored('agent', 'A2', q2);
    for (const given of [[q1, q2, a1, q3, a2], [a2, q3, a1, q2, q1]]) expect(contents(inDialogueOrder(given))).toEqual(['Q1', 'A1', 'Q2', 'A2', 'Q3']);
  });

  it('keeps the newest reply to a message, drops replies to messages not given, keeps replies without reply_to by seq', () => {
    const old = stored('user', 'old');
    const q1 = stored('user', 'Q1');
    const legacy = stored('agent', 'legacy');
    const q2 = stored('user', 'Q2');
    const first = stored('agent', 'first try', q2);
    const toOld = stored('agent', 'to old', old);
    const second = stored('agent', 'second try', q2);
    expect(contents(inDialogueOrder([q1, legacy, q2, second, toOld, first]))).toEqual(['Q1', 'legacy', 'Q2', 'second try']);
  });

  it('does not count a person’s message with reply_to as a reply', () => {
    const q1 = stored('user', 'Q1');
    const q2 = { ...stored('user', 'Q2'), reply_to: q1.id } satisfies Message;
    expect(contents(inDialogueOrder([q2, q1]))).toEqual(['Q1', 'Q2']);
  });
});
