import { randomUUID } from 'node:crypto';
import {
  createThread,
  createVisitor,
  expectApiError,
  getHistory,
  listPosts,
  postVoiceMessage,
  request,
  signUp,
  threadContext,
  ticketFor,
} from '../support/api';
import { withChatService, type RunningChatService } from '../support/chat-service';
import { TestSocket } from '../support/ws-client';

let service: RunningChatService;

withChatService((started) => {
  service = started;
});

describe('internal API for the voice agent', () => {
  it('refuses callers without the internal token, including signed-in users', async () => {
    const user = await signUp(service);
    const thread = await createThread(service, user.sessionToken);
    const paths: Array<[string, string, unknown]> = [
      ['GET', `/v1/internal/threads/${thread.id}/context`, undefined],
      ['POST', `/v1/internal/threads/${thread.id}/messages`, { role: 'user', content: 'hi', source: 'voice', client_message_id: 'k1' }],
      ['POST', `/v1/internal/threads/${thread.id}/voice-session`, { state: 'started', room_name: 'room-1' }],
    ];
    for (const [method, path, body] of paths) {
      expectApiError(await request(service, method, path, { body }), 401, 'AUTH_REQUIRED');
      expectApiError(await request(service, method, path, { body, token: user.sessionToken }), 401, 'AUTH_FAILED');
    }
    expect((await getHistory(service, thread.id, { token: user.sessionToken })).messages).toHaveLength(0);
  });

  it('gives the thread, its persona and recent history as context', async () => {
    const user = await signUp(service, { display_name: 'Vera' });
    const [post] = await listPosts(service);
    const thread = await createThread(service, user.sessionToken, { slug: post!.slug });
    await postVoiceMessage(service, thread.id, { role: 'user', content: 'Hello there', client_message_id: 'seg-1' });
    await postVoiceMessage(service, thread.id, { role: 'agent', content: 'Hi Vera', client_message_id: 'seg-2' });

    const context = await threadContext(service, thread.id);

    expect(context.thread.id).toBe(thread.id);
    expect(context.persona).toEqual(post!.agent);
    expect(context.history.map((m) => [m.author.kind, m.author.display_name, m.content])).toEqual([
      ['user', 'Vera', 'Hello there'],
      ['agent', post!.agent.name, 'Hi Vera'],
    ]);
  });

  it('answers NOT_FOUND for a post conversation or an unknown thread', async () => {
    const [post] = await listPosts(service);
    const token = service.env.CHAT_SERVICE_INTERNAL_TOKEN!;
    for (const id of [post!.conversation_id, randomUUID()]) {
      expectApiError(await request(service, 'GET', `/v1/internal/threads/${id}/context`, { token }), 404, 'NOT_FOUND');
    }
  });

  it('stores a spoken turn once per client_message_id and returns the original on a retry', async () => {
    const visitor = await createVisitor(service);
    const thread = await createThread(service, visitor.sessionToken);

    const first = await postVoiceMessage(service, thread.id, { role: 'user', content: 'Book a table', client_message_id: 'seg-42' });
    const retry = await postVoiceMessage(service, thread.id, { role: 'user', content: 'Book a table', client_message_id: 'seg-42' });

    expect(first.duplicate).toBe(false);
    expect(retry.duplicate).toBe(true);
    expect(retry.message).toEqual(first.message);
    expect(first.message).toMatchObject({ seq: 1, source: 'voice', status: 'complete', author: { kind: 'visitor', id: visitor.identity.id } });
    expect((await getHistory(service, thread.id, { token: visitor.sessionToken })).last_seq).toBe(1);
  });

  it('stores one copy when the same turn arrives many times at once', async () => {
    const user = await signUp(service);
    const thread = await createThread(service, user.sessionToken);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => postVoiceMessage(service, thread.id, { role: 'agent', content: 'Sure.', client_message_id: 'seg-race' })),
    );

    expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    const history = await getHistory(service, thread.id, { token: user.sessionToken });
    expect(history.messages).toHaveLength(1);
    expect(history.last_seq).toBe(1);
  }, 20_000);

  it('gives 50 concurrent turns the seqs 1..50 exactly, with no gaps or repeats', async () => {
    const user = await signUp(service);
    const thread = await createThread(service, user.sessionToken);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        postVoiceMessage(service, thread.id, { role: i % 2 ? 'agent' : 'user', content: `turn ${i}`, client_message_id: randomUUID() }),
      ),
    );

    const expected = Array.from({ length: 50 }, (_, i) => i + 1);
    expect(results.map((r) => r.message.seq).sort((a, b) => a - b)).toEqual(expected);
    const history = await getHistory(service, thread.id, { token: user.sessionToken, limit: 200 });
    expect(history.messages.map((m) => m.seq)).toEqual(expected);
    expect(history.last_seq).toBe(50);
  }, 30_000);

  it('shows a spoken turn live to people reading the thread over WebSocket', async () => {
    const visitor = await createVisitor(service);
    const thread = await createThread(service, visitor.sessionToken);
    const { ticket } = await ticketFor(service, visitor.sessionToken);
    const socket = await TestSocket.open(`${service.wsBase}conversation/${thread.id}/?session_user=${ticket}&app_type=test`);
    try {
      await socket.next('connected');
      const { message } = await postVoiceMessage(service, thread.id, { role: 'user', content: 'Spoken words', client_message_id: 'seg-live' });

      const frame = await socket.next('message', (f) => f.data.message.id === message.id);
      expect(frame.data.message).toEqual(message);
    } finally {
      socket.close();
    }
  });

  it('records voice session state for a thread', async () => {
    const user = await signUp(service);
    const thread = await createThread(service, user.sessionToken);
    const token = service.env.CHAT_SERVICE_INTERNAL_TOKEN!;
    const path = `/v1/internal/threads/${thread.id}/voice-session`;

    expect((await request(service, 'POST', path, { token, body: { state: 'started', room_name: `thread-${thread.id}` } })).status).toBe(204);
    expect((await request(service, 'POST', path, { token, body: { state: 'ended', room_name: `thread-${thread.id}` } })).status).toBe(204);
    expectApiError(await request(service, 'POST', path, { token, body: { state: 'paused', room_name: 'x' } }), 400, 'VALIDATION_ERROR');
  });

  it('validates spoken turns: role, non-empty content, source and key', async () => {
    const user = await signUp(service);
    const thread = await createThread(service, user.sessionToken);
    const token = service.env.CHAT_SERVICE_INTERNAL_TOKEN!;
    const path = `/v1/internal/threads/${thread.id}/messages`;
    const valid = { role: 'user', content: 'hi', source: 'voice', client_message_id: 'k' };
    for (const body of [
      { ...valid, role: 'system' },
      { ...valid, content: '' },
      { ...valid, content: 'x'.repeat(10_001) },
      { ...valid, source: 'text' },
      { ...valid, client_message_id: '' },
    ]) {
      expectApiError(await request(service, 'POST', path, { token, body }), 400, 'VALIDATION_ERROR');
    }
  });
});
