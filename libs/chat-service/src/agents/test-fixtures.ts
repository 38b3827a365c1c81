import type { AgentPersona, Message } from '@confab/protocol';

/** Shared by the agent providers' unit and integration tests: a persona and stored messages. */

export function testPersona(overrides: Partial<AgentPersona> = {}): AgentPersona {
  return {
    name: 'Ada',
    handle: 'ada',
    instructions: 'You are Ada.',
    model: 'default',
    temperature: 0.7,
    voice_enabled: false,
    greeting: '',
    ...overrides,
  };
}

/** A complete text message by `kind` with seq `seq` (ids derived from the seq). */
export function testMessage(seq: number, kind: Message['author']['kind'], content: string): Message {
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    conversation_id: '00000000-0000-4000-8000-000000000000',
    seq,
    client_message_id: null,
    author: { kind, id: null, display_name: kind },
    content,
    status: 'complete',
    source: 'text',
    model: null,
    finish_reason: null,
    usage: null,
    created_at: new Date(0).toISOString(),
  };
}
