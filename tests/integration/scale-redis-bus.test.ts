import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pino from 'pino';
import type { ServerFrame, StreamData } from '@confab/protocol';
import { conversationChannel } from '../../libs/chat-service/src/realtime/bus-redis';
import { PRESENCE_KEY_PREFIX } from '../../libs/chat-service/src/realtime/presence-redis';
import { RedisReplyTurns } from '../../libs/chat-service/src/realtime/reply-turns';
import { openRedisScaleOut, type ScaleOut } from '../../libs/chat-service/src/realtime/scale-out';
import { STREAMS_KEY_PREFIX } from '../../libs/chat-service/src/realtime/shared-streams';
import { startRedis, type RunningRedis } from '../support/redis-server';

/**
 * The Redis pieces of the chat service against a real redis-server: two ScaleOut objects stand for
 * two instances. (Deep imports: these are the module's internals, not its public index.)
 */

const logger = pino({ level: 'silent' });
const TURN_TTL_MS = 1_000;
let redis: RunningRedis;
let one: ScaleOut;
let two: ScaleOut;
let admin: Redis;

beforeAll(async () => {
  redis = await startRedis();
  const options = { replyTurnTtlMs: TURN_TTL_MS };
  [one, two] = await Promise.all([openRedisScaleOut(redis.url, 'instance-one', logger, options), openRedisScaleOut(redis.url, 'instance-two', logger, options)]);
  admin = new Redis(redis.url);
}, 60_000);

afterAll(async () => {
  await Promise.all([one?.close(), two?.close()]);
  admin?.disconnect();
  await redis?.stop();
});

async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Subscriptions are confirmed asynchronously: wait until Redis counts them. */
async function subscribers(conversationId: string, count: number): Promise<void> {
  const channel = conversationChannel(conversationId);
  for (let i = 0; i < 200; i++) {
    const [, n] = (await admin.pubsub('NUMSUB', channel)) as [string, number];
    if (Number(n) === count) return;
    await sleep(10);
  }
  throw new Error(`${channel} never had ${count} subscribers`);
}

const people = Array.from({ length: 300 }, () => randomUUID());
const typing = (conversationId: string, n: number): ServerFrame => ({
  event: 'typing',
  data: { conversation_id: conversationId, who: { kind: 'user', id: people[n]!, display_name: `User ${n}` }, state: 'start' },
});

describe('RedisBus', () => {
  it('delivers every frame once to every instance (the publisher too), in publish order', async () => {
    const conversationId = randomUUID();
    const gotOne: ServerFrame[] = [];
    const gotTwo: ServerFrame[] = [];
    one.bus.subscribe(conversationId, (f) => gotOne.push(f));
    two.bus.subscribe(conversationId, (f) => gotTwo.push(f));
    await subscribers(conversationId, 2);

    const frames = Array.from({ length: 300 }, (_, i) => typing(conversationId, i));
    for (const f of frames) one.bus.publish(conversationId, f);
    // Not delivered synchronously: local handlers see the frame when it comes back from Redis.
    expect(gotOne).toHaveLength(0);
    await until(() => gotOne.length === 300 && gotTwo.length === 300, 'all frames on both instances');
    expect(gotOne).toEqual(frames);
    expect(gotTwo).toEqual(frames);
    await sleep(50);
    expect(gotOne).toHaveLength(300);
  });

  it('flush() resolves only after the frames published before it came back', async () => {
    const conversationId = randomUUID();
    const got: ServerFrame[] = [];
    one.bus.subscribe(conversationId, (f) => got.push(f));
    await subscribers(conversationId, 1);
    for (let i = 0; i < 200; i++) one.bus.publish(conversationId, typing(conversationId, i));
    await one.bus.flush();
    expect(got).toHaveLength(200);
  });

  it('drops what is not a valid server frame and keeps delivering the rest', async () => {
    const conversationId = randomUUID();
    const got: ServerFrame[] = [];
    two.bus.subscribe(conversationId, (f) => got.push(f));
    await subscribers(conversationId, 1);
    await admin.publish(conversationChannel(conversationId), 'not json');
    await admin.publish(conversationChannel(conversationId), JSON.stringify({ event: 'message', data: { message: { id: 'x' } } }));
    one.bus.publish(conversationId, typing(conversationId, 1));
    await until(() => got.length === 1, 'the valid frame');
    await sleep(50);
    expect(got).toEqual([typing(conversationId, 1)]);
  });

  it('unsubscribes the channel when the last handler leaves', async () => {
    const conversationId = randomUUID();
    const got: ServerFrame[] = [];
    const first = (f: ServerFrame) => got.push(f);
    const second = (f: ServerFrame) => got.push(f);
    two.bus.subscribe(conversationId, first);
    two.bus.subscribe(conversationId, second);
    await subscribers(conversationId, 1);
    two.bus.unsubscribe(conversationId, first);
    one.bus.publish(conversationId, typing(conversationId, 1));
    await until(() => got.length === 1, 'delivery to the remaining handler');
    two.bus.unsubscribe(conversationId, second);
    await subscribers(conversationId, 0);
  });

  it('re-subscribes by itself after its connection to Redis is cut', async () => {
    const conversationId = randomUUID();
    const got: ServerFrame[] = [];
    two.bus.subscribe(conversationId, (f) => got.push(f));
    await subscribers(conversationId, 1);
    await admin.client('KILL', 'TYPE', 'pubsub');
    await subscribers(conversationId, 0).catch(() => undefined);
    await subscribers(conversationId, 1);
    one.bus.publish(conversationId, typing(conversationId, 7));
    await until(() => got.length === 1, 'a frame after the reconnect');
    expect(got[0]).toEqual(typing(conversationId, 7));
  });
});

describe('stop relay', () => {
  it('reaches the other instances, not the one that asked', async () => {
    const askedOne: Array<[string, string | undefined]> = [];
    const askedTwo: Array<[string, string | undefined]> = [];
    one.stopRelay.listen((c, m) => (askedOne.push([c, m]), false));
    two.stopRelay.listen((c, m) => (askedTwo.push([c, m]), true));
    const conversationId = randomUUID();
    const messageId = randomUUID();
    one.stopRelay.request(conversationId, messageId);
    one.stopRelay.request(conversationId, undefined);
    await until(() => askedTwo.length === 2, 'both requests on instance two');
    expect(askedTwo).toEqual([
      [conversationId, messageId],
      [conversationId, undefined],
    ]);
    await sleep(50);
    expect(askedOne).toEqual([]);
  });
});

describe('shared streams', () => {
  it('lists replies in flight from any instance, oldest first, until they end; ignores junk', async () => {
    const conversationId = randomUUID();
    const data = (seq: number, content: string): StreamData => ({ message_id: randomUUID(), conversation_id: conversationId, seq, delta: '', offset: content.length, content });
    const later = data(9, 'Second reply');
    const earlier = data(4, 'First reply, longer by now');
    one.sharedStreams.update(later);
    one.sharedStreams.update(earlier);
    await admin.hset(`${STREAMS_KEY_PREFIX}${conversationId}`, randomUUID(), '{"not":"stream data"}');

    const listed = await two.sharedStreams.list(conversationId);
    // Snapshots carry the whole text (no delta): a joiner renders from it alone.
    expect(listed).toEqual([earlier, later]);
    expect(await admin.pttl(`${STREAMS_KEY_PREFIX}${conversationId}`)).toBeGreaterThan(0);

    one.sharedStreams.end(conversationId, earlier.message_id);
    expect((await two.sharedStreams.list(conversationId)).map((d) => d.message_id)).toEqual([later.message_id]);
  });
});

describe('message rate limit in Redis', () => {
  it('is one budget per identity across instances', async () => {
    const key = `user:${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? one : two).rateLimiter.consume(key)));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    const refused = results.filter((r) => !r.allowed);
    expect(refused).toHaveLength(2);
    for (const r of refused) if (!r.allowed) expect(r.retryAfterS).toBeGreaterThan(0);
  });
});

describe('WebSocket ticket uses in Redis', () => {
  it('lets a ticket open one socket across instances: the first claim wins, on any instance, until the ticket expires', async () => {
    const ticket = randomUUID();
    const expiresAt = Date.now() + 400;
    expect(await one.ticketUses.claim(ticket, expiresAt)).toBe(true);
    expect(await two.ticketUses.claim(ticket, expiresAt)).toBe(false);
    expect(await one.ticketUses.claim(ticket, expiresAt)).toBe(false);
    expect(await two.ticketUses.claim(randomUUID(), expiresAt)).toBe(true);
    // Remembered only as long as the ticket could be used: the key goes with it.
    await sleep(500);
    expect(await admin.exists(`confab:ticket:${ticket}`)).toBe(0);
  });
});

describe('presence in Redis', () => {
  const ada = { kind: 'user' as const, id: randomUUID(), display_name: 'Ada' };
  const grace = { kind: 'user' as const, id: randomUUID(), display_name: 'Grace' };

  it('merges both instances\' parts, and versions each save above what the instance has seen', async () => {
    const conversationId = randomUUID();
    const first = await one.presenceStore.save(conversationId, { people: [ada], guests: 1 }, 0);
    const second = await two.presenceStore.save(conversationId, { people: [grace], guests: 0 }, 0);
    expect(second.version).toBeGreaterThan(first.version);
    expect(second.merged).toEqual({ people: [ada, grace], people_count: 2, guests: 1 });
    // Redis loses the counter (a restart without persistence, a flush): the next save still counts up from the floor.
    await admin.del(`${PRESENCE_KEY_PREFIX}${conversationId}:version`);
    const after = await one.presenceStore.save(conversationId, { people: [ada], guests: 0 }, second.version);
    expect(after.version).toBeGreaterThan(second.version);
    // An instance that leaves takes its part with it.
    const left = await two.presenceStore.save(conversationId, null, after.version);
    expect(left.merged).toEqual({ people: [ada], people_count: 1, guests: 0 });
  });

  it('stamps a part with Redis\'s clock, not the instance\'s, and drops parts not saved for 30 s (a crashed instance\'s)', async () => {
    const conversationId = randomUUID();
    const key = `${PRESENCE_KEY_PREFIX}${conversationId}`;
    const redisNow = async (): Promise<number> => {
      const [seconds, micros] = (await admin.time()) as [number | string, number | string];
      return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    };
    const now = await redisNow();
    await admin.hset(key, 'crashed', JSON.stringify({ at: now - 31_000, people: [grace], guests: 4 }));
    await admin.hset(key, 'quiet', JSON.stringify({ at: now - 20_000, people: [ada], guests: 0 }));
    // This instance's clock is an hour fast: its part must neither lapse early nor outlive a crash.
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 3_600_000);
    const saved = await one.presenceStore.save(conversationId, { people: [], guests: 1 }, 0).finally(() => clock.mockRestore());
    expect(saved.merged).toEqual({ people: [ada], people_count: 1, guests: 1 });
    expect(await admin.hexists(key, 'crashed')).toBe(0);
    const ours = Object.entries(await admin.hgetall(key)).find(([field]) => field.startsWith('instance-one:'));
    const stamped = (JSON.parse(ours?.[1] ?? '{}') as { at?: number }).at ?? 0;
    expect(Math.abs(stamped - (await redisNow()))).toBeLessThan(5_000);
  });
});

describe('reply turns in Redis', () => {
  const signal = () => new AbortController().signal;

  it('lets one instance reply in a conversation at a time: the other waits until the turn is released', async () => {
    const conversationId = randomUUID();
    const first = await one.replyTurns.take(conversationId, 1, signal());
    expect(first).not.toBeNull();
    let secondTaken = false;
    const second = two.replyTurns.take(conversationId, 2, signal()).then((turn) => {
      secondTaken = true;
      return turn;
    });
    await sleep(300);
    expect(secondTaken).toBe(false);
    // Another conversation is not held up.
    expect(await two.replyTurns.take(randomUUID(), 1, signal())).not.toBeNull();
    await first?.release();
    const held = await second;
    expect(held).not.toBeNull();
    await held?.release();
  });

  it('tells any instance whether a reply holds or waits for the turn (so a question is not called unanswered meanwhile)', async () => {
    const conversationId = randomUUID();
    expect(await two.replyTurns.pending(conversationId)).toBe(false);
    const held = await one.replyTurns.take(conversationId, 1, signal());
    expect(await two.replyTurns.pending(conversationId)).toBe(true);
    const waiting = two.replyTurns.take(conversationId, 2, signal());
    await held?.release();
    // The waiter takes the turn within its next poll; pending all along.
    expect(await one.replyTurns.pending(conversationId)).toBe(true);
    await (await waiting)?.release();
    expect(await one.replyTurns.pending(conversationId)).toBe(false);
  });

  it('gives the turn to the earliest question waiting, not back to the instance that just released it', async () => {
    const conversationId = randomUUID();
    const order: string[] = [];
    const busy = await two.replyTurns.take(conversationId, 10, signal());
    // A question asked on instance one (seq 11) waits, then two questions asked after it on instance two.
    const onOne = one.replyTurns.take(conversationId, 11, signal()).then(async (turn) => {
      order.push('one: 11');
      await sleep(50);
      await turn?.release();
    });
    await sleep(250);
    await busy?.release();
    // Instance two's next reply asks right away (its queue was waiting on the first).
    const laterOnTwo = two.replyTurns.take(conversationId, 12, signal()).then(async (turn) => {
      order.push('two: 12');
      await turn?.release();
    });
    await Promise.all([onOne, laterOnTwo]);
    expect(order).toEqual(['one: 11', 'two: 12']);
  });

  it('keeps a renewed turn past its time to live, and frees one its holder stopped renewing (an instance that died)', async () => {
    const conversationId = randomUUID();
    const turn = await one.replyTurns.take(conversationId, 1, signal());
    const waiting = new AbortController();
    let taken = false;
    const next = two.replyTurns.take(conversationId, 2, waiting.signal).then((held) => {
      taken = held !== null;
      return held;
    });
    for (let i = 0; i < 6; i += 1) {
      turn?.renew();
      await sleep(TURN_TTL_MS / 4);
    }
    expect(taken).toBe(false);
    // The holder stops renewing: within its time to live the waiting instance gets the turn.
    const freedBy = Date.now() + TURN_TTL_MS + 500;
    const held = await next;
    expect(held).not.toBeNull();
    expect(Date.now()).toBeLessThan(freedBy);
    // The old holder's late release does not free the new holder's turn.
    await turn?.release();
    const third = new AbortController();
    const attempt = one.replyTurns.take(conversationId, 3, third.signal);
    await sleep(300);
    third.abort();
    expect(await attempt).toBeNull();
    await held?.release();
  });

  it('goes ahead without the turn at once while Redis is unreachable, and leaves no command behind to fail later', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    // Nothing listens on port 1: the connection keeps reconnecting, and a queued command fails after one retry.
    const down = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 1, retryStrategy: () => 20, lazyConnect: false });
    down.on('error', () => undefined);
    try {
      const turns = new RedisReplyTurns(down, TURN_TTL_MS, logger);
      const started = Date.now();
      const turn = await turns.take(randomUUID(), 1, new AbortController().signal);
      expect(turn).not.toBeNull();
      expect(Date.now() - started).toBeLessThan(500);
      // Long enough for a queued command to have used its one retry and failed.
      await sleep(500);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      down.disconnect();
    }
  });

  it('lets a waiter that gave up (shutdown, a deleted conversation) leave the line at once', async () => {
    const conversationId = randomUUID();
    const busy = await one.replyTurns.take(conversationId, 1, signal());
    const leaving = new AbortController();
    const gaveUp = two.replyTurns.take(conversationId, 2, leaving.signal);
    await sleep(250);
    leaving.abort();
    expect(await gaveUp).toBeNull();
    await busy?.release();
    // A later question is not held up behind the place the first waiter left.
    const started = Date.now();
    const later = await one.replyTurns.take(conversationId, 3, signal());
    expect(later).not.toBeNull();
    expect(Date.now() - started).toBeLessThan(1_000);
    await later?.release();
  });
});

describe('Lua scripts in Redis', () => {
  it('are sent by SHA1 (EVALSHA), not as text each time, and still run after Redis lost them (a restart, SCRIPT FLUSH)', async () => {
    const conversationId = randomUUID();
    // Each script once, so this connection has sent their text (ioredis sends it once per connection).
    await one.presenceStore.save(conversationId, { people: [], guests: 0 }, 0);
    const first = await one.replyTurns.take(conversationId, 1, new AbortController().signal);
    first?.renew();
    await first?.release();
    await admin.script('FLUSH');
    await admin.config('RESETSTAT');
    const saved = await one.presenceStore.save(conversationId, { people: [], guests: 1 }, 0);
    expect(saved.merged).toEqual({ people: [], people_count: 0, guests: 1 });
    for (let i = 0; i < 3; i++) {
      const turn = await one.replyTurns.take(conversationId, i + 2, new AbortController().signal);
      expect(turn).not.toBeNull();
      turn?.renew();
      await turn?.release();
      await one.presenceStore.save(conversationId, { people: [], guests: i }, 0);
    }
    const stats = await admin.info('commandstats');
    const calls = (command: string): number => Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
    // 13 script runs by SHA1; Redis had forgotten the four scripts, so each was sent as text once more.
    expect(calls('evalsha')).toBeGreaterThanOrEqual(13);
    expect(calls('eval')).toBeGreaterThanOrEqual(1);
    expect(calls('eval')).toBeLessThanOrEqual(4);
  });
});
