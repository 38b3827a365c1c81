import { randomUUID } from 'node:crypto';
import type { Post, ServerFrameOf } from '@confab/protocol';
import { getHistory, listPosts, signUp, ticketFor, type SignedIn } from '../support/api';
import { withChatService, type RunningChatService } from '../support/chat-service';
import { TestSocket } from '../support/ws-client';

/**
 * One person's messages are stored in the order they sent them, even when the server refuses one
 * for a while (a rate limit) and a later one arrives once the limit is over: the later one waits
 * for the refused one. The budgets are small here so their window boundaries come within seconds:
 * 2 messages per identity per 2 s, and 2 frames a second per socket with a burst of 6.
 */

const MESSAGES_PER_WINDOW = 2;
const WINDOW_S = 2;
const FRAME_BURST = 6;
let service: RunningChatService;
let post: Post;

withChatService(
  async (started) => {
    service = started;
    post = (await listPosts(service))[0]!;
  },
  { env: { MESSAGES_PER_IDENTITY: String(MESSAGES_PER_WINDOW), MESSAGES_PER_IDENTITY_WINDOW_S: String(WINDOW_S), WS_FRAME_RATE_PER_S: '2', WS_FRAME_BURST: String(FRAME_BURST) } },
);

const sockets: TestSocket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) if (socket.closeCode === null) socket.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Answer = ServerFrameOf<'ack'> | ServerFrameOf<'error'>;

/**
 * A sender that keeps an outbox as the browser does: each message keeps its client_message_id
 * until acknowledged, and is written again, oldest first, with the ones behind it. The test says
 * when it writes (`write`, `deliverAll`), so it can stand for a message still on its way.
 */
class Sender {
  private readonly outbox: Array<{ id: string; text: string }> = [];
  /** Answers (ack or error) per client_message_id, not yet taken by `answer`. */
  private readonly answers = new Map<string, Answer[]>();
  private seen = 0;

  private constructor(readonly socket: TestSocket) {
    socket.ws.on('message', () => this.onFrames());
  }

  static async join(person: SignedIn): Promise<Sender> {
    const { ticket } = await ticketFor(service, person.sessionToken);
    const socket = await TestSocket.open(`${service.wsBase}conversation/${post.conversation_id}/?token=${encodeURIComponent(ticket)}`);
    sockets.push(socket);
    await socket.next('connected');
    return new Sender(socket);
  }

  /** Queues a message and writes it now; `write: false` keeps it off the wire (still on its way). */
  send(text: string, options: { write?: boolean } = {}): string {
    const id = `cm-${randomUUID()}`;
    this.outbox.push({ id, text });
    if (options.write !== false) this.write(id, text);
    return id;
  }

  write(id: string, text = this.outbox.find((e) => e.id === id)?.text ?? ''): void {
    this.socket.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message: text, client_message_id: id } });
  }

  /** The server's next answer about `id`. */
  async answer(id: string, timeoutMs = 10_000): Promise<Answer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = this.answers.get(id)?.shift();
      if (answer) return answer;
      if (Date.now() > deadline) throw new Error(`no answer about ${id}`);
      await sleep(20);
    }
  }

  /**
   * Writes what waits, oldest first, as the browser does after a refusal, until all is acked; after
   * a RATE_LIMIT it waits as told. Returns the answers to each round.
   */
  async deliverAll(timeoutMs = 20_000): Promise<Answer[][]> {
    const rounds: Answer[][] = [];
    const deadline = Date.now() + timeoutMs;
    while (this.outbox.length > 0) {
      if (Date.now() > deadline) throw new Error(`still waiting: ${this.outbox.map((e) => e.text).join(', ')}`);
      const waiting = [...this.outbox];
      for (const entry of waiting) this.write(entry.id, entry.text);
      const answers = await Promise.all(waiting.map((entry) => this.answer(entry.id)));
      rounds.push(answers);
      const waits = answers.map((a) => (a.event === 'error' && a.data.code === 'RATE_LIMIT' ? (a.data.retry_after_s ?? 1) : 0));
      const longest = Math.max(...waits);
      if (longest > 0) await sleep(longest * 1000 + 50);
    }
    return rounds;
  }

  private onFrames(): void {
    for (const frame of this.socket.frames.slice(this.seen)) {
      if (frame.event !== 'ack' && frame.event !== 'error') continue;
      const id = frame.data.client_message_id;
      if (id === undefined) continue;
      this.answers.set(id, [...(this.answers.get(id) ?? []), frame]);
      if (frame.event === 'ack') this.settle(id);
    }
    this.seen = this.socket.frames.length;
  }

  private settle(id: string): void {
    const index = this.outbox.findIndex((e) => e.id === id);
    if (index >= 0) this.outbox.splice(index, 1);
  }
}

async function storedTextsOf(person: SignedIn): Promise<string[]> {
  const history = await getHistory(service, post.conversation_id, { limit: 200 });
  return history.messages.filter((m) => m.author.id === person.identity.id).map((m) => m.content);
}

/** Past the budget's window, which started when the first message of the window was stored (before its ack came back). */
async function untilWindowReset(firstAckedAt: number): Promise<void> {
  await sleep(Math.max(0, firstAckedAt + WINDOW_S * 1000 + 300 - Date.now()));
}

/** A person whose "one" and "two" spent the budget; `windowStarted`: when the budget's window began. */
async function budgetSpent(): Promise<{ person: SignedIn; sender: Sender; first: string; windowStarted: number }> {
  const person = await signUp(service);
  const sender = await Sender.join(person);
  const first = sender.send('one');
  const second = sender.send('two');
  expect((await sender.answer(first)).event).toBe('ack');
  const windowStarted = Date.now();
  expect((await sender.answer(second)).event).toBe('ack');
  return { person, sender, first, windowStarted };
}

/** As `budgetSpent`, and then "three" refused, once the window has reset. */
async function refusedOnceTwoWereStored(): Promise<{ person: SignedIn; sender: Sender; first: string; third: string }> {
  const { person, sender, first, windowStarted } = await budgetSpent();
  const third = sender.send('three');
  expect((await sender.answer(third)).data).toMatchObject({ code: 'RATE_LIMIT', client_message_id: third });
  await untilWindowReset(windowStarted);
  return { person, sender, first, third };
}

describe('messages are stored in the order they were sent', () => {
  it('a message arriving after the budget window reset waits for the one refused just before it', async () => {
    const { person, sender, windowStarted } = await budgetSpent();

    // The budget is spent: "three" is refused. "four" was written right behind it but reaches the
    // server only after the window reset (a slow link, or the reset fell between the two).
    const third = sender.send('three');
    const fourth = sender.send('four', { write: false });
    expect((await sender.answer(third)).data).toMatchObject({ code: 'RATE_LIMIT', client_message_id: third });
    await untilWindowReset(windowStarted);
    sender.write(fourth);
    const held = await sender.answer(fourth);

    // The client's resend, in order.
    const rounds = await sender.deliverAll();
    expect(await storedTextsOf(person)).toEqual(['one', 'two', 'three', 'four']);
    // "four" was refused by name, as a rate limit, to be sent again after "three"; and refused, it
    // cost nothing: both fit in the new window at once.
    expect(held.data).toMatchObject({ code: 'RATE_LIMIT', client_message_id: fourth, retry_after_s: expect.any(Number) });
    expect(rounds[0]?.map((a) => a.event)).toEqual(['ack', 'ack']);
  }, 30_000);

  it('while a refused message waits, a resend of a stored one is acked as before, and each new one is refused by name', async () => {
    const { person, sender, first } = await refusedOnceTwoWereStored();

    // An outbox flushed again after a lost ack: "one" is stored, so it is acked as a duplicate.
    sender.write(first, 'one');
    expect((await sender.answer(first)).data).toMatchObject({ client_message_id: first, duplicate: true });
    const fourth = sender.send('four');
    const fifth = sender.send('five');
    const refusals = [await sender.answer(fourth), await sender.answer(fifth)];

    await sender.deliverAll();
    expect(await storedTextsOf(person)).toEqual(['one', 'two', 'three', 'four', 'five']);
    expect(refusals.map((r) => r.data)).toEqual([
      expect.objectContaining({ code: 'RATE_LIMIT', client_message_id: fourth, retry_after_s: expect.any(Number) }),
      expect.objectContaining({ code: 'RATE_LIMIT', client_message_id: fifth, retry_after_s: expect.any(Number) }),
    ]);
  }, 30_000);

  it('a message written after the first refused one was sent again still waits for those refused behind it', async () => {
    const { person, sender, third } = await refusedOnceTwoWereStored();
    const fourth = sender.send('four');
    // The client writes "three" again, and then "five", before the refusal of "four" reaches it.
    sender.write(third);
    const fifth = sender.send('five');
    const answers = [await sender.answer(fourth), await sender.answer(third), await sender.answer(fifth)];

    await sender.deliverAll();
    expect(await storedTextsOf(person)).toEqual(['one', 'two', 'three', 'four', 'five']);
    expect(answers.map((a) => (a.event === 'ack' ? 'ack' : a.data.code))).toEqual(['RATE_LIMIT', 'ack', 'RATE_LIMIT']);
  }, 30_000);

  it('a message dropped by the frame rate limit is not overtaken by the next one, written once a frame token came back', async () => {
    const person = await signUp(service);
    const sender = await Sender.join(person);
    for (let i = 0; i < FRAME_BURST; i += 1) sender.socket.send({ event: 'ping' });
    const first = sender.send('first');
    expect((await sender.answer(first)).data).toMatchObject({ code: 'RATE_LIMIT', client_message_id: first });
    // A token is back (2 a second) before the wait the server named is over.
    await sleep(600);
    const second = sender.send('second');
    const held = await sender.answer(second);

    await sender.deliverAll();
    expect(await storedTextsOf(person)).toEqual(['first', 'second']);
    expect(held.data).toMatchObject({ code: 'RATE_LIMIT', client_message_id: second });
  }, 30_000);
});
