import { MAX_MESSAGE_CHARS, type Message } from '@confab/protocol';
import { buildInstructions, historyToTurns, parseJobMetadata, turnToMessageBody, VOICE_DELIVERY_NOTE } from './conversation';
import { loadVoiceAgentConfig, modelForPersona } from './config';

const THREAD = '5b0c7a52-8a4f-4c55-9a57-6c7f0f3f1a11';

function msg(kind: Message['author']['kind'], content: string, status: Message['status'] = 'complete'): Message {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    conversation_id: THREAD,
    seq: 1,
    client_message_id: null,
    author: { kind, id: null, display_name: 'x' },
    content,
    status,
    source: 'text',
    model: null,
    finish_reason: null,
    usage: null,
    created_at: '2026-01-01T00:00:00.000Z',
  };
}

describe('job metadata', () => {
  it('accepts the dispatch metadata the room token carries', () => {
    expect(parseJobMetadata(JSON.stringify({ threadId: THREAD, postSlug: 'voice-demo' }))).toEqual({ ok: true, value: { threadId: THREAD, postSlug: 'voice-demo' } });
  });
  it.each([undefined, '', 'not json', '{"threadId":"x","postSlug":"p"}', JSON.stringify({ threadId: THREAD })])('refuses %p', (raw) => {
    expect(parseJobMetadata(raw).ok).toBe(false);
  });
});

describe('instructions and history', () => {
  it("puts the persona's instructions first and unchanged", () => {
    const text = buildInstructions({ instructions: '  You are Ada.  ' });
    expect(text.startsWith('You are Ada.')).toBe(true);
    expect(text.endsWith(VOICE_DELIVERY_NOTE)).toBe(true);
    expect(buildInstructions({ instructions: '' })).toBe(VOICE_DELIVERY_NOTE);
  });

  it('keeps finished dialogue only, newest `limit` turns', () => {
    const history = [
      msg('user', 'one'),
      msg('agent', 'two'),
      msg('system', 'notice'),
      msg('agent', 'partial', 'streaming'),
      msg('agent', 'boom', 'error'),
      msg('visitor', '  three  '),
      msg('agent', 'four (stopped)', 'stopped'),
      msg('user', '   '),
    ];
    expect(historyToTurns(history, 10)).toEqual([
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'two' },
      { role: 'user', content: 'three' },
      { role: 'assistant', content: 'four (stopped)' },
    ]);
    expect(historyToTurns(history, 2).map((t) => t.content)).toEqual(['three', 'four (stopped)']);
    expect(historyToTurns(history, 0)).toEqual([]);
  });
});

describe('turnToMessageBody', () => {
  it('maps user and assistant turns to voice messages keyed by item id', () => {
    expect(turnToMessageBody({ id: 'item_1', role: 'user', text: ' hello ' })).toEqual({ role: 'user', content: 'hello', source: 'voice', client_message_id: 'voice:item_1' });
    expect(turnToMessageBody({ id: 'item_2', role: 'assistant', text: 'hi' })?.role).toBe('agent');
  });
  it('drops system items and empty turns, and cuts long replies at the limit', () => {
    expect(turnToMessageBody({ id: 'a', role: 'system', text: 'x' })).toBeNull();
    expect(turnToMessageBody({ id: 'b', role: 'developer', text: 'x' })).toBeNull();
    expect(turnToMessageBody({ id: 'c', role: 'user', text: '  ' })).toBeNull();
    expect(turnToMessageBody({ id: 'd', role: 'assistant', text: undefined })).toBeNull();
    expect(turnToMessageBody({ id: 'e', role: 'assistant', text: 'x'.repeat(MAX_MESSAGE_CHARS + 50) })?.content).toHaveLength(MAX_MESSAGE_CHARS);
    expect(turnToMessageBody({ id: 'y'.repeat(300), role: 'user', text: 'x' })?.client_message_id).toHaveLength(128);
  });
});

describe('voice agent config', () => {
  const base = { LIVEKIT_URL: 'ws://lk', LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: 's', CHAT_SERVICE_INTERNAL_TOKEN: '0123456789abcdef' };

  it('defaults to OpenAI speech, realtime STT only against api.openai.com', () => {
    const config = loadVoiceAgentConfig(base);
    expect(config.agentName).toBe('confab-voice-agent');
    expect(config.stt).toMatchObject({ provider: 'openai', realtime: true, language: 'en' });
    expect(config.tts).toMatchObject({ provider: 'openai', model: 'tts-1', voice: 'alloy' });
    const local = loadVoiceAgentConfig({ ...base, OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1' });
    expect(local.stt).toMatchObject({ realtime: false, baseUrl: 'http://127.0.0.1:8000/v1' });
    expect(local.tts.baseUrl).toBe('http://127.0.0.1:8000/v1');
  });

  it('needs a Deepgram key for Deepgram, and the internal token always', () => {
    expect(() => loadVoiceAgentConfig({ ...base, VOICE_STT: 'deepgram' })).toThrow(/DEEPGRAM_API_KEY/);
    expect(loadVoiceAgentConfig({ ...base, VOICE_STT: 'deepgram', DEEPGRAM_API_KEY: 'dg' }).stt.provider).toBe('deepgram');
    expect(() => loadVoiceAgentConfig({ ...base, CHAT_SERVICE_INTERNAL_TOKEN: '' })).toThrow(/CHAT_SERVICE_INTERNAL_TOKEN/);
    expect(() => loadVoiceAgentConfig({ ...base, VOICE_TTS_VOICE: 'robot' })).toThrow(/VOICE_TTS_VOICE/);
  });

  it("uses the persona's model unless it says default", () => {
    expect(modelForPersona('default', 'gpt-4o-mini')).toBe('gpt-4o-mini');
    expect(modelForPersona('', 'gpt-4o-mini')).toBe('gpt-4o-mini');
    expect(modelForPersona('llama3.1', 'gpt-4o-mini')).toBe('llama3.1');
  });
});
