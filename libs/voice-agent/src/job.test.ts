import type { InternalMessageBody, Message, ThreadContextResponse, VoiceSessionBody } from '@confab/protocol';
import { initializeLogger, llm, voice } from '@livekit/agents';
import { prepareJob, runVoiceJob, type VoiceJobDeps } from './job';
import { VOICE_DELIVERY_NOTE } from './conversation';

/**
 * The agent logic offline: a real AgentSession with @livekit/agents' FakeLLM (a hosted LLM cannot
 * run here) and no room; the chat service is an in-memory stand-in of its internal API (the real
 * one is exercised in tests/integration/voice-agent.test.ts).
 */

initializeLogger({ pretty: false, level: 'silent' });

const THREAD_ID = '5b0c7a52-8a4f-4c55-9a57-6c7f0f3f1a11';
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

function message(seq: number, kind: Message['author']['kind'], content: string, status: Message['status'] = 'complete'): Message {
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    conversation_id: THREAD_ID,
    seq,
    client_message_id: null,
    author: { kind, id: null, display_name: kind === 'agent' ? 'Ada' : 'Sam' },
    content,
    status,
    source: 'text',
    model: null,
    finish_reason: null,
    usage: null,
    created_at: '2026-01-01T00:00:00.000Z',
  };
}

function threadContext(overrides: Partial<ThreadContextResponse['persona']> = {}): ThreadContextResponse {
  return {
    thread: {
      id: THREAD_ID,
      conversation_id: THREAD_ID,
      post_slug: 'voice-demo',
      post_title: 'Voice demo',
      agent_name: 'Ada',
      voice_enabled: true,
      title: 'Trip',
      owner: 'visitor',
      last_seq: 3,
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
    },
    persona: {
      name: 'Ada',
      handle: 'ada',
      instructions: 'You are Ada, a travel planner. Always mention the word "itinerary".',
      model: 'default',
      temperature: 0.3,
      voice_enabled: true,
      greeting: 'Hi, I am Ada.',
      ...overrides,
    },
    history: [
      message(1, 'visitor', 'I want to visit Lisbon.'),
      message(2, 'agent', 'Lisbon in spring is lovely.'),
      message(3, 'agent', 'half a reply', 'streaming'),
    ],
  };
}

class InMemoryChatService {
  readonly messages: Array<{ threadId: string; body: InternalMessageBody }> = [];
  readonly sessions: VoiceSessionBody[] = [];
  constructor(private readonly context: ThreadContextResponse) {}
  async getContext(threadId: string): Promise<ThreadContextResponse> {
    if (threadId !== this.context.thread.id) throw new Error('not found');
    return this.context;
  }
  async postMessage(threadId: string, body: InternalMessageBody) {
    this.messages.push({ threadId, body });
    return { message: message(10 + this.messages.length, body.role === 'agent' ? 'agent' : 'visitor', body.content) };
  }
  async setVoiceSession(_threadId: string, body: VoiceSessionBody): Promise<void> {
    this.sessions.push(body);
  }
}

/** FakeLLM that also remembers what it was asked, so the test can see instructions and history. */
class RecordingLLM extends voice.testing.FakeLLM {
  readonly contexts: llm.ChatContext[] = [];
  override chat(args: Parameters<voice.testing.FakeLLM['chat']>[0]) {
    this.contexts.push(args.chatCtx.copy());
    return super.chat(args);
  }
}

function textsOf(ctx: llm.ChatContext): Array<[string, string]> {
  return ctx.items.flatMap((item) => (item.type === 'message' ? [[item.role, item.textContent ?? ''] as [string, string]] : []));
}

async function startJob(context: ThreadContextResponse, fake: RecordingLLM) {
  const service = new InMemoryChatService(context);
  const prepared = await prepareJob(JSON.stringify({ threadId: THREAD_ID, postSlug: 'voice-demo' }), { client: service });
  if (!prepared.ok) throw new Error(prepared.reason);
  const deps: VoiceJobDeps = {
    client: service,
    logger: silent,
    historyLimit: 30,
    roomName: `thread-${THREAD_ID}-abcdefgh`,
    // vad: null — without it 1.9 provisions its bundled VAD, whose stream pump rejects unhandled on close.
    createSession: () => new voice.AgentSession({ llm: fake, vad: null, userAwayTimeout: null }),
    startSession: (session, agent) => session.start({ agent }),
  };
  const job = await runVoiceJob(prepared, deps);
  return { job, service };
}

describe('voice job (FakeLLM, no room, in-memory chat service)', () => {
  const sessions: voice.AgentSession[] = [];
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
  });

  it('answers with the persona instructions and the thread history in the chat context', async () => {
    const fake = new RecordingLLM([{ input: 'Plan my weekend', content: 'Here is your itinerary.' }]);
    const { job } = await startJob(threadContext(), fake);
    sessions.push(job.session);

    const result = await job.session.run({ userInput: 'Plan my weekend' }).wait();
    result.expect.nextEvent().isMessage({ role: 'assistant' });

    const seen = fake.contexts.at(-1);
    if (!seen) throw new Error('the LLM was never asked');
    const texts = textsOf(seen);
    const system = texts.find(([role]) => role === 'system' || role === 'developer');
    expect(system?.[1]).toContain('You are Ada, a travel planner.');
    expect(system?.[1]).toContain(VOICE_DELIVERY_NOTE);
    const dialogue = texts.filter(([role]) => role === 'user' || role === 'assistant');
    expect(dialogue).toEqual([
      ['user', 'I want to visit Lisbon.'],
      ['assistant', 'Lisbon in spring is lovely.'],
      ['user', 'Plan my weekend'],
    ]);
  });

  it('persists the final user turn and the agent reply, in order, with idempotency keys from item ids', async () => {
    const fake = new RecordingLLM([{ input: 'Plan my weekend', content: 'Here is your itinerary.' }]);
    const { job, service } = await startJob(threadContext(), fake);
    sessions.push(job.session);

    await job.session.run({ userInput: 'Plan my weekend' }).wait();
    await job.finish();

    expect(service.messages.map((m) => [m.body.role, m.body.content, m.body.source])).toEqual([
      ['user', 'Plan my weekend', 'voice'],
      ['agent', 'Here is your itinerary.', 'voice'],
    ]);
    const keys = service.messages.map((m) => m.body.client_message_id);
    expect(new Set(keys).size).toBe(2);
    for (const key of keys) expect(key).toMatch(/^voice:.+/);
    expect(service.messages.every((m) => m.threadId === THREAD_ID)).toBe(true);
    expect(service.sessions.map((s) => s.state)).toEqual(['started', 'ended']);
  });

  it('refuses a job whose post has voice off, or whose metadata names another post', async () => {
    const off = new InMemoryChatService(threadContext({ voice_enabled: false }));
    expect(await prepareJob(JSON.stringify({ threadId: THREAD_ID, postSlug: 'voice-demo' }), { client: off })).toEqual({
      ok: false,
      reason: 'voice is off for this agent',
    });
    const on = new InMemoryChatService(threadContext());
    const other = await prepareJob(JSON.stringify({ threadId: THREAD_ID, postSlug: 'another-post' }), { client: on });
    expect(other.ok).toBe(false);
    expect((await prepareJob('{"threadId":"nope"}', { client: on })).ok).toBe(false);
  });
});
