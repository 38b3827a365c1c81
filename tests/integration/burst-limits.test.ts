import { randomUUID } from 'node:crypto';
import { MAX_MESSAGE_CHARS, type Post } from '@confab/protocol';
import { createVisitor, listPosts, signUp, ticketFor, type SignedIn } from '../support/api';
import { startChatService, type RunningChatService } from '../support/chat-service';
import { TestSocket } from '../support/ws-client';

/**
 * Per-connection and per-client limits with the defaults a deployment gets (no WS_* variables set):
 * 20 frames/s with a burst of 40 per socket, 20 sockets per identity, 200 per address.
 */

let service: RunningChatService;
let post: Post;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  service = await startChatService();
  post = (await listPosts(service))[0]!;
}, 90_000);

afterEach(async () => {
  const open = sockets.splice(0).filter((s) => s.closeCode === null);
  for (const socket of open) socket.close();
  // The server frees a slot when the TCP socket closes.
  await Promise.all(open.map((s) => s.closed().catch(() => undefined)));
  await sleep(200);
});

afterAll(async () => {
  await service?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function open(who: SignedIn | { sessionToken: string } | null, param: 'token' | 'session_user' = 'token'): Promise<TestSocket> {
  let url = `${service.wsBase}conversation/${post.conversation_id}/`;
  if (who) url += `?${param}=${encodeURIComponent((await ticketFor(service, who.sessionToken)).ticket)}`;
  const socket = await TestSocket.open(url);
  sockets.push(socket);
  return socket;
}

/** The first frame: `connected`, or the refusal. */
async function admission(socket: TestSocket): Promise<string> {
  return Promise.race([socket.next('connected').then(() => 'connected'), socket.next('error').then((f) => f.data.code)]);
}

const next = (message: string, clientMessageId = `cm-${randomUUID()}`) => ({
  event: 'action',
  data: { action: 'next', execution_type: 'chat', message, client_message_id: clientMessageId },
});

describe('frame rate per connection', () => {
  it('answers frames over the burst with RATE_LIMIT (naming a dropped message) and keeps the socket', async () => {
    const user = await signUp(service);
    const socket = await open(user);
    await socket.next('connected');
    for (let i = 0; i < 45; i++) socket.send({ event: 'ping' });
    const dropped = `cm-${randomUUID()}`;
    socket.send(next('dropped by the frame limit', dropped));
    await waitFor(() => socket.all('pong').length + socket.all('error').length >= 46);
    expect(socket.all('pong')).toHaveLength(40);
    const errors = socket.all('error');
    expect(errors).toHaveLength(6);
    expect(errors.every((e) => e.data.code === 'RATE_LIMIT' && (e.data.retry_after_s ?? 0) >= 1)).toBe(true);
    expect(errors.at(-1)?.data.client_message_id).toBe(dropped);
    expect(socket.all('ack')).toHaveLength(0);

    // After the wait, the same message goes through: the socket was never closed.
    await sleep(1_100);
    socket.send(next('dropped by the frame limit', dropped));
    expect((await socket.next('ack')).data).toMatchObject({ client_message_id: dropped, duplicate: false });
    expect(socket.closeCode).toBeNull();
  });

  it('keeps a client at its pace of 20 frames a second, however long', async () => {
    const socket = await open(null);
    await socket.next('connected');
    for (let i = 0; i < 60; i++) {
      socket.send({ event: 'ping' });
      await sleep(55);
    }
    await waitFor(() => socket.all('pong').length === 60);
    expect(socket.all('error')).toHaveLength(0);
  });

  it('closes a client that keeps flooding with 4429 (try again later)', async () => {
    const socket = await open(null);
    await socket.next('connected');
    for (let i = 0; i < 400 && socket.ws.readyState === socket.ws.OPEN; i++) socket.send({ event: 'ping' });
    expect(await socket.closed()).toBe(4429);
    expect(socket.all('pong').length).toBeGreaterThanOrEqual(40);
    expect(socket.all('error').every((e) => e.data.code === 'RATE_LIMIT')).toBe(true);
  });
});

describe('connections per identity and per address', () => {
  it('refuses the 21st socket of one identity with TOO_MANY_CONNECTIONS and 4429, and admits again once one closes', async () => {
    const user = await signUp(service);
    const admitted: TestSocket[] = [];
    for (let i = 0; i < 20; i++) {
      const socket = await open(user);
      expect(await admission(socket)).toBe('connected');
      admitted.push(socket);
    }
    const extra = await open(user);
    expect(await admission(extra)).toBe('TOO_MANY_CONNECTIONS');
    expect(await extra.closed()).toBe(4429);

    // Someone else is not affected.
    const other = await open(await signUp(service));
    expect(await admission(other)).toBe('connected');

    admitted[0]!.close();
    await admitted[0]!.closed();
    await sleep(200);
    const again = await open(user);
    expect(await admission(again)).toBe('connected');
  }, 60_000);

  it('refuses the 201st socket from one address, anonymous readers included', async () => {
    const opened: TestSocket[] = [];
    for (let i = 0; i < 200; i += 20) {
      const batch = await Promise.all(Array.from({ length: 20 }, () => open(null)));
      for (const socket of batch) expect(await admission(socket)).toBe('connected');
      opened.push(...batch);
    }
    const extra = await open(null);
    expect(await admission(extra)).toBe('TOO_MANY_CONNECTIONS');
    expect(await extra.closed()).toBe(4429);
    expect(opened.every((s) => s.closeCode === null)).toBe(true);

    opened[0]!.close();
    await opened[0]!.closed();
    await sleep(200);
    expect(await admission(await open(null))).toBe('connected');
  }, 60_000);
});

describe("errors that are the client's fault keep the socket open", () => {
  it('VALIDATION_ERROR, MESSAGE_TOO_LONG, FORBIDDEN, RATE_LIMIT (messages and frames), invalid UTF-8, NUL: then still usable', async () => {
    const user = await signUp(service);
    const socket = await open(user);
    await socket.next('connected');
    const visitor = await createVisitor(service);
    const reader = await open(visitor, 'session_user');
    await reader.next('connected');

    socket.send('{oops');
    socket.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    socket.send(next('x'.repeat(MAX_MESSAGE_CHARS + 1)));
    socket.send(next('nul \u0000 inside'));
    reader.send(next('visitors cannot post here'));
    for (let i = 0; i < 11; i++) socket.send(next(`message ${i}`));
    await waitFor(() => socket.all('error').length >= 5 && socket.all('ack').length === 10);
    await reader.next('error');
    for (let i = 0; i < 45; i++) socket.send({ event: 'ping' });
    await waitFor(() => socket.all('error').some((e) => e.data.code === 'RATE_LIMIT' && e.data.client_message_id === undefined));

    const codes = [...new Set([...socket.all('error'), ...reader.all('error')].map((e) => e.data.code))].sort();
    expect(codes).toEqual(['FORBIDDEN', 'MESSAGE_TOO_LONG', 'RATE_LIMIT', 'VALIDATION_ERROR']);
    expect(socket.closeCode).toBeNull();
    expect(reader.closeCode).toBeNull();
    await sleep(2_100);
    const pongs = socket.all('pong').length;
    socket.send({ event: 'ping' });
    reader.send({ event: 'sync', data: { after_seq: 0 } });
    await waitFor(() => socket.all('pong').length === pongs + 1);
    await reader.next('sync');
  }, 30_000);
});

describe('history reads per connection', () => {
  it('answers a burst of 30 `sync` frames from an anonymous reader with a few catch-ups, not 30', async () => {
    const reader = await open(null);
    await reader.next('connected');
    for (let i = 0; i < 30; i++) reader.send({ event: 'sync', data: { after_seq: 30 - i } });
    reader.send({ event: 'ping' });
    await reader.next('pong');
    await sleep(300);

    // Each catch-up ends with a page saying there is no more. Syncs that arrive while one waits its
    // turn merge into it: the burst comes in a few TCP reads (1–2 when idle, 4 seen on a busy CI
    // machine), so a few catch-ups, never one per frame.
    const catchUps = reader.all('sync').filter((frame) => !frame.data.has_more);
    expect(catchUps.length).toBeGreaterThanOrEqual(1);
    expect(catchUps.length).toBeLessThanOrEqual(8);
    expect(reader.all('error')).toEqual([]);
    expect(reader.closeCode).toBeNull();
    // The socket still answers a sync asked later, on its own.
    const before = reader.all('sync').length;
    reader.send({ event: 'sync', data: { after_seq: 0 } });
    await waitFor(() => reader.all('sync').length > before);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}
