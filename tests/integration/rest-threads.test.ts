import { randomUUID } from 'node:crypto';
import {
  createThread,
  createVisitor,
  expectApiError,
  getHistory,
  getPost,
  getThread,
  listPosts,
  listThreads,
  postVoiceMessage,
  request,
  signUp,
  ticketFor,
} from '../support/api';
import { startChatService, type RunningChatService } from '../support/chat-service';
import { TestSocket } from '../support/ws-client';

let service: RunningChatService;

beforeAll(async () => {
  service = await startChatService({ env: { OPENAI_MODEL: 'test-model-7b' } });
}, 60_000);

afterAll(async () => {
  // A clean SIGTERM shutdown exits 0 (the launcher relies on it).
  expect(await service?.stop()).toBe(0);
});

describe('posts', () => {
  it('lists the seeded posts, each with its own persona and shared conversation', async () => {
    const posts = await listPosts(service);

    expect(posts.length).toBeGreaterThanOrEqual(3);
    expect(new Set(posts.map((p) => p.slug)).size).toBe(posts.length);
    expect(new Set(posts.map((p) => p.agent.handle)).size).toBe(posts.length);
    expect(new Set(posts.map((p) => p.conversation_id)).size).toBe(posts.length);
    expect(posts.some((p) => p.agent.voice_enabled)).toBe(true);
    // Personas saying "default" use the model this server is configured with.
    expect(posts.every((p) => p.agent.model === 'test-model-7b')).toBe(true);
  });

  it('finds a post by slug and answers NOT_FOUND for an unknown one', async () => {
    const [first] = await listPosts(service);
    expect(await getPost(service, first!.slug)).toEqual(first);
    expectApiError(await request(service, 'GET', '/v1/posts/no-such-post'), 404, 'NOT_FOUND');
  });

  it('lets anyone, even without a session, read a post’s shared conversation', async () => {
    const [post] = await listPosts(service);
    const history = await getHistory(service, post!.conversation_id);
    expect(history).toMatchObject({ has_more: false });
  });
});

describe('threads', () => {
  it('starts a thread for a user and a visitor alike', async () => {
    const [post] = await listPosts(service);
    const user = await signUp(service);
    const visitor = await createVisitor(service);

    const mine = await createThread(service, user.sessionToken, { slug: post!.slug, title: 'Trip to Lisbon' });
    const theirs = await createThread(service, visitor.sessionToken, { slug: post!.slug });

    expect(mine).toMatchObject({ title: 'Trip to Lisbon', post_slug: post!.slug, owner: 'user', last_seq: 0 });
    expect(mine.conversation_id).toBe(mine.id);
    expect(theirs.owner).toBe('visitor');
    expect(theirs.title).toContain(post!.agent.name);
    expect(await getThread(service, user.sessionToken, mine.id)).toEqual(mine);
  });

  it('needs a session to start a thread, and a real post', async () => {
    const [post] = await listPosts(service);
    expectApiError(await request(service, 'POST', `/v1/posts/${post!.slug}/threads`, { body: {} }), 401, 'AUTH_REQUIRED');
    const user = await signUp(service);
    expectApiError(
      await request(service, 'POST', '/v1/posts/no-such-post/threads', { token: user.sessionToken, body: {} }),
      404,
      'NOT_FOUND',
    );
  });

  it('opens the caller’s unused thread again instead of adding another empty one (a retried start makes one thread)', async () => {
    const [post, otherPost] = await listPosts(service);
    const visitor = await createVisitor(service);
    const start = async (slug: string, token = visitor.sessionToken, body: object = {}) => {
      const response = await request(service, 'POST', `/v1/posts/${slug}/threads`, { token, body });
      return { status: response.status, id: (response.body as { thread: { id: string } }).thread.id };
    };

    const first = await start(post!.slug);
    expect(first.status).toBe(201);
    expect(await start(post!.slug)).toEqual({ status: 200, id: first.id });

    // Another post, someone else, or a title each mean a new thread.
    expect(await start(otherPost!.slug)).toMatchObject({ status: 201 });
    expect(await start(post!.slug, (await createVisitor(service)).sessionToken)).toMatchObject({ status: 201 });
    const named = await start(post!.slug, visitor.sessionToken, { title: 'Named' });
    expect(named.status).toBe(201);
    // Once written in, a thread is not handed out as new again (the newest unused one is).
    await postVoiceMessage(service, first.id, { role: 'user', content: 'now it is used', client_message_id: randomUUID() });
    expect(await start(post!.slug)).toEqual({ status: 200, id: named.id });
    await postVoiceMessage(service, named.id, { role: 'user', content: 'this one too', client_message_id: randomUUID() });
    const fresh = await start(post!.slug);
    expect(fresh.status).toBe(201);
    expect([first.id, named.id]).not.toContain(fresh.id);
    expect(await listThreads(service, visitor.sessionToken)).toHaveLength(4);
  });

  it('deletes a thread for its owner only: gone from the list, its history and its open sockets (NOT_FOUND, close 4404)', async () => {
    const owner = await createVisitor(service);
    const stranger = await signUp(service);
    const thread = await createThread(service, owner.sessionToken, { title: 'To forget' });
    await postVoiceMessage(service, thread.id, { role: 'user', content: 'something private', client_message_id: randomUUID() });
    const { ticket } = await ticketFor(service, owner.sessionToken);
    const socket = await TestSocket.open(`${service.wsBase}conversation/${thread.id}/?token=${encodeURIComponent(ticket)}`);
    await socket.next('connected');

    // Someone else's delete is the same 404 as no thread at all, and changes nothing.
    expectApiError(await request(service, 'DELETE', `/v1/threads/${thread.id}`, { token: stranger.sessionToken }), 404, 'NOT_FOUND');
    expectApiError(await request(service, 'DELETE', `/v1/threads/${randomUUID()}`, { token: owner.sessionToken }), 404, 'NOT_FOUND');
    expectApiError(await request(service, 'DELETE', `/v1/threads/${thread.id}`), 401, 'AUTH_REQUIRED');
    expect((await getThread(service, owner.sessionToken, thread.id)).id).toBe(thread.id);

    expect((await request(service, 'DELETE', `/v1/threads/${thread.id.toUpperCase()}`, { token: owner.sessionToken })).status).toBe(204);
    expect((await socket.next('error')).data).toEqual({ code: 'NOT_FOUND', message: 'This thread was deleted.' });
    expect(await socket.closed()).toBe(4404);
    expectApiError(await request(service, 'GET', `/v1/threads/${thread.id}`, { token: owner.sessionToken }), 404, 'NOT_FOUND');
    expectApiError(await request(service, 'GET', `/v1/conversations/${thread.id}/messages`, { token: owner.sessionToken }), 404, 'NOT_FOUND');
    expect((await listThreads(service, owner.sessionToken)).map((t) => t.id)).not.toContain(thread.id);
    expectApiError(await request(service, 'DELETE', `/v1/threads/${thread.id}`, { token: owner.sessionToken }), 404, 'NOT_FOUND');
  });

  it('lists only the caller’s threads, the most recently active first', async () => {
    const user = await signUp(service);
    const someoneElse = await signUp(service);
    const older = await createThread(service, user.sessionToken, { title: 'older' });
    const newer = await createThread(service, user.sessionToken, { title: 'newer' });
    await createThread(service, someoneElse.sessionToken);

    expect((await listThreads(service, user.sessionToken)).map((t) => t.title)).toEqual(['newer', 'older']);

    // A new message makes a thread the most recent.
    await postVoiceMessage(service, older.id, { role: 'user', content: 'back to this one', client_message_id: randomUUID() });
    const threads = await listThreads(service, user.sessionToken);
    expect(threads.map((t) => t.id)).toEqual([older.id, newer.id]);
    expect(threads[0]!.last_seq).toBe(1);
    // Each says what it is about: the start of its newest message (none yet for the other).
    expect(threads[0]!.preview).toBe('back to this one');
    expect(threads[1]!.preview).toBeUndefined();
  });

  it('previews a thread by its newest message: plain words on one line, cut to 140 characters', async () => {
    const user = await signUp(service);
    const thread = await createThread(service, user.sessionToken);
    const long = `# First line\n\nthen **bold** ${'and a very long second paragraph '.repeat(10)}`;
    await postVoiceMessage(service, thread.id, { role: 'user', content: long, client_message_id: randomUUID() });
    const [listed] = await listThreads(service, user.sessionToken);
    expect(listed!.preview).toMatch(/^First line then bold and a very long second paragraph and/);
    expect(listed!.preview!.length).toBeLessThanOrEqual(140);
    expect(listed!.preview).not.toMatch(/[\n#*]/);
  });

  it("is named by its person's first words, once: a title someone chose, and later messages, leave it alone", async () => {
    const user = await signUp(service);
    const thread = await createThread(service, user.sessionToken);
    expect(thread.title).toBe(`Chat with ${thread.agent_name}`);
    const first = `**Plan** a weekend in Lisbon with two kids and a tight budget, please\n\nMore details follow.`;
    await postVoiceMessage(service, thread.id, { role: 'user', content: first, client_message_id: randomUUID() });
    await postVoiceMessage(service, thread.id, { role: 'agent', content: 'Sure!', client_message_id: randomUUID() });
    await postVoiceMessage(service, thread.id, { role: 'user', content: 'Another question entirely', client_message_id: randomUUID() });
    expect((await getThread(service, user.sessionToken, thread.id)).title).toBe('Plan a weekend in Lisbon with two kids and a tight budget,…');

    const named = await createThread(service, user.sessionToken, { title: 'Trip' });
    await postVoiceMessage(service, named.id, { role: 'user', content: 'Hello there', client_message_id: randomUUID() });
    expect((await getThread(service, user.sessionToken, named.id)).title).toBe('Trip');
  });

  it('answers 401 to an anonymous caller listing threads', async () => {
    expectApiError(await request(service, 'GET', '/v1/threads'), 401, 'AUTH_REQUIRED');
  });

  it('hides a thread from everyone but its owner: same NOT_FOUND as an id that does not exist', async () => {
    const owner = await createVisitor(service);
    const thread = await createThread(service, owner.sessionToken);
    await postVoiceMessage(service, thread.id, { role: 'user', content: 'private', client_message_id: randomUUID() });
    const otherVisitor = await createVisitor(service);
    const otherUser = await signUp(service);

    for (const token of [otherVisitor.sessionToken, otherUser.sessionToken]) {
      const seen = expectApiError(await request(service, 'GET', `/v1/threads/${thread.id}`, { token }), 404, 'NOT_FOUND');
      const missing = expectApiError(await request(service, 'GET', `/v1/threads/${randomUUID()}`, { token }), 404, 'NOT_FOUND');
      expect(seen.message).toBe(missing.message);
      expectApiError(await request(service, 'GET', `/v1/conversations/${thread.id}/messages`, { token }), 404, 'NOT_FOUND');
    }
    expectApiError(await request(service, 'GET', `/v1/conversations/${thread.id}/messages`), 404, 'NOT_FOUND');
    expectApiError(await request(service, 'GET', `/v1/threads/${thread.id}`), 401, 'AUTH_REQUIRED');
    expect((await getHistory(service, thread.id, { token: owner.sessionToken })).messages).toHaveLength(1);
  });
});

describe('history', () => {
  it('pages by seq: newest page by default, then backwards with before_seq and forwards with after_seq', async () => {
    const user = await signUp(service);
    const thread = await createThread(service, user.sessionToken);
    for (let i = 1; i <= 7; i++) {
      await postVoiceMessage(service, thread.id, { role: i % 2 ? 'user' : 'agent', content: `turn ${i}`, client_message_id: `turn-${i}` });
    }
    const seqs = (page: { messages: Array<{ seq: number }> }) => page.messages.map((m) => m.seq);
    const token = user.sessionToken;

    const newest = await getHistory(service, thread.id, { token, limit: 3 });
    expect(seqs(newest)).toEqual([5, 6, 7]);
    expect(newest).toMatchObject({ has_more: true, last_seq: 7 });

    const middle = await getHistory(service, thread.id, { token, limit: 3, before_seq: 5 });
    expect(seqs(middle)).toEqual([2, 3, 4]);
    expect(middle.has_more).toBe(true);

    const oldest = await getHistory(service, thread.id, { token, limit: 3, before_seq: 2 });
    expect(seqs(oldest)).toEqual([1]);
    expect(oldest.has_more).toBe(false);

    const forward = await getHistory(service, thread.id, { token, after_seq: 4, limit: 2 });
    expect(seqs(forward)).toEqual([5, 6]);
    expect(forward.has_more).toBe(true);
    const rest = await getHistory(service, thread.id, { token, after_seq: 6, limit: 2 });
    expect(seqs(rest)).toEqual([7]);
    expect(rest.has_more).toBe(false);
    expect(rest.messages[0]).toMatchObject({ content: 'turn 7', source: 'voice', status: 'complete' });
  });

  it('rejects malformed paging with VALIDATION_ERROR', async () => {
    const [post] = await listPosts(service);
    const path = `/v1/conversations/${post!.conversation_id}/messages`;
    // Past 2^31 - 1 a seq cannot exist (the database stores 32-bit integers): refused, not a 500.
    for (const query of [{ limit: 0 }, { limit: 201 }, { before_seq: -1 }, { after_seq: 'x' }, { before_seq: 5, after_seq: 1 }, { before_seq: 99_999_999_999 }, { after_seq: 2 ** 31 }]) {
      expectApiError(await request(service, 'GET', path, { query }), 400, 'VALIDATION_ERROR');
    }
    expectApiError(await request(service, 'GET', '/v1/conversations/not-a-uuid/messages'), 400, 'VALIDATION_ERROR');
    expectApiError(await request(service, 'GET', `/v1/conversations/${randomUUID()}/messages`), 404, 'NOT_FOUND');
  });

  it('answers the same history for an id in upper case, also after new messages', async () => {
    const visitor = await createVisitor(service);
    const thread = await createThread(service, visitor.sessionToken, { title: 'Case' });
    const upper = thread.id.toUpperCase();
    expect((await getHistory(service, upper, { token: visitor.sessionToken })).last_seq).toBe(0);

    await postVoiceMessage(service, thread.id, { role: 'user', content: 'one', client_message_id: randomUUID() });
    await postVoiceMessage(service, thread.id, { role: 'user', content: 'two', client_message_id: randomUUID() });

    const caughtUp = await getHistory(service, upper, { token: visitor.sessionToken, after_seq: 0 });
    expect(caughtUp.messages.map((m) => m.content)).toEqual(['one', 'two']);
    expect(caughtUp.last_seq).toBe(2);
  });
});
