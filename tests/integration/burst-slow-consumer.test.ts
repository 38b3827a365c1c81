import { randomUUID } from 'node:crypto';
import type { Post } from '@confab/protocol';
import { getHistory, listPosts, signUp, ticketFor, type SignedIn } from '../support/api';
import { startChatService, type RunningChatService } from '../support/chat-service';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { TestSocket } from '../support/ws-client';

/**
 * A reader that stops reading (its TCP connection paused in a loopback proxy, so the server's socket
 * really backs up) while the conversation floods: the server sheds typing frames first, keeps
 * sending messages in order, and past its limit closes the socket with 4429 (try again later)
 * instead of buffering without bound. Readers on healthy connections are not affected, and the
 * shed reader catches up with a sync after reconnecting.
 */

const HISTORY_MESSAGES = 100;
const MESSAGE_CHARS = 9_000;
/** The server closes a consumer above 8 MiB of unsent bytes (realtime/frames.ts); one sync page here is ~0.9 MB. */
const CLOSE_ABOVE_BYTES = 8 * 1024 * 1024;

let service: RunningChatService;
let proxy: TcpProxy;
let post: Post;

beforeAll(async () => {
  service = await startChatService({ env: { LOG_LEVEL: 'info' } });
  post = (await listPosts(service))[0]!;
  proxy = await startTcpProxy(service.port);
}, 90_000);

afterAll(async () => {
  await proxy?.close();
  await service?.stop();
});

async function join(who: SignedIn | null, port = service.port): Promise<TestSocket> {
  let url = `ws://127.0.0.1:${port}/ws/v1/conversation/${post.conversation_id}/`;
  if (who) url += `?token=${encodeURIComponent((await ticketFor(service, who.sessionToken)).ticket)}`;
  const socket = await TestSocket.open(url);
  await socket.next('connected');
  return socket;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function logFor(connectionId: string, msg: string): Record<string, unknown> | undefined {
  return service.logs.find((l) => l.connectionId === connectionId && l.msg === msg);
}

it('sheds typing first, then closes a reader that stopped reading with 4429; it catches up after reconnecting', async () => {
  // History worth ~0.9 MB: every `sync {after_seq: 0}` makes the server send all of it again.
  const writers = await Promise.all(Array.from({ length: HISTORY_MESSAGES / 10 }, (_, i) => signUp(service, { display_name: `Writer ${i}` })));
  await Promise.all(
    writers.map(async (writer, w) => {
      const socket = await join(writer);
      for (let i = 0; i < 10; i++) {
        const id = `seed-${randomUUID()}`;
        socket.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message: `${w}.${i} ${'x'.repeat(MESSAGE_CHARS)}`, client_message_id: id } });
      }
      await waitUntil(() => socket.all('ack').length === 10, 30_000);
      socket.close();
    }),
  );
  // Typing starts are relayed at most once a second per person: typists take turns.
  const typists = await Promise.all(Array.from({ length: 20 }, (_, i) => signUp(service, { display_name: `Typist ${i}` })));
  const typistSockets = await Promise.all(typists.map((typist) => join(typist)));
  const healthy = await join(null);
  const slow = await join(null, proxy.port);
  const slowId = slow.all('connected')[0]!.data.connection_id;

  proxy.pause();
  let typingStarts = 0;
  let syncsAsked = 0;
  for (let step = 0; step < 120 && !logFor(slowId, 'closing a slow consumer'); step++) {
    slow.send({ event: 'sync', data: { after_seq: 0 } });
    syncsAsked += 1;
    await sleep(60);
    const typistSocket = typistSockets[step % typistSockets.length]!;
    typistSocket.send({ event: 'typing', data: { state: 'start' } });
    typingStarts += 1;
    await healthy.next('typing', (f) => f.data.state === 'start', 10_000);
    typistSocket.send({ event: 'typing', data: { state: 'stop' } });
    await healthy.next('typing', (f) => f.data.state === 'stop', 10_000);
  }
  const shedding = logFor(slowId, 'slow consumer: shedding typing frames');
  const closing = logFor(slowId, 'closing a slow consumer');
  expect(shedding).toBeDefined();
  expect(closing).toBeDefined();
  // Bounded: closed at the limit (plus at most the frame being sent), not after buffering everything asked for.
  expect(Number(closing?.bufferedAmount)).toBeGreaterThan(CLOSE_ABOVE_BYTES);
  expect(Number(closing?.bufferedAmount)).toBeLessThan(CLOSE_ABOVE_BYTES + 2 * 1024 * 1024);
  expect(service.logs.indexOf(shedding!)).toBeLessThan(service.logs.indexOf(closing!));

  // Reading again: everything sent before the close arrives intact and in order, then the close.
  proxy.resume();
  expect(await slow.closed(30_000)).toBe(4429);
  const pages = slow.all('sync');
  expect(pages.length).toBeGreaterThan(0);
  expect(pages.length).toBeLessThanOrEqual(syncsAsked);
  for (const page of pages) {
    expect(page.data.has_more).toBe(false);
    expect(page.data.messages.map((m) => m.seq)).toEqual(Array.from({ length: HISTORY_MESSAGES }, (_, i) => i + 1));
  }
  const slowStarts = slow.all('typing').filter((f) => f.data.state === 'start').length;
  expect(healthy.all('typing').filter((f) => f.data.state === 'start')).toHaveLength(typingStarts);
  // Typing went first: the backed-up reader got fewer typing frames, while messages kept coming.
  expect(slowStarts).toBeLessThan(typingStarts);
  expect(healthy.closeCode).toBeNull();

  // The same reader reconnects and catches up from what it holds; the healthy one never noticed.
  const again = await join(null, proxy.port);
  const id = `after-${randomUUID()}`;
  const writer = typistSockets[0]!;
  writer.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message: 'still flowing', client_message_id: id } });
  const ack = await writer.next('ack', (f) => f.data.client_message_id === id);
  again.send({ event: 'sync', data: { after_seq: HISTORY_MESSAGES } });
  const caughtUp = await again.next('sync');
  expect(caughtUp.data.messages.map((m) => m.seq)).toEqual([ack.data.seq]);
  expect((await healthy.next('message', (f) => f.data.message.client_message_id === id)).data.message.seq).toBe(ack.data.seq);
  expect((await getHistory(service, post.conversation_id, { limit: 1 })).last_seq).toBe(ack.data.seq);

  process.stdout.write(
    `reliability: slow consumer: asked ${syncsAsked} full syncs without reading; typing shed at ${Number(shedding?.bufferedAmount)} B, ` +
      `closed 4429 at ${Number(closing?.bufferedAmount)} B buffered; typing starts delivered ${slowStarts}/${typingStarts} (healthy reader ${typingStarts}/${typingStarts})\n`,
  );
  for (const socket of [...typistSockets, healthy, again]) socket.close();
}, 180_000);

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(25);
  }
}
