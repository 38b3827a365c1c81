import { createThread, expectApiError, getHistory, internalToken, postVoiceMessage, request, signUp } from '../support/api';
import { withChatService, type RunningChatService } from '../support/chat-service';

/**
 * Transcribed voice turns with text the database cannot store as sent: the internal REST API applies
 * the same rule as WebSocket messages (NUL is VALIDATION_ERROR, a lone UTF-16 surrogate becomes
 * U+FFFD), instead of failing the insert with INTERNAL_ERROR.
 */

let service: RunningChatService;

withChatService((started) => {
  service = started;
});

const turnPath = (threadId: string): string => `/v1/internal/threads/${threadId}/messages`;

async function newThread(): Promise<{ threadId: string; sessionToken: string }> {
  const user = await signUp(service);
  const thread = await createThread(service, user.sessionToken);
  return { threadId: thread.id, sessionToken: user.sessionToken };
}

it('refuses a NUL character in the content with VALIDATION_ERROR and stores nothing', async () => {
  const { threadId, sessionToken } = await newThread();
  const response = await request(service, 'POST', turnPath(threadId), {
    token: internalToken(service),
    body: { role: 'user', content: 'before\u0000after', source: 'voice', client_message_id: 'nul-1' },
  });
  expect(expectApiError(response, 400, 'VALIDATION_ERROR').message).toMatch(/NUL/);
  expect((await getHistory(service, threadId, { token: sessionToken })).messages).toHaveLength(0);
});

it('stores lone surrogates as U+FFFD (high, low, and reversed pair), keeping real pairs', async () => {
  const { threadId, sessionToken } = await newThread();
  const sent = 'a\uD800b \uDC00c \uDC00\uD800 ok \uD83D\uDE00';
  const { message } = await postVoiceMessage(service, threadId, { role: 'agent', content: sent, client_message_id: 'lone-1' });
  const expected = 'a\uFFFDb \uFFFDc \uFFFD\uFFFD ok \uD83D\uDE00';
  expect(message.content).toBe(expected);
  expect((await getHistory(service, threadId, { token: sessionToken })).messages.map((m) => m.content)).toEqual([expected]);
  // The same key again is the same turn (idempotent), not a second message.
  const again = await postVoiceMessage(service, threadId, { role: 'agent', content: sent, client_message_id: 'lone-1' });
  expect(again.duplicate).toBe(true);
  expect(again.message.id).toBe(message.id);
});

it('refuses an idempotency key with NUL or a lone surrogate with VALIDATION_ERROR', async () => {
  const { threadId, sessionToken } = await newThread();
  for (const key of ['seg\u00001', 'seg\uD800']) {
    const response = await request(service, 'POST', turnPath(threadId), {
      token: internalToken(service),
      body: { role: 'user', content: 'hello', source: 'voice', client_message_id: key },
    });
    expectApiError(response, 400, 'VALIDATION_ERROR');
  }
  expect((await getHistory(service, threadId, { token: sessionToken })).messages).toHaveLength(0);
});
