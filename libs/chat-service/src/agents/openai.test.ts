import type { Message } from '@confab/protocol';
import { resolveModel, toChatMessages } from './openai';
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

describe('resolveModel', () => {
  it('uses the configured model for personas that say "default"', () => {
    expect(resolveModel(persona, 'gpt-4o-mini')).toBe('gpt-4o-mini');
    expect(resolveModel({ ...persona, model: 'llama3.2' }, 'gpt-4o-mini')).toBe('llama3.2');
  });
});
