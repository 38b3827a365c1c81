import { randomUUID } from 'node:crypto';
import type { Post } from '@confab/protocol';
import { listPosts, signUp, ticketFor, type SignedIn } from '../support/api';
import { startChatService, type RunningChatService } from '../support/chat-service';
import { sampleValue, scrapeMetrics } from '../support/metrics';
import { TestSocket } from '../support/ws-client';

/**
 * The per-instance socket cap (WS_MAX_CONNECTIONS), with a cap of 3 so the test stays small.
 * Every socket comes from a different identity and the per-address cap (200) is far off, so
 * only the instance cap can refuse one.
 */

const CAP = 3;
let service: RunningChatService;
let post: Post;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  service = await startChatService({ env: { WS_MAX_CONNECTIONS: String(CAP) } });
  post = (await listPosts(service))[0]!;
}, 90_000);

afterAll(async () => {
  for (const socket of sockets) if (socket.closeCode === null) socket.close();
  await service?.stop();
});

async function open(who: SignedIn): Promise<TestSocket> {
  const { ticket } = await ticketFor(service, who.sessionToken);
  const socket = await TestSocket.open(`${service.wsBase}conversation/${post.conversation_id}/?token=${encodeURIComponent(ticket)}`);
  sockets.push(socket);
  return socket;
}

/** The first frame: `connected`, or the refusal's error code. */
async function admission(socket: TestSocket): Promise<string> {
  await waitFor(async () => socket.frames.length > 0 || socket.closeCode !== null);
  const first = socket.frames[0];
  if (first?.event === 'connected') return 'connected';
  if (first?.event === 'error') return first.data.code;
  return `no admission frame (first: ${first?.event ?? 'none'}, close ${socket.closeCode})`;
}

async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
  return sampleValue(await scrapeMetrics(service), name, labels);
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sends a message from `sender` and checks that it is acked and that every reader receives it. */
async function exchange(sender: TestSocket, readers: TestSocket[]): Promise<void> {
  const text = `hello ${randomUUID()}`;
  const clientMessageId = `cm-${randomUUID()}`;
  sender.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message: text, client_message_id: clientMessageId } });
  expect((await sender.next('ack', (f) => f.data.client_message_id === clientMessageId)).data.duplicate).toBe(false);
  for (const reader of readers) await reader.next('message', (f) => f.data.message.content === text);
}

describe('connections per instance', () => {
  it('refuses the socket over WS_MAX_CONNECTIONS with SERVER_FULL and 4429, keeps the open ones working, and admits again once one closes', async () => {
    const users = await Promise.all(Array.from({ length: CAP + 2 }, () => signUp(service)));
    const admitted: TestSocket[] = [];
    for (const user of users.slice(0, CAP)) {
      const socket = await open(user);
      expect(await admission(socket)).toBe('connected');
      admitted.push(socket);
    }

    // A new identity from an address far under its own cap: only the instance is full.
    const extra = await open(users[CAP]!);
    expect(await admission(extra)).toBe('SERVER_FULL');
    expect(await extra.closed()).toBe(4429);
    expect(await metric('confab_errors_total', { code: 'SERVER_FULL', transport: 'ws' })).toBe(1);

    // The sockets already open are untouched: they still send and receive.
    expect(admitted.every((s) => s.closeCode === null)).toBe(true);
    await exchange(admitted[0]!, admitted.slice(1));
    expect(await metric('confab_ws_connections')).toBe(CAP);

    // One leaves: its slot is free once the server has seen its socket close.
    const [leaving, ...staying] = admitted;
    leaving!.close();
    await leaving!.closed();
    await waitFor(async () => (await metric('confab_ws_connections')) === CAP - 1);
    const again = await open(users[CAP]!);
    expect(await admission(again)).toBe('connected');
    await exchange(staying[0]!, [staying[1]!, again]);

    // Full again: the freed slot was taken, not added to the cap.
    const overAgain = await open(users[CAP + 1]!);
    expect(await admission(overAgain)).toBe('SERVER_FULL');
    expect(await overAgain.closed()).toBe(4429);
    expect(await metric('confab_errors_total', { code: 'SERVER_FULL', transport: 'ws' })).toBe(2);
    expect([...staying, again].every((s) => s.closeCode === null)).toBe(true);
  }, 60_000);
});
