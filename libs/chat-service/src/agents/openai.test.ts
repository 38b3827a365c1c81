import type { AgentPersona, Message } from '@confab/protocol';
import { resolveModel, toChatMessages } from './openai';

const persona: AgentPersona = {
  name: 'Ada',
  handle: 'ada',
  instructions: 'You are Ada.',
  model: 'default',
  temperature: 0.2,
  voice_enabled: false,
  greeting: '',
};

const message = (kind: Message['author']['kind'], content: string): Message => ({
  id: '00000000-0000-4000-8000-000000000001',
  conversation_id: '00000000-0000-4000-8000-000000000000',
  seq: 1,
  client_message_id: null,
  author: { kind, id: null, display_name: kind },
  content,
  status: 'complete',
  source: 'text',
  model: null,
  finish_reason: null,
  usage: null,
  created_at: new Date(0).toISOString(),
});

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
