import { randomUUID } from 'node:crypto';
import type { Post } from '@confab/protocol';
import { getHistory, listPosts, signUp, ticketFor, type SignedIn } from '../support/api';
import { startChatService, type RunningChatService } from '../support/chat-service';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { TestSocket } from '../support/ws-client';

/**
 * A reader that stops reading (its TCP connection paused in a loopback proxy, so the server's socket
 * really backs up) while the conversation floods with large messages: the server sheds typing
 * frames first, keeps sending messages in order, and closes the socket with 4429 (try again later)
 * before its unsent bytes pass the limit, instead of buffering without bound. Readers on healthy
 * connections are not affected, and the shed reader catches up with a sync after reconnecting.
 * (A reader that stops reading mid-sync: burst-slow-sync.test.ts.)
 */

/** 10,000 four-byte characters: a 40 kB message, the largest a person can send. */
const MESSAGE_TEXT = '😀'.repeat(10_000);
/** A person may send 10 messages a minute: enough writers for the flood to pass kernel buffers and the limit. */
const WRITERS = 50;
/** The server closes a consumer before a frame would leave over 8 MiB unsent (realtime/frames.ts). */
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

it('sheds typing first, then closes a reader that stopped reading with 4429 before 8 MiB wait for it; it catches up after reconnecting', async () => {
  const writers = await Promise.all(Array.from({ length: WRITERS }, (_, i) => signUp(service, { display_name: `Writer ${i}` })));
  const writerSockets = await Promise.all(writers.map((writer) => join(writer)));
  // Typing starts are relayed at most once a second per person: typists take turns.
  const typists = await Promise.all(Array.from({ length: 20 }, (_, i) => signUp(service, { display_name: `Typist ${i}` })));
  const typistSockets = await Promise.all(typists.map((typist) => join(typist)));
  const healthy = await join(null);
  const slow = await join(null, proxy.port);
  const slowId = slow.all('connected')[0]!.data.connection_id;

  proxy.pause();
  let typingStarts = 0;
  let sent = 0;
  for (let step = 0; step < WRITERS * 10 && !logFor(slowId, 'closing a slow consumer'); step++) {
    const writer = writerSockets[Math.floor(step / 10)]!;
    const id = `flood-${randomUUID()}`;
    writer.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message: MESSAGE_TEXT, client_message_id: id } });
    await writer.next('ack', (f) => f.data.client_message_id === id, 10_000);
    sent += 1;
    if (step % 3 !== 0) continue;
    const typistSocket = typistSockets[(step / 3) % typistSockets.length]!;
    typistSocket.send({ event: 'typing', data: { state: 'start' } });
    typingStarts += 1;
    await healthy.next('typing', (f) => f.data.state === 'start', 10_000);
    typistSocket.send({ event: 'typing', data: { state: 'stop' } });
    await healthy.next('typing', (f) => f.data.state === 'stop', 10_000);
    await sleep(60);
  }
  const shedding = logFor(slowId, 'slow consumer: shedding typing frames');
  const closing = logFor(slowId, 'closing a slow consumer');
  expect(shedding).toBeDefined();
  expect(closing).toBeDefined();
  // Bounded: closed before the next frame would take it over the limit.
  expect(Number(closing?.bufferedAmount)).toBeLessThanOrEqual(CLOSE_ABOVE_BYTES);
  expect(Number(closing?.bufferedAmount)).toBeGreaterThan(CLOSE_ABOVE_BYTES - 2 * Buffer.byteLength(MESSAGE_TEXT));
  expect(service.logs.indexOf(shedding!)).toBeLessThan(service.logs.indexOf(closing!));

  // Reading again: everything sent before the close arrives intact and in order, then the close.
  proxy.resume();
  expect(await slow.closed(30_000)).toBe(4429);
  const slowSeqs = slow.all('message').map((f) => f.data.message.seq);
  expect(slowSeqs.length).toBeGreaterThan(0);
  expect(slowSeqs.length).toBeLessThan(sent);
  expect(slowSeqs).toEqual(Array.from({ length: slowSeqs.length }, (_, i) => slowSeqs[0]! + i));
  const healthySeqs = healthy.all('message').map((f) => f.data.message.seq);
  expect(healthySeqs).toHaveLength(sent);
  const slowStarts = slow.all('typing').filter((f) => f.data.state === 'start').length;
  expect(healthy.all('typing').filter((f) => f.data.state === 'start')).toHaveLength(typingStarts);
  // Typing went first: the backed-up reader got fewer typing frames, while messages kept coming.
  expect(slowStarts).toBeLessThan(typingStarts);
  expect(healthy.closeCode).toBeNull();

  // The same reader reconnects and catches up from what it holds; the healthy one never noticed.
  const again = await join(null, proxy.port);
  again.send({ event: 'sync', data: { after_seq: slowSeqs.at(-1)! } });
  const caughtUp: number[] = [];
  for (;;) {
    const page = await again.next('sync', () => true, 30_000);
    caughtUp.push(...page.data.messages.map((m) => m.seq));
    if (!page.data.has_more) break;
  }
  expect(caughtUp).toEqual(healthySeqs.slice(healthySeqs.indexOf(slowSeqs.at(-1)!) + 1));
  expect((await getHistory(service, post.conversation_id, { limit: 1 })).last_seq).toBe(healthySeqs.at(-1));

  process.stdout.write(
    `reliability: slow consumer: ${sent} messages of 40 kB sent while it did not read; typing shed at ${Number(shedding?.bufferedAmount)} B, ` +
      `closed 4429 at ${Number(closing?.bufferedAmount)} B unsent; typing starts delivered ${slowStarts}/${typingStarts} (healthy reader ${typingStarts}/${typingStarts})\n`,
  );
  for (const socket of [...writerSockets, ...typistSockets, healthy, again]) socket.close();
}, 180_000);
