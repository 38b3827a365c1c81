import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { CloseCode, ErrorCode, MAX_FRAME_BYTES, MAX_MESSAGE_CHARS, parseServerFrame, type Post } from '@confab/protocol';
import { createThread, createVisitor, listPosts, request, signUp, ticketFor, type SignedIn } from '../support/api';
import { withChatService, type RunningChatService } from '../support/chat-service';
import { TestSocket } from '../support/ws-client';

/**
 * Hostile frames against a live chat service: at least 10,000 generated frames (random bytes,
 * binary, invalid UTF-8, deep and huge JSON, wrong types, unknown events, `__proto__`/`constructor`
 * keys, 10,001-character messages, control characters, empty frames) spread over many connections
 * at a pace under the per-connection frame limit, plus a few connections that flood on purpose.
 * The server must answer every frame with a typed frame or ignore it, never crash or answer
 * INTERNAL_ERROR, and a well-behaved client must keep sending and receiving throughout.
 *
 * Reproduce a run with FUZZ_SEED=<seed printed in the summary line>.
 */

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CONNECTIONS = 50;
const FRAMES_PER_CONNECTION = 210;
/** Just under the server's 20 frames/s per connection. */
const FRAME_GAP_MS = 55;
const FLOODERS = 3;
const FLOOD_FRAMES = 300;

/** mulberry32: small, fast, seedable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Hostile {
  kind: string;
  data: string | Buffer;
  binary: boolean;
}

function generator(random: () => number) {
  const int = (max: number) => Math.floor(random() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  const controlChars = () => Array.from({ length: 1 + int(40) }, () => String.fromCharCode(pick([0, 1, 7, 8, 9, 10, 13, 27, 31, 127, 0x2028, 0x2029, 0x202e, 0xfeff, 0xd800, 0xdfff]))).join('');
  const cmid = () => pick([`fz-${randomUUID()}`, '', 'short', 'has spaces in it', '../../etc/passwd', 'x'.repeat(65), '__proto__', 'constructor']);
  const anyValue = (): unknown =>
    pick<() => unknown>([
      () => null,
      () => int(2) === 0,
      () => int(1e9) - 5e8,
      () => random() * 1e308,
      () => -0,
      () => 'str',
      () => [],
      () => ({}),
      () => [1, 'a', null],
      () => ({ __proto__: { polluted: true } }),
      () => controlChars(),
    ])();
  const deepArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
  const deepObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  const text = (kind: string, data: string): Hostile => ({ kind, data, binary: false });

  const kinds: Array<() => Hostile> = [
    () => ({ kind: 'random bytes as text', data: bytes(1 + int(300)), binary: false }),
    () => ({ kind: 'invalid UTF-8', data: Buffer.concat([Buffer.from('{"event":"sync","data":{"after_seq":0},"x":"'), Buffer.from([pick([0xc3, 0xff, 0xed, 0xf8]), pick([0x28, 0xa0, 0xfe])]), Buffer.from('"}')]), binary: false }),
    () => ({ kind: 'binary frame', data: bytes(int(2000)), binary: true }),
    () => ({ kind: 'binary JSON', data: Buffer.from(JSON.stringify({ event: 'ping' })), binary: true }),
    () => text('empty frame', ''),
    () => text('whitespace', pick([' ', '\n', '\t\t', '\u00a0'])),
    () => text('deep array', deepArray(1 + int(30_000))),
    () => text('deep object', deepObject(1 + int(10_000))),
    () => text('deep data in a valid envelope', `{"event":"sync","data":{"after_seq":0,"x":${deepArray(1 + int(20_000))}}}`),
    () => text('deep message', `{"event":"action","data":{"action":"next","execution_type":"chat","client_message_id":"fz-deep-000001","message":${deepObject(1 + int(10_000))}}}`),
    () => text('huge string', JSON.stringify({ event: 'typing', data: { state: 'x'.repeat(MAX_FRAME_BYTES - 100) } })),
    () => text('huge array', JSON.stringify({ event: 'sync', data: { after_seq: Array.from({ length: 8_000 }, () => int(10)) } })),
    () => text('many keys', JSON.stringify(Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`k${i}`, i])))),
    () => text('wrong types', JSON.stringify({ event: pick(['action', 'typing', 'sync', 'ping']), data: anyValue() })),
    () => text('wrong field types', JSON.stringify({ event: 'action', data: { action: pick(['next', 'stop', 7, null]), execution_type: anyValue(), message: anyValue(), client_message_id: anyValue(), message_id: anyValue() } })),
    () => text('bad sync', JSON.stringify({ event: 'sync', data: { after_seq: pick([-1, 1.5, 'NaN', null, 2 ** 53, -(2 ** 31), 1e308]) } })),
    () => text('unknown event', JSON.stringify({ event: pick(['dance', 'connected', 'ack', 'error', 'message', 'ACTION', '', 'constructor', 'toString']), data: anyValue() })),
    () => text('no envelope', JSON.stringify(anyValue())),
    () => text('__proto__ keys', pick([
      '{"__proto__":{"event":"ping"}}',
      '{"event":"ping","data":{"__proto__":{"polluted":true}}}',
      '{"event":"sync","data":{"after_seq":0,"__proto__":{"after_seq":"x","polluted":true}}}',
      '{"event":"action","__proto__":{"data":{"action":"stop"}},"data":{"__proto__":{"action":"stop"}}}',
      `{"event":"action","data":{"action":"next","execution_type":"chat","message":"proto","client_message_id":"${`fz-${randomUUID()}`}","__proto__":{"isAdmin":true}}}`,
    ])),
    () => text('constructor keys', pick([
      '{"constructor":{"prototype":{"polluted":true}},"event":"ping"}',
      '{"event":"typing","data":{"state":"start","constructor":{"prototype":{"polluted":true}}}}',
      '{"event":"constructor","data":{"prototype":{}}}',
    ])),
    () => text('10,001-char message', JSON.stringify({ event: 'action', data: { action: 'next', execution_type: 'chat', message: 'y'.repeat(MAX_MESSAGE_CHARS + 1 + int(5)), client_message_id: `fz-${randomUUID()}` } })),
    () => text('control characters', JSON.stringify({ event: 'action', data: { action: 'next', execution_type: 'chat', message: controlChars(), client_message_id: cmid() } })),
    () => text('whitespace-only message', JSON.stringify({ event: 'action', data: { action: 'next', execution_type: 'chat', message: pick(['   ', '\n\n', '\u200b', '\t']), client_message_id: cmid() } })),
    () => text('stop with a random id', JSON.stringify({ event: 'action', data: { action: 'stop', message_id: pick([randomUUID(), 'nope', undefined]) } })),
    () => text('typing', JSON.stringify({ event: 'typing', data: { state: pick(['start', 'stop', 'maybe', '']) } })),
    () => text('heartbeat variants', pick(['ping', 'PING', 'ping ', 'pong', '"ping"', '{"event":"ping"}', '{"event":"pong"}'])),
    () => text('truncated JSON', JSON.stringify({ event: 'action', data: { action: 'next', execution_type: 'chat', message: 'cut', client_message_id: cmid() } }).slice(0, 1 + int(60))),
    () => text('number and literals', pick(['0', '-1', 'true', 'null', '1e999', 'NaN', '"string"', '[]', '{}'])),
  ];
  return (): Hostile => pick(kinds)();
}

interface Tally {
  frames: number;
  answers: Map<string, number>;
  /** Frames from the server that did not parse as a typed ServerFrame (must stay 0). */
  untyped: number;
  closes: Map<number, number>;
}

function count(map: Map<string | number, number>, key: string | number): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

let service: RunningChatService;
let post: Post;

withChatService(async (started) => {
  service = started;
  post = (await listPosts(service))[0]!;
});

async function urlFor(conversationId: string, who: SignedIn | { sessionToken: string } | null, param: 'token' | 'session_user' = 'token'): Promise<string> {
  const base = `${service.wsBase}conversation/${conversationId}/`;
  if (!who) return base;
  const { ticket } = await ticketFor(service, who.sessionToken);
  return `${base}?${param}=${encodeURIComponent(ticket)}`;
}

function openRaw(url: string, tally: Tally): Promise<WebSocket> {
  const ws = new WebSocket(url, { origin: 'http://localhost:3000' });
  ws.on('message', (data, isBinary) => {
    const text = data.toString();
    if (!isBinary && text === 'pong') return count(tally.answers, 'text pong');
    const parsed = parseServerFrame(text);
    if (!parsed.ok || isBinary) {
      tally.untyped += 1;
      return;
    }
    const frame = parsed.frame;
    if (frame.event === 'error') {
      // Every error carries a code of the protocol's ErrorCode enum.
      if (!ErrorCode.safeParse(frame.data.code).success) tally.untyped += 1;
      count(tally.answers, `error ${frame.data.code}`);
    } else if (frame.event !== 'connected') count(tally.answers, frame.event);
  });
  ws.on('close', (code) => count(tally.closes, code));
  ws.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('survives 10,000+ hostile frames, answering each with a typed frame or ignoring it, while a normal client keeps working', async () => {
  // One generator per connection (seed + index), so each connection's frames are the same on every run of a seed.
  const generatorFor = (index: number) => generator(prng(SEED + index));
  const tally: Tally = { frames: 0, answers: new Map(), untyped: 0, closes: new Map() };

  // Who fuzzes: anonymous readers of the post, signed-in users on the post, visitors in their own thread.
  const users = await Promise.all(Array.from({ length: 10 }, () => signUp(service)));
  const visitors = await Promise.all(Array.from({ length: 10 }, () => createVisitor(service)));
  const urls = await Promise.all([
    ...Array.from({ length: CONNECTIONS - 20 }, () => urlFor(post.conversation_id, null)),
    ...users.map((u) => urlFor(post.conversation_id, u)),
    ...visitors.map(async (v) => urlFor((await createThread(service, v.sessionToken)).conversation_id, v, 'session_user')),
  ]);
  const sockets = await Promise.all(urls.map((url) => openRaw(url, tally)));
  const kinds = new Map<string, number>();

  // The well-behaved client: a person in the same post conversation, pinging and posting throughout.
  const person = await signUp(service, { display_name: 'Well Behaved' });
  const good = await TestSocket.open(await urlFor(post.conversation_id, person));
  await good.next('connected');
  let fuzzing = true;
  let goodPongs = 0;
  const goodAcks: number[] = [];
  const wellBehaved = (async () => {
    let sent = 0;
    while (fuzzing) {
      good.send({ event: 'ping' });
      await good.next('pong', () => true, 5_000);
      goodPongs += 1;
      if (goodPongs % 8 === 0 && sent < 9) {
        const id = `good-${randomUUID()}`;
        good.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message: `still here ${sent}`, client_message_id: id } });
        sent += 1;
        const ack = await good.next('ack', (f) => f.data.client_message_id === id, 10_000);
        await good.next('message', (f) => f.data.message.id === ack.data.message_id, 10_000);
        goodAcks.push(ack.data.seq);
      }
      await sleep(200);
    }
  })();

  const startedAt = Date.now();
  const paced = sockets.map(async (ws, index) => {
    const next = generatorFor(index);
    for (let i = 0; i < FRAMES_PER_CONNECTION && ws.readyState === WebSocket.OPEN; i++) {
      const frame = next();
      count(kinds, frame.kind);
      ws.send(frame.data, { binary: frame.binary });
      tally.frames += 1;
      await sleep(FRAME_GAP_MS);
    }
  });
  // Flooders ignore the limit on purpose: RATE_LIMIT answers, then 4429, are the expected typed outcome.
  const floodTally: Tally = { frames: 0, answers: new Map(), untyped: 0, closes: new Map() };
  const flooders = await Promise.all(Array.from({ length: FLOODERS }, async () => openRaw(await urlFor(post.conversation_id, null), floodTally)));
  for (const [index, ws] of flooders.entries()) {
    const next = generatorFor(CONNECTIONS + index);
    for (let i = 0; i < FLOOD_FRAMES && ws.readyState === WebSocket.OPEN; i++) {
      const frame = next();
      ws.send(frame.data, { binary: frame.binary });
      floodTally.frames += 1;
    }
  }
  await Promise.all(paced);
  const fuzzMs = Date.now() - startedAt;
  await sleep(1_000); // the last answers (queued syncs) arrive
  fuzzing = false;
  await wellBehaved;

  const details = `seed ${SEED}; closes ${JSON.stringify([...tally.closes])}; answers ${JSON.stringify([...tally.answers])}; flood closes ${JSON.stringify([...floodTally.closes])}`;
  const failures = service.logs.filter((l) => Number(l.level) >= 50);
  if (tally.frames < 10_000 || tally.closes.size > 0 || failures.length > 0) process.stdout.write(`fuzz details: ${details}; server errors ${JSON.stringify(failures).slice(0, 3000)}\n`);
  // The server is up and healthy, and nobody was cut off but the flooders.
  expect((await request(service, 'GET', '/healthz')).status).toBe(200);
  expect(service.process.exitCode).toBeNull();
  expect(tally.frames).toBeGreaterThanOrEqual(10_000);
  expect(tally.untyped).toBe(0);
  expect(floodTally.untyped).toBe(0);
  expect(tally.answers.get('error INTERNAL_ERROR') ?? 0).toBe(0);
  expect(floodTally.answers.get('error INTERNAL_ERROR') ?? 0).toBe(0);
  // Paced connections stay open (a machine stall can bunch frames into a RATE_LIMIT, still a typed answer).
  expect([...tally.closes.keys()].every((code) => code === CloseCode.TRY_AGAIN_LATER)).toBe(true);
  const pacedClosed = tally.closes.get(CloseCode.TRY_AGAIN_LATER) ?? 0;
  expect(pacedClosed).toBeLessThanOrEqual(2);
  expect(floodTally.answers.get('error RATE_LIMIT') ?? 0).toBeGreaterThan(0);
  for (const ws of flooders) expect(ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CLOSED || ws.readyState === WebSocket.CLOSING).toBe(true);
  expect([...floodTally.closes.keys()].every((code) => code === CloseCode.TRY_AGAIN_LATER)).toBe(true);
  expect(service.logs.filter((l) => l.msg === 'frame handling failed' || l.level === 50 || l.level === 60)).toEqual([]);
  // The well-behaved client was answered all along.
  expect(good.closeCode).toBeNull();
  expect(goodPongs).toBeGreaterThan(10);
  expect(goodAcks.length).toBeGreaterThanOrEqual(3);

  // Direct answers go only to the connection that sent the frame; broadcasts (other people's messages, replies) are not answers.
  const broadcasts = new Set(['message', 'typing', 'stream', 'done']);
  const direct = [...tally.answers.entries()].filter(([k]) => !broadcasts.has(k)).sort((a, b) => b[1] - a[1]);
  const answered = direct.reduce((n, [, v]) => n + v, 0);
  const byAnswer = direct.map(([k, v]) => `${k} ${v}`).join(', ');
  process.stdout.write(
    `reliability: fuzz: seed ${SEED}, frames ${tally.frames} on ${CONNECTIONS} connections in ${fuzzMs} ms (${kinds.size} kinds), ` +
      `answered ${answered} (${byAnswer}), ignored ${Math.max(0, tally.frames - answered)}, untyped answers 0, INTERNAL_ERROR 0, crashes 0, ` +
      `paced connections closed ${pacedClosed}; ` +
      `flood: ${floodTally.frames} frames on ${FLOODERS} connections, RATE_LIMIT ${floodTally.answers.get('error RATE_LIMIT') ?? 0}, ` +
      `closed 4429 ${floodTally.closes.get(CloseCode.TRY_AGAIN_LATER) ?? 0}; well-behaved client: ${goodPongs} pongs, ${goodAcks.length} messages acked\n`,
  );
  for (const ws of [...sockets, ...flooders]) ws.terminate();
  good.close();
}, 180_000);
