import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { HISTORY_MAX_PAGE_SIZE, HISTORY_PAGE_MAX_BYTES, SYNC_PAGE_MAX_BYTES, type HistoryResponse, type Post, type ServerFrameOf } from '@confab/protocol';
import { getHistory, listPosts, signUp, ticketFor } from '../support/api';
import { startChatService, type RunningChatService } from '../support/chat-service';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { TestSocket } from '../support/ws-client';

/**
 * Clients that ask for a large history and then stop reading. The server used to write a sync page
 * of up to 200 messages (8 MB of 40 kB messages) whatever the socket held already, and the next one
 * too: 200 such sockets from one address took the server from 0.6 to 4.3 GB. Now a page holds at
 * most SYNC_PAGE_MAX_BYTES of text, the next one is written only once the last has left the process,
 * what one address has waiting is budgeted, and a socket that leaves a page untaken is closed as a
 * slow consumer (4429). Readers that read get every message, in order, as before.
 */

const HISTORY_MESSAGES = 200;
/** 10,000 four-byte characters: a 40 kB message, the largest a person can send. */
const MESSAGE_TEXT = '😀'.repeat(10_000);
const MESSAGE_BYTES = Buffer.byteLength(MESSAGE_TEXT);
/** Sockets that stop reading at once, from one address (the per-address cap is 200). */
const PAUSED_SOCKETS = 50;
/** What they may add to the server's memory together. Without the bounds it was over 1 GB (an 8 MB page each, and its copies on the way out). */
const MEMORY_GROWTH_LIMIT_MB = 150;
/** What one socket may have unsent when it is closed for not reading: one page (its text plus the JSON around it). */
const UNSENT_LIMIT_BYTES = SYNC_PAGE_MAX_BYTES + 16 * 1024;

let service: RunningChatService;
let proxy: TcpProxy;
let post: Post;

beforeAll(async () => {
  service = await startChatService({ env: { WS_SLOW_CONSUMER_TIMEOUT_S: '2' } });
  post = (await listPosts(service))[0]!;
  proxy = await startTcpProxy(service.port);
  // 8 MB of history, 40 kB a message (a person may send 10 a minute: 20 writers).
  for (let w = 0; w < HISTORY_MESSAGES / 10; w++) {
    const writer = await join(await signUp(service, { display_name: `Writer ${w}` }));
    for (let i = 0; i < 10; i++) {
      writer.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message: MESSAGE_TEXT, client_message_id: `seed-${randomUUID()}` } });
    }
    await waitUntil(() => writer.all('ack').length === 10, 30_000);
    writer.close();
  }
}, 180_000);

afterAll(async () => {
  await proxy?.close();
  await service?.stop();
});

async function join(who: { sessionToken: string } | null, port = service.port): Promise<TestSocket> {
  let url = `ws://127.0.0.1:${port}/ws/v1/conversation/${post.conversation_id}/`;
  if (who) url += `?token=${encodeURIComponent((await ticketFor(service, who.sessionToken)).ticket)}`;
  const socket = await TestSocket.open(url);
  await socket.next('connected');
  return socket;
}

/** Asks for everything after `afterSeq` and reads every page to the last one. */
async function syncAll(socket: TestSocket, afterSeq: number): Promise<Array<ServerFrameOf<'sync'>>> {
  const pages: Array<ServerFrameOf<'sync'>> = [];
  socket.send({ event: 'sync', data: { after_seq: afterSeq } });
  do pages.push(await socket.next('sync', () => true, 60_000));
  while (pages.at(-1)!.data.has_more);
  return pages;
}

const seqsOf = (pages: Array<ServerFrameOf<'sync'>>) => pages.flatMap((page) => page.data.messages.map((m) => m.seq));
const textBytes = (page: ServerFrameOf<'sync'>) => page.data.messages.reduce((sum, m) => sum + Buffer.byteLength(m.content), 0);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function slowConsumerClosings(connectionId?: string): Array<Record<string, unknown>> {
  return service.logs.filter((l) => l.msg === 'closing a slow consumer' && (connectionId === undefined || l.connectionId === connectionId));
}

/** The service's resident memory (Linux). */
function serverRssMb(): number {
  const status = readFileSync(`/proc/${service.process.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}

/** A WebSocket on raw TCP that asks for the whole history, then never reads again (as in the reported attack). */
async function syncThenStopReading(): Promise<Socket> {
  const raw = connect(service.port, '127.0.0.1');
  raw.on('error', () => undefined);
  await once(raw, 'connect');
  raw.write(
    `GET /ws/v1/conversation/${post.conversation_id}/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const [head] = (await once(raw, 'data')) as [Buffer];
  expect(head.toString('latin1')).toMatch(/^HTTP\/1\.1 101/);
  const payload = Buffer.from(JSON.stringify({ event: 'sync', data: { after_seq: 0 } }));
  const mask = randomBytes(4);
  raw.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, payload.map((byte, i) => byte ^ mask[i % 4]!)]));
  raw.pause();
  return raw;
}

it('a reader that stops reading mid-sync holds one page in the server and is closed with 4429; it keeps what it got and catches up after reconnecting', async () => {
  const slow = await join(null, proxy.port);
  const slowId = slow.all('connected')[0]!.data.connection_id;
  proxy.pause();
  slow.send({ event: 'sync', data: { after_seq: 0 } });
  await waitUntil(() => slowConsumerClosings(slowId).length > 0, 20_000);
  const closing = slowConsumerClosings(slowId)[0]!;
  expect(Number(closing.bufferedAmount)).toBeGreaterThan(0);
  expect(Number(closing.bufferedAmount)).toBeLessThanOrEqual(UNSENT_LIMIT_BYTES);

  // Reading again: the pages sent before the close arrive whole, in order and without gaps, then the close.
  proxy.resume();
  expect(await slow.closed(30_000)).toBe(4429);
  const pages = slow.all('sync');
  expect(pages.length).toBeGreaterThan(0);
  const got = seqsOf(pages);
  expect(got).toEqual(range(1, got.length));
  expect(got.length).toBeLessThan(HISTORY_MESSAGES);
  for (const page of pages) {
    expect(page.data.has_more).toBe(true);
    expect(textBytes(page)).toBeLessThanOrEqual(SYNC_PAGE_MAX_BYTES);
  }

  // Reconnected, it asks from what it holds and gets the rest.
  const again = await join(null, proxy.port);
  const rest = await syncAll(again, got.at(-1)!);
  expect(seqsOf(rest)).toEqual(range(got.length + 1, HISTORY_MESSAGES));
  again.close();
  process.stdout.write(
    `reliability: slow sync: closed 4429 after ${Number(closing.waitedMs)} ms with ${Number(closing.bufferedAmount)} B unsent ` +
      `(one page: at most ${SYNC_PAGE_MAX_BYTES} B of text); it had ${got.length}/${HISTORY_MESSAGES} messages and caught up after reconnecting\n`,
  );
}, 90_000);

it(`${PAUSED_SOCKETS} sockets from one address that stop reading mid-sync add little memory, while a reader there still gets every message in order`, async () => {
  const before = serverRssMb();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, serverRssMb())), 20);
  const closingsBefore = slowConsumerClosings().length;
  const paused: Socket[] = [];
  try {
    for (let i = 0; i < PAUSED_SOCKETS; i++) paused.push(await syncThenStopReading());
    // A reader from the same address, reading normally, while they hold their pages.
    const reader = await join(null);
    const pages = await syncAll(reader, 0);
    expect(seqsOf(pages)).toEqual(range(1, HISTORY_MESSAGES));
    expect(pages.every((page) => page.data.messages.every((m) => m.content === MESSAGE_TEXT))).toBe(true);
    expect(pages.at(-1)!.data.last_seq).toBe(HISTORY_MESSAGES);
    reader.close();
    process.stdout.write(
      `reliability: slow sync: ${PAUSED_SOCKETS} sockets stopped reading mid-sync of ${HISTORY_MESSAGES} x ${MESSAGE_BYTES} B; ` +
        `server RSS ${before.toFixed(0)} -> peak ${peak.toFixed(0)} MB (+${(peak - before).toFixed(0)} MB, limit ${MEMORY_GROWTH_LIMIT_MB})\n`,
    );
    expect(peak - before).toBeLessThan(MEMORY_GROWTH_LIMIT_MB);
    // Every paused socket is closed as a slow consumer once its page stays untaken, holding one page at most.
    await waitUntil(() => slowConsumerClosings().length - closingsBefore >= PAUSED_SOCKETS, 30_000);
  } finally {
    clearInterval(sampler);
    for (const socket of paused) socket.destroy();
  }
  const mostUnsent = Math.max(...slowConsumerClosings().slice(closingsBefore).map((l) => Number(l.bufferedAmount)));
  expect(mostUnsent).toBeLessThanOrEqual(UNSENT_LIMIT_BYTES);

  // Once they are gone, what they held is given back: a reader there gets whole pages again.
  await sleep(500);
  const after = await join(null);
  const wholePages = await syncAll(after, 0);
  expect(seqsOf(wholePages)).toEqual(range(1, HISTORY_MESSAGES));
  expect(wholePages).toHaveLength(Math.ceil(HISTORY_MESSAGES / Math.floor(SYNC_PAGE_MAX_BYTES / MESSAGE_BYTES)));
  after.close();
  process.stdout.write(`reliability: slow sync: at most ${mostUnsent} B unsent per paused socket when closed 4429\n`);
}, 120_000);

it('a history page over REST holds at most HISTORY_PAGE_MAX_BYTES of text, not 200 messages of 40 kB; paging back still gets every message, in order', async () => {
  const newest = await getHistory(service, post.conversation_id, { limit: HISTORY_MAX_PAGE_SIZE });
  const pageBytes = (page: HistoryResponse) => page.messages.reduce((sum, m) => sum + Buffer.byteLength(m.content), 0);
  expect(pageBytes(newest)).toBeLessThanOrEqual(HISTORY_PAGE_MAX_BYTES);
  expect(newest.messages.length).toBe(Math.floor(HISTORY_PAGE_MAX_BYTES / MESSAGE_BYTES));
  expect(newest.has_more).toBe(true);
  // The newest messages, oldest first, ending at the last one.
  expect(newest.messages.at(-1)?.seq).toBe(newest.last_seq);
  let seqs = newest.messages.map((m) => m.seq);
  let page = newest;
  while (page.has_more) {
    page = await getHistory(service, post.conversation_id, { limit: HISTORY_MAX_PAGE_SIZE, before_seq: seqs[0] });
    expect(pageBytes(page)).toBeLessThanOrEqual(HISTORY_PAGE_MAX_BYTES);
    seqs = [...page.messages.map((m) => m.seq), ...seqs];
  }
  expect(seqs).toEqual(range(1, newest.last_seq));
  // Forward pages (after_seq) are cut the same way.
  const forward = await getHistory(service, post.conversation_id, { limit: HISTORY_MAX_PAGE_SIZE, after_seq: 0 });
  expect(forward.messages.map((m) => m.seq)).toEqual(range(1, Math.floor(HISTORY_PAGE_MAX_BYTES / MESSAGE_BYTES)));
  expect(forward.has_more).toBe(true);
}, 60_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(25);
  }
}
