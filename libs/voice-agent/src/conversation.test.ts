import { MAX_MESSAGE_CHARS, type Message } from '@confab/protocol';
import { buildInstructions, historyToTurns, type HistoryTurn, parseJobMetadata, turnToMessageBody, VOICE_DELIVERY_NOTE } from './conversation';
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

describe('history in dialogue order', () => {
  let seq = 0;
  /** The next stored message (ids and seqs as the chat service gives them: unique, rising). */
  function stored(kind: 'user' | 'agent', content: string, status: Message['status'] = 'complete'): Message {
    seq += 1;
    return { ...msg(kind, content, status), id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`, seq };
  }
  /** The next stored agent reply, answering `question`. */
  function reply(question: Message, content: string, status: Message['status'] = 'complete'): Message {
    return { ...stored('agent', content, status), reply_to: question.id };
  }
  const said = (turns: HistoryTurn[]) => turns.map((t) => `${t.role === 'user' ? 'Q' : 'A'}:${t.content}`);

  it('queued messages: each typed reply right after the message it answers, not in seq order', () => {
    // Q2 and Q3 were sent while answer-1 streamed: their replies' rows come after them.
    const q1 = stored('user', 'Q1');
    const q2 = stored('user', 'Q2');
    const q3 = stored('user', 'Q3');
    const history = [q1, q2, q3, reply(q1, 'answer-1'), reply(q2, 'answer-2'), reply(q3, 'answer-3')];
    const dialogue = ['Q:Q1', 'A:answer-1', 'Q:Q2', 'A:answer-2', 'Q:Q3', 'A:answer-3'];
    expect(said(historyToTurns(history, 10))).toEqual(dialogue);
    expect(said(historyToTurns([...history].reverse(), 10))).toEqual(dialogue);
    // `limit` keeps the newest turns of the dialogue, not the highest seqs.
    expect(said(historyToTurns(history, 3))).toEqual(['A:answer-2', 'Q:Q3', 'A:answer-3']);
  });

  it('a retried reply: the newest attempt only; a failed or streaming attempt does not hide the one before it', () => {
    const story = stored('user', 'tell me a story');
    const stopped = reply(story, 'there was a', 'stopped');
    const retried = reply(story, 'Once upon a time.');
    const more = stored('user', 'another');
    const stoppedAgain = reply(more, 'a dragon', 'stopped');
    const failed = reply(more, 'boom', 'error');
    const streaming = reply(more, 'a dra', 'streaming');
    expect(said(historyToTurns([story, stopped, retried, more, stoppedAgain, failed, streaming], 10))).toEqual([
      'Q:tell me a story',
      'A:Once upon a time.',
      'Q:another',
      'A:a dragon',
    ]);
  });

  it('leaves out a reply to a message older than the history read', () => {
    const old = stored('user', 'too old to be read');
    const q1 = stored('user', 'Q1');
    const toOld = reply(old, 'answer to it');
    const a1 = reply(q1, 'answer-1');
    expect(said(historyToTurns([q1, toOld, a1], 10))).toEqual(['Q:Q1', 'A:answer-1']);
  });

  it('voice turns and replies stored before reply_to keep their seq order among the others', () => {
    const q1 = stored('user', 'Q1');
    const legacy = stored('agent', 'legacy answer');
    const spoken = { ...stored('user', 'spoken question'), source: 'voice' } satisfies Message;
    const spokenAnswer = { ...stored('agent', 'spoken answer'), source: 'voice' } satisfies Message;
    const q2 = stored('user', 'Q2');
    const q3 = stored('user', 'Q3');
    const a2 = reply(q2, 'answer-2');
    expect(said(historyToTurns([q1, legacy, spoken, spokenAnswer, q2, q3, a2], 10))).toEqual([
      'Q:Q1',
      'A:legacy answer',
      'Q:spoken question',
      'A:spoken answer',
      'Q:Q2',
      'A:answer-2',
      'Q:Q3',
    ]);
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
