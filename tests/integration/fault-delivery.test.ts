import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { parseServerFrame, type Message, type Post, type ServerFrame } from '@confab/protocol';
import { getHistory, listPosts, signUp, ticketFor, type SignedIn } from '../support/api';
import { startChatService, testSecrets, type RunningChatService } from '../support/chat-service';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { TestSocket } from '../support/ws-client';

/**
 * Delivery under faults, with real servers on loopback: the chat service restarted mid-stream
 * (SIGTERM), killed (SIGKILL) and restarted on the same port and PGlite folder, and the network cut
 * by a TCP proxy. Every participant is a client that behaves like the browser's: it fetches a fresh
 * ticket per connect, sends `sync {after_seq}` on `connected`, resyncs on a seq gap, keeps unacked
 * messages in an outbox and resends them with their original client_message_id after reconnecting.
 *
 * Each scenario asserts, for every participant: every acknowledged message present exactly once,
 * seqs 1..last with no hole or conflict, and no reply left `streaming`; and prints one summary line.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(25);
  }
}

/** One chat service on a fixed port and a PGlite folder on disk, restartable. */
class Deployment {
  service: RunningChatService | null = null;
  port = 0;
  private constructor(
    readonly env: Record<string, string>,
    readonly dataDir: string,
  ) {}

  static async create(extraEnv: Record<string, string>): Promise<Deployment> {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'confab-fault-'));
    // Fixed secrets, as in a configured deployment: sessions and tickets survive a restart.
    return new Deployment({ ...testSecrets(), PGLITE_DATA_DIR: dataDir, ...extraEnv }, dataDir);
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.service = await startChatService({ env: this.env, port: this.port });
    this.port = this.service.port;
  }

  async stop(signal: NodeJS.Signals): Promise<number | null> {
    const code = (await this.service?.stop(signal)) ?? null;
    this.service = null;
    return code;
  }

  async destroy(): Promise<void> {
    await this.stop('SIGTERM');
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

interface Acked {
  seq: number;
  messageId: string;
  duplicate: boolean;
}

/**
 * A client on one conversation, modelled on @confab/chat-client's rules (see its README), on the
 * wire: view by seq, contiguous `lastSeq`, one sync at a time, outbox resent in order on connect.
 * One deliberate rule beyond the browser client today: on reconnect it syncs from before the oldest
 * reply it still holds as `streaming`, so a reply that ended while it was away is not left spinning.
 */
class Peer {
  readonly view = new Map<number, Message>();
  readonly outbox: Array<{ clientMessageId: string; text: string }> = [];
  readonly acked = new Map<string, Acked>();
  readonly sentIds: string[] = [];
  lastSeq = 0;
  connects = 0;
  wireDuplicates = 0;
  liveOutOfOrder = 0;
  seqConflicts = 0;
  unexpectedErrors: string[] = [];
  private highestSeen = 0;
  private syncInFlight = false;
  private readonly finalStatus = new Map<string, Message['status']>();
  private ws: WebSocket | null = null;
  /** The socket being opened or open (set before `connected`). */
  private current: WebSocket | null = null;
  private stopped = false;
  private loop: Promise<void> | null = null;

  constructor(
    readonly name: string,
    private readonly conversationId: string,
    private readonly deployment: Deployment,
    private readonly who: SignedIn | null,
    private readonly socketPort: () => number = () => deployment.port,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.terminate();
    await this.loop;
  }

  get isOpen(): boolean {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  /** The person presses Send: into the outbox, and onto the socket if it is open. */
  send(text: string): string {
    const clientMessageId = `cm-${randomUUID()}`;
    this.outbox.push({ clientMessageId, text });
    this.sentIds.push(clientMessageId);
    this.write(clientMessageId, text);
    return clientMessageId;
  }

  /** Caught up: nothing waiting to be acked, no sync pending, and every seq up to `lastSeq` held. */
  isSettled(lastSeq: number): boolean {
    return this.isOpen && this.outbox.length === 0 && !this.syncInFlight && this.lastSeq >= lastSeq;
  }

  private write(clientMessageId: string, text: string): void {
    if (!this.isOpen) return;
    this.ws?.send(JSON.stringify({ event: 'action', data: { action: 'next', execution_type: 'chat', message: text, client_message_id: clientMessageId } }));
  }

  private async url(): Promise<string> {
    const base = `ws://127.0.0.1:${this.socketPort()}/ws/v1/conversation/${this.conversationId}/`;
    if (!this.who) return base;
    // A fresh ticket per connect, as the browser gets one from /api/ws-ticket (fails while the service is down).
    const { ticket } = await ticketFor({ httpUrl: this.deployment.httpUrl }, this.who.sessionToken);
    return `${base}?token=${encodeURIComponent(ticket)}&app_type=fault-test`;
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      try {
        const opened = await this.connectOnce(await this.url());
        if (opened) attempt = 0;
      } catch {
        // service down or restarting: try again
      }
      if (this.stopped) break;
      attempt += 1;
      await sleep(Math.min(1_000, 25 * 2 ** attempt) * (0.5 + Math.random() / 2));
    }
  }

  /** Resolves when the socket closes; true when it had opened. */
  private connectOnce(url: string): Promise<boolean> {
    return new Promise((resolve) => {
      const ws = new WebSocket(url, { origin: 'http://localhost:3000' });
      this.current = ws;
      if (this.stopped) ws.terminate();
      let opened = false;
      const live = { seen: new Set<string>(), lastSeq: 0 };
      ws.on('open', () => {
        opened = true;
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        const parsed = parseServerFrame(data.toString());
        if (parsed.ok) this.onFrame(ws, parsed.frame, live);
      });
      ws.on('error', () => undefined);
      ws.on('close', () => {
        if (this.ws === ws) this.ws = null;
        this.syncInFlight = false;
        resolve(opened);
      });
    });
  }

  private onFrame(ws: WebSocket, frame: ServerFrame, live: { seen: Set<string>; lastSeq: number }): void {
    switch (frame.event) {
      case 'connected': {
        this.ws = ws;
        this.connects += 1;
        this.highestSeen = Math.max(this.highestSeen, frame.data.last_seq);
        this.requestSync(this.resumeFrom());
        for (const entry of this.outbox) this.write(entry.clientMessageId, entry.text);
        return;
      }
      case 'ack': {
        const { client_message_id: id } = frame.data;
        if (!this.acked.has(id)) this.acked.set(id, { seq: frame.data.seq, messageId: frame.data.message_id, duplicate: frame.data.duplicate });
        const index = this.outbox.findIndex((e) => e.clientMessageId === id);
        if (index >= 0) this.outbox.splice(index, 1);
        return;
      }
      case 'message': {
        const message = frame.data.message;
        const key = `${message.id}:${message.status}`;
        if (live.seen.has(key)) this.wireDuplicates += 1;
        live.seen.add(key);
        if (message.seq < live.lastSeq) this.liveOutOfOrder += 1;
        live.lastSeq = Math.max(live.lastSeq, message.seq);
        this.store(message);
        break;
      }
      case 'sync':
        for (const message of frame.data.messages) this.store(message);
        if (!frame.data.has_more) {
          this.syncInFlight = false;
          this.highestSeen = Math.max(this.highestSeen, frame.data.last_seq);
        }
        break;
      case 'done': {
        this.finalStatus.set(frame.data.message_id, frame.data.status);
        const held = this.view.get(frame.data.seq);
        if (held?.id === frame.data.message_id) this.view.set(frame.data.seq, { ...held, status: frame.data.status, content: frame.data.content });
        break;
      }
      case 'error': {
        const { code, client_message_id: id, retry_after_s: wait } = frame.data;
        const entry = id === undefined ? undefined : this.outbox.find((e) => e.clientMessageId === id);
        if (code === 'RATE_LIMIT' && entry) {
          // Re-queued, like the browser client: sent again when the wait is over.
          setTimeout(() => this.write(entry.clientMessageId, entry.text), (wait ?? 1) * 1000);
        } else {
          this.unexpectedErrors.push(`${code}: ${frame.data.message}`);
        }
        return;
      }
      default:
        return;
    }
    if (!this.syncInFlight && this.highestSeen > this.lastSeq) this.requestSync(this.lastSeq);
  }

  private resumeFrom(): number {
    let from = this.lastSeq;
    for (const message of this.view.values()) if (message.status === 'streaming') from = Math.min(from, message.seq - 1);
    return from;
  }

  private requestSync(afterSeq: number): void {
    if (!this.isOpen) return;
    this.syncInFlight = true;
    this.ws?.send(JSON.stringify({ event: 'sync', data: { after_seq: afterSeq } }));
  }

  /** Keyed by seq; a copy never rolls a finished reply back to `streaming`. */
  private store(incoming: Message): void {
    const held = this.view.get(incoming.seq);
    if (held && held.id !== incoming.id) {
      this.seqConflicts += 1;
      return;
    }
    const finished = this.finalStatus.get(incoming.id);
    let next = incoming;
    if (held && held.status !== 'streaming' && incoming.status === 'streaming') next = held;
    else if (finished && incoming.status === 'streaming') next = { ...incoming, status: finished };
    this.view.set(incoming.seq, next);
    this.highestSeen = Math.max(this.highestSeen, incoming.seq);
    while (this.view.has(this.lastSeq + 1)) this.lastSeq += 1;
  }
}

interface Tally {
  sent: number;
  acked: number;
  lost: number;
  duplicated: number;
  readers: number;
  resentDuplicates: number;
}

/** Every message in the conversation, from the REST API (the database's truth). */
async function storedMessages(deployment: Deployment, conversationId: string): Promise<Message[]> {
  const all: Message[] = [];
  let after = 0;
  for (;;) {
    const page = await getHistory({ httpUrl: deployment.httpUrl }, conversationId, { after_seq: after, limit: 200 });
    all.push(...page.messages);
    const last = page.messages.at(-1);
    if (!page.has_more || !last) return all;
    after = last.seq;
  }
}

/** The checks every scenario shares; returns the figures for the summary line. */
async function verifyDelivery(deployment: Deployment, conversationId: string, peers: Peer[]): Promise<Tally> {
  const senders = peers.filter((p) => p.sentIds.length > 0);
  const sent = senders.reduce((n, p) => n + p.sentIds.length, 0);
  await waitUntil('every message is acknowledged', () => senders.every((p) => p.outbox.length === 0), 60_000);
  const stored = await storedMessages(deployment, conversationId);
  const lastSeq = stored.at(-1)?.seq ?? 0;
  await waitUntil('every reader has caught up', () => peers.every((p) => p.isSettled(lastSeq)), 60_000);

  // The database: seqs 1..last, each sent client_message_id stored exactly once.
  expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
  const storedIds = stored.map((m) => m.client_message_id).filter((id): id is string => id !== null);
  expect(new Set(storedIds).size).toBe(storedIds.length);
  expect(stored.filter((m) => m.status === 'streaming')).toEqual([]);

  const ackedIds = senders.flatMap((p) => [...p.acked.keys()]);
  expect(ackedIds.length).toBe(sent);
  let lost = 0;
  let duplicated = storedIds.length - new Set(storedIds).size;
  for (const peer of peers) {
    const held = [...peer.view.values()].sort((a, b) => a.seq - b.seq);
    const heldIds = held.map((m) => m.client_message_id).filter((id): id is string => id !== null);
    const counts = new Map<string, number>();
    for (const id of heldIds) counts.set(id, (counts.get(id) ?? 0) + 1);
    for (const id of ackedIds) {
      const n = counts.get(id) ?? 0;
      if (n === 0) lost += 1;
      if (n > 1) duplicated += n - 1;
    }
    duplicated += peer.wireDuplicates + peer.seqConflicts;
    // What the reader shows is exactly what is stored, in seq order, none still streaming.
    expect({ peer: peer.name, seqs: held.map((m) => m.seq) }).toEqual({ peer: peer.name, seqs: stored.map((m) => m.seq) });
    expect({ peer: peer.name, ids: held.map((m) => m.id) }).toEqual({ peer: peer.name, ids: stored.map((m) => m.id) });
    expect({ peer: peer.name, streaming: held.filter((m) => m.status === 'streaming').map((m) => m.seq) }).toEqual({ peer: peer.name, streaming: [] });
    expect({ peer: peer.name, statuses: held.map((m) => m.status) }).toEqual({ peer: peer.name, statuses: stored.map((m) => m.status) });
    expect({ peer: peer.name, errors: peer.unexpectedErrors, outOfOrder: peer.liveOutOfOrder }).toEqual({ peer: peer.name, errors: [], outOfOrder: 0 });
  }
  expect(lost).toBe(0);
  expect(duplicated).toBe(0);
  const resentDuplicates = senders.reduce((n, p) => n + [...p.acked.values()].filter((a) => a.duplicate).length, 0);
  return { sent, acked: ackedIds.length, lost, duplicated, readers: peers.length, resentDuplicates };
}

function summary(scenario: string, tally: Tally, extra = ''): void {
  const line =
    `reliability: ${scenario}: sent ${tally.sent}, acked ${tally.acked}, lost ${tally.lost}, duplicated ${tally.duplicated}, ` +
    `readers ${tally.readers}, resends answered as duplicates ${tally.resentDuplicates}${extra ? `, ${extra}` : ''}`;
  process.stdout.write(`${line}\n`);
}

/** Starts `count` signed-in senders and `anonymous` readers on the conversation and waits until all are connected. */
async function crowd(deployment: Deployment, conversationId: string, count: number, anonymous: number, socketPort?: () => number): Promise<{ senders: Peer[]; peers: Peer[] }> {
  const users = await Promise.all(Array.from({ length: count }, (_, i) => signUp({ httpUrl: deployment.httpUrl }, { display_name: `Sender ${i}` })));
  const senders = users.map((user, i) => new Peer(`sender-${i}`, conversationId, deployment, user, socketPort));
  const readers = Array.from({ length: anonymous }, (_, i) => new Peer(`reader-${i}`, conversationId, deployment, null, socketPort));
  const peers = [...senders, ...readers];
  for (const peer of peers) peer.start();
  await waitUntil('everyone is connected', () => peers.every((p) => p.isOpen));
  return { senders, peers };
}

/** Each sender sends `perSender` messages, one every `gapMs` (with jitter), in parallel. */
async function pump(senders: Peer[], perSender: number, gapMs: number, first?: { sender: Peer; text: string }): Promise<void> {
  await Promise.all(
    senders.map(async (sender, s) => {
      for (let i = 0; i < perSender; i++) {
        if (first && sender === first.sender && i === 0) sender.send(first.text);
        else sender.send(`message ${i} from sender ${s}`);
        await sleep(gapMs * (0.5 + Math.random()));
      }
    }),
  );
}

function agentReply(peer: Peer): Message | undefined {
  return [...peer.view.values()].find((m) => m.author.kind === 'agent');
}

let post: Post;

describe('delivery through faults (real chat service, PGlite on disk)', () => {
  let deployment: Deployment;
  let proxy: TcpProxy | null = null;
  let peers: Peer[] = [];

  afterEach(async () => {
    await Promise.all(peers.map((p) => p.stop()));
    peers = [];
    await proxy?.close();
    proxy = null;
    await deployment?.destroy();
  });

  it('restart mid-stream (SIGTERM, same port and folder): readers resync, nothing lost or doubled, the reply ends interrupted', async () => {
    // A slow demo agent keeps its reply streaming across the restart.
    deployment = await Deployment.create({ DEMO_AGENT_TOKEN_DELAY_MS: '150' });
    await deployment.start();
    post = (await listPosts({ httpUrl: deployment.httpUrl }))[0]!;
    const started = await crowd(deployment, post.conversation_id, 20, 3);
    peers = started.peers;
    const { senders } = started;

    const flow = pump(senders, 10, 300, { sender: senders[0]!, text: `@${post.agent.handle} tell me everything about delivery guarantees` });
    await waitUntil('the agent is streaming its reply', () => agentReply(peers.at(-1)!)?.status === 'streaming');
    await sleep(600);
    const acksBefore = senders.reduce((n, p) => n + p.acked.size, 0);
    expect(await deployment.stop('SIGTERM')).toBe(0);
    await deployment.start();
    await flow;

    const tally = await verifyDelivery(deployment, post.conversation_id, peers);
    const replies = (await storedMessages(deployment, post.conversation_id)).filter((m) => m.author.kind === 'agent');
    expect(replies.map((m) => m.status)).toEqual(['interrupted']);
    for (const peer of peers) expect({ peer: peer.name, reply: agentReply(peer)?.status }).toEqual({ peer: peer.name, reply: 'interrupted' });
    expect(acksBefore).toBeLessThan(tally.sent);
    expect(peers.every((p) => p.connects >= 2)).toBe(true);
    summary('restart mid-stream (SIGTERM)', tally, `acked before restart ${acksBefore}, replies interrupted ${replies.length}`);
  }, 180_000);

  it('kill -9 mid-stream and restart: the streaming reply is interrupted after restart and readers see it via sync', async () => {
    deployment = await Deployment.create({ DEMO_AGENT_TOKEN_DELAY_MS: '150' });
    await deployment.start();
    post = (await listPosts({ httpUrl: deployment.httpUrl }))[0]!;
    const started = await crowd(deployment, post.conversation_id, 10, 3);
    peers = started.peers;
    const { senders } = started;

    const flow = pump(senders, 10, 250, { sender: senders[0]!, text: `@${post.agent.handle} please write a long answer` });
    await waitUntil('the agent is streaming its reply', () => peers.every((p) => agentReply(p)?.status === 'streaming'));
    // Kill in the middle of the flow: some messages acked, others written but not yet acked or not yet sent.
    await waitUntil('a third of the messages are acked', () => senders.reduce((n, p) => n + p.acked.size, 0) >= 30);
    const acksBefore = senders.reduce((n, p) => n + p.acked.size, 0);
    await deployment.stop('SIGKILL');
    // Nobody was told: the reply is still `streaming` in every reader's view until they reconnect.
    expect(peers.every((p) => agentReply(p)?.status === 'streaming')).toBe(true);
    await deployment.start();
    await flow;

    const tally = await verifyDelivery(deployment, post.conversation_id, peers);
    const replies = (await storedMessages(deployment, post.conversation_id)).filter((m) => m.author.kind === 'agent');
    expect(replies.map((m) => m.status)).toEqual(['interrupted']);
    for (const peer of peers) expect({ peer: peer.name, reply: agentReply(peer)?.status }).toEqual({ peer: peer.name, reply: 'interrupted' });
    summary('kill -9 mid-stream', tally, `acked before kill ${acksBefore}, replies interrupted ${replies.length}, crashes 1`);
  }, 180_000);

  it('kill -9 a moment after a reply starts: the text readers saw by then is kept, not an empty reply', async () => {
    // Slow tokens: the kill lands ~300 ms into the reply, long before one second of it.
    deployment = await Deployment.create({ DEMO_AGENT_TOKEN_DELAY_MS: '150' });
    await deployment.start();
    post = (await listPosts({ httpUrl: deployment.httpUrl }))[0]!;
    const user = await signUp({ httpUrl: deployment.httpUrl });
    const url = `ws://127.0.0.1:${new URL(deployment.httpUrl).port}/ws/v1/conversation/${post.conversation_id}/`;
    const socket = await TestSocket.open(`${url}?token=${encodeURIComponent((await ticketFor({ httpUrl: deployment.httpUrl }, user.sessionToken)).ticket)}`);
    await socket.next('connected');
    socket.send({ event: 'action', data: { action: 'next', execution_type: 'chat', message: `@${post.agent.handle} hello`, client_message_id: `cm-${randomUUID()}` } });
    const first = await socket.next('stream');
    await sleep(300);
    const seen = socket.replyText(first.data.message_id) ?? '';
    await deployment.stop('SIGKILL');
    socket.close();
    await deployment.start();

    const reply = (await storedMessages(deployment, post.conversation_id)).find((m) => m.id === first.data.message_id);
    expect(reply?.status).toBe('interrupted');
    // What was stored is what readers had seen, or a little less: never nothing (it was "" before,
    // as progress was first saved a second into a reply).
    expect(reply?.content.length).toBeGreaterThan(0);
    expect(seen.startsWith(reply?.content ?? '-')).toBe(true);
  }, 120_000);

  it('network cut (TCP proxy): unacked messages are resent with their ids and stored exactly once', async () => {
    deployment = await Deployment.create({ DEMO_AGENT_TOKEN_DELAY_MS: '5' });
    await deployment.start();
    post = (await listPosts({ httpUrl: deployment.httpUrl }))[0]!;
    const tcp = await startTcpProxy(deployment.port);
    proxy = tcp;
    const started = await crowd(deployment, post.conversation_id, 20, 3, () => tcp.port);
    peers = started.peers;
    const { senders } = started;
    // One reader on a direct line, never cut.
    const direct = new Peer('direct-reader', post.conversation_id, deployment, null);
    direct.start();
    peers.push(direct);
    await waitUntil('the direct reader is connected', () => direct.isOpen);

    let cuts = 0;
    const flow = pump(senders, 10, 120, { sender: senders[0]!, text: `@${post.agent.handle} answer while the network flaps` });
    const flapping = (async () => {
      for (let i = 0; i < 4; i++) {
        await sleep(250 + Math.random() * 200);
        tcp.cut();
        cuts += 1;
        // Sometimes the link stays down for a while (new connections refused), sometimes it is back at once.
        if (i % 2 === 0) {
          tcp.down();
          await sleep(300);
          tcp.up();
        }
      }
    })();
    await Promise.all([flow, flapping]);

    const tally = await verifyDelivery(deployment, post.conversation_id, peers);
    expect(cuts).toBe(4);
    // The cuts really hit messages in flight: some resends were answered as already stored.
    const reconnects = peers.reduce((n, p) => n + p.connects - 1, 0);
    expect(reconnects).toBeGreaterThanOrEqual(senders.length);
    summary('network cut (TCP proxy)', tally, `cuts ${cuts}, reconnects ${reconnects}`);
  }, 180_000);
});
