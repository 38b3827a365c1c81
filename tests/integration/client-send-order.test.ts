/**
 * @jest-environment jsdom
 * @jest-environment-options {"url": "http://localhost:3000/"}
 */
import http from 'node:http';
import { z } from 'zod';
import { HistoryResponse, PostsResponse, SessionResponse, TicketResponse, type ClientFrame } from '@confab/protocol';
import {
  buildConversationSocketUrl,
  createConversationStore,
  createInitialState,
  createOutbox,
  type ChatMessage,
  type ConversationStore,
  type KeyValueStorage,
} from '@confab/chat-client';
import { createConversationController, type ConversationController } from '../../libs/chat-client/src/controller';
import { withChatService, type RunningChatService } from '../support/chat-service';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

/**
 * The browser's conversation client (the controller useConversation runs, its outbox and reducer)
 * against the real chat service, in jsdom with its real WebSocket, through a loopback proxy that can
 * cut the network. The budget is 2 messages per identity per 2 s, so a window boundary comes soon.
 * What stands in for the browser: react-use-websocket's part (open a socket with a fresh ticket,
 * reconnect after a drop) and a link that can hold frames on their way, as a slow network does.
 */

const WINDOW_S = 2;
let service: RunningChatService;
let proxy: TcpProxy;
let conversationId: string;

withChatService(
  async (started) => {
    service = started;
    proxy = await startTcpProxy(started.port);
    const posts = z.parse(PostsResponse, (await httpJson('GET', '/v1/posts')).body).posts;
    conversationId = posts[0]!.conversation_id;
  },
  { env: { MESSAGES_PER_IDENTITY: '2', MESSAGES_PER_IDENTITY_WINDOW_S: String(WINDOW_S) } },
);
afterAll(async () => {
  await proxy?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** JSON over node:http (jsdom has no fetch). */
function httpJson(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: unknown }> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = {};
  if (payload !== undefined) headers['content-type'] = 'application/json';
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, service.httpUrl), { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text === '' ? null : (JSON.parse(text) as unknown) }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function waitUntil(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(10);
  }
}

/** Frames on their way to the server: written at once, or held (in order) until released. */
class Link {
  private held: string[] | null = null;
  constructor(private readonly socket: () => WebSocket | null) {}

  write(frame: ClientFrame): void {
    const text = JSON.stringify(frame);
    if (this.held) this.held.push(text);
    else this.socket()?.send(text);
  }

  hold(): void {
    this.held = [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const text of held) this.socket()?.send(text);
  }
}

/** One browser tab with the conversation open: the controller, and what react-use-websocket does for it. */
class Tab {
  readonly store: ConversationStore;
  readonly controller: ConversationController;
  readonly link = new Link(() => this.socket);
  private socket: WebSocket | null = null;
  private ids = 0;
  /** Sockets opened so far. */
  sockets = 0;
  private closed = false;

  constructor(private readonly sessionToken: string) {
    this.store = createConversationStore(createInitialState({ conversationId, initialMessages: [] }));
    const memory = new Map<string, string>();
    const storage: KeyValueStorage = { getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => void memory.set(k, v), removeItem: (k) => void memory.delete(k) };
    this.controller = createConversationController({
      conversationId,
      store: this.store,
      outbox: createOutbox(conversationId, storage),
      appType: 'test',
      isUnmounted: () => false,
      newClientMessageId: () => `order-${Date.now()}-${(this.ids += 1)}`,
    });
    this.controller.attach({ send: (frame) => this.link.write(frame), current: () => this.socket });
    this.controller.mount();
  }

  /** A fresh ticket per socket, and a reconnect after a drop, as react-use-websocket does with the controller's policy. */
  async connect(): Promise<void> {
    if (this.closed) return;
    const { ticket } = z.parse(TicketResponse, (await httpJson('POST', '/v1/tickets', { token: this.sessionToken })).body);
    const socket = new WebSocket(buildConversationSocketUrl({ ticket, param: 'token', ws_base: `ws://127.0.0.1:${proxy.port}/ws/v1/` }, conversationId, 'test'));
    this.socket = socket;
    this.sockets += 1;
    socket.onmessage = (event) => this.controller.onMessage(event);
    socket.onclose = (event) => {
      this.controller.onClose(event);
      if (!this.controller.shouldReconnect(event)) return;
      setTimeout(() => void this.connect(), this.controller.reconnectInterval(0));
    };
  }

  send(text: string): void {
    const result = this.controller.send(text);
    if (!result.ok) throw new Error(`send refused: ${result.reason}`);
  }

  message(text: string): ChatMessage | undefined {
    return this.store.getState().messages.find((m) => m.content === text);
  }

  stored(text: string): boolean {
    return this.message(text)?.status === 'complete';
  }

  close(): void {
    this.closed = true;
    this.controller.unmount();
    if (this.socket) this.socket.onclose = null;
    this.socket?.close();
  }
}

describe('the browser client re-sends refused messages in the order they were written', () => {
  it('a message written behind a rate-limited one, reaching the server after the window reset, is stored after it, across a reconnect', async () => {
    const signedUp = z.parse(
      SessionResponse,
      (await httpJson('POST', '/v1/auth/signup', { body: { email: `order-${Date.now()}@example.test`, password: 'correct horse battery', display_name: 'Orderly' } })).body,
    );
    const tab = new Tab(signedUp.session_token);
    try {
      await tab.connect();
      await waitUntil('connected', () => tab.store.getState().connection.status === 'open');
      tab.send('one');
      await waitUntil('"one" is stored', () => tab.stored('one'));
      const windowEndsBy = Date.now() + WINDOW_S * 1000;
      tab.send('two');
      await waitUntil('"two" is stored', () => tab.stored('two'));

      // The budget is spent: "three" is refused for the rest of the window. "four", written right
      // behind it, is slow on the network: it reaches the server after the window has reset.
      tab.send('three');
      tab.link.hold();
      tab.send('four');
      await waitUntil('"three" is refused for now', () => tab.store.getState().error?.code === 'RATE_LIMIT' && tab.message('three')?.status === 'queued');
      await sleep(windowEndsBy + 300 - Date.now());
      tab.link.release();

      // The server has answered both: the network drops, and the tab reconnects.
      await waitUntil('"three" and "four" are answered', () => tab.stored('three') && tab.message('four')?.status !== 'sending');
      const fourBeforeTheDrop = tab.message('four')?.status;
      proxy.cut();
      await waitUntil('the tab reconnected and everything is stored', () => tab.sockets === 2 && tab.stored('four') && tab.store.getState().connection.status === 'open');

      const history = z.parse(HistoryResponse, (await httpJson('GET', `/v1/conversations/${conversationId}/messages`)).body);
      const mine = history.messages.filter((m) => m.author.id === signedUp.identity.id).map((m) => m.content);
      expect(mine).toEqual(['one', 'two', 'three', 'four']);
      const shown = tab.store.getState().messages.filter((m) => m.mine).map((m) => m.content);
      expect(shown).toEqual(['one', 'two', 'three', 'four']);
      // "four" waited for "three" (refused until it was stored), and went out again on the new socket.
      expect(fourBeforeTheDrop).toBe('queued');
    } finally {
      tab.close();
    }
  }, 60_000);
});
