import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { MESSAGE_RATE_LIMIT, parseServerFrame, type Post } from '@confab/protocol';
import { getHistory, listPosts, signUp, ticketFor, type SignedIn } from '../support/api';
import { withChatService, type RunningChatService } from '../support/chat-service';

/**
 * 1,000 messages at once into one post conversation: 100 signed-in senders (10 each, the real
 * per-identity limit of 10 / 60 s, no test-only knob), each writing its 10 at the same moment, and
 * 5 readers. Every reader must get every message exactly once, in seq order; every sender an ack
 * for each of its messages; the database 1..1000 with no gap.
 */

const SENDERS = 100;
const PER_SENDER = MESSAGE_RATE_LIMIT;
const READERS = 5;
const TOTAL = SENDERS * PER_SENDER;

let service: RunningChatService;
let post: Post;

withChatService(async (started) => {
  service = started;
  post = (await listPosts(service))[0]!;
});

interface Reader {
  ws: WebSocket;
  seqs: number[];
  ids: Set<string>;
  duplicates: number;
}

interface Sender {
  ws: WebSocket;
  acks: Map<string, number>;
  /** `message` frames received (counted without parsing: 100 senders x 1,000 frames). */
  messageFrames: number;
}

function open(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url, { origin: 'http://localhost:3000' });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

async function socketUrl(who?: SignedIn): Promise<string> {
  const base = `${service.wsBase}conversation/${post.conversation_id}/`;
  if (!who) return base;
  const { ticket } = await ticketFor(service, who.sessionToken);
  return `${base}?token=${encodeURIComponent(ticket)}&app_type=burst-test`;
}

async function waitUntil(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

it(`delivers a ${TOTAL}-message burst to ${READERS} readers exactly once, in seq order`, async () => {
  const errors: string[] = [];
  const users = await Promise.all(Array.from({ length: SENDERS }, (_, i) => signUp(service, { display_name: `Burst ${i}` })));
  const readers: Reader[] = await Promise.all(
    Array.from({ length: READERS }, async () => {
      const reader: Reader = { ws: await open(await socketUrl()), seqs: [], ids: new Set(), duplicates: 0 };
      reader.ws.on('message', (data) => {
        const parsed = parseServerFrame(data.toString());
        if (!parsed.ok || parsed.frame.event !== 'message') return;
        const { message } = parsed.frame.data;
        if (reader.ids.has(message.id)) reader.duplicates += 1;
        reader.ids.add(message.id);
        reader.seqs.push(message.seq);
      });
      return reader;
    }),
  );
  const senders: Sender[] = await Promise.all(
    users.map(async (user) => {
      const sender: Sender = { ws: await open(await socketUrl(user)), acks: new Map(), messageFrames: 0 };
      sender.ws.on('message', (data) => {
        const text = data.toString();
        if (text.startsWith('{"event":"message"')) sender.messageFrames += 1;
        else if (text.startsWith('{"event":"ack"')) {
          const parsed = parseServerFrame(text);
          if (parsed.ok && parsed.frame.event === 'ack') sender.acks.set(parsed.frame.data.client_message_id, parsed.frame.data.seq);
        } else if (text.startsWith('{"event":"error"')) errors.push(text);
      });
      return sender;
    }),
  );

  const startedAt = Date.now();
  for (const [s, sender] of senders.entries()) {
    for (let i = 0; i < PER_SENDER; i++) {
      const frame = { action: 'next', execution_type: 'chat', message: `burst ${s}.${i}`, client_message_id: `burst-${randomUUID()}` };
      sender.ws.send(JSON.stringify({ event: 'action', data: frame }));
    }
  }
  await waitUntil('every sender has its acks', () => senders.every((s) => s.acks.size === PER_SENDER), 120_000);
  const ackedAt = Date.now();
  await waitUntil('every reader has every message', () => readers.every((r) => r.seqs.length >= TOTAL), 60_000);
  await waitUntil('every sender has seen every message', () => senders.every((s) => s.messageFrames >= TOTAL), 60_000);
  const deliveredAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 300)); // anything extra (a duplicate) would arrive now

  const history = await getHistory(service, post.conversation_id, { limit: 1 });
  expect(history.last_seq).toBe(TOTAL);
  const expected = Array.from({ length: TOTAL }, (_, i) => i + 1);
  const ackedSeqs = senders.flatMap((s) => [...s.acks.values()]).sort((a, b) => a - b);
  expect(ackedSeqs).toEqual(expected);

  let lost = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  for (const reader of readers) {
    lost += TOTAL - reader.ids.size;
    duplicated += reader.duplicates;
    outOfOrder += reader.seqs.filter((seq, i) => i > 0 && seq <= reader.seqs[i - 1]!).length;
    expect(reader.seqs).toEqual(expected);
  }
  for (const sender of senders) expect(sender.messageFrames).toBe(TOTAL);
  expect(errors).toEqual([]);
  expect({ lost, duplicated, outOfOrder }).toEqual({ lost: 0, duplicated: 0, outOfOrder: 0 });

  process.stdout.write(
    `reliability: burst: sent ${TOTAL} from ${SENDERS} senders at once, acked ${ackedSeqs.length}, ${READERS} readers + ${SENDERS} senders ` +
      `received ${TOTAL * (READERS + SENDERS)} message frames, lost ${lost}, duplicated ${duplicated}, out of order ${outOfOrder}; ` +
      `all acked in ${ackedAt - startedAt} ms, all delivered in ${deliveredAt - startedAt} ms\n`,
  );
  for (const socket of [...readers, ...senders]) socket.ws.close();
}, 240_000);
