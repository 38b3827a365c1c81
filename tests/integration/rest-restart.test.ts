import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createThread, createVisitor, getHistory, listPosts, signUp, ticketFor } from '../support/api';
import { startChatService, testSecrets, type RunningChatService } from '../support/chat-service';
import { TestSocket } from '../support/ws-client';

/** A new visitor's thread, with a socket open on it (`query`: more of the socket URL's query). */
async function openVisitorThread(service: RunningChatService, query = '') {
  const visitor = await createVisitor(service);
  const thread = await createThread(service, visitor.sessionToken);
  const { ticket } = await ticketFor(service, visitor.sessionToken);
  const socket = await TestSocket.open(`${service.wsBase}conversation/${thread.id}/?session_user=${ticket}&app_type=test${query}`);
  await socket.next('connected');
  return { visitor, thread, socket };
}

/** A signed-in person's socket on a conversation, caught up (`sync` from 0) unless told not to. */
async function joinAs(service: RunningChatService, sessionToken: string, conversationId: string, caughtUp = true) {
  const { ticket } = await ticketFor(service, sessionToken);
  const socket = await TestSocket.open(`${service.wsBase}conversation/${conversationId}/?token=${encodeURIComponent(ticket)}&app_type=test&stream=delta`);
  await socket.next('connected');
  if (caughtUp) {
    socket.send({ event: 'sync', data: { after_seq: 0 } });
    await socket.next('sync', (f) => !f.data.has_more);
  }
  return socket;
}

/** The embedded database on disk: what `npm start` uses. Data must survive a restart, even a crash. */
describe('restart on the same PGlite folder', () => {
  let dataDir: string;
  let running: RunningChatService | null = null;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'confab-pglite-'));
  });

  // Each test's last service stops before the next test starts one on the same folder (the first
  // test's restarted service used to run on beside the second test's, and outlive the run).
  afterEach(async () => {
    await running?.stop();
    running = null;
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps sessions, threads and messages, does not seed twice, and marks a reply cut off by a crash as interrupted', async () => {
    // The same secrets across restarts, as in a configured deployment; a slow demo agent keeps the reply streaming.
    const env = { ...testSecrets(), PGLITE_DATA_DIR: dataDir, DEMO_AGENT_TOKEN_DELAY_MS: '2000' };
    running = await startChatService({ env });
    const postsBefore = await listPosts(running);
    const { visitor, thread, socket } = await openVisitorThread(running);
    socket.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message: 'Tell me a long story', client_message_id: 'first-msg' } });
    const reply = await socket.next('message', (f) => f.data.message.author.kind === 'agent');
    expect(reply.data.message.status).toBe('streaming');

    await running.stop('SIGKILL');
    running = await startChatService({ env });

    expect(await listPosts(running)).toEqual(postsBefore);
    const history = await getHistory(running, thread.id, { token: visitor.sessionToken });
    expect(history.messages.map((m) => [m.author.kind, m.status])).toEqual([
      ['visitor', 'complete'],
      ['agent', 'interrupted'],
    ]);
    expect(history.messages[0]!.content).toBe('Tell me a long story');
  }, 120_000);

  it('does not take a message it could not answer while it stops: the client is told to send it again', async () => {
    const env = { ...testSecrets(), PGLITE_DATA_DIR: dataDir, DEMO_AGENT_TOKEN_DELAY_MS: '50' };
    running = await startChatService({ env });
    const { visitor, thread, socket } = await openVisitorThread(running);
    socket.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message: 'Tell me a story', client_message_id: 'before-stop' } });
    const reply = await socket.next('message', (f) => f.data.message.author.kind === 'agent');
    const stopping = running.stop();
    // Its reply is interrupted first (the service is stopping by then), and the socket is still open.
    await socket.next('done', (f) => f.data.message_id === reply.data.message.id);
    socket.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message: 'And another one', client_message_id: 'during-stop' } });
    await stopping;
    expect(socket.all('ack').map((f) => f.data.client_message_id)).toEqual(['before-stop']);
    const refused = socket.all('error').filter((f) => f.data.client_message_id === 'during-stop');
    if (refused.length > 0) expect(refused[0]!.data.code).toBe('INTERNAL_ERROR'); // (or the socket closed before it arrived)

    running = await startChatService({ env });
    const history = await getHistory(running, thread.id, { token: visitor.sessionToken });
    expect(history.messages.map((m) => m.content)).not.toContain('And another one');
  }, 120_000);

  it('tells a mention that waited its turn while the service stopped that it went unanswered, after the restart too, and Try again answers it', async () => {
    const env = { ...testSecrets(), PGLITE_DATA_DIR: dataDir, DEMO_AGENT_TOKEN_DELAY_MS: '50' };
    running = await startChatService({ env });
    const [post] = await listPosts(running);
    const [ada, bo] = [await signUp(running, { display_name: 'Ada' }), await signUp(running, { display_name: 'Bo' })];
    const adaSocket = await joinAs(running, ada.sessionToken, post!.conversation_id, false);
    const boSocket = await joinAs(running, bo.sessionToken, post!.conversation_id, false);
    const handle = post!.agent.handle;
    adaSocket.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message: `@${handle} tell me a long story`, client_message_id: 'ada-asks' } });
    const adaReply = await boSocket.next('message', (f) => f.data.message.author.kind === 'agent');
    // Bo's mention waits for its turn behind Ada's reply: it is still waiting when the service stops.
    boSocket.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message: `@${handle} and one for me`, client_message_id: 'bo-asks-too' } });
    const boQuestion = (await boSocket.next('ack')).data.message_id;
    const stopping = running.stop();
    expect((await boSocket.next('done', (f) => f.data.message_id === adaReply.data.message.id)).data.status).toBe('interrupted');
    expect((await boSocket.next('unanswered')).data.message_id).toBe(boQuestion);
    await stopping;

    running = await startChatService({ env });
    // Bo's page, reloaded, is told again; Ada's is not (the question is not hers).
    const boAgain = await joinAs(running, bo.sessionToken, post!.conversation_id);
    expect((await boAgain.next('unanswered')).data.message_id).toBe(boQuestion);
    const adaAgain = await joinAs(running, ada.sessionToken, post!.conversation_id);
    // Try again: only Bo may, and it answers Bo's mention.
    adaAgain.send({ event: 'action', data: { action: 'retry_reply', message_id: boQuestion } });
    expect((await adaAgain.next('error')).data.code).toBe('FORBIDDEN');
    boAgain.send({ event: 'action', data: { action: 'retry_reply', message_id: boQuestion } });
    const answer = await boAgain.next('message', (f) => f.data.message.author.kind === 'agent');
    expect(answer.data.message.reply_to).toBe(boQuestion);
    await boAgain.next('done', (f) => f.data.message_id === answer.data.message.id);
    expect(adaAgain.all('unanswered')).toEqual([]);

    // Plain chat in a post asks the agent nothing: the newest message unanswered by it is no question.
    adaAgain.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message: 'Thanks, both of you', client_message_id: 'ada-thanks' } });
    const thanks = (await adaAgain.next('ack')).data.message_id;
    const adaReloaded = await joinAs(running, ada.sessionToken, post!.conversation_id);
    adaReloaded.send({ event: 'action', data: { action: 'retry_reply', message_id: thanks } });
    expect((await adaReloaded.next('error')).data.code).toBe('NOT_FOUND');
    expect(adaReloaded.all('unanswered')).toEqual([]);
    for (const socket of [boAgain, adaAgain, adaReloaded]) socket.close();
  }, 120_000);

  it('keeps the words of a reply that a crash cut off, up to about the last half second', async () => {
    const env = { ...testSecrets(), PGLITE_DATA_DIR: dataDir, DEMO_AGENT_TOKEN_DELAY_MS: '40' };
    running = await startChatService({ env });
    const { visitor, thread, socket } = await openVisitorThread(running, '&stream=delta');
    socket.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message: 'Tell me a long story', client_message_id: 'long-story' } });
    const reply = await socket.next('message', (f) => f.data.message.author.kind === 'agent');
    const replyId = reply.data.message.id;
    // Two and a half seconds of streaming: ~60 tokens, several saves.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const seen = socket.replyText(replyId) ?? '';
    expect(seen.length).toBeGreaterThan(100);

    await running.stop('SIGKILL');
    running = await startChatService({ env });
    const history = await getHistory(running, thread.id, { token: visitor.sessionToken });
    const stored = history.messages.find((m) => m.id === replyId);
    expect(stored?.status).toBe('interrupted');
    // What was stored is what people saw, short of at most the last save interval (500 ms ≈ 12 tokens here).
    expect(seen.startsWith(stored?.content ?? '')).toBe(true);
    expect(stored!.content.length).toBeGreaterThan(seen.length * 0.6);
  }, 120_000);
});
