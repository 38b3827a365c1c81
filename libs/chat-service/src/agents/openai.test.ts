import type { Message } from '@confab/protocol';
import { GROUP_CONVERSATION_NOTE, resolveModel, toChatMessages } from './openai';
import { testMessage, testPersona } from './test-fixtures';

const persona = testPersona({ temperature: 0.2 });
const message = (kind: Message['author']['kind'], content: string): Message => testMessage(1, kind, content);

describe('toChatMessages', () => {
  it('puts the instructions first and maps people to user, the agent to assistant', () => {
    expect(
      toChatMessages(persona, [message('user', 'hi'), message('agent', 'hello'), message('visitor', 'yo'), message('system', 'note'), message('agent', '  ')]),
    ).toEqual([
      { role: 'system', content: 'You are Ada.' },
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
      { role: 'user', content: 'yo' },
    ]);
  });
});

describe('toChatMessages in a shared conversation', () => {
  it("starts each person's message with their name and tells the model it is a group conversation", () => {
    const alice = { ...message('user', 'What is 2+2?'), author: { kind: 'user' as const, id: null, display_name: 'Alice' } };
    const bob = { ...message('visitor', 'And 3+3?'), author: { kind: 'visitor' as const, id: null, display_name: 'Bob' } };
    const messages = toChatMessages(persona, [alice, message('agent', '4'), bob], true);
    expect(messages[0]?.content).toBe(`You are Ada.\n\n${GROUP_CONVERSATION_NOTE}`);
    expect(messages.slice(1)).toEqual([
      { role: 'user', content: 'Alice: What is 2+2?' },
      { role: 'assistant', content: '4' },
      { role: 'user', content: 'Bob: And 3+3?' },
    ]);
  });
});

describe('resolveModel', () => {
  it('uses the configured model for personas that say "default"', () => {
    expect(resolveModel(persona, 'gpt-4o-mini')).toBe('gpt-4o-mini');
    expect(resolveModel({ ...persona, model: 'llama3.2' }, 'gpt-4o-mini')).toBe('llama3.2');
  });
});
