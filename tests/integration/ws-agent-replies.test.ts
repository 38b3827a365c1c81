import { randomUUID } from 'node:crypto';
import type { Message, Post, ServerFrameOf } from '@confab/protocol';
import { startChatService, type RunningChatService } from '../support/chat-service';
import { TestSocket } from '../support/ws-client';
import { createThread, getHistory, listPosts, signUp, ticketFor } from '../support/api';

/** Agent replies over the socket with the built-in demo agent: streaming, storage, stop, late joiners, order. */

let service: RunningChatService;
let post: Post;

beforeAll(async () => {
  // ~10 ms per word: a reply takes the best part of a second, long enough to stop or join mid-stream.
  service = await startChatService({ env: { DEMO_AGENT_TOKEN_DELAY_MS: '10' } });
  post = (await listPosts(service))[0]!;
}, 90_000);

afterAll(async () => {
  await service?.stop();
});

const sockets: TestSocket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) if (socket.closeCode === null) socket.close();
});

/** `deltaStreams`: opened as today's client does (`stream=delta`); false: as a page loaded before that existed. */
async function join(target: RunningChatService, conversationId: string, sessionToken: string, deltaStreams = true) {
  const { ticket } = await ticketFor(target, sessionToken);
  const socket = await TestSocket.open(`${target.wsBase}conversation/${conversationId}/?token=${encodeURIComponent(ticket)}&app_type=test${deltaStreams ? '&stream=delta' : ''}`);
  sockets.push(socket);
  const connected = await socket.next('connected');
  return { socket, connected: connected.data };
}

function sendNext(socket: TestSocket, message: string): string {
  const clientMessageId = `cm-${randomUUID()}`;
  socket.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message, client_message_id: clientMessageId } });
  return clientMessageId;
}

const isAgentMessage = (f: ServerFrameOf<'message'>) => f.data.message.author.kind === 'agent';

async function newThread() {
  const user = await signUp(service, { display_name: 'Grace' });
  const thread = await createThread(service, user.sessionToken);
  return { user, thread };
}

async function storedMessage(conversationId: string, sessionToken: string, messageId: string): Promise<Message | undefined> {
  const history = await getHistory(service, conversationId, { token: sessionToken, limit: 200 });
  return history.messages.find((m) => m.id === messageId);
}

describe('agent replies (demo agent)', () => {
  it('streams a thread reply in growing pieces, ends it complete and stores it', async () => {
    const { user, thread } = await newThread();
    const { socket } = await join(service, thread.conversation_id, user.sessionToken);
    sendNext(socket, 'How should I open my essay?');
    const ack = await socket.next('ack');

    const started = await socket.next('message', isAgentMessage);
    const reply = started.data.message;
    expect(reply).toMatchObject({ status: 'streaming', content: '', model: 'demo', author: { kind: 'agent', display_name: thread.agent_name } });
    expect(reply.seq).toBeGreaterThan(ack.data.seq);

    const done = await socket.next('done', (f) => f.data.message_id === reply.id);
    const streams = socket.all('stream').filter((f) => f.data.message_id === reply.id);
    expect(streams.length).toBeGreaterThan(3);
    // The first frame carries the text so far; the others only what follows it, at its offset.
    expect(streams[0]?.data.content).toBe(streams[0]?.data.delta);
    let previous = '';
    for (const frame of streams) {
      expect(frame.data.offset).toBe(previous.length);
      expect(frame.data.delta.length).toBeGreaterThan(0);
      if (frame !== streams[0]) expect(frame.data.content).toBeUndefined();
      previous += frame.data.delta;
    }
    // So a viewer receives about the reply's size, not the sum of all its prefixes.
    const streamedBytes = streams.reduce((sum, f) => sum + JSON.stringify(f).length, 0);
    expect(streamedBytes).toBeLessThan(previous.length + streams.length * 250);
    expect(done.data).toMatchObject({ status: 'complete', finish_reason: 'stop', model: 'demo', content: previous, seq: reply.seq });
    expect(done.data.content).toContain('How should I open my essay?');
    expect(done.data.content).toContain('Here is what you said:');
    expect(done.data.usage?.completion_tokens).toBeGreaterThan(0);
    expect(done.data.usage?.prompt_tokens).toBeGreaterThan(0);

    const stored = await storedMessage(thread.conversation_id, user.sessionToken, reply.id);
    expect(stored).toMatchObject({ status: 'complete', content: done.data.content, model: 'demo', finish_reason: 'stop', usage: done.data.usage });
  });

  it('stops a reply on request: done is "stopped" and the partial text is stored as stopped', async () => {
    const { user, thread } = await newThread();
    const { socket } = await join(service, thread.conversation_id, user.sessionToken);
    sendNext(socket, 'Tell me everything.');
    const reply = (await socket.next('message', isAgentMessage)).data.message;
    await socket.next('stream', (f) => f.data.message_id === reply.id);
    socket.send({ event: 'action', data: { action: 'stop', message_id: reply.id } });

    const done = await socket.next('done', (f) => f.data.message_id === reply.id);
    expect(done.data.status).toBe('stopped');
    const full = await fullDemoReplyLength(user.sessionToken, 'Tell me everything.');
    expect(done.data.content.length).toBeLessThan(full);
    const stored = await storedMessage(thread.conversation_id, user.sessionToken, reply.id);
    expect(stored).toMatchObject({ status: 'stopped', content: done.data.content });
    // Its `done` is the answer: no NOTHING_TO_STOP besides.
    expect(socket.all('error')).toEqual([]);
  });

  it('answers a stop that finds nothing streaming (reply ended, unknown id, another conversation’s reply) with NOTHING_TO_STOP to the sender alone, and the socket goes on', async () => {
    const { user, thread } = await newThread();
    const { socket } = await join(service, thread.conversation_id, user.sessionToken);
    const { socket: otherTab } = await join(service, thread.conversation_id, user.sessionToken);
    sendNext(socket, 'A short question.');
    const reply = (await socket.next('message', isAgentMessage)).data.message;
    await socket.next('done', (f) => f.data.message_id === reply.id);

    // Stop pressed just as the reply ended.
    socket.send({ event: 'action', data: { action: 'stop', message_id: reply.id } });
    expect((await socket.next('error')).data).toEqual({ code: 'NOTHING_TO_STOP', message: 'There is no reply being written to stop.', message_id: reply.id });
    // An id no message has.
    const unknown = randomUUID();
    socket.send({ event: 'action', data: { action: 'stop', message_id: unknown } });
    expect((await socket.next('error')).data).toMatchObject({ code: 'NOTHING_TO_STOP', message_id: unknown });
    // "The newest reply" when none streams.
    socket.send({ event: 'action', data: { action: 'stop' } });
    const newest = await socket.next('error');
    expect(newest.data.code).toBe('NOTHING_TO_STOP');
    expect(newest.data.message_id).toBeUndefined();

    // A reply streaming in another of this person's threads is not this conversation's to stop.
    const elsewhere = await createThread(service, user.sessionToken);
    const { socket: elsewhereSocket } = await join(service, elsewhere.conversation_id, user.sessionToken);
    sendNext(elsewhereSocket, 'Tell me everything, at length.');
    const elsewhereReply = (await elsewhereSocket.next('message', isAgentMessage)).data.message;
    await elsewhereSocket.next('stream', (f) => f.data.message_id === elsewhereReply.id);
    socket.send({ event: 'action', data: { action: 'stop', message_id: elsewhereReply.id } });
    expect((await socket.next('error')).data).toMatchObject({ code: 'NOTHING_TO_STOP', message_id: elsewhereReply.id });
    expect((await elsewhereSocket.next('done', (f) => f.data.message_id === elsewhereReply.id)).data.status).toBe('complete');

    // Not fatal: the socket still answers, and the finished reply is left as it was.
    socket.send({ event: 'ping' });
    await socket.next('pong');
    expect(socket.closeCode).toBeNull();
    expect(await storedMessage(thread.conversation_id, user.sessionToken, reply.id)).toMatchObject({ status: 'complete' });
    // Nobody else heard of it: not the sender's other tab, not the other conversation.
    otherTab.send({ event: 'ping' });
    await otherTab.next('pong');
    expect(otherTab.all('error')).toEqual([]);
    expect(elsewhereSocket.all('error')).toEqual([]);
  });

  it('sends a socket opened without stream=delta (a page loaded before it) the whole text in every frame', async () => {
    const { user, thread } = await newThread();
    const current = await join(service, thread.conversation_id, user.sessionToken);
    const older = await join(service, thread.conversation_id, user.sessionToken, false);
    sendNext(current.socket, 'Please answer at some length.');
    const reply = (await older.socket.next('message', isAgentMessage)).data.message;
    const done = await older.socket.next('done', (f) => f.data.message_id === reply.id);
    await current.socket.next('done', (f) => f.data.message_id === reply.id);
    const streams = older.socket.all('stream').filter((f) => f.data.message_id === reply.id);
    expect(streams.length).toBeGreaterThan(3);
    let previous = '';
    for (const frame of streams) {
      expect(frame.data.content).toBe(previous + frame.data.delta);
      previous = frame.data.content ?? '';
    }
    expect(previous).toBe(done.data.content);
    // The same broadcast reached today's client as deltas.
    expect(current.socket.all('stream').filter((f) => f.data.message_id === reply.id && f.data.content === undefined).length).toBeGreaterThan(2);
    expect(current.socket.replyText(reply.id)).toBe(done.data.content);
  });

  it('gives a late joiner the stored page and then the reply in flight with its content so far', async () => {
    const { user, thread } = await newThread();
    const first = await join(service, thread.conversation_id, user.sessionToken);
    sendNext(first.socket, 'Something long please');
    const reply = (await first.socket.next('message', isAgentMessage)).data.message;
    await first.socket.next('stream', (f) => f.data.message_id === reply.id && (f.data.offset ?? 0) + f.data.delta.length > 20);

    const late = await join(service, thread.conversation_id, user.sessionToken);
    late.socket.send({ event: 'sync', data: { after_seq: 0 } });
    const page = await late.socket.next('sync');
    expect(page.data.messages.find((m) => m.id === reply.id)?.status).toBe('streaming');
    // right after the stored page: a snapshot of the reply in flight (live frames may have come before it)
    await late.socket.next('stream', (f) => f.data.message_id === reply.id && f.data.delta === '');
    const snapshot = late.socket.frames[late.socket.frames.findIndex((f) => f.event === 'sync') + 1];
    expect(snapshot?.event).toBe('stream');
    if (snapshot?.event !== 'stream') return;
    const snapshotText = snapshot.data.content ?? '';
    expect(snapshot.data).toMatchObject({ message_id: reply.id, seq: reply.seq, delta: '', offset: snapshotText.length });
    expect(snapshotText.length).toBeGreaterThan(20);

    const done = await late.socket.next('done', (f) => f.data.message_id === reply.id);
    expect(done.data.status).toBe('complete');
    expect(done.data.content.startsWith(snapshotText)).toBe(true);
    // The late joiner's live frames, applied in order, rebuild exactly the stored reply.
    expect(late.socket.replyText(reply.id)).toBe(done.data.content);
  });

  it('answers several messages one after another, in order', async () => {
    const { user, thread } = await newThread();
    const { socket } = await join(service, thread.conversation_id, user.sessionToken);
    sendNext(socket, 'First question?');
    sendNext(socket, 'Second question?');
    const firstReply = (await socket.next('message', isAgentMessage)).data.message;
    const secondReply = (await socket.next('message', isAgentMessage)).data.message;
    const firstDone = await socket.next('done', (f) => f.data.message_id === firstReply.id);
    const secondDone = await socket.next('done', (f) => f.data.message_id === secondReply.id);

    const index = (predicate: (f: (typeof socket.frames)[number]) => boolean) => socket.frames.findIndex(predicate);
    expect(index((f) => f.event === 'done' && f.data.message_id === firstReply.id)).toBeLessThan(
      index((f) => f.event === 'message' && f.data.message.id === secondReply.id),
    );
    expect(firstDone.data.content).toContain('First question?');
    expect(secondDone.data.content).toContain('Second question?');
  });

  it("answers in a post's shared conversation only when the agent is @mentioned", async () => {
    const user = await signUp(service, { display_name: 'Linus' });
    const { socket } = await join(service, post.conversation_id, user.sessionToken);
    sendNext(socket, `no mention of ${post.agent.handle} here`);
    await socket.next('ack');
    sendNext(socket, `@${post.agent.handle.toUpperCase()} what do you think?`);
    const mentionAck = await socket.next('ack');
    const reply = (await socket.next('message', isAgentMessage)).data.message;
    expect(reply.author.display_name).toBe(post.agent.name);
    const done = await socket.next('done', (f) => f.data.message_id === reply.id);
    expect(done.data.content).toContain('what do you think?');
    // Everyone reads it: the demo agent names the writer rather than telling each reader "you said"
    // (the name in a bidi isolate, so a right-to-left name cannot turn the sentence around).
    expect(done.data.content).toContain('Here is what **\u2068Linus\u2069** said:');

    const history = await getHistory(service, post.conversation_id, { after_seq: mentionAck.data.seq - 2, limit: 200 });
    const agentMessages = history.messages.filter((m) => m.author.kind === 'agent');
    expect(agentMessages.map((m) => m.id)).toEqual([reply.id]);
    expect(reply.seq).toBeGreaterThan(mentionAck.data.seq);
  });

  it('lets only people who can write stop a reply', async () => {
    const author = await signUp(service);
    const { socket } = await join(service, post.conversation_id, author.sessionToken);
    const anonymous = await TestSocket.open(`${service.wsBase}conversation/${post.conversation_id}/`);
    sockets.push(anonymous);
    await anonymous.next('connected');
    sendNext(socket, `@${post.agent.handle} go on`);
    const reply = (await anonymous.next('message', isAgentMessage)).data.message;
    anonymous.send({ event: 'action', data: { action: 'stop', message_id: reply.id } });
    expect((await anonymous.next('error')).data.code).toBe('FORBIDDEN');
    expect((await socket.next('done', (f) => f.data.message_id === reply.id)).data.status).toBe('complete');
  });

  it("in a post, only the person who asked can stop a reply: someone else's stop is FORBIDDEN and the reply goes on", async () => {
    const asker = await signUp(service, { display_name: 'Asker' });
    const other = await signUp(service, { display_name: 'Other' });
    const { socket: askerSocket } = await join(service, post.conversation_id, asker.sessionToken);
    const { socket: otherSocket } = await join(service, post.conversation_id, other.sessionToken);
    sendNext(askerSocket, `@${post.agent.handle} a long answer please`);
    const reply = (await otherSocket.next('message', isAgentMessage)).data.message;
    // Everyone is told who asked, so only the asker's page offers Stop.
    expect(reply.asked_by).toEqual({ kind: 'user', id: asker.identity.id });

    otherSocket.send({ event: 'action', data: { action: 'stop', message_id: reply.id } });
    const refused = await otherSocket.next('error');
    expect(refused.data).toMatchObject({ code: 'FORBIDDEN', message: 'Only the person who asked can stop this reply.' });
    // Without an id ("the newest reply"), someone else's reply is not theirs to stop either: of theirs, nothing streams.
    otherSocket.send({ event: 'action', data: { action: 'stop' } });
    expect((await otherSocket.next('error')).data.code).toBe('NOTHING_TO_STOP');
    await otherSocket.next('stream', (f) => f.data.message_id === reply.id);

    askerSocket.send({ event: 'action', data: { action: 'stop', message_id: reply.id } });
    expect((await otherSocket.next('done', (f) => f.data.message_id === reply.id)).data.status).toBe('stopped');
  });
});

describe('shutdown', () => {
  it('ends replies in flight as "interrupted" and closes sockets with 1001', async () => {
    const own = await startChatService({ env: { DEMO_AGENT_TOKEN_DELAY_MS: '50' } });
    try {
      const user = await signUp(own);
      const thread = await createThread(own, user.sessionToken);
      const { socket } = await join(own, thread.conversation_id, user.sessionToken);
      sendNext(socket, 'Keep talking');
      const reply = (await socket.next('message', isAgentMessage)).data.message;
      await socket.next('stream', (f) => f.data.message_id === reply.id);
      const exit = own.stop('SIGTERM');
      const done = await socket.next('done', (f) => f.data.message_id === reply.id);
      expect(done.data.status).toBe('interrupted');
      expect(await socket.closed()).toBe(1001);
      await exit;
      // an interrupted reply is not an error worth alerting on
      expect(own.logs.filter((l) => l.level === 50)).toEqual([]);
    } finally {
      await own.stop();
    }
  }, 60_000);
});

/** The demo agent's reply is deterministic; its full length is what an unstopped reply to the same words gets. */
async function fullDemoReplyLength(sessionToken: string, text: string): Promise<number> {
  const thread = await createThread(service, sessionToken);
  const { socket } = await join(service, thread.conversation_id, sessionToken);
  sendNext(socket, text);
  const reply = (await socket.next('message', isAgentMessage)).data.message;
  return (await socket.next('done', (f) => f.data.message_id === reply.id)).data.content.length;
}
