import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Message, Post, ServerEvent, ServerFrameOf } from '@confab/protocol';
import { createThread, createVisitor, expectApiError, getHistory, listPosts, postVoiceMessage, request, signOut, signUp, ticketFor, type SignedIn } from '../support/api';
import { startChatService, testSecrets, type RunningChatService } from '../support/chat-service';
import { sampleValue, scrapeMetrics } from '../support/metrics';
import { startPostgres, type RunningPostgres } from '../support/postgres-server';
import { startRedis, type RunningRedis } from '../support/redis-server';
import { TestSocket } from '../support/ws-client';

/**
 * Two chat service instances sharing one PostgreSQL and one Redis, all started here on loopback:
 * the production shape behind a load balancer. Clients on either instance must see everything
 * the others do, seqs stay gap-free under concurrent writes, and stopping an instance loses nothing
 * that was acknowledged. Missing redis-server / PostgreSQL binaries fail the suite (never skip).
 */

let redis: RunningRedis | undefined;
let postgres: RunningPostgres | undefined;
let a: RunningChatService;
let b: RunningChatService;
let post: Post;
const metricsToken = randomBytes(18).toString('base64url');

beforeAll(async () => {
  [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
  const shared = {
    ...testSecrets(),
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    METRICS_TOKEN: metricsToken,
    // ~20 ms per word: a reply streams for a second or two, long enough to join or stop mid-way.
    DEMO_AGENT_TOKEN_DELAY_MS: '20',
    // Small, to show the budget is one across instances (no other test here makes visitors).
    VISITORS_PER_ADDRESS_PER_10_MIN: '4',
    // A reply untouched for 2 s is abandoned (its instance died): swept every second, while the
    // replies streaming on live instances are touched every half second and must never be swept.
    STALE_STREAM_AFTER_S: '2',
    LOG_LEVEL: 'warn',
  };
  // Started together on purpose: migrations and seeding must not race (advisory lock).
  [a, b] = await Promise.all([
    startChatService({ env: { ...shared, INSTANCE_ID: 'instance-a', LOG_LEVEL: 'info' } }),
    startChatService({ env: { ...shared, INSTANCE_ID: 'instance-b', LOG_LEVEL: 'info' } }),
  ]);
  post = (await listPosts(a))[0]!;
}, 120_000);

afterAll(async () => {
  for (const socket of sockets.splice(0)) if (socket.closeCode === null) socket.close();
  await Promise.all([a?.stop(), b?.stop()]);
  await Promise.all([redis?.stop(), postgres?.stop()]);
}, 60_000);

const sockets: TestSocket[] = [];

async function join(target: RunningChatService, conversationId: string, user: SignedIn): Promise<{ socket: TestSocket; lastSeq: number }> {
  const { ticket } = await ticketFor(target, user.sessionToken);
  const socket = await TestSocket.open(`${target.wsBase}conversation/${conversationId}/?token=${encodeURIComponent(ticket)}&app_type=test&stream=delta`);
  sockets.push(socket);
  const connected = await socket.next('connected');
  return { socket, lastSeq: connected.data.last_seq };
}

/** Polls until `check` returns something (TestSocket.next keys its cursor by predicate text, so it is avoided here). */
async function until<T>(check: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = check();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

function frame<E extends ServerEvent>(socket: TestSocket, event: E, predicate: (f: ServerFrameOf<E>) => boolean, what: string): Promise<ServerFrameOf<E>> {
  return until(() => socket.all(event).find(predicate), `${what} (seen: ${socket.frames.map((f) => f.event).join(',')})`);
}

/** Sends `sync` and returns the messages of the answer's pages. */
async function sync(socket: TestSocket, afterSeq: number): Promise<Message[]> {
  const before = socket.all('sync').length;
  socket.send({ event: 'sync', data: { after_seq: afterSeq } });
  await frame(socket, 'sync', (f) => socket.all('sync').indexOf(f) >= before && !f.data.has_more, 'the last sync page');
  return socket
    .all('sync')
    .slice(before)
    .flatMap((f) => f.data.messages);
}

function sendNext(socket: TestSocket, message: string, clientMessageId = `cm-${randomUUID()}`): string {
  socket.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message, client_message_id: clientMessageId } });
  return clientMessageId;
}

const messageFrames = (socket: TestSocket, id: string) => socket.all('message').filter((f) => f.data.message.id === id);

describe('two chat service instances on one PostgreSQL and one Redis', () => {
  it('started together: both migrated and seeded one database', async () => {
    expect(await listPosts(b)).toEqual(await listPosts(a));
  });

  it('fans messages, typing and agent streams out to clients on both instances, once each, in one order', async () => {
    const alice = await signUp(a, { display_name: 'Alice' });
    const bob = await signUp(b, { display_name: 'Bob' });
    const onA = await join(a, post.conversation_id, alice);
    const onB = await join(b, post.conversation_id, bob);
    await Promise.all([sync(onA.socket, onA.lastSeq), sync(onB.socket, onB.lastSeq)]);

    onB.socket.send({ event: 'typing', data: { state: 'start' } });
    const typing = await frame(onA.socket, 'typing', (f) => f.data.who.id === bob.identity.id, "Bob's typing on instance A");
    expect(typing.data.state).toBe('start');
    onA.socket.send({ event: 'typing', data: { state: 'start' } });
    await frame(onB.socket, 'typing', (f) => f.data.who.id === alice.identity.id, "Alice's typing on instance B");

    sendNext(onA.socket, 'Hello from instance A');
    const ack = await onA.socket.next('ack');
    const fromAlice = await frame(onB.socket, 'message', (f) => f.data.message.id === ack.data.message_id, "Alice's message on B");
    expect(fromAlice.data.message).toMatchObject({ content: 'Hello from instance A', seq: ack.data.seq, author: { id: alice.identity.id } });
    // Sending stops the sender's typing indicator for everyone, on every instance.
    await frame(onB.socket, 'typing', (f) => f.data.who.id === alice.identity.id && f.data.state === 'stop', "Alice's typing stop on B");

    sendNext(onB.socket, `@${post.agent.handle} hello from instance B`);
    const bobAck = await onB.socket.next('ack');
    await frame(onA.socket, 'message', (f) => f.data.message.id === bobAck.data.message_id, "Bob's message on A");
    const reply = await frame(onA.socket, 'message', (f) => f.data.message.author.kind === 'agent' && f.data.message.seq > bobAck.data.seq, 'the agent reply');
    const replyId = reply.data.message.id;
    const doneOnA = await frame(onA.socket, 'done', (f) => f.data.message_id === replyId, 'done on A');
    const doneOnB = await frame(onB.socket, 'done', (f) => f.data.message_id === replyId, 'done on B');
    expect(doneOnA.data).toEqual(doneOnB.data);
    expect(doneOnA.data.status).toBe('complete');

    // Each client got every frame exactly once, in the same order (Redis orders the channel).
    await sleep(200);
    for (const id of [ack.data.message_id, bobAck.data.message_id, replyId]) {
      expect(messageFrames(onA.socket, id)).toHaveLength(1);
      expect(messageFrames(onB.socket, id)).toHaveLength(1);
    }
    // The same pieces on both instances, each at its place, rebuilding the stored reply.
    const streamsOf = (socket: TestSocket) => socket.all('stream').filter((f) => f.data.message_id === replyId).map((f) => [f.data.offset, f.data.delta] as const);
    expect(streamsOf(onA.socket).length).toBeGreaterThan(3);
    expect(streamsOf(onB.socket)).toEqual(streamsOf(onA.socket));
    expect(onA.socket.replyText(replyId)).toBe(doneOnA.data.content);
    expect(onB.socket.replyText(replyId)).toBe(doneOnA.data.content);
  }, 60_000);

  it('writes one reply at a time in a conversation, across instances: a mention on B waits for the reply to the mention on A', async () => {
    const [dana, eli] = await Promise.all([signUp(a, { display_name: 'Dana' }), signUp(b, { display_name: 'Eli' })]);
    const onA = await join(a, post.conversation_id, dana);
    const onB = await join(b, post.conversation_id, eli);
    await Promise.all([sync(onA.socket, onA.lastSeq), sync(onB.socket, onB.lastSeq)]);
    const from = onA.socket.frames.length;
    sendNext(onA.socket, `@${post.agent.handle} first question, from instance A`);
    sendNext(onB.socket, `@${post.agent.handle} second question, from instance B`);
    const [ackA, ackB] = await Promise.all([onA.socket.next('ack'), onB.socket.next('ack')]);
    const isAnswer = (f: ServerFrameOf<'message'>) => f.data.message.author.kind === 'agent' && f.data.message.seq > Math.min(ackA.data.seq, ackB.data.seq);
    const replies = await until(() => {
      const found = onA.socket.all('message').filter(isAnswer);
      return found.length === 2 ? found.map((f) => f.data.message.id) : undefined;
    }, 'two replies');
    await Promise.all(replies.map((id) => frame(onA.socket, 'done', (f) => f.data.message_id === id, `done of ${id}`)));
    // What a reader on A saw, in order: the first reply from start to end, then the second.
    const timeline = onA.socket.frames.slice(from).flatMap((f) => {
      if (f.event === 'message' && isAnswer(f)) return [`start ${replies.indexOf(f.data.message.id)}`];
      if (f.event === 'stream' && replies.includes(f.data.message_id)) return [`token ${replies.indexOf(f.data.message_id)}`];
      if (f.event === 'done' && replies.includes(f.data.message_id)) return [`done ${replies.indexOf(f.data.message_id)}`];
      return [];
    });
    const firstDone = timeline.indexOf('done 0');
    expect(timeline[0]).toBe('start 0');
    expect(timeline.slice(0, firstDone).filter((step) => step.endsWith(' 1'))).toEqual([]);
    expect(timeline.slice(firstDone + 1)).toContain('token 1');
    expect(timeline.at(-1)).toBe('done 1');
  }, 60_000);

  it('refuses Try again on a question whose reply waits its turn on the other instance: it is late, not unanswered, and gets one answer', async () => {
    const fay = await signUp(a, { display_name: 'Fay' });
    const thread = await createThread(a, fay.sessionToken);
    const onA = await join(a, thread.conversation_id, fay);
    const onB = await join(b, thread.conversation_id, fay);
    sendNext(onA.socket, 'First question, please answer at length.');
    const first = await frame(onA.socket, 'message', (f) => f.data.message.author.kind === 'agent', 'the first reply');
    await frame(onA.socket, 'stream', (f) => f.data.message_id === first.data.message.id, 'the first reply streaming');
    // Asked while the first reply streams: its reply is queued on A, behind the first.
    const secondId = sendNext(onA.socket, 'And a second one.');
    const second = await frame(onA.socket, 'ack', (f) => f.data.client_message_id === secondId, 'the second question stored');
    onB.socket.send({ event: 'action', data: { action: 'retry_reply', message_id: second.data.message_id } });
    const refused = await frame(onB.socket, 'error', () => true, 'an answer to the retry on B');
    expect(refused.data).toMatchObject({ code: 'CONFLICT', message: 'A reply is already on its way.' });
    // One answer to the second question, not two.
    const answers = await until(() => {
      const replies = onA.socket.all('done').filter((f) => f.data.message_id !== first.data.message.id);
      return replies.length > 0 ? replies : undefined;
    }, 'the reply to the second question');
    await sleep(1_500);
    expect(onA.socket.all('message').filter((f) => f.data.message.author.kind === 'agent' && f.data.message.seq > second.data.seq)).toHaveLength(1);
    expect(answers[0]?.data.status).toBe('complete');
  }, 60_000);

  it('shows a late joiner on the other instance the reply in flight, and relays its stop to the instance running it', async () => {
    const carol = await signUp(a, { display_name: 'Carol' });
    const thread = await createThread(a, carol.sessionToken);
    const first = await join(a, thread.conversation_id, carol);
    sendNext(first.socket, 'Tell me something long, please.');
    const reply = await frame(first.socket, 'message', (f) => f.data.message.author.kind === 'agent', 'the agent reply on A');
    const replyId = reply.data.message.id;
    await frame(first.socket, 'stream', (f) => f.data.message_id === replyId && (f.data.offset ?? 0) + f.data.delta.length > 20, 'some streamed text');

    const late = await join(b, thread.conversation_id, carol);
    const seen = first.socket.replyText(replyId) ?? '';
    const stored = await sync(late.socket, 0);
    expect(stored.find((m) => m.id === replyId)?.status).toBe('streaming');
    // The snapshot (delta '') comes from Redis: instance B does not run this reply.
    const snapshot = await frame(late.socket, 'stream', (f) => f.data.message_id === replyId && f.data.delta === '', 'the snapshot on B');
    expect(snapshot.data.content?.startsWith(seen)).toBe(true);

    late.socket.send({ event: 'action', data: { action: 'stop', message_id: replyId } });
    const doneOnB = await frame(late.socket, 'done', (f) => f.data.message_id === replyId, 'done on B');
    const doneOnA = await frame(first.socket, 'done', (f) => f.data.message_id === replyId, 'done on A');
    expect(doneOnB.data.status).toBe('stopped');
    expect(doneOnA.data).toEqual(doneOnB.data);
    // B does not run the reply, but its row said it streamed somewhere: no NOTHING_TO_STOP, the `done` answers.
    expect(late.socket.all('error')).toEqual([]);
    const history = await getHistory(b, thread.conversation_id, { token: carol.sessionToken });
    expect(history.messages.find((m) => m.id === replyId)).toMatchObject({ status: 'stopped', content: doneOnB.data.content });

    // Once it has ended, a stop on either instance is answered NOTHING_TO_STOP, to that socket alone.
    late.socket.send({ event: 'action', data: { action: 'stop', message_id: replyId } });
    const onB = await frame(late.socket, 'error', (f) => f.data.code === 'NOTHING_TO_STOP', 'NOTHING_TO_STOP on B');
    expect(onB.data.message_id).toBe(replyId);
    first.socket.send({ event: 'action', data: { action: 'stop' } });
    await frame(first.socket, 'error', (f) => f.data.code === 'NOTHING_TO_STOP', 'NOTHING_TO_STOP on A');
    expect(late.socket.all('error')).toHaveLength(1);
    expect([late.socket.closeCode, first.socket.closeCode]).toEqual([null, null]);
  }, 60_000);

  it('in a post, refuses a stop on the other instance from someone who did not ask for the reply, and relays the asker’s', async () => {
    const asker = await signUp(a, { display_name: 'Gina' });
    const other = await signUp(b, { display_name: 'Hal' });
    const onA = await join(a, post.conversation_id, asker);
    const askerOnB = await join(b, post.conversation_id, asker);
    const otherOnB = await join(b, post.conversation_id, other);
    sendNext(onA.socket, `@${post.agent.handle} tell me something long, please`);
    const replyId = (await frame(otherOnB.socket, 'message', (f) => f.data.message.author.kind === 'agent', 'the agent reply on B')).data.message.id;
    await frame(otherOnB.socket, 'stream', (f) => f.data.message_id === replyId, 'a stream frame on B');

    otherOnB.socket.send({ event: 'action', data: { action: 'stop', message_id: replyId } });
    const refused = await frame(otherOnB.socket, 'error', () => true, 'an answer to the stop on B');
    expect(refused.data.code).toBe('FORBIDDEN');

    askerOnB.socket.send({ event: 'action', data: { action: 'stop', message_id: replyId } });
    const done = await frame(askerOnB.socket, 'done', (f) => f.data.message_id === replyId, 'done on B');
    expect(done.data.status).toBe('stopped');
    expect(askerOnB.socket.all('error')).toEqual([]);
    expect(otherOnB.socket.all('error')).toHaveLength(1);
  }, 60_000);

  it('sends a streaming reply whole again after the Redis subscriber reconnects (frames may have been lost)', async () => {
    const erin = await signUp(a, { display_name: 'Erin' });
    const thread = await createThread(a, erin.sessionToken);
    const onA = await join(a, thread.conversation_id, erin);
    const onB = await join(b, thread.conversation_id, erin);
    sendNext(onA.socket, 'Tell me something long, please.');
    const replyId = (await frame(onB.socket, 'message', (f) => f.data.message.author.kind === 'agent', 'the agent reply on B')).data.message.id;
    const streamsOnB = () => onB.socket.all('stream').filter((f) => f.data.message_id === replyId);
    await until(() => (streamsOnB().length >= 3 ? true : undefined), 'three stream frames on B');
    expect(streamsOnB().slice(1).map((f) => f.data.content)).toEqual(streamsOnB().slice(1).map(() => undefined));
    const before = streamsOnB().length;

    // Cut every pub/sub connection: both instances reconnect and resubscribe by themselves.
    const admin = new Redis(redis!.url);
    try {
      await admin.client('KILL', 'TYPE', 'pubsub');
    } finally {
      admin.disconnect();
    }
    const whole = await until(() => streamsOnB().slice(before).find((f) => f.data.content !== undefined), 'a frame with the whole text after the reconnect');
    expect(whole.data.content?.length).toBe((whole.data.offset ?? 0) + whole.data.delta.length);
    const done = await frame(onB.socket, 'done', (f) => f.data.message_id === replyId, 'done on B');
    expect(onB.socket.replyText(replyId)).toBe(done.data.content);
    // Both instances are subscribed again before the next test counts on their fan-out (on a loaded
    // machine A could still be resubscribing: a message stored on B then reached none of A's sockets).
    for (const [from, to] of [
      [onA, onB],
      [onB, onA],
    ] as const) {
      let seen = false;
      for (let attempt = 0; !seen && attempt < 8; attempt += 1) {
        const probe = sendNext(from.socket, `probe ${attempt}`);
        const ack = await frame(from.socket, 'ack', (f) => f.data.client_message_id === probe, 'the probe stored');
        seen = await until(() => (messageFrames(to.socket, ack.data.message_id).length > 0 ? true : undefined), 'the probe on the other instance', 2_000).catch(() => false);
      }
      expect(seen).toBe(true);
    }
  }, 60_000);

  it('allocates gap-free seqs when both instances write at once, and shares the per-identity rate limit', async () => {
    const dave = await signUp(b, { display_name: 'Dave' });
    const thread = await createThread(b, dave.sessionToken);
    const onA = await join(a, thread.conversation_id, dave);
    const onB = await join(b, thread.conversation_id, dave);

    // 12 messages from one identity through two instances: the budget (10 / 60 s) is one, in Redis.
    const sent = Array.from({ length: 12 }, (_, i) => sendNext(i % 2 ? onA.socket : onB.socket, `burst ${i}`));
    const outcome = async (cmid: string, socket: TestSocket) => {
      const answered = (f: ServerFrameOf<'ack'> | ServerFrameOf<'error'>) => f.data.client_message_id === cmid;
      await until(() => (socket.all('ack').some(answered) || socket.all('error').some(answered) ? true : undefined), `an answer to ${cmid}`);
      const ack = socket.all('ack').find(answered);
      return ack ? { ok: true as const, seq: ack.data.seq, id: ack.data.message_id } : { ok: false as const };
    };
    // Voice turns through the internal API, alternating instances, at the same time.
    const [outcomes, voice] = await Promise.all([
      Promise.all(sent.map((cmid, i) => outcome(cmid, i % 2 ? onA.socket : onB.socket))),
      Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          postVoiceMessage(i % 2 ? a : b, thread.id, { role: 'user', content: `voice ${i}`, client_message_id: `voice-${i}-${randomUUID()}` }),
        ),
      ),
    ]);
    const acked = outcomes.filter((o) => o.ok);
    expect(acked).toHaveLength(10);
    const limited = [onA.socket, onB.socket].flatMap((s) => s.all('error')).filter((f) => f.data.code === 'RATE_LIMIT');
    expect(limited).toHaveLength(2);

    const history = await getHistory(a, thread.conversation_id, { token: dave.sessionToken, limit: 200 });
    const seqs = history.messages.map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: history.last_seq }, (_, i) => i + 1));
    const storedIds = new Set(history.messages.map((m) => m.id));
    for (const id of [...acked.map((o) => o.id), ...voice.map((v) => v.message.id)]) expect(storedIds.has(id)).toBe(true);

    // Both sockets saw every stored person's message live, whichever instance stored it.
    const people = [...acked.map((o) => o.id), ...voice.map((v) => v.message.id)];
    for (const socket of [onA.socket, onB.socket]) {
      for (const id of people) await frame(socket, 'message', (f) => f.data.message.id === id, `message ${id}`);
    }
  }, 90_000);

  it('counts sign-in guesses and new visitors once across instances, not once per instance', async () => {
    const owner = await signUp(a, { display_name: 'Owner' });
    const guess = (target: RunningChatService, i: number) => request(target, 'POST', '/v1/auth/signin', { body: { email: owner.email, password: `guess-${i}-xx` } });
    // Five wrong guesses in all (the budget), spread over both instances as a load balancer would.
    for (let i = 0; i < 5; i++) expectApiError(await guess(i < 3 ? a : b, i), 401, 'AUTH_FAILED');
    for (const target of [a, b]) {
      expectApiError(await request(target, 'POST', '/v1/auth/signin', { body: { email: owner.email, password: owner.password } }), 429, 'RATE_LIMIT');
    }

    // Four new visitors from this address in 10 minutes (set above), two through each instance.
    for (const target of [a, b, a, b]) await createVisitor(target);
    for (const target of [a, b]) {
      const refused = expectApiError(await request(target, 'POST', '/v1/visitors'), 429, 'RATE_LIMIT');
      expect(refused.message).toMatch(/Too many new guest sessions/);
    }
  });

  it('closes a signed-out session’s sockets on the other instance at once', async () => {
    const frank = await signUp(a, { display_name: 'Frank' });
    const onA = await join(a, post.conversation_id, frank);
    const onB = await join(b, post.conversation_id, frank);
    const unused = (await ticketFor(a, frank.sessionToken)).ticket;
    const startedAt = Date.now();
    await signOut(a, frank.sessionToken);
    expect(await onB.socket.closed()).toBe(4408);
    expect(await onA.socket.closed()).toBe(4408);
    // B had this session cached (it admitted a socket of it): a ticket issued before the sign-out opens nothing there now.
    const late = await TestSocket.open(`${b.wsBase}conversation/${post.conversation_id}/?token=${encodeURIComponent(unused)}`);
    sockets.push(late);
    expect(await late.closed()).toBe(4401);
    // The periodic session check runs once a minute: this was the announcement through Redis.
    expect(Date.now() - startedAt).toBeLessThan(5_000);
  });

  it('ends, for readers on another instance, a reply whose instance was killed mid-stream: interrupted, and Try again answers it', async () => {
    const [postgresUrl, redisUrl] = [postgres!.url, redis!.url];
    const doomed = await startChatService({ env: { ...a.env, DATABASE_URL: postgresUrl, REDIS_URL: redisUrl, INSTANCE_ID: 'instance-c' } });
    const gina = await signUp(a, { display_name: 'Gina' });
    const thread = await createThread(a, gina.sessionToken);
    const onC = await join(doomed, thread.conversation_id, gina);
    const onA = await join(a, thread.conversation_id, gina);
    sendNext(onC.socket, 'Tell me something long, please.');
    const reply = await frame(onA.socket, 'message', (f) => f.data.message.author.kind === 'agent', 'the agent reply, seen on A');
    const replyId = reply.data.message.id;
    await frame(onA.socket, 'stream', (f) => f.data.message_id === replyId, 'streamed text on A');

    await doomed.stop('SIGKILL');
    const done = await frame(onA.socket, 'done', (f) => f.data.message_id === replyId, 'done for the orphaned reply on A');
    expect(done.data.status).toBe('interrupted');
    const history = await getHistory(a, thread.conversation_id, { token: gina.sessionToken });
    expect(history.messages.find((m) => m.id === replyId)?.status).toBe('interrupted');

    onA.socket.send({ event: 'action', data: { action: 'retry_reply', message_id: replyId } });
    const again = await frame(onA.socket, 'message', (f) => f.data.message.author.kind === 'agent' && f.data.message.id !== replyId, 'the new reply');
    const finished = await frame(onA.socket, 'done', (f) => f.data.message_id === again.data.message.id, 'the new reply done');
    // A reply streaming on a live instance is not taken for abandoned.
    expect(finished.data.status).toBe('complete');
  }, 60_000);

  it('tells clients on every instance who has a post open; an instance that stops takes its people with it at once', async () => {
    const [, other] = await listPosts(a);
    const conversationId = other!.conversation_id;
    const third = await startChatService({ env: { ...a.env, DATABASE_URL: postgres!.url, REDIS_URL: redis!.url, INSTANCE_ID: 'instance-d' } });
    const onA = await join(a, conversationId, await signUp(a, { display_name: 'Ivy Across' }));
    const onB = await join(b, conversationId, await signUp(b, { display_name: 'Jon Across' }));
    const onD = await join(third, conversationId, await signUp(a, { display_name: 'Kim Across' }));
    const names = (f: ServerFrameOf<'presence'>) => f.data.people.map((p) => p.display_name);
    for (const [socket, where] of [[onA.socket, 'A'], [onB.socket, 'B'], [onD.socket, 'D']] as const) {
      const everyone = await frame(socket, 'presence', (f) => f.data.people_count === 3, `all three on ${where}`);
      expect(names(everyone)).toEqual(['Ivy Across', 'Jon Across', 'Kim Across']);
    }
    const stoppedAt = Date.now();
    await third.stop();
    const after = await frame(onA.socket, 'presence', (f) => f.data.people_count === 2, 'Kim gone, on A');
    expect(names(after)).toEqual(['Ivy Across', 'Jon Across']);
    // Taken back by the stopping instance, not left for the others to find stale (30 s).
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    await frame(onB.socket, 'presence', (f) => f.data.people_count === 2, 'Kim gone, on B');
  }, 60_000);

  it('closes a deleted thread’s sockets on the other instance too', async () => {
    const hana = await signUp(a, { display_name: 'Hana' });
    const thread = await createThread(a, hana.sessionToken, { title: 'Soon gone' });
    const onB = await join(b, thread.conversation_id, hana);
    expect((await request(a, 'DELETE', `/v1/threads/${thread.id}`, { token: hana.sessionToken })).status).toBe(204);
    expect((await frame(onB.socket, 'error', (f) => f.data.code === 'NOT_FOUND', 'NOT_FOUND on B')).data.message).toBe('This thread was deleted.');
    expect(await onB.socket.closed()).toBe(4404);
  });

  it('loses no acknowledged message when an instance stops: its clients reconnect to the other and resync', async () => {
    const erin = await signUp(a, { display_name: 'Erin' });
    const thread = await createThread(a, erin.sessionToken);
    const onA = await join(a, thread.conversation_id, erin);
    const watcher = await join(b, thread.conversation_id, erin);
    const reconnectsBefore = sampleValue(await scrapeMetrics(b, metricsToken), 'confab_ws_reconnects_total');

    const cmids = Array.from({ length: 5 }, (_, i) => sendNext(onA.socket, `before the restart ${i}`));
    await onA.socket.next('ack');
    // A reply is streaming on A when it stops (replies queued behind it have not started: no row yet).
    await frame(onA.socket, 'message', (f) => f.data.message.author.kind === 'agent', 'a reply streaming on A');
    const exit = a.stop('SIGTERM');
    expect(await onA.socket.closed(15_000)).toBe(1001);
    expect(await exit).toBe(0);
    // The reply instance A was streaming ended before its socket closed: the `done` came back from Redis first.
    const startedOnA = onA.socket.all('message').filter((f) => f.data.message.author.kind === 'agent');
    expect(startedOnA.length).toBeGreaterThan(0);
    for (const started of startedOnA) {
      expect(onA.socket.all('done').find((f) => f.data.message_id === started.data.message.id)?.data.status).toBe('interrupted');
    }
    const acked = onA.socket.all('ack').map((f) => f.data);
    expect(acked.length).toBeGreaterThanOrEqual(1);

    // The client switches to the surviving instance and resumes from the last seq it had.
    const lastSeen = Math.max(...onA.socket.all('message').map((f) => f.data.message.seq));
    const again = await join(b, thread.conversation_id, erin);
    const missed = await sync(again.socket, lastSeen);
    const known = new Set([...onA.socket.all('message').map((f) => f.data.message.id), ...missed.map((m) => m.id)]);
    for (const ack of acked) expect(known.has(ack.message_id)).toBe(true);

    // Its outbox resends what was never acknowledged; what was stored anyway comes back as a duplicate.
    const unacked = cmids.filter((cmid) => !acked.some((ack) => ack.client_message_id === cmid));
    for (const cmid of unacked) sendNext(again.socket, `before the restart ${cmids.indexOf(cmid)}`, cmid);
    for (const cmid of unacked) await frame(again.socket, 'ack', (f) => f.data.client_message_id === cmid, `ack of the resent ${cmid}`);

    const history = await getHistory(b, thread.conversation_id, { token: erin.sessionToken, limit: 200 });
    const mine = history.messages.filter((m) => m.author.kind === 'user');
    expect(mine.map((m) => m.client_message_id).sort()).toEqual([...cmids].sort());
    // Replies that instance A was streaming were ended (interrupted), and the watcher on B was told.
    for (const reply of history.messages.filter((m) => m.author.kind === 'agent' && m.seq <= lastSeen)) {
      expect(reply.status).not.toBe('streaming');
      await frame(watcher.socket, 'done', (f) => f.data.message_id === reply.id, `done of ${reply.id} on the watcher`);
    }
    const reconnectsAfter = sampleValue(await scrapeMetrics(b, metricsToken), 'confab_ws_reconnects_total');
    expect(reconnectsAfter).toBe(reconnectsBefore + 1);
    expect((await request(b, 'GET', '/metrics')).status).toBe(401);
  }, 90_000);
});
