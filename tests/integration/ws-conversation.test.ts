import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { MAX_FRAME_BYTES, MAX_READ_FRAME_BYTES, MAX_MESSAGE_CHARS, TYPING_AUTO_STOP_MS, type Post } from '@confab/protocol';
import { withChatService, type RunningChatService } from '../support/chat-service';
import { TestSocket } from '../support/ws-client';
import { createThread, createVisitor, getHistory, listPosts, signUp, ticketFor } from '../support/api';

/** The conversation socket as clients see it: admission, frames, typing, limits, idempotency, sync. */

let service: RunningChatService;
let post: Post;

withChatService(async (started) => {
  service = started;
  const posts = await listPosts(service);
  post = posts[0]!;
}, { env: { DEMO_AGENT_TOKEN_DELAY_MS: '1' } });

const sockets: TestSocket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) if (socket.closeCode === null) socket.close();
});

const newId = () => `cm-${randomUUID()}`;

async function socketUrl(conversationId: string, sessionToken?: string): Promise<string> {
  const base = `${service.wsBase}conversation/${conversationId}/`;
  if (!sessionToken) return base;
  const { ticket, identity } = await ticketFor(service, sessionToken);
  const param = identity.kind === 'user' ? 'token' : 'session_user';
  return `${base}?${param}=${encodeURIComponent(ticket)}&app_type=test`;
}

async function open(conversationId: string, sessionToken?: string): Promise<TestSocket> {
  const socket = await TestSocket.open(await socketUrl(conversationId, sessionToken));
  sockets.push(socket);
  return socket;
}

/** Opens and waits for `connected`. */
async function join(conversationId: string, who?: { sessionToken: string }) {
  const socket = await open(conversationId, who?.sessionToken);
  const connected = await socket.next('connected');
  return { socket, connected: connected.data };
}

function sendNext(socket: TestSocket, message: string, clientMessageId = newId()): string {
  socket.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message, client_message_id: clientMessageId } });
  return clientMessageId;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('admission', () => {
  it('connects a signed-in user to a post with write access and the current last_seq', async () => {
    const alice = await signUp(service, { display_name: 'Alice' });
    const { connected } = await join(post.conversation_id, alice);
    expect(connected).toMatchObject({ conversation_id: post.conversation_id, can_write: true, identity: alice.identity });
    expect(connected.last_seq).toBe((await getHistory(service, post.conversation_id)).last_seq);
  });

  it('lets anyone read a post without a ticket, but not write to it', async () => {
    const { socket, connected } = await join(post.conversation_id);
    expect(connected).toMatchObject({ identity: null, can_write: false });
    const before = (await getHistory(service, post.conversation_id)).last_seq;

    const clientMessageId = sendNext(socket, 'can I post?');
    const error = await socket.next('error');
    expect(error.data).toMatchObject({ code: 'FORBIDDEN', client_message_id: clientMessageId });
    expect(socket.all('ack')).toHaveLength(0);
    expect((await getHistory(service, post.conversation_id)).last_seq).toBe(before);

    socket.send({ event: 'sync', data: { after_seq: 0 } });
    const page = await socket.next('sync');
    expect(page.data.conversation_id).toBe(post.conversation_id);
  });

  it("answers NOT_FOUND (4404) to a visitor opening someone else's thread, a user's thread, or an unknown id", async () => {
    const owner = await createVisitor(service);
    const other = await createVisitor(service);
    const user = await signUp(service);
    const visitorThread = await createThread(service, owner.sessionToken);
    const userThread = await createThread(service, user.sessionToken);

    const own = await join(visitorThread.conversation_id, owner);
    expect(own.connected.can_write).toBe(true);

    for (const [conversationId, who] of [
      [visitorThread.conversation_id, other],
      [userThread.conversation_id, other],
      [userThread.conversation_id, undefined],
      [randomUUID(), user],
    ] as const) {
      const socket = await open(conversationId, who?.sessionToken);
      expect((await socket.next('error')).data.code).toBe('NOT_FOUND');
      expect(await socket.closed()).toBe(4404);
      expect(socket.all('connected')).toHaveLength(0);
    }
  });

  it('closes with AUTH_FAILED (4401) when the ticket is not valid', async () => {
    const forged = await TestSocket.open(`${service.wsBase}conversation/${post.conversation_id}/?token=not-a-real-ticket`);
    sockets.push(forged);
    expect((await forged.next('error')).data.code).toBe('AUTH_FAILED');
    expect(await forged.closed()).toBe(4401);
  });

  it('drops a refused socket that then breaks the WebSocket protocol, and keeps serving everyone else', async () => {
    // Raw TCP, so the bytes go out whatever the server has sent: its refusal and close are already on their way.
    const refusedSocket = async (path: string): Promise<{ raw: Socket; closed: Promise<unknown> }> => {
      const raw = connect(service.port, '127.0.0.1');
      // The server ends these sockets however it likes (close or reset): only what it does next counts.
      raw.on('error', () => undefined);
      // Listened for from the start: the server may close it before the test gets to wait.
      const closed = once(raw, 'close');
      await once(raw, 'connect');
      const key = randomBytes(16).toString('base64');
      raw.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      const [head] = (await once(raw, 'data')) as [Buffer];
      expect(head.toString('latin1')).toMatch(/^HTTP\/1\.1 101/);
      return { raw, closed };
    };
    // NOT_FOUND, then a masked frame with a reserved opcode (3).
    const unknown = await refusedSocket(`/ws/v1/conversation/${randomUUID()}/`);
    unknown.raw.write(Buffer.from([0x83, 0x80, 1, 2, 3, 4]));
    // AUTH_FAILED, then the header of a text frame over the read limit.
    const forged = await refusedSocket(`/ws/v1/conversation/${post.conversation_id}/?token=not-a-real-ticket`);
    const length = Buffer.alloc(8);
    length.writeBigUInt64BE(BigInt(MAX_READ_FRAME_BYTES + 1));
    forged.raw.write(Buffer.concat([Buffer.from([0x81, 0xff]), length, Buffer.from([1, 2, 3, 4])]));
    await Promise.all([unknown.closed, forged.closed]);

    await sleep(200);
    expect(service.process.exitCode).toBeNull();
    const { connected } = await join(post.conversation_id, await signUp(service));
    expect(connected.conversation_id).toBe(post.conversation_id);
  });

  it('refuses the upgrade (HTTP 403) from a browser origin that is not allowed', async () => {
    await expect(TestSocket.open(await socketUrl(post.conversation_id), { origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
  });
});

describe('frames', () => {
  it('answers bad frames with VALIDATION_ERROR and keeps the socket usable', async () => {
    const user = await signUp(service);
    const { socket } = await join(post.conversation_id, user);
    const badFrames: Array<string | Buffer> = [
      '{not json',
      JSON.stringify({ event: 'sync', data: { after_seq: 'yesterday' } }),
      JSON.stringify({ event: 'dance', data: {} }),
      JSON.stringify({ event: 'action', data: { action: 'next', execution_type: 'chat', message: 42, client_message_id: 'cm-12345678' } }),
      Buffer.from([1, 2, 3]),
    ];
    for (const frame of badFrames) {
      if (Buffer.isBuffer(frame)) socket.ws.send(frame, { binary: true });
      else socket.send(frame);
      expect((await socket.next('error')).data.code).toBe('VALIDATION_ERROR');
    }
    expect(socket.closeCode).toBeNull();

    socket.send('ping');
    await waitFor(() => socket.rawTexts.includes('pong'));
    socket.send({ event: 'ping' });
    await socket.next('pong');
    const clientMessageId = sendNext(socket, 'still here');
    expect((await socket.next('ack')).data.client_message_id).toBe(clientMessageId);
  });

  it('answers a frame over the size limit with a typed error (MESSAGE_TOO_LONG naming a message), and keeps serving the socket', async () => {
    const user = await signUp(service);
    const { socket } = await join(post.conversation_id, user);
    socket.send('x'.repeat(MAX_FRAME_BYTES + 1));
    expect((await socket.next('error')).data.code).toBe('VALIDATION_ERROR');
    const huge = sendNext(socket, 'y'.repeat(70_000));
    expect((await socket.next('error', (f) => f.data.code === 'MESSAGE_TOO_LONG')).data.client_message_id).toBe(huge);
    expect(socket.closeCode).toBeNull();
    const fine = sendNext(socket, 'short again');
    expect((await socket.next('ack')).data.client_message_id).toBe(fine);
  });

  it(`closes with 1009 (message too big), unread, on a frame over ${MAX_READ_FRAME_BYTES} bytes`, async () => {
    const user = await signUp(service);
    const { socket } = await join(post.conversation_id, user);
    socket.send('x'.repeat(MAX_READ_FRAME_BYTES + 1));
    expect(await socket.closed()).toBe(1009);
  });

  it(`refuses a message over ${MAX_MESSAGE_CHARS} characters with MESSAGE_TOO_LONG, and accepts one at the limit`, async () => {
    const user = await signUp(service);
    const { socket } = await join(post.conversation_id, user);
    const tooLong = sendNext(socket, 'x'.repeat(MAX_MESSAGE_CHARS + 1));
    expect((await socket.next('error')).data).toMatchObject({ code: 'MESSAGE_TOO_LONG', client_message_id: tooLong });
    const atLimit = sendNext(socket, 'y'.repeat(MAX_MESSAGE_CHARS));
    expect((await socket.next('ack')).data.client_message_id).toBe(atLimit);
    expect(socket.all('ack')).toHaveLength(1);
  });
});

describe('presence in a post', () => {
  it('tells everyone who has the post open: each person once however many tabs, visitors and readers without a session as guests, and who left', async () => {
    // A post of its own: the other tests' sockets come and go in the first one.
    const [, other] = await listPosts(service);
    const conversationId = other!.conversation_id;
    const alice = await signUp(service, { display_name: 'Alice Here' });
    const bob = await signUp(service, { display_name: 'Bob Here' });
    const a = await join(conversationId, alice);
    await a.socket.next('presence', (f) => f.data.people.some((p) => p.id === alice.identity.id));
    await join(conversationId, bob);
    const bobsOtherTab = await join(conversationId, bob);
    await join(conversationId, await createVisitor(service));
    await join(conversationId);

    const everyone = await a.socket.next('presence', (f) => f.data.people_count === 2 && f.data.guests === 2);
    expect(everyone.data).toMatchObject({ conversation_id: conversationId, people: [alice.identity, bob.identity], people_count: 2, guests: 2 });
    // A socket that joins hears who is here at once, not a second later.
    const late = await join(conversationId, await signUp(service, { display_name: 'Carol Here' }));
    const first = await late.socket.next('presence', () => true, 500);
    expect(first.data.people_count).toBeGreaterThanOrEqual(2);

    const withCarol = await a.socket.next('presence', (f) => f.data.people_count === 3);
    expect(withCarol.data.people.map((p) => p.display_name)).toEqual(['Alice Here', 'Bob Here', 'Carol Here']);
    expect(withCarol.data.version).toBeGreaterThan(everyone.data.version);
    // Bob closes one of his two tabs: still here (after more than a presence interval).
    bobsOtherTab.socket.close();
    await sleep(1_500);
    expect(a.socket.all('presence').at(-1)?.data.people.map((p) => p.display_name)).toEqual(['Alice Here', 'Bob Here', 'Carol Here']);
    late.socket.close();
    const afterCarol = await a.socket.next('presence', (f) => f.data.people_count === 2);
    expect(afterCarol.data.people.map((p) => p.display_name)).toEqual(['Alice Here', 'Bob Here']);
  });

  it('is not sent in a thread (one person\'s)', async () => {
    const user = await signUp(service, { display_name: 'Solo' });
    const thread = await createThread(service, user.sessionToken, { slug: post.slug });
    const { socket } = await join(thread.conversation_id, user);
    sendNext(socket, 'Hello?');
    await socket.next('done');
    await sleep(300); // in a post, a joiner's presence is out within ~50 ms
    expect(socket.all('presence')).toEqual([]);
  });
});

describe('messages and typing between two people in a post', () => {
  it('shows each message to everyone once, acked to the sender after it is stored', async () => {
    const alice = await signUp(service, { display_name: 'Alice' });
    const bob = await signUp(service, { display_name: 'Bob' });
    const a = await join(post.conversation_id, alice);
    const b = await join(post.conversation_id, bob);

    const clientMessageId = sendNext(a.socket, 'Hello Bob');
    const ack = await a.socket.next('ack');
    expect(ack.data).toMatchObject({ client_message_id: clientMessageId, duplicate: false });
    const toAlice = await a.socket.next('message', (f) => f.data.message.id === ack.data.message_id);
    const toBob = await b.socket.next('message', (f) => f.data.message.id === ack.data.message_id);
    expect(toBob.data.message).toEqual(toAlice.data.message);
    expect(toBob.data.message).toMatchObject({
      seq: ack.data.seq,
      content: 'Hello Bob',
      status: 'complete',
      author: { kind: 'user', id: alice.identity.id, display_name: 'Alice' },
    });
    // the ack comes before the broadcast on the sender's socket
    expect(a.socket.frames.findIndex((f) => f.event === 'ack')).toBeLessThan(
      a.socket.frames.findIndex((f) => f.event === 'message' && f.data.message.id === ack.data.message_id),
    );

    const reply = sendNext(b.socket, 'Hi Alice');
    const bobAck = await b.socket.next('ack', (f) => f.data.client_message_id === reply);
    expect((await a.socket.next('message', (f) => f.data.message.id === bobAck.data.message_id)).data.message.content).toBe('Hi Alice');
    // a post answers only when its agent is addressed
    await sleep(300);
    expect(a.socket.all('message').every((f) => f.data.message.author.kind !== 'agent')).toBe(true);
  });

  it('relays typing to the others only, at most one start per second, and stops it after 5 s', async () => {
    const alice = await signUp(service, { display_name: 'Alice' });
    const bob = await signUp(service, { display_name: 'Bob' });
    const a = await join(post.conversation_id, alice);
    const aliceOtherTab = await join(post.conversation_id, alice);
    const b = await join(post.conversation_id, bob);
    const fromAlice = (f: { data: { who: { id: string } } }) => f.data.who.id === alice.identity.id;

    a.socket.send({ event: 'typing', data: { state: 'start' } });
    a.socket.send({ event: 'typing', data: { state: 'start' } });
    const start = await b.socket.next('typing', fromAlice);
    expect(start.data).toEqual({ conversation_id: post.conversation_id, who: alice.identity, state: 'start' });
    await sleep(300);
    expect(b.socket.all('typing').filter(fromAlice)).toHaveLength(1);

    // sending a message ends the indicator at once
    sendNext(a.socket, 'done typing');
    expect((await b.socket.next('typing', fromAlice)).data.state).toBe('stop');
    // and the next message's first keystroke (within the second) shows at once, then ends with it too
    a.socket.send({ event: 'typing', data: { state: 'start' } });
    await b.socket.next('typing', (f) => fromAlice(f) && b.socket.all('typing').filter(fromAlice).length === 3);
    expect(b.socket.all('typing').filter(fromAlice).map((f) => f.data.state)).toEqual(['start', 'stop', 'start']);
    sendNext(a.socket, 'and one more');
    await b.socket.next('typing', (f) => fromAlice(f) && f.data.state === 'stop' && b.socket.all('typing').filter(fromAlice).length === 4);

    // Bob starts typing and goes quiet: the server stops the indicator by itself
    b.socket.send({ event: 'typing', data: { state: 'start' } });
    const bobStart = await a.socket.next('typing', (f) => f.data.who.id === bob.identity.id && f.data.state === 'start');
    const startedAt = Date.now();
    expect(bobStart.data.who).toEqual(bob.identity);
    const bobStop = await a.socket.next('typing', (f) => f.data.who.id === bob.identity.id && f.data.state === 'stop', TYPING_AUTO_STOP_MS + 3_000);
    expect(bobStop.data.who).toEqual(bob.identity);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(TYPING_AUTO_STOP_MS - 500);

    // nobody gets their own typing back, not even on another tab
    expect(a.socket.all('typing').filter(fromAlice)).toHaveLength(0);
    expect(aliceOtherTab.socket.all('typing').filter(fromAlice)).toHaveLength(0);
    expect(b.socket.all('typing').filter((f) => f.data.who.id === bob.identity.id)).toHaveLength(0);
  }, 20_000);

  it('stops the typing indicator at once when the typing person leaves', async () => {
    const alice = await signUp(service, { display_name: 'Alice' });
    const bob = await signUp(service, { display_name: 'Bob' });
    const a = await join(post.conversation_id, alice);
    const b = await join(post.conversation_id, bob);
    a.socket.send({ event: 'typing', data: { state: 'start' } });
    await b.socket.next('typing', (f) => f.data.state === 'start');
    const leftAt = Date.now();
    a.socket.close();
    expect((await b.socket.next('typing', (f) => f.data.who.id === alice.identity.id && f.data.state === 'stop')).data.who).toEqual(alice.identity);
    expect(Date.now() - leftAt).toBeLessThan(2_000);
  });

  it('ignores typing from readers who cannot write', async () => {
    const user = await signUp(service);
    const watcher = await join(post.conversation_id, user);
    const anonymous = await join(post.conversation_id);
    anonymous.socket.send({ event: 'typing', data: { state: 'start' } });
    await sleep(300);
    expect(watcher.socket.all('typing')).toHaveLength(0);
    expect(anonymous.socket.all('error')).toHaveLength(0);
  });
});

describe('limits and delivery guarantees', () => {
  it('refuses the 11th message within 60 s with RATE_LIMIT and retry_after_s, and does not store it', async () => {
    const user = await signUp(service);
    const { socket } = await join(post.conversation_id, user);
    for (let i = 1; i <= 10; i++) sendNext(socket, `message ${i}`);
    const eleventh = sendNext(socket, 'message 11');
    const error = await socket.next('error');
    expect(error.data).toMatchObject({ code: 'RATE_LIMIT', client_message_id: eleventh });
    expect(error.data.retry_after_s).toBeGreaterThan(0);
    expect(error.data.retry_after_s).toBeLessThanOrEqual(60);
    expect(error.data.message).toContain(`Try again in ${error.data.retry_after_s} s`);
    await waitFor(() => socket.all('ack').length === 10);

    const history = await getHistory(service, post.conversation_id, { limit: 200 });
    const mine = history.messages.filter((m) => m.author.id === user.identity.id).map((m) => m.content);
    expect(mine).toEqual(Array.from({ length: 10 }, (_, i) => `message ${i + 1}`));
  });

  it('stores a resent message once and re-acks it with the same id and duplicate: true', async () => {
    const alice = await signUp(service);
    const bob = await signUp(service);
    const a = await join(post.conversation_id, alice);
    const b = await join(post.conversation_id, bob);
    const clientMessageId = sendNext(a.socket, 'sent twice');
    const first = await a.socket.next('ack');
    sendNext(a.socket, 'sent twice', clientMessageId);
    const second = await a.socket.next('ack');
    expect(first.data.duplicate).toBe(false);
    expect(second.data).toEqual({ ...first.data, duplicate: true });

    await sleep(300);
    expect(b.socket.all('message').filter((f) => f.data.message.client_message_id === clientMessageId)).toHaveLength(1);
    const history = await getHistory(service, post.conversation_id, { limit: 200 });
    expect(history.messages.filter((m) => m.client_message_id === clientMessageId)).toHaveLength(1);
  });

  it('refuses, with CONFLICT, a message whose client_message_id someone else’s message already has (theirs stays, nothing is acked as stored)', async () => {
    const alice = await signUp(service);
    const bob = await signUp(service);
    const a = await join(post.conversation_id, alice);
    const b = await join(post.conversation_id, bob);
    const taken = sendNext(a.socket, 'Alice wrote this');
    await a.socket.next('ack');

    sendNext(b.socket, 'Bob wrote this', taken);
    const refused = await b.socket.next('error');
    expect(refused.data).toMatchObject({ code: 'CONFLICT', client_message_id: taken });
    expect(b.socket.all('ack').filter((f) => f.data.client_message_id === taken)).toHaveLength(0);
    const history = await getHistory(service, post.conversation_id, { limit: 200 });
    expect(history.messages.filter((m) => m.client_message_id === taken).map((m) => m.content)).toEqual(['Alice wrote this']);
    // Bob's own next message goes through as usual.
    sendNext(b.socket, 'Bob again');
    expect((await b.socket.next('ack')).data.duplicate).toBe(false);
  });

  it('re-acks resends without spending the rate budget, and even when the budget is spent', async () => {
    const alice = await signUp(service);
    const a = await join(post.conversation_id, alice);
    const resent = sendNext(a.socket, 'message 1');
    await a.socket.next('ack');
    for (let i = 0; i < 3; i += 1) {
      sendNext(a.socket, 'message 1', resent); // an outbox flushed again after a lost ack
      expect((await a.socket.next('ack')).data).toMatchObject({ client_message_id: resent, duplicate: true });
    }
    // 1 message stored so far: 9 new ones still fit in the 10-per-minute budget.
    for (let i = 2; i <= 10; i += 1) {
      sendNext(a.socket, `message ${i}`);
      expect((await a.socket.next('ack')).data.duplicate).toBe(false);
    }
    sendNext(a.socket, 'message 11');
    expect((await a.socket.next('error')).data.code).toBe('RATE_LIMIT');
    sendNext(a.socket, 'message 1', resent);
    expect((await a.socket.next('ack')).data).toMatchObject({ client_message_id: resent, duplicate: true });
  });

  it('sends the messages missed while disconnected when the client syncs after reconnecting', async () => {
    const alice = await signUp(service);
    const bob = await signUp(service);
    const first = await join(post.conversation_id, alice);
    const seen = first.connected.last_seq;
    first.socket.close();
    await first.socket.closed();

    const b = await join(post.conversation_id, bob);
    const missed: number[] = [];
    for (const text of ['missed one', 'missed two', 'missed three']) {
      const id = sendNext(b.socket, text);
      missed.push((await b.socket.next('ack', (f) => f.data.client_message_id === id)).data.seq);
    }

    const again = await join(post.conversation_id, alice);
    expect(again.connected.last_seq).toBeGreaterThanOrEqual(missed.at(-1)!);
    again.socket.send({ event: 'sync', data: { after_seq: seen } });
    const page = await again.socket.next('sync');
    expect(page.data.has_more).toBe(false);
    const seqs = page.data.messages.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(seqs[0]).toBe(seen + 1);
    expect(page.data.messages.filter((m) => missed.includes(m.seq)).map((m) => m.content)).toEqual(['missed one', 'missed two', 'missed three']);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}
