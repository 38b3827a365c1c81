import { ChatServiceClient, prepareJob, runVoiceJob } from '@confab/voice-agent';
import { initializeLogger, voice } from '@livekit/agents';
import { createThread, createVisitor, getHistory, postVoiceMessage, ticketFor } from '../support/api';
import { withChatService, type RunningChatService } from '../support/chat-service';
import { TestSocket } from '../support/ws-client';

/**
 * The voice agent's job against the real chat service (internal API, agent-service token): the
 * LLM is @livekit/agents' FakeLLM (no hosted model here) and the session runs without a room
 * (no LiveKit server here); everything between them and the thread is real.
 */

initializeLogger({ pretty: false, level: 'silent' });
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
let service: RunningChatService;

withChatService((started) => {
  service = started;
});

function client(token = service.env.CHAT_SERVICE_INTERNAL_TOKEN ?? '') {
  return new ChatServiceClient({ baseUrl: service.httpUrl, internalToken: token, retryDelaysMs: [] });
}

describe('voice agent job (FakeLLM, no room) with the real chat service', () => {
  it('loads the persona and history, and writes both spoken turns into the thread, live and after reload', async () => {
    const visitor = await createVisitor(service);
    const thread = await createThread(service, visitor.sessionToken, { slug: 'voice-demo' });
    await postVoiceMessage(service, thread.id, { role: 'user', content: 'Earlier typed question', client_message_id: 'earlier-1' });

    const prepared = await prepareJob(JSON.stringify({ threadId: thread.id, postSlug: 'voice-demo' }), { client: client() });
    if (!prepared.ok) throw new Error(prepared.reason);
    expect(prepared.context.persona.voice_enabled).toBe(true);
    expect(prepared.context.history.map((m) => m.content)).toEqual(['Earlier typed question']);

    const { ticket } = await ticketFor(service, visitor.sessionToken);
    const socket = await TestSocket.open(`${service.wsBase}conversation/${thread.id}/?session_user=${ticket}&app_type=test`);
    await socket.next('connected');

    const fake = new voice.testing.FakeLLM([{ input: 'What should I pack?', content: 'An umbrella and good shoes.' }]);
    const job = await runVoiceJob(prepared, {
      client: client(),
      logger: silent,
      historyLimit: 30,
      roomName: `thread-${thread.id}-integration`,
      createSession: () => new voice.AgentSession({ llm: fake, vad: null, userAwayTimeout: null }),
      startSession: (session, agent) => session.start({ agent }),
    });
    try {
      await job.session.run({ userInput: 'What should I pack?' }).wait();
      await job.finish();
      expect(job.persister.failedWrites).toBe(0);

      const agentFrame = await socket.next('message', (f) => f.data.message.content === 'An umbrella and good shoes.');
      expect(agentFrame.data.message).toMatchObject({ source: 'voice', author: { kind: 'agent', display_name: prepared.context.persona.name } });

      const history = await getHistory(service, thread.id, { token: visitor.sessionToken });
      const spoken = history.messages.filter((m) => m.source === 'voice').map((m) => [m.author.kind, m.content]);
      expect(spoken).toEqual([
        ['visitor', 'Earlier typed question'],
        ['visitor', 'What should I pack?'],
        ['agent', 'An umbrella and good shoes.'],
      ]);
      expect(service.logs.filter((l) => l.msg === 'voice session').map((l) => l.state)).toEqual(expect.arrayContaining(['started', 'ended']));
    } finally {
      socket.ws.close();
      await job.session.close();
    }
  }, 30_000);

  it('is refused by the chat service without the internal token, and never sees threads of a post with voice off as voice', async () => {
    const visitor = await createVisitor(service);
    const thread = await createThread(service, visitor.sessionToken, { slug: 'socratic-tutor' });
    await expect(client('wrong-token-wrong-token').getContext(thread.id)).rejects.toMatchObject({ status: 401 });
    const prepared = await prepareJob(JSON.stringify({ threadId: thread.id, postSlug: 'socratic-tutor' }), { client: client() });
    expect(prepared).toEqual({ ok: false, reason: 'voice is off for this agent' });
  });
});
