import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import type { Post, ServerFrameOf } from '@confab/protocol';
import { z } from 'zod';
import { AgentProviderError, createOpenAiProvider, GROUP_CONVERSATION_NOTE, type AgentChunk } from '@/libs/chat-service/src/agents';
import { testMessage, testPersona } from '@/libs/chat-service/src/agents/test-fixtures';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai';
import { startChatService, type RunningChatService } from '../support/chat-service';
import { TestSocket } from '../support/ws-client';
import { createThread, getHistory, listPosts, request, signUp, ticketFor } from '../support/api';

/** The OpenAI-compatible provider against a real local HTTP server that streams real SSE. */

const persona = testPersona({ instructions: 'You are Ada, a writing coach.', temperature: 0.3 });
const message = testMessage;

const history = [message(1, 'user', 'Is this sentence clear?'), message(2, 'agent', 'Mostly.'), message(3, 'user', 'How to fix it?')];

/** Whether the model server saw its newest request closed by its client, within 3 s. */
async function newestRequestClosed(fake: FakeOpenAi): Promise<boolean> {
  const deadline = Date.now() + 3_000;
  while (!fake.requests.at(-1)!.clientAborted && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return fake.requests.at(-1)!.clientAborted;
}

async function collect(stream: AsyncIterable<AgentChunk>): Promise<AgentChunk[]> {
  const chunks: AgentChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const text = (chunks: AgentChunk[]) => chunks.map((c) => (c.type === 'delta' ? c.text : '')).join('');

describe('OpenAI-compatible provider (fake OpenAI-compatible server)', () => {
  let fake: FakeOpenAi;
  beforeAll(async () => {
    fake = await startFakeOpenAi();
  });
  afterAll(async () => {
    await fake.close();
  });

  const provider = () => createOpenAiProvider({ baseUrl: fake.baseUrl, apiKey: 'sk-test', defaultModel: 'fake-gpt', idleTimeoutMs: 2_000 });

  it('sends the persona as system prompt and the history as user/assistant turns, streaming with usage', async () => {
    fake.reply({ pieces: ['Try', ' shorter', ' clauses — naïve café ☕ 👍'], usage: { prompt_tokens: 30, completion_tokens: 3 }, splitEvery: 5 });
    const chunks = await collect(provider().stream({ persona, history, signal: new AbortController().signal }));

    expect(text(chunks)).toBe('Try shorter clauses — naïve café ☕ 👍');
    expect(chunks.at(-1)).toEqual({ type: 'done', finishReason: 'stop', usage: { prompt_tokens: 30, completion_tokens: 3 }, model: 'fake-gpt' });
    const request = fake.requests.at(-1)!;
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe('Bearer sk-test');
    expect(request.body).toEqual({
      model: 'fake-gpt',
      temperature: 0.3,
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: 'You are Ada, a writing coach.' },
        { role: 'user', content: 'Is this sentence clear?' },
        { role: 'assistant', content: 'Mostly.' },
        { role: 'user', content: 'How to fix it?' },
      ],
    });
  });

  it('reads the stream correctly whatever the byte boundaries (1 to 13 bytes per write)', async () => {
    for (const splitEvery of [1, 2, 3, 13]) {
      fake.reply({ pieces: ['é', '☕', '👍🏽', ' ok'], finishReason: 'length', splitEvery, writeDelayMs: 0 });
      const chunks = await collect(provider().stream({ persona, history, signal: new AbortController().signal }));
      expect(text(chunks)).toBe('é☕👍🏽 ok');
      expect(chunks.at(-1)).toMatchObject({ type: 'done', finishReason: 'length' });
    }
  }, 30_000);

  it('finishes without usage when the server sends none', async () => {
    fake.reply({ pieces: ['hi'], usage: null });
    const chunks = await collect(provider().stream({ persona, history, signal: new AbortController().signal }));
    expect(chunks.at(-1)).toEqual({ type: 'done', finishReason: 'stop', usage: null, model: 'fake-gpt' });
  });

  it('ends whole, not failed, and within seconds, when the server finished the reply and then kept the connection open without [DONE]', async () => {
    fake.reply({ pieces: ['all', ' said'], hangAfterFinish: true });
    // The usual idle time: a reply that has finished is not held (with its conversation's queue) for a minute.
    const patient = createOpenAiProvider({ baseUrl: fake.baseUrl, apiKey: 'sk-test', defaultModel: 'fake-gpt', idleTimeoutMs: 60_000 });
    const started = Date.now();
    const chunks = await collect(patient.stream({ persona, history, signal: new AbortController().signal }));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(text(chunks)).toBe('all said');
    expect(chunks.at(-1)).toMatchObject({ type: 'done', finishReason: 'stop' });
    expect(await newestRequestClosed(fake)).toBe(true);
  }, 30_000);

  it('stops reading and closes the HTTP request when the signal is aborted', async () => {
    fake.reply({ pieces: Array.from({ length: 200 }, (_, i) => ` w${i}`), writeDelayMs: 5 });
    const controller = new AbortController();
    const received: AgentChunk[] = [];
    for await (const chunk of provider().stream({ persona, history, signal: controller.signal })) {
      received.push(chunk);
      if (received.length === 3) controller.abort();
    }
    expect(received.every((c) => c.type === 'delta')).toBe(true);
    // The server notices the closed connection: it stops writing long before the 200 pieces are out.
    expect(await newestRequestClosed(fake)).toBe(true);
  });

  it('reports an HTTP error by its status and kind; the server\'s words (which can name the account) only as the log\'s detail', async () => {
    fake.reply({ status: 401, errorBody: JSON.stringify({ error: { message: 'Incorrect API key provided: sk-proj-****abcd' } }) });
    const failure = await collect(provider().stream({ persona, history, signal: new AbortController().signal })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AgentProviderError);
    expect((failure as AgentProviderError).reason).toBe('model server answered HTTP 401 (the API key was refused)');
    expect((failure as AgentProviderError).detail).toBe('Incorrect API key provided: sk-proj-****abcd');
    fake.reply({ status: 429, errorBody: JSON.stringify({ error: { message: 'Rate limit reached for gpt-4o in organization org-123' } }) });
    const limited = await collect(provider().stream({ persona, history, signal: new AbortController().signal })).catch((error: unknown) => error);
    expect((limited as AgentProviderError).reason).toBe('model server answered HTTP 429 (rate limited or out of quota)');
  });

  it('reports an error object sent inside the stream', async () => {
    fake.reply({ pieces: ['a', 'b', 'c'], injectData: JSON.stringify({ error: { message: 'model overloaded' } }) });
    await expect(collect(provider().stream({ persona, history, signal: new AbortController().signal }))).rejects.toMatchObject({
      reason: 'model error: model overloaded',
    });
  });

  it('reports a stream cut short before it finished', async () => {
    fake.reply({ pieces: ['partial'], cutShort: true });
    await expect(collect(provider().stream({ persona, history, signal: new AbortController().signal }))).rejects.toMatchObject({
      reason: 'model server ended the stream before finishing',
    });
  });

  it('reports an unreachable server', async () => {
    const unreachable = createOpenAiProvider({ baseUrl: 'http://127.0.0.1:9/v1', apiKey: undefined, defaultModel: 'x' });
    await expect(collect(unreachable.stream({ persona, history, signal: new AbortController().signal }))).rejects.toMatchObject({
      reason: expect.stringContaining('could not reach the model server'),
    });
  });
});

/** A new person's thread on `post`, with a socket open on it (kept in `sockets`, to be closed after). */
async function openThread(service: RunningChatService, post: Post, sockets: TestSocket[]) {
  const user = await signUp(service);
  const thread = await createThread(service, user.sessionToken, { slug: post.slug });
  const { ticket } = await ticketFor(service, user.sessionToken);
  const socket = await TestSocket.open(`${service.wsBase}conversation/${thread.conversation_id}/?token=${encodeURIComponent(ticket)}`);
  sockets.push(socket);
  await socket.next('connected');
  return { user, thread, socket };
}

/** The chat messages of a request the fake model server recorded. */
function chatMessages(body: unknown): Array<{ role: string; content: string }> {
  return z.object({ messages: z.array(z.object({ role: z.string(), content: z.string() })) }).parse(body).messages;
}

describe('agent replies through the chat service (fake OpenAI-compatible server)', () => {
  let fake: FakeOpenAi;
  let service: RunningChatService;
  let post: Post;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    // STALE_STREAM_AFTER_S=1: a reply untouched for 1 s counts as abandoned (swept every 0.5 s), so
    // replies here must be kept alive by their own instance while the model is quiet.
    service = await startChatService({ env: { OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: 'sk-service', OPENAI_MODEL: 'gpt-test', STALE_STREAM_AFTER_S: '1' } });
    post = (await listPosts(service))[0]!;
  }, 90_000);
  afterEach(() => {
    for (const socket of sockets.splice(0)) if (socket.closeCode === null) socket.close();
  });
  afterAll(async () => {
    await service?.stop();
    await fake?.close();
  });

  const isAgentMessage = (f: ServerFrameOf<'message'>) => f.data.message.author.kind === 'agent';

  const threadSocket = () => openThread(service, post, sockets);

  function ask(socket: TestSocket, message: string): void {
    socket.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message, client_message_id: `cm-${randomUUID()}` } });
  }

  it("streams the model's reply to the thread and stores it with the model's usage", async () => {
    fake.reply({ pieces: ['Start', ' with', ' a', ' question', '.'], usage: { prompt_tokens: 55, completion_tokens: 5 } });
    const { user, thread, socket } = await threadSocket();
    ask(socket, 'How do I open my essay?');
    const question = (await socket.next('ack')).data.message_id;
    const reply = (await socket.next('message', isAgentMessage)).data.message;
    // It says which message it answers (replies to queued messages are stored after later ones).
    expect(reply).toMatchObject({ status: 'streaming', model: 'gpt-test', author: { display_name: post.agent.name }, reply_to: question });
    const done = await socket.next('done', (f) => f.data.message_id === reply.id);
    expect(done.data).toMatchObject({
      status: 'complete',
      content: 'Start with a question.',
      finish_reason: 'stop',
      model: 'gpt-test',
      usage: { prompt_tokens: 55, completion_tokens: 5 },
    });
    expect(socket.replyText(reply.id)).toBe('Start with a question.');

    const request = fake.requests.at(-1)!;
    expect(request.headers.authorization).toBe('Bearer sk-service');
    expect(request.body).toMatchObject({
      model: 'gpt-test',
      stream: true,
      temperature: post.agent.temperature,
      messages: [
        { role: 'system', content: post.agent.instructions },
        { role: 'user', content: 'How do I open my essay?' },
      ],
    });
    const history = await getHistory(service, thread.conversation_id, { token: user.sessionToken });
    expect(history.messages.find((m) => m.id === reply.id)).toMatchObject({ status: 'complete', content: 'Start with a question.', reply_to: question });
    expect(history.messages.find((m) => m.id === question)).not.toHaveProperty('reply_to');
  });

  it("in a post's shared conversation, tells the model who wrote each message", async () => {
    fake.reply({ pieces: ['Hi', ' Maya'] });
    const maya = await signUp(service, { display_name: 'Maya' });
    const { ticket } = await ticketFor(service, maya.sessionToken);
    const socket = await TestSocket.open(`${service.wsBase}conversation/${post.conversation_id}/?token=${encodeURIComponent(ticket)}`);
    sockets.push(socket);
    await socket.next('connected');
    ask(socket, `@${post.agent.handle} can you help us?`);
    const reply = (await socket.next('message', isAgentMessage)).data.message;
    await socket.next('done', (f) => f.data.message_id === reply.id);

    const messages = z.object({ messages: z.array(z.object({ role: z.string(), content: z.string() })) }).parse(fake.requests.at(-1)!.body).messages;
    expect(messages[0]).toEqual({ role: 'system', content: `${post.agent.instructions}\n\n${GROUP_CONVERSATION_NOTE}` });
    expect(messages.at(-1)).toEqual({ role: 'user', content: `Maya: @${post.agent.handle} can you help us?` });
  });

  it("in a busy post, a queued mention is answered with the conversation up to it, however many messages came while it waited", async () => {
    // The first answer streams for ~3 s; meanwhile the second mention waits its turn and 54 more messages arrive.
    fake.reply({ pieces: ['answer-1'], splitEvery: 20, writeDelayMs: 150 }, { pieces: ['answer-2'] });
    const asker = await signUp(service, { display_name: 'Ines' });
    const { ticket } = await ticketFor(service, asker.sessionToken);
    const socket = await TestSocket.open(`${service.wsBase}conversation/${post.conversation_id}/?token=${encodeURIComponent(ticket)}`);
    sockets.push(socket);
    await socket.next('connected');
    const requestsBefore = fake.requests.length;
    const tag = randomUUID().slice(0, 8);
    ask(socket, `@${post.agent.handle} first question ${tag}`);
    const first = (await socket.next('message', isAgentMessage)).data.message;
    socket.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message: `the context of the second ${tag}`, client_message_id: `cm-${randomUUID()}` } });
    ask(socket, `@${post.agent.handle} second question ${tag}`);
    // Six others chat on while the first answer streams (9 each: the per-person limit is 10 a minute).
    for (let person = 0; person < 6; person += 1) {
      const talker = await signUp(service, { display_name: `Talker ${person}` });
      const talk = await TestSocket.open(`${service.wsBase}conversation/${post.conversation_id}/?token=${encodeURIComponent((await ticketFor(service, talker.sessionToken)).ticket)}`);
      sockets.push(talk);
      await talk.next('connected');
      for (let n = 0; n < 9; n += 1) talk.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message: `chatter ${person}.${n}`, client_message_id: `cm-${randomUUID()}` } });
      for (let n = 0; n < 9; n += 1) await talk.next('ack');
    }
    expect(socket.all('done').filter((f) => f.data.message_id === first.id)).toEqual([]); // still answering the first
    const second = (await socket.next('message', (f) => isAgentMessage(f) && f.data.message.id !== first.id, 15_000)).data.message;
    await socket.next('done', (f) => f.data.message_id === second.id, 15_000);

    const asked = chatMessages(fake.requests[requestsBefore + 1]!.body).slice(1);
    expect(asked.slice(-4)).toEqual([
      { role: 'user', content: `Ines: @${post.agent.handle} first question ${tag}` },
      { role: 'assistant', content: 'answer-1' },
      { role: 'user', content: `Ines: the context of the second ${tag}` },
      { role: 'user', content: `Ines: @${post.agent.handle} second question ${tag}` },
    ]);
    expect(asked.some((m) => m.content.includes('chatter'))).toBe(false);
    fake.reply();
  }, 40_000);

  it('answers queued messages in order: each reply follows the message it answers, and each request ends with the message being answered', async () => {
    // The first answer streams for ~1.5 s, so the next two messages wait their turn behind it.
    fake.reply({ pieces: ['answer-1'], splitEvery: 40, writeDelayMs: 100 }, { pieces: ['answer-2'] }, { pieces: ['answer-3'] });
    const { socket } = await threadSocket();
    const requestsBefore = fake.requests.length;
    ask(socket, 'Q1');
    const first = (await socket.next('message', isAgentMessage)).data.message;
    await sleep(500);
    ask(socket, 'Q2');
    ask(socket, 'Q3');
    await socket.next('ack', (f) => f.data.seq === first.seq + 2);
    expect(socket.all('done')).toEqual([]);
    const isNewReply = (f: ServerFrameOf<'message'>) => isAgentMessage(f) && f.data.message.id !== first.id;
    const second = (await socket.next('message', isNewReply)).data.message;
    const third = (await socket.next('message', (f) => isNewReply(f) && f.data.message.id !== second.id)).data.message;
    await socket.next('done', (f) => f.data.message_id === third.id);

    const sent = fake.requests.slice(requestsBefore).map((r) => chatMessages(r.body).slice(1));
    expect(sent).toEqual([
      [{ role: 'user', content: 'Q1' }],
      [
        { role: 'user', content: 'Q1' },
        { role: 'assistant', content: 'answer-1' },
        { role: 'user', content: 'Q2' },
      ],
      [
        { role: 'user', content: 'Q1' },
        { role: 'assistant', content: 'answer-1' },
        { role: 'user', content: 'Q2' },
        { role: 'assistant', content: 'answer-2' },
        { role: 'user', content: 'Q3' },
      ],
    ]);
    fake.reply();
  }, 20_000);

  it('ends the reply with status "error" and a reason when the model server fails', async () => {
    fake.reply({ status: 500, errorBody: JSON.stringify({ error: { message: 'GPU on fire' } }) });
    const { user, thread, socket } = await threadSocket();
    ask(socket, 'Hello?');
    const reply = (await socket.next('message', isAgentMessage)).data.message;
    const done = await socket.next('done', (f) => f.data.message_id === reply.id);
    expect(done.data.status).toBe('error');
    expect(done.data.finish_reason).toBe('model server answered HTTP 500 (server error)');
    const history = await getHistory(service, thread.conversation_id, { token: user.sessionToken });
    expect(history.messages.find((m) => m.id === reply.id)).toMatchObject({ status: 'error', finish_reason: done.data.finish_reason });
    fake.reply();
  });

  it('answers again, as a new reply, when the person retries a reply that failed; once only', async () => {
    fake.reply({ status: 500, errorBody: JSON.stringify({ error: { message: 'GPU on fire' } }) });
    const { socket } = await threadSocket();
    ask(socket, 'Hello?');
    const failed = (await socket.next('message', isAgentMessage)).data.message;
    expect((await socket.next('done', (f) => f.data.message_id === failed.id)).data.status).toBe('error');

    fake.reply({ pieces: ['Hello', ' again.'] });
    // Pressed twice (or in two tabs): one new reply; the second press gets CONFLICT, worded by how
    // far the first got (started here: "already on its way"; claimed: "already being answered again"; stored: "a newer reply came").
    socket.send({ event: 'action', data: { action: 'retry_reply', message_id: failed.id } });
    socket.send({ event: 'action', data: { action: 'retry_reply', message_id: failed.id } });
    expect((await socket.next('error')).data).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/already being answered again|A newer reply came|already on its way/) });
    const retried = (await socket.next('message', (f) => isAgentMessage(f) && f.data.message.id !== failed.id)).data.message;
    expect(retried.seq).toBeGreaterThan(failed.seq);
    const done = await socket.next('done', (f) => f.data.message_id === retried.id);
    expect(done.data).toMatchObject({ status: 'complete', content: 'Hello again.' });
    // The model is asked the same question, without the failed attempt as something it said.
    const messages = z.object({ messages: z.array(z.object({ role: z.string(), content: z.string() })) }).parse(fake.requests.at(-1)!.body).messages;
    expect(messages.slice(1)).toEqual([{ role: 'user', content: 'Hello?' }]);

    await sleep(300);
    expect(socket.all('message').filter((f) => isAgentMessage(f) && f.data.message.id !== failed.id)).toHaveLength(1);
    // Answered now: retrying the failed one again would give a second answer; a finished reply is no failure.
    for (const messageId of [failed.id, retried.id]) {
      const before = socket.all('error').length;
      socket.send({ event: 'action', data: { action: 'retry_reply', message_id: messageId } });
      await socket.next('error', () => socket.all('error').length > before);
      expect(socket.all('error').at(-1)?.data.code).toBe('CONFLICT');
    }
  });

  it("refuses retry_reply in a post's shared conversation (others write between a question and its reply)", async () => {
    fake.reply({ status: 500, errorBody: JSON.stringify({ error: { message: 'GPU on fire' } }) });
    const user = await signUp(service, { display_name: 'Ola' });
    const { ticket } = await ticketFor(service, user.sessionToken);
    const socket = await TestSocket.open(`${service.wsBase}conversation/${post.conversation_id}/?token=${encodeURIComponent(ticket)}`);
    sockets.push(socket);
    await socket.next('connected');
    ask(socket, `@${post.agent.handle} hello?`);
    const failed = (await socket.next('message', isAgentMessage)).data.message;
    await socket.next('done', (f) => f.data.message_id === failed.id);
    socket.send({ event: 'action', data: { action: 'retry_reply', message_id: failed.id } });
    expect((await socket.next('error')).data).toMatchObject({ code: 'FORBIDDEN', message: `In a shared conversation, ask again by mentioning @${post.agent.handle}.` });
    fake.reply();
  });

  it('closes the request to the model server when the person presses stop', async () => {
    fake.reply({ pieces: Array.from({ length: 300 }, (_, i) => ` word${i}`), writeDelayMs: 5 });
    const { socket } = await threadSocket();
    ask(socket, 'Talk for a long time');
    const reply = (await socket.next('message', isAgentMessage)).data.message;
    await socket.next('stream', (f) => f.data.message_id === reply.id);
    socket.send({ event: 'action', data: { action: 'stop' } });
    const done = await socket.next('done', (f) => f.data.message_id === reply.id);
    expect(done.data.status).toBe('stopped');
    expect(await newestRequestClosed(fake)).toBe(true);
    fake.reply();
  });

  it('regenerates a stopped reply when the person asks (“Try again”), without the stopped words as something it said', async () => {
    fake.reply({ pieces: Array.from({ length: 300 }, (_, i) => ` word${i}`), writeDelayMs: 5 });
    const { socket } = await threadSocket();
    ask(socket, 'Tell me a story');
    const stopped = (await socket.next('message', isAgentMessage)).data.message;
    await socket.next('stream', (f) => f.data.message_id === stopped.id);
    socket.send({ event: 'action', data: { action: 'stop' } });
    expect((await socket.next('done', (f) => f.data.message_id === stopped.id)).data.status).toBe('stopped');

    fake.reply({ pieces: ['Once', ' upon a time.'] });
    socket.send({ event: 'action', data: { action: 'retry_reply', message_id: stopped.id } });
    const again = (await socket.next('message', (f) => isAgentMessage(f) && f.data.message.id !== stopped.id)).data.message;
    expect((await socket.next('done', (f) => f.data.message_id === again.id)).data).toMatchObject({ status: 'complete', content: 'Once upon a time.' });
    const messages = z.object({ messages: z.array(z.object({ role: z.string(), content: z.string() })) }).parse(fake.requests.at(-1)!.body).messages;
    expect(messages.slice(1)).toEqual([{ role: 'user', content: 'Tell me a story' }]);
    fake.reply();
  });

  it('keeps a reply streaming while its model is quiet for longer than the stale time (its instance is alive)', async () => {
    // Pauses of 1.2 s between writes: longer than the 1 s after which an untouched reply is swept.
    fake.reply({ pieces: ['Let me think.', ' Done thinking.'], splitEvery: 150, writeDelayMs: 1_200 });
    const { socket } = await threadSocket();
    ask(socket, 'Think hard');
    const reply = (await socket.next('message', isAgentMessage)).data.message;
    const done = await socket.next('done', (f) => f.data.message_id === reply.id);
    expect(done.data).toMatchObject({ status: 'complete', content: 'Let me think. Done thinking.' });
    expect(socket.all('done').filter((f) => f.data.message_id === reply.id)).toHaveLength(1);
    fake.reply();
    await sleep(1_300); // the fake server's pause after its last write, before it ends the response

  }, 30_000);

  it('stops the reply (closes the model request) when its thread is deleted mid-stream, and logs no failure', async () => {
    fake.reply({ pieces: Array.from({ length: 300 }, (_, i) => ` word${i}`), writeDelayMs: 5 });
    const { user, thread, socket } = await threadSocket();
    ask(socket, 'Talk for a long time');
    const reply = (await socket.next('message', isAgentMessage)).data.message;
    await socket.next('stream', (f) => f.data.message_id === reply.id);
    const logsBefore = service.logs.length;

    expect((await request(service, 'DELETE', `/v1/threads/${thread.id}`, { token: user.sessionToken })).status).toBe(204);
    expect(await socket.closed()).toBe(4404);
    expect(await newestRequestClosed(fake)).toBe(true);
    await sleep(300);
    const failures = service.logs.slice(logsBefore).filter((line) => Number(line.level) >= 50);
    expect(failures).toEqual([]);
    fake.reply();
  });

  it('refuses “Try again” on a stopped reply while a reply to a later message is on its way (no second answer)', async () => {
    fake.reply({ pieces: Array.from({ length: 300 }, (_, i) => ` word${i}`), writeDelayMs: 5 });
    const { socket } = await threadSocket();
    ask(socket, 'First question');
    const first = (await socket.next('message', isAgentMessage)).data.message;
    await socket.next('stream', (f) => f.data.message_id === first.id);
    ask(socket, 'Second question, queued behind the first reply');
    await socket.next('ack', (f) => f.data.seq > first.seq);
    socket.send({ event: 'action', data: { action: 'stop', message_id: first.id } });
    socket.send({ event: 'action', data: { action: 'retry_reply', message_id: first.id } });
    expect((await socket.next('error')).data).toMatchObject({ code: 'CONFLICT', message: 'A reply is already on its way.' });
    const second = (await socket.next('message', (f) => isAgentMessage(f) && f.data.message.id !== first.id)).data.message;
    socket.send({ event: 'action', data: { action: 'stop', message_id: second.id } });
    await socket.next('done', (f) => f.data.message_id === second.id);
    await sleep(300);
    expect(socket.all('message').filter((f) => isAgentMessage(f))).toHaveLength(2);
    fake.reply();
  });
});

describe('reply limits (fake OpenAI-compatible server)', () => {
  let fake: FakeOpenAi;
  let service: RunningChatService;
  let post: Post;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    service = await startChatService({ env: { OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: 'sk-service', AGENT_REPLY_MAX_CHARS: '40', AGENT_REPLY_MAX_S: '1.5' } });
    post = (await listPosts(service))[0]!;
  }, 90_000);
  afterAll(async () => {
    for (const socket of sockets) if (socket.closeCode === null) socket.close();
    await service?.stop();
    await fake?.close();
  });

  async function askInThread(question: string) {
    const { user, thread, socket } = await openThread(service, post, sockets);
    socket.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message: question, client_message_id: `cm-${randomUUID()}` } });
    const reply = (await socket.next('message', (f) => f.data.message.author.kind === 'agent')).data.message;
    return { user, thread, socket, reply };
  }

  it('ends a reply that runs past its length as complete, cut at the limit, and hangs up on the model', async () => {
    fake.reply({ pieces: Array.from({ length: 10 }, () => 'abcdefghij') });
    const { user, thread, socket, reply } = await askInThread('Talk a lot');
    const done = (await socket.next('done', (f) => f.data.message_id === reply.id)).data;
    expect(done).toMatchObject({ status: 'complete', finish_reason: 'length', content: 'abcdefghij'.repeat(4) });
    expect(socket.replyText(reply.id)).toBe('abcdefghij'.repeat(4));
    expect(await newestRequestClosed(fake)).toBe(true);
    const stored = (await getHistory(service, thread.conversation_id, { token: user.sessionToken })).messages.find((m) => m.id === reply.id);
    expect(stored).toMatchObject({ status: 'complete', finish_reason: 'length', content: 'abcdefghij'.repeat(4) });
  });

  it('ends a reply that trickles on past its time as complete, with what it had written', async () => {
    // 30 pieces 200 ms apart: 6 s, against a limit of 1.5 s.
    fake.reply({ pieces: Array.from({ length: 30 }, (_, i) => `${i},`), splitEvery: 150, writeDelayMs: 200 });
    const started = Date.now();
    const { socket, reply } = await askInThread('Take your time');
    const done = (await socket.next('done', (f) => f.data.message_id === reply.id, 5_000)).data;
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(done.status).toBe('complete');
    expect(done.finish_reason).toBe('time_limit');
    expect(done.content).toMatch(/^0,1,(\d+,)*$/);
    expect(await newestRequestClosed(fake)).toBe(true);
  });
});
